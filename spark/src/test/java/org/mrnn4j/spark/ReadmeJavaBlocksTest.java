package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mrnn4j.core.testing.Documentation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README and of {@code docs/} is checked: a block must follow
 * one of three markers, and an unmarked block fails this test.
 *
 * <ul>
 *   <li>{@code <!-- README example: NAME.java -->}: a whole program, compiled and run by
 *       {@code ReadmeExampleTest} (module analysis);
 *   <li>{@code <!-- README file: PATH -->}: a file of the repository, verbatim
 *       ({@code ReadmeWalkthroughTest}), compiled by its own module;
 *   <li>{@code <!-- README snippet -->}, or {@code <!-- README snippet: given TYPE NAME, ... -->}:
 *       compiled here, its leading {@code import} lines as imports and the rest as the body of a
 *       method whose parameters are the given variables (fully qualified types), with
 *       {@code -Xlint:all -Werror}, on the class path an application depending on
 *       {@code mrnn4j-spark} compiles against (compile and provided scope: mrnn4j-spark,
 *       mrnn4j-analysis, mrnn4j-models, mrnn4j-core, mrnn4j-guice, Spark; no backend, which the
 *       README adds at runtime scope). So a snippet shows every import it needs.
 * </ul>
 */
class ReadmeJavaBlocksTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- README snippet(?:: given (.*?))? -->");
  private static final List<String> CHECKED_ELSEWHERE =
      List.of("<!-- README example: ", "<!-- README file: ");

  @Test
  void everyJavaBlockIsMarkedAndEverySnippetCompiles(@TempDir Path dir) throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> pages = Documentation.pages(root);
    List<String> unmarked = new ArrayList<>();
    List<Path> sources = new ArrayList<>();
    for (Path page : pages) {
      String text = Files.readString(page, StandardCharsets.UTF_8);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        String before = text.substring(0, m.start());
        String marker = before.substring(before.lastIndexOf("\n", before.length() - 2) + 1)
            .strip();
        String where = root.relativize(page) + ":" + (before.split("\n", -1).length);
        Matcher snippet = SNIPPET.matcher(marker);
        if (snippet.matches()) {
          String name = "Snippet" + sources.size();
          Path file = dir.resolve(name + ".java");
          Files.writeString(file, source(name, where, snippet.group(1), m.group(1)));
          sources.add(file);
        } else if (CHECKED_ELSEWHERE.stream().noneMatch(marker::startsWith)) {
          unmarked.add(where);
        }
      }
    }
    assertEquals(List.of(), unmarked, "```java blocks without a marker saying how they are"
        + " checked (see this test's Javadoc)");
    assertTrue(sources.size() >= 4, "only " + sources.size() + " snippets found");

    String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Path.of("target", "compile-classpath.txt")).trim();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = javac.getTask(diagnostics, null, null,
        List.of("-cp", classpath, "-d", dir.toString(), "-Xlint:all,-processing", "-Werror"),
        null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(
            sources.toArray(Path[]::new)))
        .call();
    assertTrue(compiled, "a snippet of the docs does not compile (each file's first line says"
        + " where it is):\n" + diagnostics);
  }

  /** A compilation unit: the snippet's imports, then its body in a method of {@code name}. */
  static String source(String name, String where, String given, String block) {
    List<String> lines = List.of(block.split("\n", -1));
    int k = 0;
    StringBuilder imports = new StringBuilder();
    while (k < lines.size() && (lines.get(k).startsWith("import ") || lines.get(k).isBlank())) {
      imports.append(lines.get(k++)).append('\n');
    }
    StringBuilder out = new StringBuilder("// " + where + "\n").append(imports)
        .append("@SuppressWarnings(\"unused\")\nclass ").append(name).append(" {\n")
        .append("  static void snippet(").append(given == null ? "" : given)
        .append(") throws Exception {\n");
    for (String line : lines.subList(k, lines.size())) {
      out.append("    ").append(line).append('\n');
    }
    return out.append("  }\n}\n").toString();
  }
}
