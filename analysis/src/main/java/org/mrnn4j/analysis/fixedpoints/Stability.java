package org.mrnn4j.analysis.fixedpoints;

/**
 * The type of a fixed point of a discrete-time map, from the eigenvalues of its Jacobian: a mode is
 * unstable when {@code |lambda| > 1}.
 */
public enum Stability {
  /** Every {@code |lambda| < 1}, every eigenvalue real. */
  STABLE_NODE("stable node"),
  /** Every {@code |lambda| < 1}, some complex pair: trajectories spiral in. */
  STABLE_FOCUS("stable focus"),
  /** Some but not all modes unstable. */
  SADDLE("saddle"),
  /** Every mode unstable. */
  UNSTABLE("unstable");

  private final String label;

  Stability(String label) {
    this.label = label;
  }

  /** {@return a short human-readable name, for example {@code stable focus}} */
  public String label() {
    return label;
  }

  /** {@return whether no mode is unstable} */
  public boolean isStable() {
    return this == STABLE_NODE || this == STABLE_FOCUS;
  }

  /**
   * Classifies from the number of unstable modes out of {@code n} and whether any eigenvalue is
   * complex.
   *
   * @param unstable the number of eigenvalues with {@code |lambda| > 1}
   * @param n the number of eigenvalues
   * @param anyComplex whether any eigenvalue has a nonzero imaginary part
   * @return the classification
   */
  public static Stability classify(int unstable, int n, boolean anyComplex) {
    if (unstable == 0) {
      return anyComplex ? STABLE_FOCUS : STABLE_NODE;
    }
    return unstable < n ? SADDLE : UNSTABLE;
  }

  @Override
  public String toString() {
    return label;
  }
}
