package org.mrnn4j.analysis.fixedpoints;

/** How the search from one initial state ended. */
public enum StartStatus {
  /** {@code q} reached the tolerance (or the float64 rounding floor): a fixed point. */
  CONVERGED,
  /**
   * Stopped at a local minimum of {@code q} above the tolerance (the gradient or the step
   * vanished): a slow point, where the dynamics move slowly but do not stop.
   */
  SLOW_POINT,
  /** The iteration cap was reached first. */
  MAX_ITERATIONS,
  /** The state or {@code q} became infinite or NaN. */
  DIVERGED
}
