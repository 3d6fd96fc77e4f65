package org.mrnn4j.eigen;

import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.eig.watched.WatchedDoubleStepQREigenvalue_DDRM;
import org.ejml.dense.row.decomposition.hessenberg.HessenbergSimilarDecomposition_DDRM;
import org.mrnn4j.core.Eigendecomposition;

/**
 * The reference general real eigendecomposition, which the EJML backend uses and any backend may
 * fall back to from {@code doEig} (it works on a row-major {@code double[]}, so a backend needs
 * nothing but {@code toArray}). It meets the contract of {@code Backend.eig}: eigenpairs within
 * the residual bound on the matrix itself, however badly scaled, independent eigenvectors for a
 * repeated eigenvalue that is not defective, the canonical order of {@link Eigendecomposition}.
 *
 * <p>Structured like LAPACK's
 * {@code dgeev}: balancing ({@link Balance}, {@code dgebal} 'B'), Hessenberg reduction and QR
 * iteration by EJML on the block that balancing leaves coupled, eigenvectors by inverse iteration
 * on the Hessenberg matrix (the method of {@code dhsein}/{@code dlaein}), then mapped back through
 * the balancing ({@code dgebak}); {@code O(n^3)} overall. Eigenvalues isolated by the permutation
 * are read off the diagonal, exactly. EJML's own eigenvector routine is not used: it leaves the
 * vectors of complex eigenvalues out.
 *
 * <p>Each call allocates its own work arrays, so concurrent calls share nothing.
 */
public final class ReferenceEigensolver {
  private static final double ULP = Math.ulp(1.0);
  /** Inverse-iteration steps at most per eigenvector; one or two suffice in practice. */
  private static final int MAX_STEPS = 5;
  /** Above this, a back substitution rescales its vector so that it cannot overflow. */
  private static final double BIG = 1e150;

  private final int n;
  private final double[] h;
  /** The middle block {@code [lo, hi)} of the balanced matrix; the rest is triangular. */
  private final int lo;
  private final int hi;
  /** The order of the leading block the current eigenvector is solved on: {@link #support}. */
  private int size;
  private final double scale;
  private final double eps3;
  private final double tolerance;
  private final double orthogonalTolerance;
  private final double clusterTolerance;
  // the LU factors of H - mu I (U in place, row-major; L as multipliers and row swaps)
  private final double[] ur;
  private final double[] ui;
  private final double[] lr;
  private final double[] li;
  private final boolean[] swapped;
  private final double[] br;
  private final double[] bi;
  /** Scratch for {@link #divide}: real and imaginary part of the last quotient. */
  private final double[] quotient = new double[2];

