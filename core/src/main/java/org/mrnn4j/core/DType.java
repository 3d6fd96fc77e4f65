package org.mrnn4j.core;

/**
 * Element type of a {@link Tensor}. Every backend supports {@link #FLOAT64}; {@link #FLOAT32} is
 * available where the backend reports {@link Capability#FLOAT32}.
 */
public enum DType {
  /** IEEE 754 double precision, the default and the precision of the mRNNTorch reference. */
  FLOAT64("float64", 8),
  /** IEEE 754 single precision, as PyTorch stores most checkpoints. */
  FLOAT32("float32", 4);

  private final String label;
  private final int bytes;

  DType(String label, int bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  /** {@return bytes per element} */
  public int bytes() {
    return bytes;
  }

  /** {@return the PyTorch/NumPy name of this type, for example {@code float64}} */
  public String label() {
    return label;
  }

  /**
   * Parses a PyTorch/NumPy style name ({@code float64}, {@code float32}, {@code double},
   * {@code float}).
   *
   * @param name the PyTorch/NumPy name, for example {@code float32}
   * @return the type of that name
   * @throws IllegalArgumentException naming the accepted names when {@code name} is none of them
   */
  public static DType fromName(String name) {
    if (name != null) {
      switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "float64", "double", "f64" -> {
          return FLOAT64;
        }
        case "float32", "float", "f32" -> {
          return FLOAT32;
        }
        default -> { }
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype '" + name + "': expected float64 (double) or float32 (float)");
  }

  @Override
  public String toString() {
    return label;
  }
}
