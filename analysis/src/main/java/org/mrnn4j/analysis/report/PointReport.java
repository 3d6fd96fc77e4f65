package org.mrnn4j.analysis.report;

import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.core.Eigendecomposition;

/**
 * The analysis at one operating point, as the JSON report holds it. Non-finite numbers (an
 * infinite time constant) are written as {@code null}.
 *
 * @param label what the point is ("initial condition", "after 200 steps", "row 3 of states.csv")
 * @param spectralRadius {@code max |lambda|}
 * @param leadingReal real part of the eigenvalue of largest modulus
 * @param leadingImag its imaginary part
 * @param unstableModes number of eigenvalues with {@code |lambda| > 1}
 * @param eigenvaluesReal real parts, descending modulus
 * @param eigenvaluesImag imaginary parts, same order
 * @param continuousReal real parts of {@code (lambda - 1) / dt} (leaky model, pre-activation
 *     coordinates; else null)
 * @param continuousImag imaginary parts of {@code (lambda - 1) / dt}, or null
 * @param timeConstants {@code -1 / Re((lambda - 1) / dt)}, in the units of dt, or null
 * @param state the state at the point (x for the leaky model, h for the Elman model)
 * @param input the input at the point
 */
public record PointReport(
    String label,
    double spectralRadius,
    double leadingReal,
    double leadingImag,
    int unstableModes,
    List<Double> eigenvaluesReal,
    List<Double> eigenvaluesImag,
    List<Double> continuousReal,
    List<Double> continuousImag,
    List<Double> timeConstants,
    List<Double> state,
    List<Double> input) {

  /** The report of a point from its stability summary. */
  public static PointReport of(String label, StabilitySummary s, double[] state, double[] input) {
    Eigendecomposition e = s.eigenvalues();
    boolean ct = s.hasContinuousTime();
    return new PointReport(label, s.spectralRadius(), s.leadingReal(), s.leadingImag(),
        s.unstableModes(), list(e.realParts()), list(e.imagParts()),
        ct ? list(s.continuousReal()) : null, ct ? list(s.continuousImag()) : null,
        ct ? list(s.timeConstants()) : null, list(state), list(input));
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
