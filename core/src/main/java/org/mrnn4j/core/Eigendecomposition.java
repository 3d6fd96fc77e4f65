package org.mrnn4j.core;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigenvalues, and optionally eigenvectors, of a real square matrix, in a canonical form that every
 * backend returns:
 *
 * <ul>
 *   <li><b>Order:</b> by descending modulus {@code |lambda|}; ties by descending real part, then by
 *       descending imaginary part (so of a complex-conjugate pair, the one with positive imaginary
 *       part comes first).
 *   <li><b>Eigenvectors:</b> complex, of unit Euclidean norm, with the phase chosen so that the
 *       component of largest modulus is real and positive; of components whose moduli agree to
 *       rounding (relative 1e-12 in the squared modulus), the first. Eigenvector {@code k}
 *       belongs to eigenvalue {@code k}.
 *   <li><b>Left eigenvectors</b> (optional, {@link #hasLeftVectors()}): {@code w} with
 *       {@code w^H A = lambda w^H} (LAPACK's convention), sorted with their eigenvalue, of unit
 *       Euclidean norm, with the phase that makes {@code w^H v} (v the right eigenvector of the
 *       same eigenvalue) real and positive. Then {@code |w| |v| / |w^H v| = 1 / (w^H v)} is the
 *       eigenvalue's condition number.
 * </ul>
 *
 * Instances are immutable; the accessors return copies.
 */
public final class Eigendecomposition {
  private final double[] real;
  private final double[] imag;
  private final double[][] vectorsReal;
  private final double[][] vectorsImag;
  private final double[][] leftReal;
  private final double[][] leftImag;

  private Eigendecomposition(
      double[] real, double[] imag, double[][] vr, double[][] vi, double[][] lr, double[][] li) {
    this.real = real;
    this.imag = imag;
    this.vectorsReal = vr;
    this.vectorsImag = vi;
    this.leftReal = lr;
    this.leftImag = li;
  }

  /**
   * Builds the canonical form from eigenpairs in any order and eigenvectors of any scale.
   *
   * @param real real parts of the eigenvalues
   * @param imag imaginary parts of the eigenvalues
   * @param vectorsReal {@code vectorsReal[k]} is the real part of the eigenvector of eigenvalue
   *     {@code k}, or {@code null} (with {@code vectorsImag}) when no vectors were computed
   * @param vectorsImag the imaginary parts, or {@code null} (also allowed alone, for real vectors)
   * @return the decomposition, sorted and normalised
   */
  public static Eigendecomposition of(
      double[] real, double[] imag, double[][] vectorsReal, double[][] vectorsImag) {
    return of(real, imag, vectorsReal, vectorsImag, null, null);
  }

  /**
   * Builds the canonical form from eigenpairs in any order with right and left eigenvectors of
   * any scale and phase.
   *
   * @param real real parts of the eigenvalues
   * @param imag imaginary parts of the eigenvalues
   * @param vectorsReal {@code vectorsReal[k]} is the real part of the right eigenvector of
   *     eigenvalue {@code k}; required when left vectors are given
   * @param vectorsImag the imaginary parts of the right eigenvectors, or {@code null}
   * @param leftReal {@code leftReal[k]} is the real part of the left eigenvector {@code u} of
   *     eigenvalue {@code k} in LAPACK's convention {@code u^H A = lambda u^H}, in the same input
   *     order as the eigenvalues; or {@code null} (with {@code leftImag}) for none
   * @param leftImag the imaginary parts of the left eigenvectors, or {@code null}
   * @return the decomposition, sorted and normalised (left vectors: unit norm, {@code w^H v} real
   *     and positive)
   * @throws IllegalArgumentException if left vectors are given without right vectors, or lengths
   *     differ
   */
  public static Eigendecomposition of(
      double[] real,
      double[] imag,
      double[][] vectorsReal,
      double[][] vectorsImag,
      double[][] leftReal,
      double[][] leftImag) {
    int n = real.length;
    if (leftReal != null && vectorsReal == null) {
      throw new IllegalArgumentException(
          "left eigenvectors were given without right eigenvectors; their phase is fixed by w^H v");
    }
    if (leftReal != null && leftReal.length != n) {
      throw new IllegalArgumentException(
          "leftReal holds " + leftReal.length + " vectors for " + n + " eigenvalues");
    }
    if (imag.length != n) {
      throw new IllegalArgumentException(
          "real and imaginary parts differ in length: " + n + " and " + imag.length);
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Comparator<Integer> byModulus =
        Comparator.comparingDouble((Integer k) -> Math.hypot(real[k], imag[k])).reversed();
    Arrays.sort(
        order,
        byModulus
            .thenComparing(Comparator.comparingDouble((Integer k) -> real[k]).reversed())
            .thenComparing(Comparator.comparingDouble((Integer k) -> imag[k]).reversed()));
    double[] re = new double[n];
    double[] im = new double[n];
    double[][] vr = vectorsReal == null ? null : new double[n][];
    double[][] vi = vectorsReal == null ? null : new double[n][];
    double[][] lr = leftReal == null ? null : new double[n][];
    double[][] li = leftReal == null ? null : new double[n][];
    for (int k = 0; k < n; k++) {
      int src = order[k];
      re[k] = real[src];
      im[k] = imag[src];
      if (vr != null) {
        double[] a = vectorsReal[src].clone();
        double[] b = vectorsImag == null || vectorsImag[src] == null
            ? new double[a.length] : vectorsImag[src].clone();
        normalize(a, b);
        vr[k] = a;
        vi[k] = b;
        if (lr != null) {
          double[] c = leftReal[src].clone();
          double[] d = leftImag == null || leftImag[src] == null
              ? new double[c.length] : leftImag[src].clone();
          normalizeLeft(c, d, a, b);
          lr[k] = c;
          li[k] = d;
        }
      }
    }
    return new Eigendecomposition(re, im, vr, vi, lr, li);
  }

  /**
   * Scales {@code w = c + i d} to unit norm with {@code w^H v} real and positive ({@code v = a + i
   * b}); where {@code w^H v = 0} (a defective eigenvalue) only to unit norm.
   */
  private static void normalizeLeft(double[] c, double[] d, double[] a, double[] b) {
    if (c.length != a.length) {
      throw new IllegalArgumentException(
          "a left eigenvector has " + c.length + " components, its right one " + a.length);
    }
    double norm2 = 0;
    double pr = 0;
    double pi = 0;
    for (int i = 0; i < c.length; i++) {
      norm2 += c[i] * c[i] + d[i] * d[i];
      // conj(w_i) v_i
      pr += c[i] * a[i] + d[i] * b[i];
      pi += c[i] * b[i] - d[i] * a[i];
    }
    if (norm2 == 0 || !Double.isFinite(norm2)) {
      return;
    }
    double p = Math.hypot(pr, pi);
    double norm = Math.sqrt(norm2);
    // w <- w * (w^H v) / |w^H v| / |w|: then w^H v becomes |w^H v| / |w|
    double cr = p == 0 ? 1 / norm : pr / (p * norm);
    double ci = p == 0 ? 0 : pi / (p * norm);
    for (int i = 0; i < c.length; i++) {
      double x = c[i] * cr - d[i] * ci;
      double y = c[i] * ci + d[i] * cr;
      c[i] = x;
      d[i] = y;
    }
  }

  /**
   * Components whose squared moduli differ by less than this, relatively, tie: the first of them
   * is made real, so that last-ulp differences between solvers do not decide which one.
   */
  private static final double TIE = 1e-12;

  /** Scales {@code a + i b} to unit norm with its first largest component real and positive. */
  private static void normalize(double[] a, double[] b) {
    double best = 0;
    double norm2 = 0;
    for (int i = 0; i < a.length; i++) {
      double m = a[i] * a[i] + b[i] * b[i];
      norm2 += m;
      best = Math.max(best, m);
    }
    if (norm2 == 0) {
      return;
    }
    int arg = 0;
    while (a[arg] * a[arg] + b[arg] * b[arg] < best * (1 - TIE)) {
      arg++;
    }
    // multiply by conj(v[arg]) / (|v[arg]| * |v|): rotates v[arg] onto the positive real axis
    double mod = Math.hypot(a[arg], b[arg]);
    double scale = mod * Math.sqrt(norm2);
    double cr = a[arg] / scale;
    double ci = -b[arg] / scale;
    for (int i = 0; i < a.length; i++) {
      double x = a[i] * cr - b[i] * ci;
      double y = a[i] * ci + b[i] * cr;
      a[i] = x;
      b[i] = y;
    }
    b[arg] = 0.0;
  }

  /** {@return the number of eigenvalues (the matrix order)} */
  public int size() {
    return real.length;
  }

  /**
   * {@return real part of eigenvalue {@code k}}
   *
   * @param k the eigenvalue's index, in canonical order
   */
  public double real(int k) {
    return real[k];
  }

  /**
   * {@return imaginary part of eigenvalue {@code k}}
   *
   * @param k the eigenvalue's index, in canonical order
   */
  public double imag(int k) {
    return imag[k];
  }

  /**
   * {@return modulus of eigenvalue {@code k}}
   *
   * @param k the eigenvalue's index, in canonical order
   */
  public double modulus(int k) {
    return Math.hypot(real[k], imag[k]);
  }

  /** {@return real parts of all eigenvalues, in canonical order} */
  public double[] realParts() {
    return real.clone();
  }

  /** {@return imaginary parts of all eigenvalues, in canonical order} */
  public double[] imagParts() {
    return imag.clone();
  }

  /** {@return whether eigenvectors were computed} */
  public boolean hasVectors() {
    return vectorsReal != null;
  }

  /**
   * Real part of eigenvector {@code k}.
   *
   * @param k the eigenvalue's index, in canonical order
   * @return the real parts of eigenvector {@code k}, unit norm
   * @throws IllegalStateException if eigenvectors were not requested
   */
  public double[] vectorReal(int k) {
    requireVectors();
    return vectorsReal[k].clone();
  }

  /**
   * Imaginary part of eigenvector {@code k}.
   *
   * @param k the eigenvalue's index, in canonical order
   * @return the imaginary parts of eigenvector {@code k}
   * @throws IllegalStateException if eigenvectors were not requested
   */
  public double[] vectorImag(int k) {
    requireVectors();
    return vectorsImag[k].clone();
  }

  /** {@return whether left eigenvectors were computed} */
  public boolean hasLeftVectors() {
    return leftReal != null;
  }

  /**
   * Real part of left eigenvector {@code k} ({@code w^H A = lambda_k w^H}).
   *
   * @param k the eigenvalue's index, in canonical order
   * @return the real parts of left eigenvector {@code k}, unit norm, {@code w^H v} real positive
   * @throws IllegalStateException if left eigenvectors were not computed
   */
  public double[] leftVectorReal(int k) {
    requireLeftVectors();
    return leftReal[k].clone();
  }

  /**
   * Imaginary part of left eigenvector {@code k}.
   *
   * @param k the eigenvalue's index, in canonical order
   * @return the imaginary parts of left eigenvector {@code k}
   * @throws IllegalStateException if left eigenvectors were not computed
   */
  public double[] leftVectorImag(int k) {
    requireLeftVectors();
    return leftImag[k].clone();
  }

  private void requireLeftVectors() {
    if (leftReal == null) {
      throw new IllegalStateException(
          "this eigendecomposition holds no left eigenvectors; compute it with"
              + " Backend.eigWithLeftVectors");
    }
  }

  private void requireVectors() {
    if (vectorsReal == null) {
      throw new IllegalStateException(
          "this eigendecomposition holds eigenvalues only; ask for eigenvectors when computing it");
    }
  }

  /** {@return the spectral radius: the largest modulus (0 for an empty matrix)} */
  public double spectralRadius() {
    return real.length == 0 ? 0.0 : modulus(0);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Eigendecomposition[");
    for (int k = 0; k < Math.min(real.length, 6); k++) {
      if (k > 0) {
        sb.append(", ");
      }
      sb.append(real[k]);
      if (imag[k] != 0) {
        sb.append(imag[k] >= 0 ? "+" : "-").append(Math.abs(imag[k])).append('i');
      }
    }
    if (real.length > 6) {
      sb.append(", ... (").append(real.length).append(" in all)");
    }
    return sb.append(
            hasLeftVectors() ? "; with right and left vectors]" : hasVectors() ? "; with vectors]" : "]")
        .toString();
  }
}
