package org.mrnn4j.analysis.fixedpoints;

import org.mrnn4j.core.Eigendecomposition;

/**
 * One unique fixed point (or slow point) of a {@link FixedPointSystem}, with the linear analysis
 * of the map there.
 *
 * @param state the point, over the included units, in the system's coordinates ({@code x} or
 *     {@code h})
 * @param fullState the point over all units, the excluded ones at their held values
 * @param q {@code 1/2 |F(s) - s|^2} there
 * @param jacobian the Jacobian of the map at the point (included x included), see {@link
 *     FixedPointSystem#mapJacobian}
 * @param eigen its eigendecomposition, in the library's canonical order (descending modulus)
 * @param unstableModes the number of eigenvalues with {@code |lambda| > 1}
 * @param stability the classification
 * @param starts how many starts ended at this point (within the uniqueness tolerance)
 * @param start the index of the start whose result is kept (the one with the lowest {@code q})
 * @param iterations that start's iterations
 */
public record FixedPoint(
    double[] state,
    double[] fullState,
    double q,
    double[][] jacobian,
    Eigendecomposition eigen,
    int unstableModes,
    Stability stability,
    int starts,
    int start,
    int iterations) {

  /** A copy of the point over the included units. */
  @Override
  public double[] state() {
    return state.clone();
  }

  /** A copy of the point over all units. */
  @Override
  public double[] fullState() {
    return fullState.clone();
  }

  /** A copy of the Jacobian. */
  @Override
  public double[][] jacobian() {
    double[][] out = new double[jacobian.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = jacobian[i].clone();
    }
    return out;
  }

  /** The largest eigenvalue modulus. */
  public double spectralRadius() {
    return eigen.spectralRadius();
  }

  /** For example {@code saddle (2 unstable)} or {@code stable focus}. */
  public String describe() {
    return stability == Stability.SADDLE
        ? "saddle (" + unstableModes + " unstable)"
        : stability.label();
  }
}
