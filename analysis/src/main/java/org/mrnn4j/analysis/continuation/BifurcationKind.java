package org.mrnn4j.analysis.continuation;

/** What happens at a bifurcation found along a branch of fixed points. */
public enum BifurcationKind {
  /**
   * A fold (saddle-node, limit point): the branch turns back in the parameter, two fixed points
   * meet and vanish; a real eigenvalue of the map crosses {@code +1} (of the ODE, crosses 0).
   * Detected where the parameter component of the tangent changes sign.
   */
  FOLD("fold", "LP"),
  /**
   * A branch point: another branch of fixed points crosses this one (a pitchfork or transcritical
   * point, typical where a symmetry holds); a real eigenvalue crosses {@code +1} without the branch
   * turning. Detected where the determinant of the bordered Jacobian changes sign.
   */
  BRANCH_POINT("branch point", "BP"),
  /**
   * A period doubling (flip) of the map: a real eigenvalue crosses {@code -1}; a cycle of period
   * two is born or dies. For an Euler-discretised ODE it is an artefact of the time step.
   */
  PERIOD_DOUBLING("period doubling", "PD"),
  /**
   * A Neimark-Sacker point (the map's Hopf): a complex pair crosses the unit circle; an invariant
   * circle (quasi-periodic motion) is born or dies.
   */
  NEIMARK_SACKER("Neimark-Sacker", "NS"),
  /**
   * A Hopf point of the continuous-time view of a map that is an Euler step of an ODE: a complex
   * pair of {@code (lambda - 1)/dt} crosses the imaginary axis (real part of {@code lambda}
   * crosses 1); a limit cycle of the ODE is born or dies.
   */
  HOPF_CONTINUOUS("Hopf (continuous time)", "H");

  private final String label;
  private final String shortLabel;

  BifurcationKind(String label, String shortLabel) {
    this.label = label;
    this.shortLabel = shortLabel;
  }

  /** {@return the short label of diagrams (AUTO's and MatCont's): LP, BP, PD, NS or H} */
  public String shortLabel() {
    return shortLabel;
  }

  /** {@return the name printed in tables and plots} */
  public String label() {
    return label;
  }
}
