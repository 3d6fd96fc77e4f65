package org.mrnn4j.cli.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.core.Eigendecomposition;

/**
 * The analysis at one operating point, as the JSON report holds it. Non-finite numbers (an
 * infinite time constant) are written as {@code null}. Every key from {@code spectral_radius} to
 * {@code growth_times} describes the Jacobian of the network's map; the {@code partial_dh_} keys
 * (only with {@code --dh}) describe mRNNTorch's partial dh Jacobian, which is not stability.
 *
 * @param label what the point is ("initial condition", "after 200 steps", "row 3 of states.csv")
 * @param spectrum {@code "full"} (every eigenvalue, the dense path) or {@code "leading"} (the
 *     converged leading eigenvalues only, by a Krylov method)
 * @param method {@code "dense"}, {@code "krylov"} or {@code "dense-fallback"} (dense after the
 *     Krylov iteration stopped unconverged)
 * @param unstableCertainty {@code "exact"}, {@code "bulk-estimate"} (the unstable outliers
 *     converged and the unconverged bulk's Ritz values lie inside the unit circle) or
 *     {@code "lower-bound"}
 * @param products Jacobian-vector products spent (0 on the dense path)
 * @param residuals {@code |J v - lambda v| / |v|} of each listed eigenvalue, measured on J (Krylov
 *     answers); null on the dense path
 * @param spectralRadius {@code max |lambda|}, null when the leading pair did not converge
 * @param leadingReal real part of the eigenvalue of largest modulus
 * @param leadingImag its imaginary part
 * @param unstableModes number of eigenvalues with {@code |lambda| > 1}
 * @param eigenvalues the eigenvalues {@code lambda}, descending modulus
 * @param continuousEigenvalues {@code mu = (lambda - 1) / dt}, same order (leaky model,
 *     pre-activation coordinates; else null)
 * @param decayTimes for each mode that decays in the map ({@code |lambda| < 1}), the time over
 *     which its amplitude shrinks by a factor e: {@code dt / -ln|lambda|}, in the units of dt
 *     (steps for a model without dt); null for a mode that does not decay. For a slow mode this is
 *     the ODE time constant {@code -1 / Re(mu)}; unlike that, it is never given to a mode that
 *     grows in the map (lambda = -1.14 has {@code Re(mu) < 0} but grows)
 * @param growthTimes for each mode that grows ({@code |lambda| > 1}), the time over which it grows
 *     by a factor e: {@code dt / ln|lambda|}; null for a mode that does not grow
 * @param state the state at the point (x for the leaky model, h for the Elman model)
 * @param input the input at the point
 * @param partialDhSpectralRadius the largest {@code |lambda|} of mRNNTorch's partial dh Jacobian
 *     {@code d h'/d h} at fixed {@code x} (with {@code --dh}; else absent): not stability
 * @param partialDhEigenvalues its eigenvalues (those computed), descending modulus (with
 *     {@code --dh}; else absent)
 */
