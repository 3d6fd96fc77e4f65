package org.mrnn4j.testkit.contract;

import java.util.Arrays;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;

/**
 * A tensor of no backend: a plain array with a shape. The contract suite uses it to check that
 * operations refuse another backend's tensor and that {@code copyOf} takes it; a backend's own
 * tests may use it as a host-side operand (the CUDA kernels' CPU emulation does).
 */
public final class HostTensor implements Tensor {
  private final double[] data;
  private final int[] shape;
  private final DType dtype;

  /**
   * A {@link DType#FLOAT64} tensor of {@code shape} holding {@code data} (not copied).
   *
   * @param data the values, row-major
   * @param shape the shape
   */
  public HostTensor(double[] data, int... shape) {
    this(data, DType.FLOAT64, shape);
  }

  /**
   * A tensor of {@code dtype} and {@code shape} holding {@code data} (not copied).
   *
   * @param data the values, row-major
   * @param dtype the element type it reports
   * @param shape the shape
   * @throws IllegalArgumentException if {@code data} does not hold as many values as the shape
   */
  public HostTensor(double[] data, DType dtype, int... shape) {
    this.data = data;
    this.dtype = dtype;
    this.shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public int rank() {
    return shape.length;
  }

  @Override
  public int dim(int axis) {
    return shape[axis];
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  /** Always {@code null}: this tensor belongs to no backend. */
  @Override
  public Backend backend() {
    return null;
  }

  @Override
  public double[] toArray() {
    return data.clone();
  }

  @Override
  public boolean isClosed() {
    return false;
  }

  /** Nothing to free. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "host tensor " + Arrays.toString(shape);
  }
}
