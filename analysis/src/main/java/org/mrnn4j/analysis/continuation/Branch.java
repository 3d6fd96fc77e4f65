package org.mrnn4j.analysis.continuation;

import java.util.List;

/**
 * A branch of fixed points followed from a start, in one direction.
 *
 * @param startParameter the parameter value at the start
 * @param direction +1 if the branch set off towards larger parameter values, -1 towards smaller
 * @param points the points, in the order followed (the first is the corrected start)
 * @param bifurcations the bifurcations found, in the order met
 * @param stop why it stopped
 * @param stopDetail where and why, in words
 */
public record Branch(double startParameter, int direction, List<ContinuationPoint> points,
    List<Bifurcation> bifurcations, StopReason stop, String stopDetail) {

  /** {@return the last point} */
  public ContinuationPoint end() {
    return points.get(points.size() - 1);
  }

  /** {@return the first point} */
  public ContinuationPoint start() {
    return points.get(0);
  }
}