public record PointReport(
    String label,
    String spectrum,
    String method,
    String unstableCertainty,
    int products,
    List<Double> residuals,
    Double spectralRadius,
    Double leadingReal,
    Double leadingImag,
    int unstableModes,
    Complex eigenvalues,
    Complex continuousEigenvalues,
    List<Double> decayTimes,
    List<Double> growthTimes,
    List<Double> state,
    List<Double> input,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double partialDhSpectralRadius,
    @JsonInclude(JsonInclude.Include.NON_NULL) Complex partialDhEigenvalues) {

  /**
   * The report of a point from its stability summary over the full spectrum.
   *
   * @param label what the point is, as the table shows it
   * @param s the stability summary of the point's whole spectrum
   * @param stepTime the time one step of the map stands for (dt; 1 for a model without one)
   * @param state the state at the point
   * @param input the input at the point
   * @return the point's report
   */
  public static PointReport of(String label, StabilitySummary s, double stepTime,
      double[] state, double[] input) {
    Eigendecomposition e = s.eigenvalues();
    boolean ct = s.hasContinuousTime();
    return new PointReport(label, "full", "dense", "exact", 0, null, finite(s.spectralRadius()),
        finite(s.leadingReal()), finite(s.leadingImag()),
        s.unstableModes(), new Complex(list(e.realParts()), list(e.imagParts())),
        ct ? new Complex(list(s.continuousReal()), list(s.continuousImag())) : null,
        eFoldTimes(e, stepTime, -1), eFoldTimes(e, stepTime, 1),
        list(state), list(input), null, null);
  }

  /**
   * This report with the eigenvalues of mRNNTorch's partial dh Jacobian at the point added.
   *
   * @param spectralRadius the partial Jacobian's largest {@code |lambda|} (NaN when not known)
   * @param eigenvalues the partial Jacobian's eigenvalues computed, descending modulus
   * @return a copy with the {@code partial_dh_} keys set
   */
  public PointReport withPartialDh(double spectralRadius, Eigendecomposition eigenvalues) {
    return new PointReport(label, spectrum, method, unstableCertainty, products, residuals,
        this.spectralRadius, leadingReal, leadingImag, unstableModes, this.eigenvalues,
        continuousEigenvalues, decayTimes, growthTimes, state, input, finite(spectralRadius),
        new Complex(list(eigenvalues.realParts()), list(eigenvalues.imagParts())));
  }

  /**
   * The report of a point from its leading eigenvalues; {@code s} summarises those same
   * eigenvalues (for the continuous-time view).
   *
   * @param label what the point is, as the table shows it
   * @param leading the leading eigenvalues and how they were found
   * @param s the stability summary of those eigenvalues
   * @param stepTime the time one step of the map stands for (dt; 1 for a model without one)
   * @param state the state at the point
   * @param input the input at the point
   * @return the point's report
   */
  public static PointReport of(String label, LeadingSpectrum leading, StabilitySummary s,
      double stepTime, double[] state, double[] input) {
    Eigendecomposition e = leading.eigenvalues();
    boolean ct = s.hasContinuousTime();
    boolean dense = leading.method() == LeadingSpectrum.Method.DENSE;
    String method = switch (leading.method()) {
      case DENSE -> "dense";
      case KRYLOV -> "krylov";
      case DENSE_FALLBACK -> "dense-fallback";
    };
    String certainty = switch (leading.unstableCertainty()) {
      case EXACT -> "exact";
      case BULK_ESTIMATE -> "bulk-estimate";
      case LOWER_BOUND -> "lower-bound";
    };
    double radius = leading.spectralRadius();
    return new PointReport(label, "leading", method, certainty, leading.products(),
        dense || leading.method() == LeadingSpectrum.Method.DENSE_FALLBACK ? null
            : list(leading.residuals()),
        finite(radius), e.size() == 0 ? null : e.real(0),
        e.size() == 0 ? null : e.imag(0), leading.unstableModes(),
        new Complex(list(e.realParts()), list(e.imagParts())),
        ct ? new Complex(list(s.continuousReal()), list(s.continuousImag())) : null,
        eFoldTimes(e, stepTime, -1), eFoldTimes(e, stepTime, 1),
        list(state), list(input), null, null);
  }

  /**
   * Complex numbers as two lists, as every report writes them.
   *
   * @param real the real parts
   * @param imag the imaginary parts, same order
   */
  public record Complex(List<Double> real, List<Double> imag) {}

  /**
   * {@code stepTime / |ln|lambda||} for the modes that decay ({@code sign = -1}, {@code |lambda| <
   * 1}) or grow ({@code sign = 1}, {@code |lambda| > 1}); null for the others.
   */
  private static List<Double> eFoldTimes(Eigendecomposition e, double stepTime, int sign) {
    List<Double> out = new ArrayList<>(e.size());
    for (int k = 0; k < e.size(); k++) {
      double log = Math.log(Math.hypot(e.real(k), e.imag(k)));
      out.add(sign * log > 0 ? finite(stepTime / Math.abs(log)) : null);
    }
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static List<Double> list(double[] values) {
    if (values == null) {
      return null;
    }
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(Double.isFinite(v) ? v : null);
    }
    return out;
  }
}
