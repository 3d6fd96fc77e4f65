package org.mrnn4j.backend.nd4j;

import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.DType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor of the {@link Nd4jBackend}: an ND4J {@link INDArray} in native (off-heap) memory.
 *
 * <p>The array is always C-ordered (row-major), contiguous, and owns its buffer (it is never a view
 * of another tensor's array), so that {@link #close()} can free it at once, or hand a large buffer
 * back to the backend's pool for reuse. A tensor that is never
 * closed is freed by the garbage collector through ND4J's deallocator; off-heap memory counts
 * against JavaCPP's limit {@code org.bytedeco.javacpp.maxphysicalbytes}, not the Java heap.
 */
public final class Nd4jTensor extends AbstractTensor {
  private final INDArray array;

  Nd4jTensor(Nd4jBackend backend, DType dtype, int[] shape, INDArray array) {
    super(backend, dtype, shape);
    this.array = array;
  }

  /**
   * The backing ND4J array, for interoperation with ND4J code. Treat it as read-only, do not
   * close it (the tensor owns it), and do not use it after closing the tensor: its memory may by
   * then belong to another tensor.
   *
   * @return the ND4J array holding this tensor's elements, C-ordered, of this tensor's shape
   * @throws IllegalStateException if the tensor is closed
   */
  public INDArray array() {
    checkOpen();
    return array;
  }

  /** The array without the open check, for the backend, which has checked already. */
  INDArray unchecked() {
    return array;
  }

  @Override
  protected double[] readArray() {
    if (size() == 0) {
      return new double[0];
    }
    // The array is contiguous C order at offset 0, so its buffer is the row-major data.
    return array.data().asDouble();
  }

  @Override
  protected void release() {
    // Large buffers go back to the backend's pool for reuse; views, workspace-attached and empty
    // arrays cannot be closed, and the GC frees those.
    ((Nd4jBackend) backend()).pool().release(array);
  }
}
