package org.mrnn4j.analysis.fixedpoints;

import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.core.Eigendecomposition;

/**
 * One unique fixed point (or slow point) of a {@link FixedPointSystem}, with the linear analysis
 * of the map there. A slow point has {@link Stability#SLOW_POINT} for its stability: its
 * eigenvalues describe the map's Jacobian where the search stopped, not a fixed point's
 * stability.
 *
 * @param state the point, over the included units, in the system's coordinates ({@code x} or
 *     {@code h})
 * @param fullState the point over all units, the excluded ones at their held values
 * @param q {@code 1/2 |F(s) - s|^2} there
 * @param jacobian the Jacobian of the map at the point (included x included), see {@link
 *     FixedPointSystem#mapJacobian}
 * @param eigen its eigendecomposition, in the library's canonical order (descending modulus)
 * @param unstableModes the number of eigenvalues with {@code |lambda| > 1}
 * @param stability the classification ({@link Stability#classify}), or
 *     {@link Stability#SLOW_POINT}
 * @param starts how many starts ended at this point (within the uniqueness tolerance)
 * @param start the index of the start whose result is kept (the one with the lowest {@code q})
 * @param iterations that start's iterations
 * @param leading how the eigenvalues were found when only the leading ones were computed (then
 *     {@code eigen} holds those, {@code unstableModes} is as certain as
 *     {@link LeadingSpectrum#unstableCertainty()} says; the type comes from the dominant modes,
 *     which are among those computed); null when {@code eigen} is the whole spectrum
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
    int iterations,
    LeadingSpectrum leading) {

  /** {@return a copy of the point over the included units} */
  @Override
  public double[] state() {
    return state.clone();
  }

  /** {@return a copy of the point over all units} */
  @Override
  public double[] fullState() {
    return fullState.clone();
  }

  /** {@return a copy of the Jacobian} */
  @Override
  public double[][] jacobian() {
    double[][] out = new double[jacobian.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = jacobian[i].clone();
    }
    return out;
  }

  /**
   * {@return the largest eigenvalue modulus (NaN when only the leading part was sought and it did
   * not converge)}
   */
  public double spectralRadius() {
    return leading != null ? leading.spectralRadius() : eigen.spectralRadius();
  }

  /**
   * The unstable count as printed: the number, prefixed {@code ~} when it rests on the Ritz values
   * of an unconverged bulk and {@code >=} when it is a lower bound.
   *
   * @return for example {@code 2}, {@code ~3} or {@code >=1}
   */
  public String unstableModesLabel() {
    String prefix = leading == null ? "" : switch (leading.unstableCertainty()) {
      case EXACT -> "";
      case BULK_ESTIMATE -> "~";
      case LOWER_BOUND -> ">=";
    };
    return prefix + unstableModes;
  }

  /**
   * {@return a short description: the {@link Stability} label, with the unstable count for a
   * saddle, for example {@code saddle focus (2 unstable)}, {@code stable node} or {@code slow
   * point}}
   */
  public String describe() {
    return stability.isSaddle()
        ? stability.label() + " (" + unstableModesLabel() + " unstable)"
        : stability.label();
  }

  /** {@return whether this is a slow point (not a fixed point: it has no stability type)} */
  public boolean isSlowPoint() {
    return stability == Stability.SLOW_POINT;
  }
}
