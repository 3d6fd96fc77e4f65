package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/**
 * Where each region's units lie: recurrent regions (with optional parent regions grouping them)
 * index the hidden state {@code [0, N)}, input regions index the input {@code [0, I)}, both in the
 * order the regions were added. Immutable.
 *
 * <p>Region lists given to the methods may be in any order and may name parent regions, which
 * stand for all their children; results are in model order unless a method says otherwise.
 */
public final class RegionLayout implements org.mrnn4j.core.dynamics.UnitLayout {
  private final List<RecurrentRegion> recurrent;
  private final List<InputRegion> inputs;
  private final Map<String, IndexRange> recurrentRanges = new LinkedHashMap<>();
  private final Map<String, IndexRange> inputRanges = new LinkedHashMap<>();
  private final Map<String, List<String>> children = new LinkedHashMap<>();
  private final int numUnits;
  private final int numInputs;

  RegionLayout(List<RecurrentRegion> recurrent, List<InputRegion> inputs) {
    this.recurrent = List.copyOf(recurrent);
    this.inputs = List.copyOf(inputs);
    int start = 0;
    for (RecurrentRegion r : recurrent) {
      recurrentRanges.put(r.name(), new IndexRange(start, start + r.units()));
      start += r.units();
      if (r.parent() != null) {
        children.computeIfAbsent(r.parent(), k -> new ArrayList<>()).add(r.name());
      }
    }
    numUnits = start;
    start = 0;
    for (InputRegion r : inputs) {
      inputRanges.put(r.name(), new IndexRange(start, start + r.units()));
      start += r.units();
    }
    numInputs = start;
    children.replaceAll((k, v) -> List.copyOf(v));
  }

  /** N, the total number of recurrent units. */
  public int numUnits() {
    return numUnits;
  }

  /** I, the total number of input units. */
  public int numInputs() {
    return numInputs;
  }

  /** {@return the recurrent regions, in model order} */
  public List<RecurrentRegion> recurrentRegions() {
    return recurrent;
  }

  /** {@return the input regions, in input order} */
  public List<InputRegion> inputRegions() {
    return inputs;
  }

  /** Names of the (leaf) recurrent regions, which own units, in model order. */
  public List<String> recurrentRegionNames() {
    return List.copyOf(recurrentRanges.keySet());
  }

  /** {@return names of the input regions, in input order} */
  public List<String> inputRegionNames() {
    return List.copyOf(inputRanges.keySet());
  }

  /** {@return names of the parent regions, in the order first seen among the recurrent regions} */
  public List<String> parentRegionNames() {
    return List.copyOf(children.keySet());
  }

  /**
   * {@return whether {@code name} is a leaf recurrent region}
   *
   * @param name a region's name
   */
  public boolean isRecurrentRegion(String name) {
    return recurrentRanges.containsKey(name);
  }

  /**
   * {@return whether {@code name} is an input region}
   *
   * @param name a region's name
   */
  public boolean isInputRegion(String name) {
    return inputRanges.containsKey(name);
  }

  /**
   * {@return whether {@code name} is a parent region (grouping recurrent regions)}
   *
   * @param name a region's name
   */
  public boolean isParentRegion(String name) {
    return children.containsKey(name);
  }

  /**
   * The children of a parent region, in model order.
   *
   * @param parent a parent region's name
   * @return its leaf regions, in model order
   * @throws IllegalArgumentException if {@code parent} is not a parent region
   */
  public List<String> childRegions(String parent) {
    List<String> c = children.get(parent);
    if (c == null) {
      throw new IllegalArgumentException("'" + parent + "' is not a parent region; parent regions: "
          + parentRegionNames());
    }
    return c;
  }

  /**
   * A leaf recurrent region's units {@code [start, end)}.
   *
   * @throws IllegalArgumentException if {@code region} is not a leaf recurrent region (the
   *     message says when it is a parent or an input region)
   */
  public IndexRange recurrentRange(String region) {
    IndexRange r = recurrentRanges.get(region);
    if (r == null) {
      throw unknown(region, "a recurrent region", recurrentRegionNames());
    }
    return r;
  }

  /**
   * An input region's channels {@code [start, end)}.
   *
   * @param region a region's name
   * @return its inputs' index range
   * @throws IllegalArgumentException if {@code region} is not an input region
   */
  public IndexRange inputRange(String region) {
    IndexRange r = inputRanges.get(region);
    if (r == null) {
      throw unknown(region, "an input region", inputRegionNames());
    }
    return r;
  }

