package org.mrnn4j.models.io;

import java.util.Arrays;
import java.util.Objects;
import org.mrnn4j.core.DType;

/**
 * One tensor read from a checkpoint: its values as doubles, row-major and contiguous, whatever the
 * strides and storage offset in the file were. Float32 values are widened to double exactly (as are
 * float16 and bfloat16, which report {@link DType#FLOAT32}), so {@code (float) data[i]} recovers
 * the stored value bit for bit.
 *
 * <p>{@code data} is not copied, so that large tensors are not duplicated: treat it as read-only.
 * {@code shape} is copied on the way in and out.
 *
 * @param key the state-dict key, for example {@code rnn.W_rec}
 * @param dtype the precision it was stored in
 * @param shape the dimensions (empty for a scalar)
 * @param data the {@code prod(shape)} values, last index fastest
 */
public record StoredTensor(String key, DType dtype, int[] shape, double[] data) {

  /**
   * @param key the state-dict key, for example {@code rnn.W_rec}
   * @param dtype the precision it was stored in
   * @param shape the dimensions (empty for a scalar)
   * @param data the {@code prod(shape)} values, last index fastest
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if a dimension is negative or {@code data.length} is not
   *     the product of the dimensions
   */
  public StoredTensor {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(dtype, "dtype");
    shape = Objects.requireNonNull(shape, "shape").clone();
    Objects.requireNonNull(data, "data");
    long numel = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor '" + key + "' has a negative dimension: " + Arrays.toString(shape));
      }
      numel *= d;
      if (numel > Integer.MAX_VALUE) {
        numel = -1;
        break;
      }
    }
    if (numel != data.length) {
      throw new IllegalArgumentException("tensor '" + key + "' has shape " + Arrays.toString(shape)
          + " but " + data.length + " values");
    }
  }

  /** {@return a copy of the dimensions} */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** {@return the number of dimensions} */
  public int rank() {
    return shape.length;
  }

  /** {@return the number of values, {@code data().length}} */
  public int numel() {
    return data.length;
  }

  /**
   * The values of a 2-D tensor as rows (a fresh array).
   *
   * @return the tensor as rows (it must be 2-D)
   * @throws IllegalStateException naming the key and shape if the tensor is not 2-D
   */
  public double[][] toMatrix() {
    if (shape.length != 2) {
      throw new IllegalStateException(
          "tensor '" + key + "' has shape " + Arrays.toString(shape) + "; expected a matrix");
    }
    double[][] rows = new double[shape[0]][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOfRange(data, i * shape[1], (i + 1) * shape[1]);
    }
    return rows;
  }

  /** Equal key, dtype, shape and values (compared as {@link Arrays#equals(double[], double[])}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof StoredTensor t && key.equals(t.key) && dtype == t.dtype
        && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
  }

  /** The key, dtype and shape (not the values). */
  @Override
  public String toString() {
    return "StoredTensor[" + key + ", " + dtype + ", shape " + Arrays.toString(shape) + "]";
  }
}
