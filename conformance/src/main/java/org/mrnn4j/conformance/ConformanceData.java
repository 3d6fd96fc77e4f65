package org.mrnn4j.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the mRNNTorch reference results are: the directory named by the system property
 * {@value #PROPERTY}, else the first {@code shared/conformance} found beside the working directory
 * or one of its parents (the layout of the mrnn4j checkout, whose data lies at
 * {@code ../shared/conformance}). A directory counts when it has a {@code cases/} subdirectory.
 *
 * <p>When the data is absent, {@link #require()} skips the calling test with a message naming
 * where it looked, unless the system property {@value #REQUIRED} is {@code true} (as CI sets it),
 * when it fails instead, so that the conformance tests never skip silently there.
 */
public final class ConformanceData {
  /** System property naming the conformance directory. */
  public static final String PROPERTY = "mrnn4j.conformance.dir";
  /** System property that turns a missing directory from a skip into a failure. */
  public static final String REQUIRED = "mrnn4j.conformance.required";

  private ConformanceData() {}

  /** {@return the directory, if the property names one or one is found beside the working directory} */
  public static Optional<Path> find() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      return Files.isDirectory(dir.resolve("cases")) ? Optional.of(dir) : Optional.empty();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path dir = p.resolve("shared").resolve("conformance");
      if (Files.isDirectory(dir.resolve("cases"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the directory} Skips the calling test when it is absent, or fails it when
   * {@value #REQUIRED} is {@code true}.
   */
  public static Path require() {
    Optional<Path> dir = find();
    if (dir.isPresent()) {
      return dir.get();
    }
    String configured = System.getProperty(PROPERTY);
    String where = configured != null && !configured.isBlank()
        ? "at " + Path.of(configured).toAbsolutePath().normalize() + " (-D" + PROPERTY + ")"
        : "in shared/conformance beside " + Path.of("").toAbsolutePath() + " or a parent of it";
    String message = "the mRNNTorch conformance data (a directory with cases/) is not " + where
        + "; set -D" + PROPERTY + "=DIR to point to it";
    if (Boolean.getBoolean(REQUIRED)) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message + "; skipping");
    throw new AssertionError("unreachable");
  }
}
