package org.mrnn4j.core;

import java.util.Arrays;

/** Small helpers for shapes, shared by backends so that their messages read the same. */
public final class Shapes {
  private Shapes() {}

  /**
   * {@return formats a shape as {@code [2, 3]}}
   *
   * @param shape the dimensions
   */
  public static String format(int... shape) {
    return Arrays.toString(shape);
  }

  /**
   * The number of elements of {@code shape}.
   *
   * @param shape the dimensions
   * @return the product of the dimensions
   * @throws IllegalArgumentException if a dimension is negative or the count overflows an int
   */
  public static int elementCount(int... shape) {
    if (shape == null || shape.length == 0) {
      throw new IllegalArgumentException("a shape needs at least one dimension, got " + format(shape));
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + format(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "shape " + format(shape) + " has more than 2^31 elements, which no backend supports");
      }
    }
    return (int) n;
  }
}
