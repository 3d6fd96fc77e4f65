package org.mrnn4j.conformance;

import java.util.Arrays;
import java.util.Objects;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;

/**
 * A dense array read from a case file (nested JSON lists): its shape and its values, row-major.
 * Immutable: accessors return copies.
 *
 * @param shape the dimensions
 * @param data the values, last index fastest
 */
public record NumericArray(int[] shape, double[] data) {

  /**
   * @param shape the dimensions
   * @param data the values, last index fastest
   * @throws IllegalArgumentException if the data do not fill the shape
   */
  public NumericArray {
    shape = Objects.requireNonNull(shape, "shape").clone();
    data = Objects.requireNonNull(data, "data").clone();
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          data.length + " values do not fill shape " + Arrays.toString(shape));
    }
  }

  /** {@return a copy of the shape} */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** {@return a copy of the values} */
  @Override
  public double[] data() {
    return data.clone();
  }

  /** {@return the number of dimensions} */
  public int rank() {
    return shape.length;
  }

  /**
   * {@return the size of dimension {@code axis}}
   *
   * @param axis the axis, from 0
   */
  public int dim(int axis) {
    return shape[axis];
  }

  /**
   * A matrix of rows. @throws IllegalStateException unless of rank 2
   *
   * @return the array as rows (it must be 2-D)
   */
  public double[][] matrix() {
    if (shape.length != 2) {
      throw new IllegalStateException("not a matrix: shape " + Shapes.format(shape));
    }
    double[][] out = new double[shape[0]][];
    for (int r = 0; r < shape[0]; r++) {
      out[r] = Arrays.copyOfRange(data, r * shape[1], (r + 1) * shape[1]);
    }
    return out;
  }

  /**
   * The values of a vector. @throws IllegalStateException unless of rank 1
   *
   * @return the values (it must be 1-D)
   */
  public double[] vector() {
    if (shape.length != 1) {
      throw new IllegalStateException("not a vector: shape " + Shapes.format(shape));
    }
    return data.clone();
  }

  /**
   * {@return a float64 tensor of this array on {@code backend}; the caller owns it}
   *
   * @param backend the backend to hold it
   */
  public Tensor toTensor(Backend backend) {
    return backend.fromArray(data, shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumericArray a && Arrays.equals(shape, a.shape)
        && Arrays.equals(data, a.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NumericArray" + Shapes.format(shape);
  }
}
