package org.mrnn4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered set of disjoint {@link IndexRange}s, ascending: the units of a subset of regions, in
 * the model's region order. The selected indices are numbered consecutively in that order, so the
 * rows of a Jacobian block restricted to these ranges are the ranges' indices one after the other.
 */
public final class IndexRanges {
  private final IndexRange[] ranges;
  private final int size;

  private IndexRanges(IndexRange[] ranges) {
    int total = 0;
    for (int i = 0; i < ranges.length; i++) {
      if (i > 0 && ranges[i].start() < ranges[i - 1].end()) {
        throw new IllegalArgumentException(
            "index ranges must be ascending and disjoint, got " + Arrays.toString(ranges));
      }
      total += ranges[i].size();
    }
    this.ranges = ranges;
    this.size = total;
  }

  /**
   * {@return the single range {@code [0, n)}}
   *
   * @param n the number of indices
   */
  public static IndexRanges all(int n) {
    return new IndexRanges(new IndexRange[] {new IndexRange(0, n)});
  }

  /**
   * {@return the single range {@code [start, end)}}
   *
   * @param start the first index, inclusive
   * @param end the last index, exclusive
   */
  public static IndexRanges of(int start, int end) {
    return new IndexRanges(new IndexRange[] {new IndexRange(start, end)});
  }

  /**
   * The given ranges.
   *
   * @param ranges ascending, disjoint ranges
   * @return the selection of their indices
   * @throws IllegalArgumentException if they are not ascending and disjoint
   */
  public static IndexRanges of(List<IndexRange> ranges) {
    return new IndexRanges(ranges.toArray(new IndexRange[0]));
  }

  /** {@return the ranges, ascending} */
  public List<IndexRange> ranges() {
    return List.of(ranges);
  }

  /** {@return the total number of selected indices} */
  public int size() {
    return size;
  }

  /** {@return whether no index is selected} */
  public boolean isEmpty() {
    return size == 0;
  }

  /** {@return one past the largest selected index (0 when empty)} */
  public int end() {
    return ranges.length == 0 ? 0 : ranges[ranges.length - 1].end();
  }

  /**
   * {@return whether this selects exactly {@code [0, n)}}
   *
   * @param n the number of indices
   */
  public boolean isAll(int n) {
    return size == n && end() == n;
  }

  /** {@return the selected indices, ascending} */
  public int[] toIndices() {
    int[] out = new int[size];
    int k = 0;
    for (IndexRange r : ranges) {
      for (int i = r.start(); i < r.end(); i++) {
        out[k++] = i;
      }
    }
    return out;
  }

  /**
   * The complement within {@code [0, n)}: every index below {@code n} that is not selected.
   *
   * @param n the number of indices
   * @return the indices of {@code [0, n)} not selected
   */
  public IndexRanges complement(int n) {
    List<IndexRange> out = new ArrayList<>();
    int next = 0;
    for (IndexRange r : ranges) {
      if (r.start() > next) {
        out.add(new IndexRange(next, Math.min(r.start(), n)));
      }
      next = Math.max(next, r.end());
    }
    if (next < n) {
      out.add(new IndexRange(next, n));
    }
    return of(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexRanges other && Arrays.equals(ranges, other.ranges);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ranges);
  }

  @Override
  public String toString() {
    return Arrays.toString(ranges);
  }
}
