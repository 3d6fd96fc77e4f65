package org.mrnn4j.core.dynamics;

/**
 * A model kind's update on the host, as plain arrays, restricted to a subset of its units (the
 * others held at given values) at a constant input: what solvers (the fixed-point finder) iterate.
 * Built by {@link RecurrentDynamics#hostMap}; the kind that builds it is the one place that knows
 * its formulas.
 *
 * <p>Implementations are immutable and thread-safe; methods write only into the arrays they are
 * given or return new ones. States {@code s} have {@link #dimension()} entries.
 */
public interface HostMap {

  /** {@return the coordinates of the state} */
  Coordinates coordinates();

  /**
   * {@return the restricted network the map iterates: weights, drive, included units, held values}
   */
  HostNetwork network();

  /** {@return the number of included units} */
  default int dimension() {
    return network().dimension();
  }

  /** {@return the model indices of the included units, ascending} */
  default int[] units() {
    return network().units().clone();
  }

  /** {@return the number of units of the whole network} */
  default int totalUnits() {
    return network().frame().length;
  }

  /**
   * {@return the full network state: {@code s} at the included units, the held values elsewhere}
   *
   * @param s the state over the included units
   */
  default double[] embed(double[] s) {
    return network().embed(s);
  }

  /**
   * {@return the included units' entries of a full-length state}
   *
   * @param full a state over every unit
   */
  default double[] restrict(double[] full) {
    return network().restrict(full);
  }

  /**
   * The residual {@code r(s)}, into {@code r}: zero exactly at the fixed points. For a map written
   * as one step of the network it is {@code F(s) - s}; a kind may use an equivalent equation with
   * the same fixed points (say which in its documentation).
   *
   * @param s the state over the included units
   * @param r receives the residual {@code F(s) - s}
   */
  void residual(double[] s, double[] r);

  /**
   * The Jacobian of {@link #residual}, row-major into {@code jac} ({@code d * d} entries).
   *
   * @param s the state over the included units
   * @param jac receives the residual's Jacobian, row-major
   */
  void residualJacobian(double[] s, double[] jac);

  /**
   * {@return the Jacobian of the network's one-step map in these coordinates at {@code s}:
   *     stability}
   *
   * @param s the state over the included units
   */
  double[][] mapJacobian(double[] s);

  /**
   * A lower bound on {@code 1/2 |r(s)|^2} that float64 evaluation can certify: the rounding error
   * of the residual's terms. A search that stalls below it has found a fixed point.
   *
   * @param s the state over the included units
   * @return the floor, in units of {@code q}
   */
  double roundingFloor(double[] s);

  /**
   * The network's own dynamics over the included units from a state in the model's natural
   * coordinates: {@code steps + 1} states in this map's coordinates, the first being the start.
   *
   * @param naturalState the start, over every unit, in the model's natural coordinates
   * @param steps the number of steps
   * @return {@code steps + 1} states over the included units
   */
  double[][] trajectory(double[] naturalState, int steps);
}
