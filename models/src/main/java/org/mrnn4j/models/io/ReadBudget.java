package org.mrnn4j.models.io;

/**
 * How much memory reading one file may allocate, in proportion to the file: at most
 * {@value #FACTOR} times its size plus {@value #ALLOWANCE_MIB} MiB, and at most half the JVM's
 * maximum heap. Every reader of untrusted
 * files charges what it builds (bytes inflated, pickle objects, tensor elements, JSON tree nodes)
 * before it builds it, and refuses the file, naming it and what it was building, once the budget
 * is spent. A legitimate checkpoint needs about three times its size (its float32 storages as
 * doubles); a deflate bomb, a pickle of a million one-byte empty dicts or a JSON array of millions
 * of {@code {}} needs hundreds of times, and is refused before it exhausts the heap.
 *
 * <p>Not thread-safe: one budget per read.
 */
final class ReadBudget {
  /** Bytes that may be allocated per byte of the file. */
  static final long FACTOR = 64;
  /** Allowed for any file, however small. */
  static final long ALLOWANCE_MIB = 16;

  private final Object file;
  private final long limit;
  /** Whether the limit is half the heap rather than the file's multiple. */
  private final boolean heapBound;
  private final long factor;
  private long spent;

  private ReadBudget(Object file, long limit, boolean heapBound, long factor) {
    this.file = file;
    this.limit = limit;
    this.heapBound = heapBound;
    this.factor = factor;
  }

  /**
   * The budget for reading a file of {@code fileBytes} bytes: {@value #FACTOR} times its size
   * plus {@value #ALLOWANCE_MIB} MiB, and never more than half the JVM's maximum heap, so that a
   * file too large for this JVM is refused with a message instead of an {@link OutOfMemoryError}.
   */
  static ReadBudget forFile(Object file, long fileBytes) {
    return forFile(file, fileBytes, FACTOR, Runtime.getRuntime().maxMemory());
  }

  /**
   * The budget for a JSON document: {@value #JSON_FACTOR} times its size (a tree node costs
   * more than its text, but a legitimate document's numbers need under 8 times theirs; an array
   * of {@code {}} needs 32 times), plus the allowance, at most half the heap.
   */
  static ReadBudget forJson(Object file, long documentBytes) {
    return forFile(file, documentBytes, JSON_FACTOR, Runtime.getRuntime().maxMemory());
  }

  /** Bytes of tree that may be built per byte of a JSON document. */
  static final long JSON_FACTOR = 16;

  static ReadBudget forFile(Object file, long fileBytes, long factor, long maxHeap) {
    long allowance = ALLOWANCE_MIB << 20;
    long limit = fileBytes > (Long.MAX_VALUE - allowance) / factor
        ? Long.MAX_VALUE : fileBytes * factor + allowance;
    long heap = maxHeap == Long.MAX_VALUE ? Long.MAX_VALUE : maxHeap / 2;
    return heap < limit ? new ReadBudget(file, heap, true, factor)
        : new ReadBudget(file, limit, false, factor);
  }

  /** A budget of exactly {@code limit} bytes, for tests. */
  static ReadBudget of(Object file, long limit) {
    return new ReadBudget(file, limit, false, FACTOR);
  }

  /**
   * Charges {@code bytes} about to be allocated for {@code what}.
   *
   * @param where the part of the file (entry, key, pickle byte), or null
   * @throws ModelFormatException naming the file, where and what, once the budget is spent
   */
  void charge(long bytes, String where, String what) throws ModelFormatException {
    if (bytes < 0 || bytes > limit - spent) {
      throw new ModelFormatException(file, where, "would need more than " + limit
          + " bytes of memory to read (" + what + "; " + spent + " already spent): " + (heapBound
              ? "more than half of this JVM's maximum heap; if the file is genuine, run with a "
                  + "larger -Xmx (for the command line: MRNN4J_JAVA_OPTS=-Xmx4g)"
              : "this reader allocates at most " + factor + " times the file's size plus "
                  + ALLOWANCE_MIB + " MiB, and a file that expands further is malformed or "
                  + "hostile (a zip bomb, a pickle or JSON document amplified by repetition)"));
    }
    spent += bytes;
  }

  /**
   * Charges {@code bytes} if they fit; returns false, charging nothing, if they do not (the caller
   * then builds its message and calls {@link #charge}). For hot paths that must not build a
   * message per charge.
   */
  boolean tryCharge(long bytes) {
    if (bytes < 0 || bytes > limit - spent) {
      return false;
    }
    spent += bytes;
    return true;
  }

  /** The bytes charged so far. */
  long spent() {
    return spent;
  }

  /** The most that may be charged. */
  long limit() {
    return limit;
  }
}
