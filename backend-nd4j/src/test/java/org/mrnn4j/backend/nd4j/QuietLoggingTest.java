package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.testing.FreshJvm;

/** An application without an SLF4J binding sees no SLF4J warning when ND4J loads. */
class QuietLoggingTest {

  @Test
  void anApplicationWithoutABindingSeesNoSlf4jWarning() throws Exception {
    assumeTrue(new Nd4jBackendProvider().probe().available(), "nd4j cannot run here");
    String cp = FreshJvm.runtimeClasspath() + File.pathSeparator
        + Path.of("target", "test-classes").toAbsolutePath();
    FreshJvm.Result run = FreshJvm.run(cp, QuietLoggingMain.class.getName());
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("nd4j\n", run.stdout());
    assertFalse(run.stderr().contains("SLF4J"), "SLF4J printed:\n" + run.stderr());
  }

  @Test
  void aBindingOnTheClassPathIsLeftAlone() {
    // this JVM has slf4j-simple (a test dependency): nothing may be chosen for it
    String before = System.getProperty(Slf4jDefault.PROVIDER);
    Slf4jDefault.quietWhenUnbound();
    assertEquals(before, System.getProperty(Slf4jDefault.PROVIDER));
    assertNull(before);
  }
}
