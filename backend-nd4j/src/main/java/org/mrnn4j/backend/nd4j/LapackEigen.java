package org.mrnn4j.backend.nd4j;

import org.bytedeco.openblas.global.openblas;
import org.mrnn4j.core.Eigendecomposition;

/**
 * General real eigendecomposition with LAPACK's {@code dgeevx}, called through OpenBLAS's LAPACKE
 * (ND4J's own LAPACK wrapper has no {@code geev}, and its Java fallback is far slower).
 *
 * <p>Balancing: the eigenvalues come from the matrix balanced by permutation and scaling (job
 * 'B', as {@code dgeev} does), which keeps them accurate for badly scaled matrices. Its
 * eigenvectors are accurate for the balanced matrix, and mapped back they can miss the residual
 * bound on the matrix itself by far: a Jacobian whose rows are tiny (units whose activation
 * derivative underflows) gave {@code |J v - lambda v| / (|J| |v|)} of 0.1 and more. So where the
 * scaling changed anything, every residual is checked on the matrix given (one {@code dgemm});
 * if one misses {@link #RESIDUAL_BOUND}, the eigenvectors are computed again with permutation
 * alone (job 'P', backward stable for the matrix itself) and each is given to the nearest of the
 * original eigenvalues. The eigenvalues are never changed.
 *
 * <p>Left eigenvectors ({@link #decomposeWithLeft}) come from the same call ({@code JOBVL =
 * 'V'}), packed as the right ones, and take part in the same check and fallback.
 */
final class LapackEigen {
  private LapackEigen() {}

  /**
   * The bound every eigenpair meets, relative to {@code |A|_F |v|}: the backend contract's.
   * Backward-stable vectors reach about {@code n eps}.
   */
  static final double RESIDUAL_BOUND = 1e-10;

  /**
   * Decomposes the {@code n x n} matrix held column-major in {@code a} (not modified).
   *
   * @throws ArithmeticException if {@code a} holds NaN or infinite entries, the QR iteration
   *     does not converge, or no eigenvector meets the residual bound
   */
  static Eigendecomposition decompose(double[] a, int n, boolean vectors) {
    return decompose(a, n, vectors, false);
  }

  /**
   * Decomposes the {@code n x n} matrix held column-major in {@code a} (not modified) with right
   * and left eigenvectors from one {@code dgeevx} call ({@code JOBVL = JOBVR = 'V'}): the left
   * vector {@code u} of {@code lambda} meets {@code u^H A = lambda u^H}. Balancing and its
   * fallback are those of {@link #decompose(double[], int, boolean)}, with the residual check
   * applied to the left vectors too ({@code |A^T conj(u) - lambda conj(u)| <= }{@link
   * #RESIDUAL_BOUND}{@code |A|_F |u|}): if a right or a left vector misses it, both sets are
   * computed again with permutation alone, from one call, so they stay pairs.
   *
   * @throws ArithmeticException as {@link #decompose(double[], int, boolean)}, or if a left
   *     vector misses the bound with and without scaling
   */
  static Eigendecomposition decomposeWithLeft(double[] a, int n) {
    return decompose(a, n, true, true);
  }

