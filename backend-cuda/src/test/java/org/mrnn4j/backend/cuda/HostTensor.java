package org.mrnn4j.backend.cuda;

import java.util.Arrays;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;

/** A plain array with a shape, standing for an operand when kernels run on the CPU. */
final class HostTensor implements Tensor {
  final double[] data;
  private final int[] shape;

  HostTensor(double[] data, int... shape) {
    this.data = data;
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
    return DType.FLOAT64;
  }

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

  @Override
  public void close() {}
}
