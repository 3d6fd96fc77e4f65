package org.mrnn4j.analysis.fixedpoints;

import org.mrnn4j.core.Eigendecomposition;

/**
 * The type of a fixed point of a discrete-time map, from the eigenvalues {@code lambda} of the
 * map's Jacobian there (README, "Fixed-point labels"). A mode is unstable when
 * {@code |lambda| > 1}; the count of unstable modes decides stable, saddle or unstable. The rest of
 * the name comes from the <em>dominant</em> modes, those of largest {@code |lambda|}: at a stable
 * point the slowest decaying ones, which shape the last stretch of every approach; at a saddle or
 * an unstable point the fastest growing ones, along which trajectories leave.
 *
 * <ul>
 *   <li><b>node</b>: the dominant eigenvalue is real and positive: along it the state moves
 *       monotonically, without turning.
 *   <li><b>flip node</b> (and <b>flip saddle</b>): the dominant eigenvalue is real and negative: the
 *       state jumps to the other side of the point at every step (a period-2 alternation), while
 *       shrinking (stable) or growing (unstable).
 *   <li><b>focus</b> (and <b>saddle focus</b>): the dominant eigenvalues are a complex pair: the
 *       state turns around the point by {@code arg lambda} per step, spiralling in (stable) or out.
 * </ul>
 *
 * <p>Ties: eigenvalues whose moduli lie within {@link #TIE_TOLERANCE} (relative) of the largest
 * are all dominant; the point is a focus if one of them is a complex pair, else a flip node if one
 * is negative, else a node. An eigenvalue whose imaginary part is at most {@link #TIE_TOLERANCE}
 * times its modulus (a turn of under a microradian per step, or a double real eigenvalue split by
 * rounding) counts as real.
 *
 * <p>A faster mode does not change the name: a point whose slowest mode is real is a node even
 * when a complex pair decays faster. {@link #SLOW_POINT} is not a type of fixed point: it marks a
 * point where the search stopped at a local minimum of {@code q} above the tolerance, whose
 * Jacobian's eigenvalues say nothing about the stability of a fixed point.
 */
public enum Stability {
  /** No mode unstable; the slowest mode is real and positive: a monotone approach. */
  STABLE_NODE("stable node"),
  /** No mode unstable; the slowest mode is real and negative: the approach alternates sides. */
  STABLE_FLIP_NODE("stable flip node"),
  /** No mode unstable; the slowest modes are a complex pair: trajectories spiral in. */
  STABLE_FOCUS("stable focus"),
  /**
   * No mode unstable, but the slowest modes were not resolved (a leading-eigenvalue search whose
   * dominant pair did not converge).
   */
  STABLE("stable"),
  /**
   * Some but not all modes unstable; the fastest growing mode is real and positive (or, where the
   * dominant modes were not resolved, of unknown type).
   */
  SADDLE("saddle"),
  /** Some but not all modes unstable; the fastest growing mode is real and negative. */
  FLIP_SADDLE("flip saddle"),
  /** Some but not all modes unstable; the fastest growing modes are a complex pair. */
  SADDLE_FOCUS("saddle focus"),
  /** Every mode unstable; the fastest growing mode is real and positive. */
  UNSTABLE_NODE("unstable node"),
  /** Every mode unstable; the fastest growing mode is real and negative. */
  UNSTABLE_FLIP_NODE("unstable flip node"),
  /** Every mode unstable; the fastest growing modes are a complex pair: spiralling out. */
  UNSTABLE_FOCUS("unstable focus"),
  /** Every mode unstable, the dominant modes not resolved. */
  UNSTABLE("unstable"),
  /**
   * Not a fixed point: a local minimum of {@code q} above the tolerance where the search stopped.
   * It has no stability type.
   */
  SLOW_POINT("slow point");

  /**
   * The relative tolerance of the classification: moduli within this fraction of the largest are
   * tied, and an eigenvalue whose imaginary part is at most this fraction of its modulus is real.
   */
  public static final double TIE_TOLERANCE = 1e-6;

  private final String label;

  Stability(String label) {
    this.label = label;
  }

