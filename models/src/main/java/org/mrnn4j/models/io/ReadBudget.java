package org.mrnn4j.models.io;

/**
 * How much memory reading one file may allocate, in proportion to the file: at most
 * {@value #FACTOR} times its size plus {@value #ALLOWANCE_MIB} MiB. Every reader of untrusted
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
  private long spent;

  private ReadBudget(Object file, long limit) {
    this.file = file;
    this.limit = limit;
  }

  /** The budget for reading a file of {@code fileBytes} bytes. */
  static ReadBudget forFile(Object file, long fileBytes) {
    long allowance = ALLOWANCE_MIB << 20;
    long limit = fileBytes > (Long.MAX_VALUE - allowance) / FACTOR
        ? Long.MAX_VALUE : fileBytes * FACTOR + allowance;
    return new ReadBudget(file, limit);
  }

  /** A budget of exactly {@code limit} bytes, for tests. */
  static ReadBudget of(Object file, long limit) {
    return new ReadBudget(file, limit);
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
          + " bytes of memory to read (" + what + "; " + spent + " already spent): this reader "
          + "allocates at most " + FACTOR + " times the file's size plus " + ALLOWANCE_MIB
          + " MiB, and a file that expands further is malformed or hostile (a zip bomb, a pickle "
          + "or JSON document amplified by repetition)");
    }
    spent += bytes;
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
