package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;

/**
 * The kit never passes silently: run as an outside author's build runs it, in a working directory
 * with no {@code shared/conformance} above it, it fails naming the opt-out; with
 * {@code -Dmrnn4j.conformance.skip=true} its two tests are skipped; {@code
 * -Dmrnn4j.conformance.required=true} (CI) fails even then. Each run is a fresh JVM started in such
 * a directory, which runs {@link EjmlKit} through the JUnit engine and prints the outcome.
 */
class KitWithoutDataTest {
  private static Path outside;

  /** An author's kit test, on the EJML backend. */
  static class EjmlKit extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
      return Backends.select("ejml");
    }
  }

  @BeforeAll
  static void outsideAnyCheckout() throws IOException {
    // java.io.tmpdir is the module's target/ in this build, beside the data: use the system's
    Path base = Path.of(System.getenv().getOrDefault("TMPDIR", "/tmp"));
    outside = Files.createTempDirectory(base, "mrnn4j-kit-");
    for (Path p = outside; p != null; p = p.getParent()) {
      assertFalse(Files.isDirectory(p.resolve("shared/conformance/cases")),
          "this test needs a directory with no shared/conformance above it; " + p + " has one");
    }
  }

  @AfterAll
  static void removeIt() throws IOException {
    Files.deleteIfExists(outside);
  }

  /**
   * Runs {@link EjmlKit} and prints one line of counts, then each failure or skip message.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(EjmlKit.class))
        .execute().testEvents();
    System.out.println("succeeded=" + tests.succeeded().count() + " failed="
        + tests.failed().count() + " skipped=" + (tests.aborted().count() + tests.skipped().count()));
    tests.failed().stream().forEach(e -> System.out.println("FAILED " + message(e)));
    tests.aborted().stream().forEach(e -> System.out.println("SKIPPED " + message(e)));
  }

  private static String message(org.junit.platform.testkit.engine.Event e) {
    return e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
        .map(Throwable::getMessage).orElse("(no message)");
  }

  private static String run(String... properties) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dmrnn4j.conformance.dir=" + outside.resolve("nowhere"));
    command.addAll(List.of(properties));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KitWithoutDataTest.class.getName());
    Path out = outside.resolve("out.txt");
    Process p = new ProcessBuilder(command).directory(outside.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the kit's run did not end in 120 s");
    String text = Files.readString(out);
    Files.delete(out);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void withoutTheDataTheKitFailsNamingTheOptOut() throws Exception {
    String out = run();
    assertTrue(out.contains("succeeded=0 failed=2 skipped=0"), out);
    assertTrue(out.contains("FAILED the mRNNTorch conformance data (a directory with cases/) is not"
        + " at " + outside.resolve("nowhere")), out);
    assertTrue(out.contains("-Dmrnn4j.conformance.skip=true to skip"), out);
  }

  @Test
  void theOptOutSkipsWithTheSameMessage() throws Exception {
    String out = run("-Dmrnn4j.conformance.skip=true");
    assertTrue(out.contains("succeeded=0 failed=0 skipped=2"), out);
    assertTrue(out.contains("SKIPPED the mRNNTorch conformance data"), out);
    assertTrue(out.contains("as -Dmrnn4j.conformance.skip=true asks"), out);
  }

  @Test
  void requiredWinsOverTheOptOut() throws Exception {
    String out = run("-Dmrnn4j.conformance.skip=true", "-Dmrnn4j.conformance.required=true");
    assertTrue(out.contains("succeeded=0 failed=2 skipped=0"), out);
  }
}
