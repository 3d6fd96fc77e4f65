package org.mrnn4j.backend.nd4j;

import org.bytedeco.openblas.global.openblas;
import org.mrnn4j.core.Eigendecomposition;

/**
 * General real eigendecomposition with LAPACK's {@code dgeev}, called through OpenBLAS's LAPACKE
 * (ND4J's own LAPACK wrapper has no {@code geev}, and its Java fallback is far slower).
 */
final class LapackEigen {
  private LapackEigen() {}

  /**
   * Decomposes the {@code n x n} matrix held column-major in {@code a} (overwritten).
   *
   * @throws ArithmeticException if {@code a} holds NaN or infinite entries, or the QR iteration
   *     does not converge
   */
  static Eigendecomposition decompose(double[] a, int n, boolean vectors) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        throw new ArithmeticException(
            "eig: the " + n + " x " + n + " matrix holds NaN or infinite entries");
      }
    }
    double[] wr = new double[n];
    double[] wi = new double[n];
    if (n == 0) {
      return Eigendecomposition.of(wr, wi, vectors ? new double[0][] : null, null);
    }
    // Column-major: LAPACK's own layout, so LAPACKE neither transposes nor checks ldvl against n.
    double[] vl = new double[1];
    double[] vr = new double[vectors ? n * n : 1];
    int info = openblas.LAPACKE_dgeev(openblas.LAPACK_COL_MAJOR, (byte) 'N',
        (byte) (vectors ? 'V' : 'N'), n, a, n, wr, wi, vl, 1, vr, vectors ? n : 1);
    if (info > 0) {
      throw new ArithmeticException(
          "eig: LAPACK dgeev's QR iteration did not converge for the " + n + " x " + n
              + " matrix (" + (n - info) + " eigenvalues converged)");
    }
    if (info < 0) {
      throw new IllegalStateException("eig: LAPACKE_dgeev rejected its argument " + (-info));
    }
    if (!vectors) {
      return Eigendecomposition.of(wr, wi, null, null);
    }
    // dgeev stores a complex pair (wi[j] > 0, then its conjugate) as two real columns: the real
    // part in column j and the imaginary part in column j + 1.
    double[][] re = new double[n][n];
    double[][] im = new double[n][n];
    for (int j = 0; j < n; j++) {
      if (wi[j] != 0.0 && j + 1 < n && wi[j] == -wi[j + 1]) {
        for (int i = 0; i < n; i++) {
          double x = vr[j * n + i];
          double y = vr[(j + 1) * n + i];
          re[j][i] = x;
          im[j][i] = y;
          re[j + 1][i] = x;
          im[j + 1][i] = -y;
        }
        j++;
      } else {
        for (int i = 0; i < n; i++) {
          re[j][i] = vr[j * n + i];
        }
      }
    }
    return Eigendecomposition.of(wr, wi, re, im);
  }
}

