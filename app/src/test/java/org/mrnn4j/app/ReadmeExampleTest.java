package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.testing.Documentation;
import org.mrnn4j.core.testing.FreshJvm;

/**
 * The README's library example, compiled and run as its reader would: the class exactly as the
 * README shows it, on this module's runtime class path alone (what an application depending on
 * {@code mrnn4j-app} gets), printing exactly the output the README shows, and nothing on
 * standard error.
 */
class ReadmeExampleTest {
  static final String MARKER = "<!-- README example: Example.java -->";

  @Test
  void compilesAndPrintsWhatTheReadmeSays(@TempDir Path dir) throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> lines = Documentation.text(root).lines().toList();
    int at = lines.indexOf(MARKER);
    assertTrue(at >= 0, "no page of the documentation (" + Documentation.pages(root)
        + ") has a line " + MARKER);
    String code = block(lines, at, "```java");
    String expected = block(lines, at, "```text");

    Files.writeString(dir.resolve("Example.java"), code);
    String classpath = FreshJvm.runtimeClasspath();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = javac.getTask(diagnostics, null, null,
        List.of("-cp", classpath, "-d", dir.toString(), "-Xlint:all", "-Werror"), null,
        javac.getStandardFileManager(null, null, null)
            .getJavaFileObjects(dir.resolve("Example.java")))
        .call();
    assertTrue(compiled, "the README's example does not compile:\n" + diagnostics);

    FreshJvm.Result run = FreshJvm.run(classpath + java.io.File.pathSeparator + dir, "Example");
    assertEquals(0, run.exitCode(), "the README's example failed:\n" + run.stderr());
    assertEquals(expected, run.stdout(), "the README shows other output than the example prints");
    assertEquals("", run.stderr(), "the example printed to standard error");
  }

  /** The body of the first fenced block opening with {@code fence} after line {@code from}. */
  private static String block(List<String> lines, int from, String fence) {
    int open = from;
    while (open < lines.size() && !lines.get(open).equals(fence)) {
      open++;
    }
    assertTrue(open < lines.size(), "no " + fence + " block after " + MARKER);
    StringBuilder out = new StringBuilder();
    for (int k = open + 1; k < lines.size() && !lines.get(k).equals("```"); k++) {
      out.append(lines.get(k)).append('\n');
    }
    return out.toString();
  }
}