  private static Eigendecomposition decompose(double[] a, int n, boolean vectors, boolean left) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        throw new ArithmeticException(
            "eig: the " + n + " x " + n + " matrix holds NaN or infinite entries");
      }
    }
    double[] wr = new double[n];
    double[] wi = new double[n];
    if (n == 0) {
      double[][] none = vectors ? new double[0][] : null;
      return Eigendecomposition.of(wr, wi, none, null, left ? new double[0][] : null, null);
    }
    double[] scale = new double[n];
    double[][] packed = geevx('B', a, n, vectors, left, wr, wi, scale);
    if (!vectors) {
      return Eigendecomposition.of(wr, wi, null, null);
    }
    double[][][] v = complexVectors(packed[0], wr, wi, n);
    double[][][] u = left ? complexVectors(packed[1], wr, wi, n) : null;
    if (scaled(scale) && worstResidual(a, n, wr, wi, v, u) > RESIDUAL_BOUND) {
      double[] pr = new double[n];
      double[] pi = new double[n];
      double[][] unscaled = geevx('P', a, n, true, left, pr, pi, new double[n]);
      int[] from = pairing(wr, wi, pr, pi, n);
      v = taken(complexVectors(unscaled[0], pr, pi, n), from);
      u = left ? taken(complexVectors(unscaled[1], pr, pi, n), from) : null;
      double worst = worstResidual(a, n, wr, wi, v, false);
      if (!(worst <= RESIDUAL_BOUND)) {
        throw new ArithmeticException("eig: an eigenvector of the " + n + " x " + n
            + " matrix misses |A v - lambda v| <= " + RESIDUAL_BOUND + " |A|_F |v| (reached "
            + worst + "), with and without balancing's scaling");
      }
      double worstLeft = left ? worstResidual(a, n, wr, wi, u, true) : 0;
      if (!(worstLeft <= RESIDUAL_BOUND)) {
        throw new ArithmeticException("eig: a left eigenvector of the " + n + " x " + n
            + " matrix misses |u^H A - lambda u^H| <= " + RESIDUAL_BOUND + " |A|_F |u| (reached "
            + worstLeft + "), with and without balancing's scaling");
      }
    }
    return left
        ? Eigendecomposition.of(wr, wi, v[0], v[1], u[0], u[1])
        : Eigendecomposition.of(wr, wi, v[0], v[1]);
  }

  /** The worse of the right vectors' and (if {@code u} is not null) the left vectors' residual. */
  private static double worstResidual(double[] a, int n, double[] wr, double[] wi,
      double[][][] v, double[][][] u) {
    double worst = worstResidual(a, n, wr, wi, v, false);
    if (u != null && worst <= RESIDUAL_BOUND) {
      worst = Math.max(worst, worstResidual(a, n, wr, wi, u, true));
    }
    return worst;
  }

  /**
   * {@code dgeevx} with balancing job {@code balanc} on a copy of {@code a}: eigenvalues into
   * {@code wr, wi}, the balancing's scale factors (or permutation indices outside the scaled
   * block) into {@code scale}; returns {@code {right, left}} eigenvectors (column-major, LAPACK's
   * packed real form), each null where not asked for.
   */
  private static double[][] geevx(char balanc, double[] a, int n, boolean vectors, boolean left,
      double[] wr, double[] wi, double[] scale) {
    // Column-major: LAPACK's own layout, so LAPACKE neither transposes nor checks ldvl against n.
    double[] work = a.clone();
    double[] vl = new double[left ? n * n : 1];
    double[] vr = new double[vectors ? n * n : 1];
    int[] ilo = new int[1];
    int[] ihi = new int[1];
    int info = openblas.LAPACKE_dgeevx(openblas.LAPACK_COL_MAJOR, (byte) balanc,
        (byte) (left ? 'V' : 'N'), (byte) (vectors ? 'V' : 'N'), (byte) 'N', n, work, n, wr, wi,
        vl, left ? n : 1, vr, vectors ? n : 1, ilo, ihi, scale, new double[1], new double[n],
        new double[n]);
    if (info > 0) {
      throw new ArithmeticException(
          "eig: LAPACK dgeevx's QR iteration did not converge for the " + n + " x " + n
              + " matrix (" + (n - info) + " eigenvalues converged)");
    }
    if (info < 0) {
      throw new IllegalStateException("eig: LAPACKE_dgeevx rejected its argument " + (-info));
    }
    // dgebal leaves permutation indices outside [ilo, ihi] and scale factors inside
    for (int i = 0; i < n; i++) {
      if (i < ilo[0] - 1 || i > ihi[0] - 1) {
        scale[i] = 1.0;
      }
    }
    return new double[][] {vectors ? vr : null, left ? vl : null};
  }

  private static boolean scaled(double[] scale) {
    for (double s : scale) {
      if (s != 1.0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Which of the eigenvalues {@code pr, pi} gives its vectors to each of {@code wr, wi}: each
   * eigenvalue, in order, takes the nearest unused one. The two eigenvalue sets agree up to
   * rounding; within a cluster any assignment spans the same invariant subspace, and members of a
   * conjugate pair may take two real vectors where the other solve found two real eigenvalues.
   */
  private static int[] pairing(double[] wr, double[] wi, double[] pr, double[] pi, int n) {
    boolean[] used = new boolean[n];
    int[] from = new int[n];
    for (int k = 0; k < n; k++) {
      int best = -1;
      double distance = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double d = Math.hypot(wr[k] - pr[j], wi[k] - pi[j]);
        if (!used[j] && d < distance) {
          best = j;
          distance = d;
        }
      }
      used[best] = true;
      from[k] = best;
    }
    return from;
  }

  /** The vectors {@code vectors} reordered: entry {@code k} is {@code vectors[from[k]]}. */
  private static double[][][] taken(double[][][] vectors, int[] from) {
    int n = from.length;
    double[][] re = new double[n][];
    double[][] im = new double[n][];
    for (int k = 0; k < n; k++) {
      re[k] = vectors[0][from[k]];
      im[k] = vectors[1][from[k]];
    }
    return new double[][][] {re, im};
  }

  /**
   * LAPACK's packed eigenvectors as complex ones: a complex pair ({@code wi[j] > 0}, then its
   * conjugate) is stored as two real columns, the real part in column {@code j} and the
   * imaginary part in column {@code j + 1}. Returns {@code {real parts, imaginary parts}}, one
   * row per eigenvalue.
   */
  private static double[][][] complexVectors(double[] vr, double[] wr, double[] wi, int n) {
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
    return new double[][][] {re, im};
  }

  /**
   * The largest {@code |A v_k - lambda_k v_k| / (|A|_F |v_k|)} over all eigenpairs: one
   * {@code dgemm} of {@code A} with the {@code n x 2n} matrix of real and imaginary parts. With
   * {@code left}, {@code v} holds left vectors {@code u} and the residual is that of {@code u^H A
   * = lambda u^H}, i.e. {@code |A^T conj(u) - lambda conj(u)|}.
   */
  private static double worstResidual(double[] a, int n, double[] wr, double[] wi,
      double[][][] v, boolean left) {
    double[] x = new double[2 * n * n];
    for (int k = 0; k < n; k++) {
      System.arraycopy(v[0][k], 0, x, 2 * k * n, n);
      if (left) {
        double[] im = v[1][k];
        int at = (2 * k + 1) * n;
        for (int i = 0; i < n; i++) {
          x[at + i] = -im[i];
        }
      } else {
        System.arraycopy(v[1][k], 0, x, (2 * k + 1) * n, n);
      }
    }
    double[] ax = new double[2 * n * n];
    openblas.cblas_dgemm(openblas.CblasColMajor, left ? openblas.CblasTrans : openblas.CblasNoTrans,
        openblas.CblasNoTrans, n, 2 * n, n, 1.0, a, n, x, n, 0.0, ax, n);
    double normA = 0;
    for (double e : a) {
      normA += e * e;
    }
    normA = Math.sqrt(normA);
    double worst = 0;
    for (int k = 0; k < n; k++) {
      double r = 0;
      double norm = 0;
      for (int i = 0; i < n; i++) {
        double xr = x[2 * k * n + i];
        double xi = x[(2 * k + 1) * n + i];
        double rr = ax[2 * k * n + i] - (wr[k] * xr - wi[k] * xi);
        double ri = ax[(2 * k + 1) * n + i] - (wr[k] * xi + wi[k] * xr);
        r += rr * rr + ri * ri;
        norm += xr * xr + xi * xi;
      }
      double ratio = Math.sqrt(r) / (normA * Math.sqrt(norm));
      worst = Math.max(worst, Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio);
    }
    return worst;
  }
}
