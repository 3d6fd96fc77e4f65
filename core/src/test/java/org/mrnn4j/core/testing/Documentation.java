package org.mrnn4j.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's documentation pages, for the tests that check their code and commands: the
 * README, every page under {@code docs/}, and {@code benchmarks/README.md}.
 */
public final class Documentation {
  private Documentation() {}

  /**
   * {@return the pages, README first, then docs/ in name order, then the benchmarks' README}
   *
   * @param root the repository root
   */
  public static List<Path> pages(Path root) {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> s = Files.walk(docs)) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path bench = root.resolve("benchmarks").resolve("README.md");
    if (Files.isRegularFile(bench)) {
      pages.add(bench);
    }
    return pages;
  }

  /**
   * {@return every page's text, one after the other, each ending with a newline}
   *
   * @param root the repository root
   */
  public static String text(Path root) {
    StringBuilder sb = new StringBuilder();
    for (Path p : pages(root)) {
      try {
        String t = Files.readString(p, StandardCharsets.UTF_8);
        sb.append(t).append(t.endsWith("\n") ? "" : "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sb.toString();
  }
}
