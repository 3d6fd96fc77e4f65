package org.mrnn4j.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.DType;

/**
 * A tensor in GPU memory: one contiguous row-major buffer of float64 or float32 elements, freed
 * with {@code cuMemFree} by {@link #close()} (or, at the latest, by closing its backend).
 */
final class CudaTensor extends AbstractTensor {
  private final CudaBackend owner;
  /** The device buffer; null for a tensor without elements (CUDA cannot allocate 0 bytes). */
  private final CUdeviceptr pointer;

  CudaTensor(CudaBackend owner, DType dtype, int[] shape, CUdeviceptr pointer) {
    super(owner, dtype, shape);
    this.owner = owner;
    this.pointer = pointer;
  }

  /** The device buffer, or null when the tensor has no elements. */
  CUdeviceptr pointer() {
    return pointer;
  }

  /** The buffer's size in bytes. */
  long bytes() {
    return size() * dtype().bytes();
  }

  @Override
  protected double[] readArray() {
    return owner.download(this);
  }

  @Override
  protected void release() {
    owner.free(this);
  }
}