  /**
   * {@return the number of units of a leaf recurrent, parent or input region}
   *
   * @param region a region's name
   */
  public int regionSize(String region) {
    if (isInputRegion(region)) {
      return inputRange(region).size();
    }
    return recurrentIndices(List.of(region)).size();
  }

  /**
   * The units of the given recurrent and/or parent regions (parents expanded to their children),
   * in model order, duplicates merged; an empty collection means all recurrent units.
   *
   * @throws IllegalArgumentException naming an unknown region and listing the known names
   */
  public IndexRanges recurrentIndices(Collection<String> regions) {
    List<IndexRange> ranges = new ArrayList<>();
    for (String name : expandRegions(regions)) {
      IndexRange r = recurrentRanges.get(name);
      if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).end() == r.start()) {
        IndexRange last = ranges.remove(ranges.size() - 1);
        ranges.add(new IndexRange(last.start(), r.end()));
      } else {
        ranges.add(r);
      }
    }
    return IndexRanges.of(ranges);
  }

  /**
   * The input channels of the given input regions, in input order; an empty collection means all
   * inputs.
   *
   * @param regions region names (parents allowed)
   * @return their inputs' indices, in model order
   * @throws IllegalArgumentException naming an unknown input region
   */
  public IndexRanges inputIndices(Collection<String> regions) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : regions) {
      if (!inputRanges.containsKey(name)) {
        throw unknown(name, "an input region", inputRegionNames());
      }
      wanted.add(name);
    }
    List<IndexRange> ranges = new ArrayList<>();
    for (Map.Entry<String, IndexRange> e : inputRanges.entrySet()) {
      if (wanted.isEmpty() || wanted.contains(e.getKey())) {
        ranges.add(e.getValue());
      }
    }
    return IndexRanges.of(ranges);
  }

  /**
   * The leaf regions selected by {@link #recurrentIndices(Collection)}, in model order (all of
   * them for an empty collection).
   *
   * @throws IllegalArgumentException naming an unknown region and listing the known names
   */
  public List<String> expandRegions(Collection<String> regions) {
    if (regions.isEmpty()) {
      return recurrentRegionNames();
    }
    // the same leaves (and the same error for an unknown name), put back in model order
    Set<String> selected = new HashSet<>(expandRegionsInOrder(regions));
    List<String> out = new ArrayList<>();
    for (String name : recurrentRanges.keySet()) {
      if (selected.contains(name)) {
        out.add(name);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The leaf regions of the given list in the given order, parent regions expanded in place to
   * their children (in model order), duplicates dropped after their first occurrence. This is the
   * order mRNNTorch's {@code get_region_activity} uses.
   *
   * @param regions region names (parents allowed)
   * @return the leaf regions, parents expanded in place, in model order
   * @throws IllegalArgumentException naming an unknown region
   */
  public List<String> expandRegionsInOrder(Collection<String> regions) {
    if (regions.isEmpty()) {
      return recurrentRegionNames();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String name : regions) {
      if (recurrentRanges.containsKey(name)) {
        out.add(name);
      } else if (children.containsKey(name)) {
        out.addAll(children.get(name));
      } else {
        throw unknown(name, "a recurrent or parent region", knownRecurrentNames());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The leaf recurrent regions not selected by {@code regions}, in model order (none for an empty
   * collection, which selects everything).
   */
  public List<String> excludedRegions(Collection<String> regions) {
    if (regions.isEmpty()) {
      return List.of();
    }
    List<String> selected = expandRegions(regions);
    List<String> out = new ArrayList<>();
    for (String name : recurrentRanges.keySet()) {
      if (!selected.contains(name)) {
        out.add(name);
      }
    }
    return Collections.unmodifiableList(out);
  }

  private List<String> knownRecurrentNames() {
    List<String> all = new ArrayList<>(recurrentRanges.keySet());
    all.addAll(children.keySet());
    return all;
  }

  private IllegalArgumentException unknown(String name, String expected, List<String> known) {
    String what;
    if (isParentRegion(name)) {
      what = "'" + name + "' is a parent region, not " + expected;
    } else if (isInputRegion(name)) {
      what = "'" + name + "' is an input region, not " + expected;
    } else if (isRecurrentRegion(name)) {
      what = "'" + name + "' is a recurrent region, not " + expected;
    } else {
      what = "unknown region '" + name + "': expected " + expected;
    }
    return new IllegalArgumentException(what + "; known: " + known);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RegionLayout[");
    recurrentRanges.forEach((k, v) -> sb.append(k).append(v).append(' '));
    sb.append("| inputs ");
    inputRanges.forEach((k, v) -> sb.append(k).append(v).append(' '));
    return sb.append(']').toString();
  }
}
