package org.mrnn4j.models.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file (mRNNTorch JSON config, PyTorch checkpoint, or mrnn4j's own format) is malformed or
 * does not fit the model. The message names the file, the entry or field, and what was expected;
 * {@link #file()}, {@link #location()} give them separately.
 *
 * <p>Every reader in this package reports malformed input with this checked exception only (its
 * cause may hold the underlying parser error); I/O failures remain plain {@link IOException}s.
 * The contract is spelled out in the {@linkplain org.mrnn4j.models.io package documentation}.
 */
public class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;
  /** The file, or null. */
  private final String file;
  /** The entry or field, or null. */
  private final String location;
  /** What was wrong. */
  private final String problem;

  /**
   * @param file the file (or a description such as "config stream"); may be null
   * @param location the entry, key or field within it (for example {@code archive/data.pkl} or
   *     {@code recurrent_regions[2].num_units}); may be null
   * @param problem what was wrong and what was expected
   */
  public ModelFormatException(Object file, String location, String problem) {
    this(file, location, problem, null);
  }

  /**
   * As {@link #ModelFormatException(Object, String, String)}, with the underlying cause.
   *
   * @param file the file (or a description); may be null
   * @param location the entry or field within it; may be null
   * @param problem what was wrong and what was expected
   * @param cause the underlying parser error
   */
  public ModelFormatException(Object file, String location, String problem, Throwable cause) {
    super(format(file, location, problem), cause);
    this.file = file == null ? null : file.toString();
    this.location = location;
    this.problem = problem;
  }

  private static String format(Object file, String location, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file instanceof Path p ? p.toString() : file.toString());
    }
    if (location != null && !location.isEmpty()) {
      sb.append(sb.length() > 0 ? ": " : "").append(location);
    }
    if (sb.length() > 0) {
      sb.append(": ");
    }
    return sb.append(problem).toString();
  }

  /** {@return the file, or null} */
  public String file() {
    return file;
  }

  /** {@return the entry or field within the file, or null} */
  public String location() {
    return location;
  }

  /** {@return what was wrong and what was expected: the message without file and location} */
  public String problem() {
    return problem;
  }
}
