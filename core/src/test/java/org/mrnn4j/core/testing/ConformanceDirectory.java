package org.mrnn4j.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where tests find the mRNNTorch reference results ({@code ../shared/conformance} beside the
 * checkout, or the directory named by the system property {@value #PROPERTY}).
 *
 * <p>Tests that need the data call {@link #require()}: it skips the test with a message naming the
 * directory looked for, unless the system property {@value #REQUIRED} is {@code true} (as CI sets
 * it), in which case a missing directory fails the test.
 */
public final class ConformanceDirectory {
  /** System property naming the conformance directory. */
  public static final String PROPERTY = "mrnn4j.conformance.dir";
  /** System property that turns a missing directory from a skip into a failure. */
  public static final String REQUIRED = "mrnn4j.conformance.required";

  private ConformanceDirectory() {}

  /** The directory looked for (which may not exist). */
  public static Path location() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured).toAbsolutePath().normalize();
    }
    // Tests run in a module directory; the data lies beside the repository root.
    return Paths.get("..", "..", "shared", "conformance").toAbsolutePath().normalize();
  }

  /** The directory, if it holds the cases. */
  public static Optional<Path> find() {
    Path dir = location();
    return Files.isDirectory(dir.resolve("cases")) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * The directory; skips the calling test when it is absent (fails when {@value #REQUIRED} is set).
   */
  public static Path require() {
    Optional<Path> dir = find();
    if (dir.isEmpty()) {
      String message = "the mRNNTorch conformance data is not at " + location()
          + " (set -D" + PROPERTY + "=DIR to point elsewhere)";
      if (Boolean.getBoolean(REQUIRED)) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message + "; skipping");
    }
    return dir.get();
  }

  /** The {@code cases} subdirectory; see {@link #require()}. */
  public static Path cases() {
    return require().resolve("cases");
  }

  /** The {@code flow-fields} subdirectory; see {@link #require()}. */
  public static Path flowFields() {
    return require().resolve("flow-fields");
  }

  /** The {@code checkpoints} subdirectory; see {@link #require()}. */
  public static Path checkpoints() {
    return require().resolve("checkpoints");
  }
}
