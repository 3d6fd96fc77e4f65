package org.mrnn4j.backend.ejml;

import java.nio.DoubleBuffer;
import org.ejml.data.DMatrixRMaj;
import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.DType;

/**
 * A float64 tensor of the {@link EjmlBackend}: a row-major {@code double[]} on the Java heap. The
 * array is never modified after construction, so reshaped views may share it and any number of
 * threads may read it.
 */
public final class EjmlTensor extends AbstractTensor {
  private final double[] data;

  EjmlTensor(EjmlBackend backend, int[] shape, double[] data) {
    super(backend, DType.FLOAT64, shape);
    this.data = data;
  }

  /** The storage itself (not a copy); callers must not modify it. */
  double[] data() {
    return data;
  }

  /** A matrix view of the storage for EJML; callers must not modify it. Rank 2 only. */
  DMatrixRMaj matrix() {
    return DMatrixRMaj.wrap(dim(0), dim(1), data);
  }

  /** One bulk put of the storage itself, without the copy {@link #readArray()} makes. */
  @Override
  protected void readInto(DoubleBuffer dst) {
    dst.put(data, 0, (int) size());
  }

  @Override
  protected double[] readArray() {
    return data.clone();
  }
}
