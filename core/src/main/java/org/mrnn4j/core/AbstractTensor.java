package org.mrnn4j.core;

import java.nio.BufferOverflowException;
import java.nio.DoubleBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
  /** The owner's reference (dropped by {@link #close()}) plus one per operation in flight. */
  private final AtomicInteger references = new AtomicInteger(1);

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
    if (backend instanceof AbstractBackend owner) {
      try (AbstractBackend.Hold h = owner.holdForRead(this)) {
        return readArray();
      }
    }
    hold("toArray");
    try {
      return readArray();
    } finally {
      unhold();
    }
  }

  @Override
  public final void copyTo(DoubleBuffer dst) {
    if (dst.remaining() < size()) {
      throw new BufferOverflowException();
    }
    if (backend instanceof AbstractBackend owner) {
      try (AbstractBackend.Hold h = owner.holdForRead(this)) {
        readInto(dst);
        return;
      }
    }
    hold("copyTo");
    try {
      readInto(dst);
    } finally {
      unhold();
    }
  }

  /**
   * Writes the elements, row-major, at {@code dst}'s position (which advances by {@link #size()}).
   * Called only while the tensor is open, with at least {@link #size()} elements remaining in
   * {@code dst}. The default puts {@link #readArray()}; a tensor stored in a host array may put
   * it directly.
   *
   * @param dst the buffer to write into
   */
  protected void readInto(DoubleBuffer dst) {
    dst.put(readArray());
  }

  /**
   * Copies the elements, row-major, into a new array. Called only while the tensor is open.
   *
   * @return a host copy of the elements, row-major
   */
  protected abstract double[] readArray();

  /**
   * Frees native or device storage. Called exactly once: by the first {@link #close()}, or, when
   * operations still hold the tensor then, by the last of them to finish.
   */
  protected void release() {}

  @Override
  public final boolean isClosed() {
    return closed.get() || backend instanceof AbstractBackend owner && owner.isClosed();
  }

  /**
   * Closes the tensor: it can no longer be used as an operand or read. Operations already running
   * on it (in other threads) finish first; its storage is freed when the last one ends.
   */
  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      dropReference();
    }
  }

  /**
   * Holds the storage for one operation (see {@link AbstractBackend#hold}).
   *
   * @throws IllegalStateException naming {@code op} and this tensor if it is closed
   */
  final void hold(String op) {
    while (true) {
      int r = references.get();
      if (r == 0) {
        throw closedError(op);
      }
      if (references.compareAndSet(r, r + 1)) {
        break;
      }
    }
    if (closed.get()) {
      // closed between the check and the hold: this operation must not start
      dropReference();
      throw closedError(op);
    }
  }

  /** Ends a {@link #hold}. */
  final void unhold() {
    dropReference();
  }

  private void dropReference() {
    if (references.decrementAndGet() == 0) {
      release();
    }
  }

  private IllegalStateException closedError(String op) {
    return new IllegalStateException(op + ": the " + this + " has been closed");
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
