package org.mrnn4j.core.dynamics;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/** {@link UnitLayout#single}: a model whose units form one region. */
record SingleRegion(String name, int units, int inputs) implements UnitLayout {
  SingleRegion {
    if (units < 1 || inputs < 0) {
      throw new IllegalArgumentException("a layout needs at least one unit and no negative input "
          + "count, got " + units + " units and " + inputs + " inputs");
    }
  }

  @Override
  public int numUnits() {
    return units;
  }

  @Override
  public int numInputs() {
    return inputs;
  }

  @Override
  public List<String> recurrentRegionNames() {
    return List.of(name);
  }

  @Override
  public IndexRange recurrentRange(String region) {
    check(region);
    return new IndexRange(0, units);
  }

  @Override
  public IndexRanges recurrentIndices(Collection<String> regions) {
    regions.forEach(this::check);
    return IndexRanges.all(units);
  }

  @Override
  public List<String> expandRegions(Collection<String> regions) {
    regions.forEach(this::check);
    return List.of(name);
  }

  @Override
  public List<String> excludedRegions(Collection<String> regions) {
    regions.forEach(this::check);
    return List.of();
  }

  private void check(String region) {
    if (!name.equals(region)) {
      throw new IllegalArgumentException("unknown region '" + region + "'; known: [" + name + "]");
    }
  }
}
