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
 * </ul>
 *
 * Instances are immutable; the accessors return copies.
 */
public final class Eigendecomposition {
  private final double[] real;
  private final double[] imag;
  private final double[][] vectorsReal;
  private final double[][] vectorsImag;

  private Eigendecomposition(double[] real, double[] imag, double[][] vr, double[][] vi) {
    this.real = real;
    this.imag = imag;
    this.vectorsReal = vr;
    this.vectorsImag = vi;
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
    int n = real.length;
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
      }
    }
    return new Eigendecomposition(re, im, vr, vi);
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
    return sb.append(hasVectors() ? "; with vectors]" : "]").toString();
  }
}