  /** {@return a short human-readable name, for example {@code stable focus}} */
  public String label() {
    return label;
  }

  /** {@return whether this is a fixed point with no unstable mode} */
  public boolean isStable() {
    return this == STABLE_NODE || this == STABLE_FLIP_NODE || this == STABLE_FOCUS
        || this == STABLE;
  }

  /** {@return whether this is a fixed point with some, but not all, modes unstable} */
  public boolean isSaddle() {
    return this == SADDLE || this == FLIP_SADDLE || this == SADDLE_FOCUS;
  }

  /** {@return whether this is a fixed point (every constant but {@link #SLOW_POINT})} */
  public boolean isFixedPoint() {
    return this != SLOW_POINT;
  }

  /**
   * Classifies a fixed point from its unstable count and its dominant eigenvalues.
   *
   * @param unstable the number of eigenvalues with {@code |lambda| > 1}
   * @param n the number of eigenvalues of the Jacobian (its dimension)
   * @param eigenvalues eigenvalues of the Jacobian, at least all of the largest modulus (the whole
   *     spectrum, or its converged leading part); empty when the dominant ones are not known
   * @return the classification
   */
  public static Stability classify(int unstable, int n, Eigendecomposition eigenvalues) {
    return classify(unstable, n, eigenvalues.realParts(), eigenvalues.imagParts());
  }

  /**
   * Classifies a fixed point from its unstable count and its dominant eigenvalues.
   *
   * @param unstable the number of eigenvalues with {@code |lambda| > 1}
   * @param n the number of eigenvalues of the Jacobian (its dimension)
   * @param real the real parts of eigenvalues of the Jacobian, in any order, including every one
   *     of the largest modulus; empty when the dominant ones are not known
   * @param imag their imaginary parts, same order
   * @return the classification
   * @throws IllegalArgumentException if the arrays differ in length or the counts are impossible
   */
  public static Stability classify(int unstable, int n, double[] real, double[] imag) {
    if (real.length != imag.length) {
      throw new IllegalArgumentException("the real parts have " + real.length
          + " entries and the imaginary parts " + imag.length);
    }
    if (unstable < 0 || unstable > n) {
      throw new IllegalArgumentException("the unstable count " + unstable
          + " must lie between 0 and the dimension " + n);
    }
    Mode mode = dominantMode(real, imag);
    if (unstable == 0) {
      return switch (mode) {
        case NODE -> STABLE_NODE;
        case FLIP -> STABLE_FLIP_NODE;
        case FOCUS -> STABLE_FOCUS;
        case UNKNOWN -> STABLE;
      };
    }
    if (unstable < n) {
      return switch (mode) {
        case NODE, UNKNOWN -> SADDLE;
        case FLIP -> FLIP_SADDLE;
        case FOCUS -> SADDLE_FOCUS;
      };
    }
    return switch (mode) {
      case NODE -> UNSTABLE_NODE;
      case FLIP -> UNSTABLE_FLIP_NODE;
      case FOCUS -> UNSTABLE_FOCUS;
      case UNKNOWN -> UNSTABLE;
    };
  }

  /** The type of the dominant modes. */
  private enum Mode {
    NODE, FLIP, FOCUS, UNKNOWN
  }

  private static Mode dominantMode(double[] real, double[] imag) {
    double largest = -1;
    for (int k = 0; k < real.length; k++) {
      double m = Math.hypot(real[k], imag[k]);
      if (!Double.isFinite(m)) {
        return Mode.UNKNOWN;
      }
      largest = Math.max(largest, m);
    }
    if (largest < 0) {
      return Mode.UNKNOWN;
    }
    boolean flip = false;
    for (int k = 0; k < real.length; k++) {
      double m = Math.hypot(real[k], imag[k]);
      if (m < largest * (1 - TIE_TOLERANCE)) {
        continue;
      }
      if (Math.abs(imag[k]) > TIE_TOLERANCE * m) {
        return Mode.FOCUS;
      }
      flip |= real[k] < 0;
    }
    return flip ? Mode.FLIP : Mode.NODE;
  }

  @Override
  public String toString() {
    return label;
  }
}
