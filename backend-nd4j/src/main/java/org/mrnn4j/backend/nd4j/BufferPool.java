package org.mrnn4j.backend.nd4j;

import java.util.ArrayDeque;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps the native buffers of closed large tensors for reuse by new ones of the same dtype and
 * length, up to a byte budget.
 *
 * <p>Why: a fresh large native allocation is mapped from the operating system page by page on
 * first touch. For a simulation's outputs ({@code 64 x 100 x 512} doubles, 26 MB each) those page
 * faults cost more than the arithmetic: measured here, 14 ms to create one such array against
 * 1.3 ms for a reused one, in a 100 ms simulation. The C allocator returns such blocks to the
 * system on free, so the next call pays again; this pool keeps them instead (as PyTorch's
 * caching allocators do). Buffers below {@link #MIN_BYTES} are left to the C allocator, which
 * recycles small blocks itself.
 *
 * <p>Only buffers of closed tensors enter the pool, and a buffer leaves it for exactly one new
 * array, so a buffer is never shared. When the budget is exceeded the oldest buffers are freed.
 * Thread-safe.
 */
final class BufferPool {
  /** Buffers smaller than this are not pooled. */
  static final long MIN_BYTES = 1L << 20;

  private final long budgetBytes;
  /** After {@link #clear()} (the backend closed), released buffers are freed, not kept. */
  private boolean cleared;
  private final ArrayDeque<DataBuffer> free = new ArrayDeque<>(); // oldest first
  private long heldBytes;

  /** @param budgetBytes the most bytes kept; 0 disables pooling */
  BufferPool(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The byte budget. */
  long budgetBytes() {
    return budgetBytes;
  }

  /** The bytes held now. */
  synchronized long heldBytes() {
    return heldBytes;
  }

  /**
   * A new C-ordered array of {@code shape} with undefined contents: a pooled buffer of the right
   * dtype and length if one is free, else a fresh allocation.
   */
  INDArray uninitialized(DataType type, long[] shape) {
    long length = 1;
    for (long d : shape) {
      length *= d;
    }
    DataBuffer buffer = length * type.width() >= MIN_BYTES ? take(type, length) : null;
    if (buffer == null) {
      return Nd4j.createUninitialized(type, shape, 'c');
    }
    return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
  }

  /**
   * Frees {@code array} or keeps its buffer: kept when it is large, owns its whole buffer, and
   * fits the budget after freeing older buffers.
   */
  void release(INDArray array) {
    if (!array.closeable()) {
      return; // views and workspace arrays: the garbage collector frees them
    }
    DataBuffer buffer = array.data();
    long bytes = buffer.length() * buffer.getElementSize();
    if (budgetBytes == 0 || bytes < MIN_BYTES || bytes > budgetBytes || array.isView()
        || array.length() != buffer.length()) {
      array.close();
      return;
    }
    synchronized (this) {
      if (cleared) {
        array.close();
        return;
      }
      free.addLast(buffer);
      heldBytes += bytes;
      while (heldBytes > budgetBytes) {
        DataBuffer oldest = free.removeFirst();
        heldBytes -= oldest.length() * oldest.getElementSize();
        oldest.close();
      }
    }
  }

  /** Frees every pooled buffer; buffers released later are freed at once. */
  synchronized void clear() {
    cleared = true;
    for (DataBuffer b : free) {
      b.close();
    }
    free.clear();
    heldBytes = 0;
  }

  private synchronized DataBuffer take(DataType type, long length) {
    // newest first: the most recently used memory is the likeliest to be in cache
    for (Iterator<DataBuffer> it = free.descendingIterator(); it.hasNext(); ) {
      DataBuffer b = it.next();
      if (b.dataType() == type && b.length() == length) {
        it.remove();
        heldBytes -= length * b.getElementSize();
        return b;
      }
    }
    return null;
  }
}
