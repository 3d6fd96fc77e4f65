package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mrnn4j.core.testing.Documentation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Writing a backend" shows the files of {@code examples/minimal-backend} (which the
 * build compiles and tests); each block marked {@code <!-- README file: PATH -->} must be that
 * file exactly, so the walkthrough cannot drift from the module that proves it works.
 */
class ReadmeWalkthroughTest {
  private static final Pattern BLOCK = Pattern.compile(
      "<!-- README file: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```\\n", Pattern.DOTALL);

  @Test
  void everyFileShownIsTheModulesFileVerbatim() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Documentation.text(root);
    Matcher m = BLOCK.matcher(readme);
    List<String> shown = new ArrayList<>();
    while (m.find()) {
      Path file = root.resolve(m.group(1));
      assertTrue(Files.isRegularFile(file), "the README shows " + m.group(1) + ", which does not"
          + " exist");
      assertEquals(Files.readString(file).stripTrailing(), m.group(2),
          "the README's copy of " + m.group(1) + " differs from the file");
      shown.add(m.group(1));
    }
    int markers = readme.split("<!-- README file: ", -1).length - 1;
    assertEquals(markers, shown.size(), "a README file marker is not followed by a code block");
    for (String required : List.of("pom.xml", "MinimalBackend.java", "MinimalTensor.java",
        "MinimalBackendProvider.java", "org.mrnn4j.core.spi.BackendProvider",
        "MinimalContractTest.java", "MinimalConformanceTest.java")) {
      assertTrue(shown.stream().anyMatch(s -> s.endsWith("/" + required)),
          "the walkthrough does not show " + required + " (shown: " + shown + ")");
    }
  }
}
