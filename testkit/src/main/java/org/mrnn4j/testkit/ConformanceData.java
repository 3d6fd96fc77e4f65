package org.mrnn4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the mRNNTorch reference results are: the directory named by the system property
 * {@value #PROPERTY}, else the first {@code shared/conformance} found beside the working directory
 * or one of its parents (the layout of the mrnn4j checkout, whose data lies at
 * {@code ../shared/conformance}). A directory counts when it has a {@code cases/} subdirectory.
 * This is the one lookup every test of the project and the conformance kit use.
 *
 * <p>The data is not in any artifact. When it is absent, {@link #require()} fails the calling test
 * with a message naming where it looked and how to point to it or opt out: the conformance tests
 * never skip silently. Only the system property {@value #SKIP} set to {@code true} turns the
 * failure into a skip, an explicit choice of the person running the build; {@value #REQUIRED} set
 * to {@code true} (as CI sets it) forbids even that.
 */
public final class ConformanceData {
  /** System property naming the conformance directory. */
  public static final String PROPERTY = "mrnn4j.conformance.dir";
  /** System property that, set to {@code true}, skips the tests that need absent data. */
  public static final String SKIP = "mrnn4j.conformance.skip";
  /** System property that, set to {@code true}, fails a missing directory even when skipping. */
  public static final String REQUIRED = "mrnn4j.conformance.required";

  private ConformanceData() {}

  /** {@return the directory, if the property names one or one is found beside the working directory} */
  public static Optional<Path> find() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      if (Files.isDirectory(dir.resolve("cases"))) {
        return Optional.of(dir);
      }
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
   * {@return the directory} Fails the calling test when it is absent, or skips it when
   * {@value #SKIP} is {@code true} and {@value #REQUIRED} is not.
   */
  public static Path require() {
    Optional<Path> dir = find();
    if (dir.isPresent()) {
      return dir.get();
    }
    String message = missing();
    if (Boolean.getBoolean(SKIP) && !Boolean.getBoolean(REQUIRED)) {
      Assumptions.abort(message + "; skipping, as -D" + SKIP + "=true asks");
    }
    throw new AssertionError(message + "; get the data (see docs/conformance.md), or run"
        + " with -D" + SKIP + "=true to skip the tests that need it");
  }

  /** {@return what was looked for and where, for a message} */
  public static String missing() {
    String configured = System.getProperty(PROPERTY);
    String where = "in shared/conformance beside " + Path.of("").toAbsolutePath()
        + " or a parent of it";
    if (configured != null && !configured.isBlank()) {
      where = "at " + Path.of(configured).toAbsolutePath().normalize() + " (-D" + PROPERTY
          + ") nor " + where;
    }
    return "the mRNNTorch conformance data (a directory with cases/) is not " + where
        + "; set -D" + PROPERTY + "=DIR to point to it";
  }

  /** {@return the {@code cases} subdirectory} See {@link #require()}. */
  public static Path cases() {
    return require().resolve("cases");
  }

  /** {@return the {@code flow-fields} subdirectory} See {@link #require()}. */
  public static Path flowFields() {
    return require().resolve("flow-fields");
  }

  /** {@return the {@code checkpoints} subdirectory} See {@link #require()}. */
  public static Path checkpoints() {
    return require().resolve("checkpoints");
  }
}
