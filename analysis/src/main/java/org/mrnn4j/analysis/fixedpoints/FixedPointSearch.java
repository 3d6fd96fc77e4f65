package org.mrnn4j.analysis.fixedpoints;

import java.util.List;

/**
 * The outcome of a {@link FixedPointFinder} search.
 *
 * @param fixedPoints the unique fixed points (converged starts, duplicates merged, distance
 *     outliers removed), stable ones first, then by the number of unstable modes, then by {@code q}
 * @param slowPoints the unique slow points: local minima of {@code q} above the tolerance, kept
 *     apart from the fixed points, in the same order
 * @param outliers unique points (fixed or slow) dropped for lying far from the starts
 * @param starts one record per start, in the order the starts were given, followed by those of the
 *     midpoint round (see {@link FixedPointOptions#midpoints()})
 * @param seconds wall-clock time of the search
 */
public record FixedPointSearch(
    List<FixedPoint> fixedPoints,
    List<FixedPoint> slowPoints,
    List<FixedPoint> outliers,
    List<StartRecord> starts,
    double seconds) {

  /**
   * {@return the number of starts that ended with the given status}
   *
   * @param status the status counted
   */
  public long count(StartStatus status) {
    return starts.stream().filter(s -> s.status() == status).count();
  }

  /** {@return the number of unique fixed points with no unstable mode} */
  public long stableCount() {
    return fixedPoints.stream().filter(p -> p.stability().isStable()).count();
  }

  /** {@return the largest {@code q} among the unique fixed points (0 when there are none)} */
  public double maxQ() {
    return fixedPoints.stream().mapToDouble(FixedPoint::q).max().orElse(0.0);
  }
}
