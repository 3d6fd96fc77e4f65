package org.mrnn4j.examples.minimal;

import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.DType;

/** A float64 tensor on the Java heap: its elements, row-major. */
final class MinimalTensor extends AbstractTensor {
  /** The elements, row-major; never changed after creation (every operation makes a new tensor). */
  final double[] data;

  MinimalTensor(MinimalBackend backend, double[] data, int[] shape) {
    super(backend, DType.FLOAT64, shape);
    this.data = data;
  }

  @Override
  protected double[] readArray() {
    return data.clone();
  }
}
