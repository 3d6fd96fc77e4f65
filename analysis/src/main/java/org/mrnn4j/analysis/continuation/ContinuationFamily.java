package org.mrnn4j.analysis.continuation;

import org.mrnn4j.core.dynamics.HostMap;

/**
 * A one-parameter family of fixed-point problems {@code r(x, p) = 0}: at each value of the
 * parameter {@code p}, a model kind's {@link HostMap} (whose residual is {@code r(., p)} and whose
 * Jacobians are exact), plus the exact derivative {@code dr/dp}.
 *
 * <p>Implementations are thread-safe. Build one from maps with {@link ContinuationFamilies}.
 */
public interface ContinuationFamily {

  /** {@return the number of state entries (the maps' dimension)} */
  int dimension();

  /**
   * {@return the map at parameter value {@code p}}
   *
   * @param p the parameter
   */
  HostMap at(double p);

  /**
   * The derivative of the residual with respect to the parameter at {@code (x, p)}, into
   * {@code out}.
   *
   * @param map the map at {@code p} (from {@link #at})
   * @param p the parameter
   * @param x the state
   * @param out receives {@code dr/dp}, length {@link #dimension()}
   */
  void parameterDerivative(HostMap map, double p, double[] x, double[] out);

  /**
   * {@return the time step {@code dt} when every map is the Euler step {@code I + dt A} of an ODE
   *     (its Jacobian's eigenvalues {@code lambda} are then {@code 1 + dt mu}), else NaN}
   */
  default double continuousTimeStep() {
    return Double.NaN;
  }

  /** {@return the parameter's name, for messages and reports} */
  default String parameterName() {
    return "p";
  }
}
