package org.mrnn4j.core;

/**
 * A half-open range of unit indices {@code [start, end)}, for example the units of one region.
 *
 * @param start first index, inclusive
 * @param end last index, exclusive
 */
public record IndexRange(int start, int end) {
  /**
   * @param start the first index, inclusive
   * @param end the last index, exclusive
   * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
   */
  public IndexRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "an index range needs 0 <= start <= end, got [" + start + ", " + end + ")");
    }
  }

  /** {@return the number of indices in the range} */
  public int size() {
    return end - start;
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
