package org.mrnn4j.core.dynamics;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/**
 * Where a model's units lie, as the analyses need it: named regions of the recurrent state
 * {@code [0, N)} (leaves, and groups of them that may also be named), and the input size.
 * Region lists given to the methods may be in any order and may name groups; results are in the
 * model's order.
 */
public interface UnitLayout {

  /** {@return N, the number of recurrent units} */
  int numUnits();

  /** {@return I, the number of inputs} */
  int numInputs();

  /** {@return the leaf regions, in the model's order} */
  List<String> recurrentRegionNames();

  /**
   * The units of a leaf region.
   *
   * @param region a leaf recurrent region
   * @return its units' index range
   * @throws IllegalArgumentException naming an unknown region
   */
  IndexRange recurrentRange(String region);

  /**
   * The units of the given regions (empty: all), ascending.
   *
   * @param regions recurrent or parent regions
   * @return their units' indices, in model order
   * @throws IllegalArgumentException naming an unknown region and listing the known ones
   */
  IndexRanges recurrentIndices(Collection<String> regions);

  /**
   * The leaf regions the given ones select (empty: all), in the model's order.
   *
   * @param regions recurrent or parent regions
   * @return the leaf regions, parents expanded in place, duplicates dropped
   * @throws IllegalArgumentException naming an unknown region and listing the known ones
   */
  List<String> expandRegions(Collection<String> regions);

  /**
   * {@return the leaf regions the given ones do not select, in the model's order (none for empty)}
   *
   * @param regions recurrent or parent regions
   */
  List<String> excludedRegions(Collection<String> regions);

  /**
   * {@return one region named {@code name} of {@code units} units, and {@code inputs} inputs}
   *
   * @param name the one region's name
   * @param units its number of units
   * @param inputs the number of inputs
   */
  static UnitLayout single(String name, int units, int inputs) {
    return new SingleRegion(name, units, inputs);
  }
}
