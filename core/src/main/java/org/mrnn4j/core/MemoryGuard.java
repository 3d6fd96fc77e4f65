package org.mrnn4j.core;

import java.util.Locale;

/**
 * Refuses work whose memory cannot fit before anything is allocated, with the sizes in the
 * message, instead of an {@link OutOfMemoryError} half-way through (or a machine swapping).
 *
 * <p>The check is against the JVM's maximum heap ({@code -Xmx}; by default a quarter of the
 * machine's memory): work that needs more than all of it can never succeed, whatever the
 * garbage collector frees. Work that fits the maximum may still fail if the heap is full of live
 * data; that is the JVM's ordinary {@link OutOfMemoryError}.
 */
public final class MemoryGuard {
  private MemoryGuard() {}

  /** Bytes in a gibibyte. */
  private static final double GIB = 1024.0 * 1024 * 1024;

  /**
   * Throws unless {@code bytes} fit the maximum heap.
   *
   * @param what the work, for the message, e.g. "building the weights of a 30000-unit network"
   * @param bytes what it needs on the heap
   * @param detail how {@code bytes} was counted, for the message
   * @param remedy what to do instead, for the message (may be empty)
   * @throws TooLargeException if {@code bytes} exceed the maximum heap
   */
  public static void requireHeap(String what, long bytes, String detail, String remedy) {
    long max = Runtime.getRuntime().maxMemory();
    if (max != Long.MAX_VALUE && bytes > max) {
      throw new TooLargeException(String.format(Locale.ROOT,
          "%s needs about %.1f GiB of heap (%s), more than this JVM's maximum heap of %.1f GiB"
              + " (-Xmx)%s", what, bytes / GIB, detail, max / GIB,
          remedy.isEmpty() ? "" : "; " + remedy));
    }
  }

  /**
   * {@return {@code copies} square float64 matrices of order {@code n}, in bytes (no overflow)}
   *
   * @param copies the number of matrices
   * @param n their order
   */
  public static long squareMatrices(int copies, long n) {
    return copies * n * n * Double.BYTES;
  }

  /** Thrown when work cannot fit the memory there is; the message gives the sizes. */
  public static final class TooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
