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

  /** The system of a kind's host map. */
  public FixedPointSystem(HostMap map) {
    this.map = Objects.requireNonNull(map, "map");
  }

  /** The kind's map. */
  public HostMap map() {
    return map;
  }

  /** The coordinates of the state. */
  public Coordinates coordinates() {
    return map.coordinates();
  }

  /** The number of units searched over (the included units). */
  public int dimension() {
    return map.dimension();
  }

  /** The number of units of the whole network. */
  public int totalUnits() {
    return map.totalUnits();
  }

  /** The model indices of the included units, ascending. */
  public int[] units() {
    return map.units();
  }

  /** The residual at {@code s} (length {@link #dimension()}), into {@code r}: zero at a fixed point. */
  public void residual(double[] s, double[] r) {
    map.residual(s, r);
  }

  /** {@code q(s) = 1/2 |r(s)|^2}, the reference's per-state objective. */
  public double q(double[] s) {
    double[] r = new double[map.dimension()];
    map.residual(s, r);
    return 0.5 * dot(r, r);
  }

  /** {@code s + r(s)}: one step of the map when the residual is {@code F(s) - s}. */
  public double[] map(double[] s) {
    double[] r = new double[map.dimension()];
    map.residual(s, r);
    for (int i = 0; i < r.length; i++) {
      r[i] += s[i];
    }
    return r;
  }

  /** The Jacobian of the residual, row-major into {@code jac} (length {@code d * d}). */
  public void residualJacobian(double[] s, double[] jac) {
    map.residualJacobian(s, jac);
  }

  /** The Jacobian of the map the network iterates, at {@code s}. */
  public double[][] mapJacobian(double[] s) {
    return map.mapJacobian(s);
  }

  /** The rounding floor of {@code q} at {@code s} ({@link HostMap#roundingFloor}). */
  public double roundingFloor(double[] s) {
    return map.roundingFloor(s);
  }

  /** The network's own dynamics from a natural-coordinate state ({@link HostMap#trajectory}). */
  public double[][] trajectory(double[] modelState, int steps) {
    return map.trajectory(modelState, steps);
  }

  /** The full network state: {@code s} at the included units, the held values elsewhere. */
  public double[] embed(double[] s) {
    return map.embed(s);
  }

  /** The included units' entries of a full-length state. */
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
