package org.mrnn4j.analysis.regions;

import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.dynamics.UnitLayout;

/**
 * The leaf regions of a linearization as ranges of its <em>linearized</em> units (positions
 * {@code 0..d-1} of the Jacobian's rows and columns), in the model's order.
 *
 * @param names the leaf regions' names
 * @param ranges each region's positions among the linearized units, contiguous, in order
 */
public record RegionPartition(List<String> names, List<IndexRange> ranges) {

  /**
   * @param names the names
   * @param ranges the ranges, one per name, covering {@code 0..d-1} in order
   * @throws IllegalArgumentException if the counts differ or the ranges leave gaps
   */
  public RegionPartition {
    names = List.copyOf(names);
    ranges = List.copyOf(ranges);
    if (names.size() != ranges.size()) {
      throw new IllegalArgumentException(
          names.size() + " region names for " + ranges.size() + " ranges");
    }
    int at = 0;
    for (IndexRange r : ranges) {
      if (r.start() != at) {
        throw new IllegalArgumentException("the region ranges must tile the units in order; "
            + r + " starts at " + r.start() + ", expected " + at);
      }
      at = r.end();
    }
  }

  /**
   * {@return the partition of {@code lin}'s linearized units by its leaf regions}
   *
   * @param lin the linearization
   */
  public static RegionPartition of(Linearization lin) {
    UnitLayout layout = lin.model().layout();
    List<IndexRange> out = new ArrayList<>();
    int at = 0;
    for (String name : lin.regions()) {
      int size = layout.recurrentRange(name).size();
      out.add(new IndexRange(at, at + size));
      at += size;
    }
    if (at != lin.size()) {
      throw new IllegalStateException("the regions " + lin.regions() + " hold " + at
          + " units, the linearization " + lin.size());
    }
    return new RegionPartition(lin.regions(), out);
  }

  /** {@return the number of regions} */
  public int size() {
    return names.size();
  }

  /** {@return the number of units {@code d}} */
  public int units() {
    return ranges.isEmpty() ? 0 : ranges.get(ranges.size() - 1).end();
  }

  /** {@return the region of each unit: {@code regionOf()[i]} is the index of unit i's region} */
  public int[] regionOf() {
    int[] out = new int[units()];
    for (int r = 0; r < ranges.size(); r++) {
      for (int i = ranges.get(r).start(); i < ranges.get(r).end(); i++) {
        out[i] = r;
      }
    }
    return out;
  }
}
