package org.mrnn4j.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Base class for backend tensors: keeps the shape, dtype and owner, and makes {@link #close()}
 * idempotent and thread-safe. Subclasses implement {@link #readArray()} and, if they hold native
 * or device memory, {@link #release()}.
 */
public abstract class AbstractTensor implements Tensor {
  private final Backend backend;
  private final DType dtype;
  private final int[] shape;
  private final int size;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param backend the owning backend
   * @param dtype the element type
   * @param shape the shape (copied)
   */
  protected AbstractTensor(Backend backend, DType dtype, int[] shape) {
    this.backend = backend;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.size = Shapes.elementCount(shape);
  }

  @Override
  public final int[] shape() {
    return shape.clone();
  }

  @Override
  public final int rank() {
    return shape.length;
  }

  @Override
  public final int dim(int axis) {
    if (axis < 0 || axis >= shape.length) {
      throw new IndexOutOfBoundsException(
          "axis " + axis + " is outside a tensor of shape " + Shapes.format(shape));
    }
    return shape[axis];
  }

  @Override
  public final long size() {
    return size;
  }

  @Override
  public final DType dtype() {
    return dtype;
  }

  @Override
  public final Backend backend() {
    return backend;
  }

  @Override
  public final double[] toArray() {
    checkOpen();
    return readArray();
  }

  /** Copies the elements, row-major, into a new array. Called only while the tensor is open. */
  protected abstract double[] readArray();

  /** Frees native or device storage. Called exactly once, by the first {@link #close()}. */
  protected void release() {}

  @Override
  public final boolean isClosed() {
    return closed.get();
  }

  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }

  /**
   * Throws if this tensor has been closed.
   *
   * @throws IllegalStateException naming the tensor
   */
  public final void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the " + this + " has been closed and can no longer be used");
    }
  }

  @Override
  public String toString() {
    return "tensor " + Shapes.format(shape) + " " + dtype + " on " + backend.name();
  }
}
