package org.mrnn4j.analysis.continuation;

/** Why a branch stopped. */
public enum StopReason {
  /** The branch left the parameter range: its last point lies on the range's bound. */
  END_OF_RANGE("reached the end of the parameter range"),
  /** The branch came back to its start: a closed curve, followed once. */
  CLOSED_LOOP("closed on itself"),
  /** The budget of points was spent. */
  BUDGET("budget of points reached"),
  /** The corrector failed even at the smallest step allowed. */
  STEP_BELOW_MINIMUM("corrector failed at the minimum step"),
  /** The start could not be corrected onto a fixed point. */
  START_NOT_CONVERGED("start did not converge to a fixed point");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  /** {@return the reason in words} */
  public String label() {
    return label;
  }
}
