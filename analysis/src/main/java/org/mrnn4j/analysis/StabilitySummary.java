package org.mrnn4j.analysis;

import java.util.Objects;
import java.util.OptionalDouble;
import org.mrnn4j.core.Eigendecomposition;

/**
 * The local stability of a discrete-time map {@code s' = f(s)} at an operating point, read off the
 * eigenvalues {@code lambda_k} of its Jacobian. Immutable.
 *
 * <ul>
 *   <li><b>Spectral radius</b> {@code max |lambda_k|}, and the eigenvalue that attains it (the
 *       first in the canonical order of {@link Eigendecomposition}).
 *   <li><b>Unstable modes</b>: eigenvalues with {@code |lambda_k| > 1}, which grow under the
 *       discrete-time map.
 *   <li><b>Continuous time</b> (leaky model in pre-activation coordinates, where
 *       {@code J = I + dt A} with {@code A = (-I + W_rec diag(act'(x))) / tau} the Jacobian of the
 *       underlying ODE {@code tau dx/dt = -x + W_rec act(x) + ...}): the eigenvalues
 *       {@code mu_k = (lambda_k - 1) / dt} of {@code A}, and the <b>time constants</b>
 *       {@code tau_k = -1 / Re(mu_k) = dt / (1 - Re(lambda_k))}, in the units of {@code dt}. A
 *       positive {@code tau_k} is the time in which mode {@code k}'s amplitude decays by a factor
 *       {@code e}; a negative one means the mode grows, {@code e}-fold in {@code |tau_k|}; it is
 *       infinite when {@code Re(mu_k) = 0}. Index {@code k} is the same eigenvalue throughout.
 * </ul>
 *
 * <p>There is no mRNNTorch counterpart; it summarises what {@code mLinearization.eigendecomposition}
 * and {@code emLinearization.eigendecomposition} return.
 */
public final class StabilitySummary {
  private final Eigendecomposition eigenvalues;
  private final double dt;

  private StabilitySummary(Eigendecomposition eigenvalues, double dt) {
    this.eigenvalues = Objects.requireNonNull(eigenvalues, "eigenvalues");
    this.dt = dt;
  }

  /**
   * The discrete-time summary of these eigenvalues.
   *
   * @param eigenvalues the eigenvalues of the Jacobian, in the canonical order, not null
   * @return the summary, without a continuous-time view
   */
  public static StabilitySummary of(Eigendecomposition eigenvalues) {
    return new StabilitySummary(eigenvalues, Double.NaN);
  }

  /**
   * The summary with the continuous-time view for a map {@code J = I + dt A}.
   *
   * @param eigenvalues the eigenvalues of the Jacobian, in the canonical order, not null
   * @param dt the time step, positive
   * @return the summary, with the continuous-time view
   * @throws IllegalArgumentException if {@code dt} is not positive and finite
   */
  public static StabilitySummary of(Eigendecomposition eigenvalues, double dt) {
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new IllegalArgumentException("the time step dt must be positive and finite, got " + dt);
    }
    return new StabilitySummary(eigenvalues, dt);
  }

  /** {@return the eigenvalues summarised (canonical order: descending modulus)} */
  public Eigendecomposition eigenvalues() {
    return eigenvalues;
  }

  /** {@return the number of eigenvalues (the dimension of the linearized state)} */
  public int size() {
    return eigenvalues.size();
  }

  /** {@return the spectral radius {@code max |lambda|} (0 for an empty Jacobian)} */
  public double spectralRadius() {
    return eigenvalues.spectralRadius();
  }

  /** {@return the real part of the eigenvalue of largest modulus (NaN for an empty Jacobian)} */
  public double leadingReal() {
    return size() == 0 ? Double.NaN : eigenvalues.real(0);
  }

  /**
   * {@return the imaginary part of the eigenvalue of largest modulus (NaN for an empty
   * Jacobian)}
   */
  public double leadingImag() {
    return size() == 0 ? Double.NaN : eigenvalues.imag(0);
  }

  /** {@return the number of eigenvalues with modulus greater than 1} */
  public int unstableModes() {
    int n = 0;
    for (int k = 0; k < size(); k++) {
      if (eigenvalues.modulus(k) > 1.0) {
        n++;
      }
    }
    return n;
  }

  /** {@return whether every eigenvalue lies strictly inside the unit circle} */
  public boolean isStable() {
    return spectralRadius() < 1.0;
  }

  /** {@return the time step of the continuous-time view, or empty when there is none} */
  public OptionalDouble dt() {
    return hasContinuousTime() ? OptionalDouble.of(dt) : OptionalDouble.empty();
  }

  /** {@return whether the continuous-time eigenvalues and time constants are available} */
  public boolean hasContinuousTime() {
    return !Double.isNaN(dt);
  }

  /**
   * The real parts of the continuous-time eigenvalues {@code (lambda_k - 1) / dt}.
   *
   * @return {@code Re(mu_k)} for every eigenvalue, in the canonical order
   * @throws IllegalStateException if there is no continuous-time view
   */
  public double[] continuousReal() {
    requireContinuous();
    double[] out = new double[size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = (eigenvalues.real(k) - 1.0) / dt;
    }
    return out;
  }

  /**
   * The imaginary parts of the continuous-time eigenvalues: {@code Im(lambda_k) / dt}.
   *
   * @return {@code Im(mu_k)} for every eigenvalue, in the canonical order
   * @throws IllegalStateException if there is no continuous-time view
   */
  public double[] continuousImag() {
    requireContinuous();
    double[] out = new double[size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = eigenvalues.imag(k) / dt;
    }
    return out;
  }

  /**
   * The time constants {@code tau_k = -1 / Re(mu_k)}: positive for decaying modes, negative for
   * growing ones, infinite for neutral ones (see the class description).
   *
   * @return {@code tau_k} for every eigenvalue, in the canonical order, in the units of {@code dt}
   * @throws IllegalStateException if there is no continuous-time view
   */
  public double[] timeConstants() {
    double[] re = continuousReal();
    double[] out = new double[re.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = re[k] == 0.0 ? Double.POSITIVE_INFINITY : -1.0 / re[k];
    }
    return out;
  }

  /**
   * The slowest decay: the largest positive time constant (infinite if some mode is neutral), or
   * NaN when no mode decays.
   *
   * @return the largest positive {@code tau_k}, in the units of {@code dt}, or NaN
   * @throws IllegalStateException if there is no continuous-time view
   */
  public double slowestTimeConstant() {
    double best = Double.NaN;
    for (double t : timeConstants()) {
      if (t > 0 && (Double.isNaN(best) || t > best)) {
        best = t;
      }
    }
    return best;
  }

  private void requireContinuous() {
    if (!hasContinuousTime()) {
      throw new IllegalStateException("this summary has no continuous-time view: it exists for the "
          + "leaky model in pre-activation coordinates, whose Jacobian is I + dt A");
    }
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "StabilitySummary[spectral radius %.6g, leading %s, %d unstable of %d%s]",
        spectralRadius(), formatComplex(leadingReal(), leadingImag()), unstableModes(), size(),
        hasContinuousTime() ? ", dt " + dt : "");
  }

  /** {@code a+bi} with six significant digits, or {@code a} when real. */
  static String formatComplex(double re, double im) {
    if (im == 0.0) {
      return String.format(java.util.Locale.ROOT, "%.6g", re);
    }
    return String.format(java.util.Locale.ROOT, "%.6g%s%.6gi", re, im < 0 ? "-" : "+", Math.abs(im));
  }
}