  private ReferenceEigensolver(int n, double[] h, int lo, int hi) {
    this.n = n;
    this.h = h;
    this.lo = lo;
    this.hi = hi;
    this.size = n;
    double norm = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = Math.max(0, i - 1); j < n; j++) {
        row += Math.abs(h[i * n + j]);
      }
      norm = Math.max(norm, row);
    }
    // work on H scaled by a power of two (exactly) to a norm in [1, 2): no overflow or underflow
    // in the solves whatever the magnitude of the matrix
    this.scale = norm > 0 ? Math.scalb(1.0, -Math.getExponent(norm)) : 1.0;
    for (int i = 0; i < h.length; i++) {
      h[i] *= scale;
    }
    double scaledNorm = norm * scale;
    // dlaein's scale: shifts closer than eps3 are separated by it, zero pivots replaced by it
    this.eps3 = scaledNorm * ULP;
    // accepted residual |(H - lambda I) x| / |x|; a true eigenvector reaches about eps3
    this.tolerance = 10.0 * Math.max(n, 1) * eps3;
    // projecting out earlier vectors adds their residuals: a vector kept orthogonal to them is
    // accepted up to this residual (still far below what any use of it can notice), while an
    // exhausted (defective) eigenspace leaves a residual of order |H|
    this.orthogonalTolerance = Math.min(100.0 * Math.max(n, 1), 1e-12 / ULP) * eps3;
    // computed copies of one eigenvalue differ by far less than this (in units of A)
    this.clusterTolerance = Math.sqrt(ULP) * norm;
    this.ur = new double[n * n];
    this.ui = new double[n * n];
    this.lr = new double[n];
    this.li = new double[n];
    this.swapped = new boolean[n];
    this.br = new double[n];
    this.bi = new double[n];
  }

  /**
   * Decomposes the {@code n x n} row-major matrix {@code a} (not modified).
   *
   * @param n the order of the matrix
   * @param a its entries, row-major, {@code n * n} of them
   * @param vectors whether to compute the eigenvectors too
   * @return the eigenvalues (and eigenvectors) in the canonical order of {@link Eigendecomposition}
   * @throws IllegalArgumentException if {@code a} does not hold {@code n * n} entries
   * @throws ArithmeticException if {@code a} holds NaN or infinities, or the QR iteration fails
   */
  public static Eigendecomposition decompose(int n, double[] a, boolean vectors) {
    if (n < 0 || a == null || a.length != (long) n * n) {
      throw new IllegalArgumentException("eig: a " + n + "x" + n + " matrix needs " + (long) n * n
          + " entries, got " + (a == null ? "null" : Integer.toString(a.length)));
    }
    for (int k = 0; k < a.length; k++) {
      if (!Double.isFinite(a[k])) {
        throw new ArithmeticException(
            "eig: the " + n + "x" + n + " matrix holds " + a[k] + " at (" + k / n + ", " + k % n
                + "); eigenvalues need finite entries");
      }
    }
    if (n == 0) {
      return Eigendecomposition.of(new double[0], new double[0], vectors ? new double[0][] : null,
          null);
    }
    Balance balance = Balance.of(a, n);
    double[] b = balance.matrix;
    int lo = balance.lo;
    int hi = balance.hi;
    int m = hi - lo;
    double[] re = new double[n];
    double[] im = new double[n];
    // the isolated eigenvalues are the diagonal entries of the triangular blocks, exactly
    for (int k = 0; k < n; k++) {
      re[k] = b[k * n + k];
    }
    DMatrixRMaj hm = null;
    DMatrixRMaj qm = null;
    if (m > 1) {
      DMatrixRMaj middle = new DMatrixRMaj(m, m);
      for (int i = 0; i < m; i++) {
        System.arraycopy(b, (lo + i) * n + lo, middle.data, i * m, m);
      }
      HessenbergSimilarDecomposition_DDRM hessenberg = new HessenbergSimilarDecomposition_DDRM(m);
      if (!hessenberg.decompose(middle)) {
        throw new ArithmeticException("eig: EJML's Hessenberg reduction of the " + n + "x" + n
            + " matrix failed");
      }
      hm = hessenberg.getH(null);
      WatchedDoubleStepQREigenvalue_DDRM qr = new WatchedDoubleStepQREigenvalue_DDRM();
      qr.getImplicitQR().createR = false;
      // the QR iteration overwrites its input; the vectors need H afterwards
      if (!qr.process(vectors ? hm.copy() : hm) || qr.getNumberOfEigenvalues() != m) {
        throw new ArithmeticException(
            "eig: EJML's QR iteration did not converge for the " + n + "x" + n + " matrix");
      }
      Complex_F64[] values = qr.getEigenvalues();
      for (int k = 0; k < m; k++) {
        re[lo + k] = values[k].real;
        im[lo + k] = values[k].imaginary;
      }
      if (vectors) {
        qm = hessenberg.getQ(null);
      }
    }
    if (!vectors) {
      return Eigendecomposition.of(re, im, null, null);
    }
    double[] h = hessenbergForm(b, n, lo, hi, hm, qm);
    double[][][] v = new ReferenceEigensolver(n, h, lo, hi).vectors(re, im, qm);
    balance.backTransform(v[0]);
    balance.backTransform(v[1]);
    if (balance.scaled() && worstResidual(a, n, re, im, v) > RESIDUAL_BOUND) {
      // The scaling made these vectors accurate for the balanced matrix only (see Balance).
      // The same eigenvalues, as shifts of inverse iteration on the permuted but unscaled
      // matrix, give vectors accurate for A: a second Hessenberg reduction, only for such
      // matrices.
      v = unscaledVectors(a, n, re, im);
      double worst = worstResidual(a, n, re, im, v);
      if (!(worst <= RESIDUAL_BOUND)) {
        throw new ArithmeticException("eig: an eigenvector of the " + n + " x " + n
            + " matrix misses |A v - lambda v| <= " + RESIDUAL_BOUND + " |A|_F |v| (reached "
            + worst + "), with and without balancing's scaling");
      }
    }
    return Eigendecomposition.of(re, im, v[0], v[1]);
  }

  /**
   * The bound every eigenpair meets, relative to {@code |A|_F |v|}: the backend contract's.
   * Backward-stable vectors reach about {@code n eps}.
   */
  static final double RESIDUAL_BOUND = 1e-10;

  /** Eigenvectors by inverse iteration on the Hessenberg form of the permuted, unscaled matrix. */
  private static double[][][] unscaledVectors(double[] a, int n, double[] re, double[] im) {
    Balance permuted = Balance.permutationOnly(a, n);
    int lo = permuted.lo;
    int hi = permuted.hi;
    int m = hi - lo;
    DMatrixRMaj hm = null;
    DMatrixRMaj qm = null;
    if (m > 1) {
      DMatrixRMaj middle = new DMatrixRMaj(m, m);
      for (int i = 0; i < m; i++) {
        System.arraycopy(permuted.matrix, (lo + i) * n + lo, middle.data, i * m, m);
      }
      HessenbergSimilarDecomposition_DDRM hessenberg = new HessenbergSimilarDecomposition_DDRM(m);
      if (!hessenberg.decompose(middle)) {
        throw new ArithmeticException("eig: EJML's Hessenberg reduction of the " + n + "x" + n
            + " matrix failed");
      }
      hm = hessenberg.getH(null);
      qm = hessenberg.getQ(null);
    }
    double[] h = hessenbergForm(permuted.matrix, n, lo, hi, hm, qm);
    double[][][] v = new ReferenceEigensolver(n, h, lo, hi).vectors(re, im, qm);
    permuted.backTransform(v[0]);
    permuted.backTransform(v[1]);
    return v;
  }

  /**
   * The largest {@code |A v_k - lambda_k v_k| / (|A|_F |v_k|)} over all eigenpairs: one product
   * of {@code A} with the {@code n x 2n} matrix of real and imaginary parts.
   */
  private static double worstResidual(double[] a, int n, double[] re, double[] im,
      double[][][] v) {
    DMatrixRMaj am = DMatrixRMaj.wrap(n, n, a);
    DMatrixRMaj x = new DMatrixRMaj(n, 2 * n);
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        x.data[i * 2 * n + 2 * k] = v[0][k][i];
        x.data[i * 2 * n + 2 * k + 1] = v[1][k][i];
      }
    }
    DMatrixRMaj ax = new DMatrixRMaj(n, 2 * n);
    CommonOps_DDRM.mult(am, x, ax);
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
        double xr = v[0][k][i];
        double xi = v[1][k][i];
        double rr = ax.data[i * 2 * n + 2 * k] - (re[k] * xr - im[k] * xi);
        double ri = ax.data[i * 2 * n + 2 * k + 1] - (re[k] * xi + im[k] * xr);
        r += rr * rr + ri * ri;
        norm += xr * xr + xi * xi;
      }
      double ratio = Math.sqrt(r) / (normA * Math.sqrt(norm));
      worst = Math.max(worst, Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio);
    }
    return worst;
  }

  /**
   * The Hessenberg form {@code Q^T B Q} of the balanced matrix, {@code Q = diag(I, Qm, I)}: the
   * middle block becomes EJML's {@code Hm = Qm^T M Qm}, the blocks beside it {@code X Qm} and
   * {@code Qm^T Z}; the triangular blocks stay.
   */
  private static double[] hessenbergForm(double[] b, int n, int lo, int hi, DMatrixRMaj hm,
      DMatrixRMaj qm) {
    double[] h = b.clone();
    if (hm == null) {
      return h;
    }
    int m = hi - lo;
    for (int i = 0; i < m; i++) {
      System.arraycopy(hm.data, i * m, h, (lo + i) * n + lo, m);
    }
    if (lo > 0) {
      DMatrixRMaj x = new DMatrixRMaj(lo, m);
      for (int i = 0; i < lo; i++) {
        System.arraycopy(b, i * n + lo, x.data, i * m, m);
      }
      DMatrixRMaj xq = new DMatrixRMaj(lo, m);
      CommonOps_DDRM.mult(x, qm, xq);
      for (int i = 0; i < lo; i++) {
        System.arraycopy(xq.data, i * m, h, i * n + lo, m);
      }
    }
    int right = n - hi;
    if (right > 0) {
      DMatrixRMaj z = new DMatrixRMaj(m, right);
      for (int i = 0; i < m; i++) {
        System.arraycopy(b, (lo + i) * n + hi, z.data, i * right, right);
      }
      DMatrixRMaj qz = new DMatrixRMaj(m, right);
      CommonOps_DDRM.multTransA(qm, z, qz);
      for (int i = 0; i < m; i++) {
        System.arraycopy(qz.data, i * right, h, (lo + i) * n + hi, right);
      }
    }
    return h;
  }

  /**
   * The order of the leading block of {@code H} that holds the eigenvector of eigenvalue
   * {@code k}: {@code H} is block upper triangular, so the right eigenvector of an eigenvalue of
   * a leading block is zero below it (as in {@code dhsein}). Isolated eigenvalue {@code k} sits at
   * {@code H[k][k]}; those of the middle block need {@code [0, hi)}. Nondecreasing in {@code k}.
   */
  private int support(int k) {
    return k < lo || k >= hi ? k + 1 : hi;
  }

  /**
   * Eigenvectors of {@code B = Q H Q^T}, {@code Q = diag(I, Qm, I)}: inverse iteration on
   * {@code H}, then mapped by Q.
   */
  private double[][][] vectors(double[] re, double[] im, DMatrixRMaj qm) {
    if (eps3 == 0) {
      // A = 0: every vector is an eigenvector; take the unit vectors
      double[][] unit = new double[n][n];
      for (int k = 0; k < n; k++) {
        unit[k][k] = 1;
      }
      return new double[][][] {unit, new double[n][n]};
    }
    // of a conjugate pair only the member with positive imaginary part is solved for, unless the
    // pair is numerically a double real eigenvalue (EJML may return 1 +- 1e-23 i): then
    // conjugation would give a dependent vector, and both are solved for, as a cluster
    int[] partner = new int[n];
    boolean[] taken = new boolean[n];
    java.util.Arrays.fill(partner, -1);
    for (int k = 0; k < n; k++) {
      if (im[k] < -clusterTolerance) {
        for (int j = 0; j < n; j++) {
          if (!taken[j] && im[j] == -im[k] && re[j] == re[k]) {
            taken[j] = true;
            partner[k] = j;
            break;
          }
        }
      }
    }
    double[][] xr = new double[n][];
    double[][] xi = new double[n][];
    double[] shiftR = new double[n];
    double[] shiftI = new double[n];
    int[] solved = new int[n];
    int count = 0;
    int[] cluster = new int[n];
    for (int k = 0; k < n; k++) {
      if (partner[k] >= 0) {
        continue;
      }
      // separate the shift from those already used, as dhsein does, so that close eigenvalues
      // get distinct (nonsingular) shifted matrices
      double mr = re[k] * scale;
      double mi = im[k] * scale;
      boolean moved = true;
      while (moved) {
        moved = false;
        for (int s = 0; s < count; s++) {
          if (Math.abs(shiftR[s] - mr) + Math.abs(shiftI[s] - mi) < eps3) {
            mr += eps3;
            moved = true;
          }
        }
      }
      // earlier eigenvectors of (numerically) the same eigenvalue: copies of a repeated
      // eigenvalue would all converge to about the same vector from the same start, so this one
      // starts elsewhere and is kept orthogonal to them. Where that leaves no eigenvector (the
      // eigenspace of a defective eigenvalue is exhausted) the residual says so, and plain
      // inverse iteration gives the (repeated) eigenvector.
      int members = 0;
      for (int s = 0; s < count; s++) {
        int j = solved[s];
        if (Math.abs(re[j] - re[k]) + Math.abs(im[j] - im[k]) <= clusterTolerance) {
          cluster[members++] = j;
        }
      }
      // earlier vectors are zero beyond their own support, which is at most this one's
      size = support(k);
      factor(mr, mi);
      double[] vr = new double[n];
      double[] vi = new double[n];
      boolean ok = false;
      if (members > 0) {
        // the growth test of iterate() does not apply after projections: judge by the residual
        iterate(vr, vi, members, xr, xi, cluster);
        ok = residual(vr, vi, re[k] * scale, im[k] * scale) <= orthogonalTolerance;
      }
      if (!ok) {
        iterate(vr, vi, 0, xr, xi, cluster);
      }
      xr[k] = vr;
      xi[k] = vi;
      shiftR[count] = mr;
      shiftI[count] = mi;
      solved[count++] = k;
    }
    // map back: Q is the identity outside the middle block; there one product Qm X for all,
    // the columns of X being the real and imaginary parts
    double[][] outR = new double[n][];
    double[][] outI = new double[n][];
    for (int s = 0; s < count; s++) {
      outR[solved[s]] = xr[solved[s]];
      outI[solved[s]] = xi[solved[s]];
    }
    if (qm != null) {
      int m = hi - lo;
      int w = 2 * count;
      DMatrixRMaj x = new DMatrixRMaj(m, w);
      for (int s = 0; s < count; s++) {
        int k = solved[s];
        for (int i = 0; i < m; i++) {
          x.data[i * w + 2 * s] = xr[k][lo + i];
          x.data[i * w + 2 * s + 1] = xi[k][lo + i];
        }
      }
      DMatrixRMaj y = new DMatrixRMaj(m, w);
      CommonOps_DDRM.mult(qm, x, y);
      for (int s = 0; s < count; s++) {
        int k = solved[s];
        for (int i = 0; i < m; i++) {
          outR[k][lo + i] = y.data[i * w + 2 * s];
          outI[k][lo + i] = y.data[i * w + 2 * s + 1];
        }
      }
    }
    for (int k = 0; k < n; k++) {
      int j = partner[k];
      if (j >= 0) {
        outR[k] = outR[j].clone();
        outI[k] = new double[n];
        for (int i = 0; i < n; i++) {
          outI[k][i] = -outI[j][i];
        }
      }
    }
    return new double[][][] {outR, outI};
  }

  /** LU factorisation of the Hessenberg matrix {@code H - mu I} with partial pivoting. */
  private void factor(double mr, double mi) {
    for (int i = 0; i < size; i++) {
      int from = Math.max(0, i - 1);
      System.arraycopy(h, i * n + from, ur, i * n + from, size - from);
      java.util.Arrays.fill(ui, i * n + from, i * n + size, 0.0);
      ur[i * n + i] -= mr;
      ui[i * n + i] = -mi;
    }
    for (int k = 0; k < size - 1; k++) {
      int p = k * n;
      int q = p + n;
      swapped[k] = Math.abs(ur[q + k]) + Math.abs(ui[q + k])
          > Math.abs(ur[p + k]) + Math.abs(ui[p + k]);
      if (swapped[k]) {
        for (int j = k; j < size; j++) {
          double t = ur[p + j];
          ur[p + j] = ur[q + j];
          ur[q + j] = t;
          t = ui[p + j];
          ui[p + j] = ui[q + j];
          ui[q + j] = t;
        }
      }
      clampPivot(p + k);
      // l = U[k+1][k] / U[k][k]
      divide(ur[q + k], ui[q + k], ur[p + k], ui[p + k], quotient);
      double lRe = quotient[0];
      double lIm = quotient[1];
      lr[k] = lRe;
      li[k] = lIm;
      ur[q + k] = 0;
      ui[q + k] = 0;
      for (int j = k + 1; j < size; j++) {
        double xr = ur[p + j];
        double xi = ui[p + j];
        ur[q + j] -= lRe * xr - lIm * xi;
        ui[q + j] -= lRe * xi + lIm * xr;
      }
    }
    clampPivot((size - 1) * n + size - 1);
  }

  /**
   * Raises a pivot smaller than {@code eps3} to that size (zero to {@code eps3}), keeping its
   * phase: a perturbation of {@code H} no larger than the separation of the shifts, which still
   * lets the solve grow by {@code 1 / eps3}, while a pivot like {@code 1e-302} would overflow it.
   */
  /**
   * {@code (ar + i ai) / (dr + i di)} into {@code out}, by Smith's algorithm (no overflow from
   * squaring the divisor).
   */
  private static void divide(double ar, double ai, double dr, double di, double[] out) {
    if (Math.abs(dr) >= Math.abs(di)) {
      double t = di / dr;
      double den = dr + di * t;
      out[0] = (ar + ai * t) / den;
      out[1] = (ai - ar * t) / den;
    } else {
      double t = dr / di;
      double den = di + dr * t;
      out[0] = (ar * t + ai) / den;
      out[1] = (ai * t - ar) / den;
    }
  }

  private void clampPivot(int index) {
    double size1 = Math.abs(ur[index]) + Math.abs(ui[index]);
    if (size1 == 0) {
      ur[index] = eps3;
    } else if (size1 < eps3) {
      double f = eps3 / size1;
      ur[index] *= f;
      ui[index] *= f;
    }
  }

  /**
   * Inverse iteration into {@code (vr, vi)}, kept orthogonal to the given earlier vectors when
   * {@code members > 0}. Returns whether the solve grew enough for the residual to reach
   * {@link #tolerance}; with orthogonalisation that growth is only necessary, not sufficient (a
   * defective eigenvalue has nothing left once its eigenvector is projected out), so the caller
   * then checks the residual itself.
   */
  private boolean iterate(double[] vr, double[] vi, int members, double[][] xr, double[][] xi,
      int[] cluster) {
    start(vr, vi, members);
    orthogonalize(vr, vi, members, xr, xi, cluster);
    double norm = normalize(vr, vi);
    if (norm == 0) {
      return false;
    }
    for (int step = 0; step < MAX_STEPS; step++) {
      System.arraycopy(vr, 0, br, 0, size);
      System.arraycopy(vi, 0, bi, 0, size);
      if (step > 0) {
        // the first step treats the start vector as L^{-1} b, as dlaein does
        applyL(br, bi);
      }
      double shrink = backSubstitute(br, bi);
      orthogonalize(br, bi, members, xr, xi, cluster);
      // |x| / |b| with |b| = 1: the residual of x is about 1 / growth
      double growth = norm(br, bi) / shrink;
      System.arraycopy(br, 0, vr, 0, size);
      System.arraycopy(bi, 0, vi, 0, size);
      if (normalize(vr, vi) == 0) {
        return false;
      }
      if (growth * tolerance >= 1.0) {
        return true;
      }
    }
    return false;
  }

  /** A start vector: ones for the first of an eigenvalue, a fixed pseudo-random one after. */
  private void start(double[] vr, double[] vi, int members) {
    java.util.Arrays.fill(vi, 0.0);
    if (members == 0) {
      java.util.Arrays.fill(vr, 0, size, 1.0);
      return;
    }
    long state = 0x9E3779B97F4A7C15L * (members + 1);
    for (int i = 0; i < size; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      vr[i] = (state >>> 11) * 0x1.0p-53 * 2.0 - 1.0;
    }
  }

  private void orthogonalize(double[] vr, double[] vi, int members, double[][] xr, double[][] xi,
      int[] cluster) {
    for (int t = 0; t < members; t++) {
      double[] pr = xr[cluster[t]];
      double[] pi = xi[cluster[t]];
      double cr = 0;
      double ci = 0;
      for (int i = 0; i < size; i++) {
        cr += pr[i] * vr[i] + pi[i] * vi[i];
        ci += pr[i] * vi[i] - pi[i] * vr[i];
      }
      for (int i = 0; i < size; i++) {
        vr[i] -= cr * pr[i] - ci * pi[i];
        vi[i] -= cr * pi[i] + ci * pr[i];
      }
    }
  }

  /** {@code |(H - lambda I) v|} for a unit vector {@code v}: O(n^2) on the Hessenberg matrix. */
  private double residual(double[] vr, double[] vi, double lambdaR, double lambdaI) {
    double s = 0;
    for (int i = 0; i < size; i++) {
      int row = i * n;
      double rr = -(lambdaR * vr[i] - lambdaI * vi[i]);
      double ri = -(lambdaR * vi[i] + lambdaI * vr[i]);
      for (int j = Math.max(0, i - 1); j < size; j++) {
        rr += h[row + j] * vr[j];
        ri += h[row + j] * vi[j];
      }
      s += rr * rr + ri * ri;
    }
    return Math.sqrt(s);
  }

  private double norm(double[] vr, double[] vi) {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += vr[i] * vr[i] + vi[i] * vi[i];
    }
    return Math.sqrt(s);
  }

  /** Scales to unit norm; returns the norm before. */
  private double normalize(double[] vr, double[] vi) {
    double norm = norm(vr, vi);
    if (norm == 0 || !Double.isFinite(norm)) {
      return 0;
    }
    double inv = 1.0 / norm;
    for (int i = 0; i < size; i++) {
      vr[i] *= inv;
      vi[i] *= inv;
    }
    return norm;
  }

  /** Solves {@code L y = b} in place: the row swaps and multipliers of {@link #factor}. */
  private void applyL(double[] xr, double[] xi) {
    for (int k = 0; k < size - 1; k++) {
      if (swapped[k]) {
        double t = xr[k];
        xr[k] = xr[k + 1];
        xr[k + 1] = t;
        t = xi[k];
        xi[k] = xi[k + 1];
        xi[k + 1] = t;
      }
      xr[k + 1] -= lr[k] * xr[k] - li[k] * xi[k];
      xi[k + 1] -= lr[k] * xi[k] + li[k] * xr[k];
    }
  }

  /**
   * Solves {@code U x = b} in place. Returns the factor by which the solution was scaled down to
   * avoid overflow (1 when it was not).
   */
  private double backSubstitute(double[] xr, double[] xi) {
    double scale = 1.0;
    for (int i = size - 1; i >= 0; i--) {
      int row = i * n;
      double sr = xr[i];
      double si = xi[i];
      for (int j = i + 1; j < size; j++) {
        double a = ur[row + j];
        double b = ui[row + j];
        sr -= a * xr[j] - b * xi[j];
        si -= a * xi[j] + b * xr[j];
      }
      divide(sr, si, ur[row + i], ui[row + i], quotient);
      double qr = quotient[0];
      double qi = quotient[1];
      xr[i] = qr;
      xi[i] = qi;
      double magnitude = Math.abs(qr) + Math.abs(qi);
      if (magnitude > BIG) {
        // rescale everything, solved part and remaining right-hand side alike
        double s = 1.0 / magnitude;
        for (int j = 0; j < size; j++) {
          xr[j] *= s;
          xi[j] *= s;
        }
        scale *= s;
      }
    }
    return scale;
  }
}
