package org.mrnn4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.mrnn4j.core.Eigendecomposition;

/**
 * Checks for eigendecompositions that need no reference implementation: the residual of each
 * eigenpair, the canonical order and normalisation of {@link Eigendecomposition}, eigenvalues
 * against known ones, and the independence of eigenvectors. For any module's tests.
 */
public final class EigenChecks {
  private EigenChecks() {}

  /**
   * The Frobenius norm of {@code a} (an upper bound of its 2-norm).
   *
   * @param a the matrix
   * @return its Frobenius norm
   */
  public static double norm(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      for (double x : row) {
        s += x * x;
      }
    }
    return Math.sqrt(s);
  }

  /**
   * {@code |A v - lambda v|} (Euclidean) for the complex pair {@code lambda, v = vr + i vi}.
   *
   * @param a the matrix
   * @param lambdaRe the eigenvalue's real part
   * @param lambdaIm the eigenvalue's imaginary part
   * @param vr the eigenvector's real part
   * @param vi the eigenvector's imaginary part
   * @return the residual's norm
   */
  public static double residual(
      double[][] a, double lambdaRe, double lambdaIm, double[] vr, double[] vi) {
    int n = a.length;
    double s = 0;
    for (int i = 0; i < n; i++) {
      double re = -(lambdaRe * vr[i] - lambdaIm * vi[i]);
      double im = -(lambdaRe * vi[i] + lambdaIm * vr[i]);
      for (int j = 0; j < n; j++) {
        re += a[i][j] * vr[j];
        im += a[i][j] * vi[j];
      }
      s += re * re + im * im;
    }
    return Math.sqrt(s);
  }

  /**
   * {@code |v|} for {@code v = vr + i vi}.
   *
   * @param vr the real part
   * @param vi the imaginary part
   * @return the Euclidean norm
   */
  public static double norm(double[] vr, double[] vi) {
    double s = 0;
    for (int i = 0; i < vr.length; i++) {
      s += vr[i] * vr[i] + vi[i] * vi[i];
    }
    return Math.sqrt(s);
  }

  /**
   * Asserts {@code |A v_k - lambda_k v_k| <= tolerance * |A|_F * |v_k|} for every eigenpair, and
   * that the decomposition has vectors of the right length.
   *
   * @param a the matrix decomposed
   * @param e its decomposition
   * @param tolerance the relative residual bound
   */
  public static void assertEigenpairs(double[][] a, Eigendecomposition e, double tolerance) {
    int n = a.length;
    assertEquals(n, e.size(), "number of eigenvalues");
    assertTrue(e.hasVectors(), "eigenvectors were asked for");
    double normA = norm(a);
    for (int k = 0; k < n; k++) {
      double[] vr = e.vectorReal(k);
      double[] vi = e.vectorImag(k);
      assertEquals(n, vr.length, "length of the real part of eigenvector " + k);
      assertEquals(n, vi.length, "length of the imaginary part of eigenvector " + k);
      double normV = norm(vr, vi);
      assertTrue(normV > 0, "eigenvector " + k + " is zero");
      double r = residual(a, e.real(k), e.imag(k), vr, vi);
      if (!(r <= tolerance * normA * normV)) {
        fail("eigenpair " + k + " of " + n + " (lambda = " + e.real(k) + " + " + e.imag(k)
            + "i): |A v - lambda v| = " + r + " exceeds " + tolerance + " * |A| |v| = "
            + tolerance * normA * normV);
      }
    }
  }

  /**
   * Asserts the canonical form of {@link Eigendecomposition}: descending modulus, ties by
   * descending real part, then descending imaginary part; vectors (if any) of unit norm with their
   * first largest component real and positive.
   *
   * @param e the decomposition
   */
  public static void assertCanonical(Eigendecomposition e) {
    for (int k = 0; k + 1 < e.size(); k++) {
      double m0 = Math.hypot(e.real(k), e.imag(k));
      double m1 = Math.hypot(e.real(k + 1), e.imag(k + 1));
      boolean ordered = m0 > m1
          || (m0 == m1 && (e.real(k) > e.real(k + 1)
              || (e.real(k) == e.real(k + 1) && e.imag(k) >= e.imag(k + 1))));
      assertTrue(ordered, "eigenvalues " + k + " and " + (k + 1) + " out of canonical order: "
          + e.real(k) + "+" + e.imag(k) + "i before " + e.real(k + 1) + "+" + e.imag(k + 1) + "i");
    }
    if (!e.hasVectors()) {
      return;
    }
    for (int k = 0; k < e.size(); k++) {
      double[] vr = e.vectorReal(k);
      double[] vi = e.vectorImag(k);
      assertEquals(1.0, norm(vr, vi), 1e-12, "norm of eigenvector " + k);
      // the largest component is real and positive; of components that tie up to rounding,
      // any one may be the one chosen
      double best = 0;
      for (int i = 0; i < vr.length; i++) {
        best = Math.max(best, vr[i] * vr[i] + vi[i] * vi[i]);
      }
      boolean found = false;
      for (int i = 0; i < vr.length && !found; i++) {
        double m = vr[i] * vr[i] + vi[i] * vi[i];
        found = m >= best * (1 - 1e-10) && vr[i] > 0 && Math.abs(vi[i]) <= 1e-12 * vr[i];
      }
      assertTrue(found, "the largest component of eigenvector " + k
          + " is not real and positive: " + java.util.Arrays.toString(vr) + " + i "
          + java.util.Arrays.toString(vi));
    }
  }

  /**
   * Asserts that the eigenvalues equal the expected ones as a multiset, each within
   * {@code tolerance} (absolute), matching every expected value to the nearest unused one.
   *
   * @param expectedRe the expected real parts
   * @param expectedIm the expected imaginary parts
   * @param e the decomposition
   * @param tolerance the absolute tolerance
   */
  public static void assertEigenvalues(
      double[] expectedRe, double[] expectedIm, Eigendecomposition e, double tolerance) {
    assertEquals(expectedRe.length, e.size(), "number of eigenvalues");
    boolean[] used = new boolean[e.size()];
    for (int i = 0; i < expectedRe.length; i++) {
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int k = 0; k < e.size(); k++) {
        double d = Math.hypot(e.real(k) - expectedRe[i], e.imag(k) - expectedIm[i]);
        if (!used[k] && d < bestDistance) {
          best = k;
          bestDistance = d;
        }
      }
      if (bestDistance > tolerance) {
        fail("expected eigenvalue " + expectedRe[i] + "+" + expectedIm[i] + "i is missing; "
            + "the nearest is " + (best < 0 ? "none" : e.real(best) + "+" + e.imag(best) + "i")
            + " in " + e);
      }
      used[best] = true;
    }
  }

  /**
   * Asserts that the eigenvectors {@code indices} are linearly independent: after modified
   * Gram-Schmidt each keeps at least {@code minimum} of its (unit) norm.
   *
   * @param e the decomposition
   * @param indices the eigenvectors' indices
   * @param minimum the least share of its norm each must keep
   */
  public static void assertIndependent(Eigendecomposition e, int[] indices, double minimum) {
    int n = e.size();
    double[][] qr = new double[indices.length][];
    double[][] qi = new double[indices.length][];
    for (int t = 0; t < indices.length; t++) {
      double[] vr = e.vectorReal(indices[t]);
      double[] vi = e.vectorImag(indices[t]);
      double len = norm(vr, vi);
      for (int s = 0; s < t; s++) {
        double cr = 0;
        double ci = 0;
        for (int i = 0; i < n; i++) {
          cr += qr[s][i] * vr[i] + qi[s][i] * vi[i];
          ci += qr[s][i] * vi[i] - qi[s][i] * vr[i];
        }
        for (int i = 0; i < n; i++) {
          vr[i] -= cr * qr[s][i] - ci * qi[s][i];
          vi[i] -= cr * qi[s][i] + ci * qr[s][i];
        }
      }
      double rest = norm(vr, vi);
      assertTrue(rest >= minimum * len, "eigenvector " + indices[t]
          + " depends on the ones before it: only " + rest / len + " of it is independent");
      for (int i = 0; i < n; i++) {
        vr[i] /= rest;
        vi[i] /= rest;
      }
      qr[t] = vr;
      qi[t] = vi;
    }
  }
}
