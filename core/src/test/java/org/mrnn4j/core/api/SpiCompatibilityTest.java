package org.mrnn4j.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.RecurrentDynamics;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Fails the build on an unrecorded change to the public SPI: {@code Backend}, {@code
 * AbstractBackend} (its public operations and protected hooks), {@code Tensor}, {@code
 * AbstractTensor}, {@code BackendProvider}, every public type of {@code org.mrnn4j.core.dynamics}
 * (the model SPI), and every core type their signatures mention. The listing ({@link
 * SpiSignatures}) is compared with the committed {@code core/api/mrnn4j-core-spi.api}; a deliberate
 * change is recorded by running the build with {@code -Dmrnn4j.api.update=true}, which rewrites
 * the file, so that the change shows in review beside its {@code CHANGELOG.md} entry.
 */
class SpiCompatibilityTest {
  static final String UPDATE_PROPERTY = "mrnn4j.api.update";
  static final String RECORD_COMMAND =
      "mvn -B verify -pl core -Dtest=SpiCompatibilityTest -Dmrnn4j.api.update=true";

  private static Path apiFile() {
    return Path.of(System.getProperty("basedir", ".")).resolve("api/mrnn4j-core-spi.api");
  }

  static List<Class<?>> roots() throws IOException, URISyntaxException {
    List<Class<?>> roots = new ArrayList<>(List.of(
        Backend.class, AbstractBackend.class, Tensor.class, AbstractTensor.class,
        BackendProvider.class));
    // every public type of the model SPI's package, so that a new one is listed too
    Path classes = Path.of(
        RecurrentDynamics.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = RecurrentDynamics.class.getPackageName();
    try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
      for (String f : files.map(p -> p.getFileName().toString()).sorted().toList()) {
        if (f.endsWith(".class") && !f.contains("$") && !f.equals("package-info.class")) {
          try {
            roots.add(Class.forName(pkg + "." + f.substring(0, f.length() - 6)));
          } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return roots;
  }

  @Test
  void publicSpiMatchesTheRecordedSignatures() throws Exception {
    String actual = SpiSignatures.listing(roots());
    Path file = apiFile();
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      System.out.println("recorded the SPI's signatures in " + file);
      return;
    }
    if (!Files.exists(file)) {
      fail("no recorded SPI signatures at " + file + ": record them with " + RECORD_COMMAND);
    }
    String expected = Files.readString(file, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      fail(describe(expected, actual, file));
    }
  }

  /** What changed, as removed and added signatures, with how to record a deliberate change. */
  static String describe(String expected, String actual, Path file) {
    TreeSet<String> before = qualified(expected);
    TreeSet<String> after = qualified(actual);
    StringBuilder s = new StringBuilder("the public SPI of mrnn4j-core differs from the recorded ")
        .append(file).append(":\n");
    for (String l : before) {
      if (!after.contains(l)) {
        s.append("  - ").append(l).append('\n');
      }
    }
    for (String l : after) {
      if (!before.contains(l)) {
        s.append("  + ").append(l).append('\n');
      }
    }
    s.append("('-' recorded but gone or changed: breaks backends or models written against it;")
        .append(" '+' new). If the change is deliberate, record it with\n  ")
        .append(RECORD_COMMAND)
        .append("\nthen commit core/api/mrnn4j-core-spi.api and say what changed for backend and")
        .append(" model authors in CHANGELOG.md.");
    return s.toString();
  }

  /** Each member line prefixed by its type's name; each type header as a line of its own. */
  private static TreeSet<String> qualified(String listing) {
    TreeSet<String> out = new TreeSet<>();
    String type = null;
    for (String line : listing.split("\n")) {
      if (line.isBlank() || line.equals("}")) {
        continue;
      }
      if (!line.startsWith("  ")) {
        String header = line.endsWith(" {") ? line.substring(0, line.length() - 2) : line;
        out.add(header);
        String[] words = header.split(" ");
        type = java.util.Arrays.stream(words).filter(w -> w.startsWith("org.mrnn4j."))
            .findFirst().orElse(header);
        int generic = type.indexOf('<');
        type = generic < 0 ? type : type.substring(0, generic);
      } else {
        out.add(type + ": " + line.strip());
      }
    }
    return out;
  }

  @Test
  void listingPinsHooksGenericsAndModifiers() throws Exception {
    String listing = SpiSignatures.listing(roots());
    assertTrue(listing.contains("  protected abstract org.mrnn4j.core.Tensor doFromArray("
        + "double[], org.mrnn4j.core.DType, int[])\n"), listing);
    assertTrue(listing.contains("  public final java.util.List<org.mrnn4j.core.Eigendecomposition>"
        + " eigBatch(org.mrnn4j.core.Tensor, boolean)\n"), listing);
    assertTrue(listing.contains("  public final org.mrnn4j.core.Tensor reshape("
        + "org.mrnn4j.core.Tensor, int...)\n"), listing);
    assertTrue(listing.contains("  public default org.mrnn4j.core.Tensor activate("
        + "org.mrnn4j.core.Activation, double, org.mrnn4j.core.Tensor)\n"), listing);
    // a value type reached through a signature, and a nested type of a listed one
    assertTrue(listing.contains("org.mrnn4j.core.JacobianSpec"), listing);
    assertTrue(listing.contains("protected static final class org.mrnn4j.core.AbstractBackend$Hold"),
        listing);
    // private machinery is not API
    assertFalse(listing.contains("composedRecurrence"), listing);
  }

  @Test
  void aRenamedHookIsReportedAsRemovedAndAdded() {
    String before = "public abstract class org.mrnn4j.core.AbstractBackend {\n"
        + "  protected org.mrnn4j.core.Tensor doScale(org.mrnn4j.core.Tensor, double)\n}\n";
    String after = before.replace("doScale", "doScaled");
    String message = describe(before, after, Path.of("api.api"));
    assertTrue(message.contains("  - org.mrnn4j.core.AbstractBackend: protected"
        + " org.mrnn4j.core.Tensor doScale(org.mrnn4j.core.Tensor, double)\n"), message);
    assertTrue(message.contains("  + org.mrnn4j.core.AbstractBackend: protected"
        + " org.mrnn4j.core.Tensor doScaled(org.mrnn4j.core.Tensor, double)\n"), message);
    assertTrue(message.contains("-Dmrnn4j.api.update=true"), message);
    assertEquals(2, message.lines().filter(l -> l.startsWith("  -") || l.startsWith("  +"))
        .count(), message);
  }
}
