package org.mrnn4j.analysis.fixedpoints;

import java.util.Objects;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;

/**
 * The map whose fixed points are sought, on the host: a recurrent network at a constant input,
 * restricted to a subset of its units (the others held at given values). Its formulas are the
 * model kind's ({@link HostMap}, built by
 * {@link org.mrnn4j.core.dynamics.RecurrentDynamics#hostMap}); this class adds what the search
 * needs on top of them.
 *
 * <p>Instances are immutable and thread-safe; every method writes only into the arrays it is given
 * or returns new ones.
 */
public final class FixedPointSystem {
  private final HostMap map;

  /**
   * The system of a kind's host map.
   *
   * @param map the model kind's map at a constant input, restricted to the searched units
   */
  public FixedPointSystem(HostMap map) {
    this.map = Objects.requireNonNull(map, "map");
  }

  /** {@return the kind's map} */
  public HostMap map() {
    return map;
  }

  /** {@return the coordinates of the state} */
  public Coordinates coordinates() {
    return map.coordinates();
  }

  /** {@return the number of units searched over (the included units)} */
  public int dimension() {
    return map.dimension();
  }

  /** {@return the number of units of the whole network} */
  public int totalUnits() {
    return map.totalUnits();
  }

  /** {@return the model indices of the included units, ascending} */
  public int[] units() {
    return map.units();
  }

  /**
   * The residual at {@code s}, into {@code r}: zero at a fixed point.
   *
   * @param s the state over the included units (length {@link #dimension()})
   * @param r receives the residual {@code F(s) - s} (length {@link #dimension()})
   */
  public void residual(double[] s, double[] r) {
    map.residual(s, r);
  }

  /**
   * {@code q(s) = 1/2 |r(s)|^2}, the reference's per-state objective.
   *
   * @param s the state over the included units
   * @return {@code q(s)}, zero exactly at a fixed point
   */
  public double q(double[] s) {
    double[] r = new double[map.dimension()];
    map.residual(s, r);
    return 0.5 * dot(r, r);
  }

  /**
   * {@code s + r(s)}: one step of the map when the residual is {@code F(s) - s}.
   *
   * @param s the state over the included units
   * @return a new array holding {@code F(s)}
   */
  public double[] map(double[] s) {
    double[] r = new double[map.dimension()];
    map.residual(s, r);
    for (int i = 0; i < r.length; i++) {
      r[i] += s[i];
    }
    return r;
  }

  /**
   * The Jacobian of the residual at {@code s}.
   *
   * @param s the state over the included units ({@code d} = {@link #dimension()} entries)
   * @param jac receives {@code dr/ds}, row-major (length {@code d * d})
   */
  public void residualJacobian(double[] s, double[] jac) {
    map.residualJacobian(s, jac);
  }

  /**
   * The Jacobian of the map the network iterates, at {@code s}.
   *
   * @param s the state over the included units
   * @return {@code dF/ds}, {@code d x d}
   */
  public double[][] mapJacobian(double[] s) {
    return map.mapJacobian(s);
  }

  /**
   * The rounding floor of {@code q} at {@code s} ({@link HostMap#roundingFloor}).
   *
   * @param s the state over the included units
   * @return the floor, in units of {@code q}
   */
  public double roundingFloor(double[] s) {
    return map.roundingFloor(s);
  }

  /**
   * The network's own dynamics from a natural-coordinate state ({@link HostMap#trajectory}).
   *
   * @param modelState the start, over every unit, in the model's natural coordinates
   * @param steps the number of steps
   * @return {@code steps + 1} states over the included units, the first being the start
   */
  public double[][] trajectory(double[] modelState, int steps) {
    return map.trajectory(modelState, steps);
  }

  /**
   * {@return the full network state: {@code s} at the included units, the held values elsewhere}
   *
   * @param s the state over the included units
   */
  public double[] embed(double[] s) {
    return map.embed(s);
  }

  /**
   * {@return the included units' entries of a full-length state}
   *
   * @param full a state over every unit of the network
   */
  public double[] restrict(double[] full) {
    return map.restrict(full);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
