package org.mrnn4j.analysis.fixedpoints;

/**
 * The record of the search from one initial state.
 *
 * @param index the start's position in the list of starts
 * @param initial the initial state (included units)
 * @param fin the final state (included units)
 * @param q the final {@code q = 1/2 |F(s) - s|^2}
 * @param iterations Levenberg-Marquardt iterations plus accepted Newton polishing steps
 * @param status how it ended
 */
public record StartRecord(
    int index, double[] initial, double[] fin, double q, int iterations, StartStatus status) {

  /** {@return a copy of the initial state} */
  @Override
  public double[] initial() {
    return initial.clone();
  }

  /** {@return a copy of the final state} */
  @Override
  public double[] fin() {
    return fin.clone();
  }

  /** {@return whether this start found a fixed point} */
  public boolean converged() {
    return status == StartStatus.CONVERGED;
  }
}
