package org.mrnn4j.core;

import java.nio.DoubleBuffer;

/**
 * A dense array of numbers owned by a {@link Backend}: on the Java heap, in native memory, or on a
 * GPU. Shapes are row-major: a matrix has shape {@code [rows, columns]}, a batch of matrices
 * {@code [batch, rows, columns]}.
 *
 * <p>Operations never modify a tensor; they return new ones. {@link #close()} frees the storage
 * (device memory for GPU backends; a no-op beyond marking the tensor closed on the heap). A closed
 * tensor can no longer be read or used as an operand. Use a {@link TensorScope} to free
 * temporaries deterministically.
 *
 * <p>Tensors are safe to read from several threads at once.
 */
public interface Tensor extends AutoCloseable {

  /** {@return the shape; a fresh copy the caller may modify} */
  int[] shape();

  /** {@return the number of dimensions} */
  int rank();

  /**
   * {@return the size of dimension {@code axis}}
   *
   * @param axis the axis, from 0
   */
  int dim(int axis);

  /** {@return the number of elements (the product of the shape)} */
  long size();

  /** {@return the element type} */
  DType dtype();

  /** {@return the backend that owns this tensor and computes with it} */
  Backend backend();

  /**
   * Copies the elements to a new Java array in row-major order, converting float32 to double.
   *
   * @return a host copy of the elements, row-major, as float64
   * @throws IllegalStateException if the tensor is closed, or the backend that made it is
   */
  double[] toArray();

  /**
   * Copies the elements into {@code dst} in row-major order, converting float32 to double: the
   * same values as {@link #toArray()}, written at {@code dst}'s position, which advances by
   * {@link #size()}. Lets a caller fill memory it owns (for example a direct buffer over a NumPy
   * array) without an intermediate array. The default puts {@link #toArray()}; a backend whose
   * storage is a host {@code double[]} may write it in one bulk put.
   *
   * @param dst the buffer to write into, with at least {@link #size()} elements remaining
   * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #size()}
   *     elements remaining (nothing is written)
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   * @throws IllegalStateException if the tensor is closed, or the backend that made it is
   */
  default void copyTo(DoubleBuffer dst) {
    dst.put(toArray());
  }

  /**
   * Copies a rank-2 tensor to a new array of rows.
   *
   * @return a host copy of a matrix, one array per row
   * @throws IllegalStateException if the tensor is closed or is not of rank 2
   */
  default double[][] toMatrix() {
    if (rank() != 2) {
      throw new IllegalStateException(
          "toMatrix() needs a rank-2 tensor, but this one has shape " + Shapes.format(shape()));
    }
    int rows = dim(0);
    int cols = dim(1);
    double[] flat = toArray();
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }

  /**
   * {@return whether {@link #close()} has been called, or the backend that made the tensor has
   *     been closed (which closes its tensors)}
   */
  boolean isClosed();

  /** Frees the tensor's storage. Idempotent; never throws. */
  @Override
  void close();
}
