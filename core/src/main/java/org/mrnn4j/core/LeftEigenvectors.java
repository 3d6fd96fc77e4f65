package org.mrnn4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The host default of {@link Backend#eigWithLeftVectors}: the left eigenvectors of a
 * diagonalisable matrix {@code A = V diag(lambda) V^-1} are the rows of {@code V^-1} ({@code
 * V^-1 A = diag(lambda) V^-1}), conjugated to LAPACK's convention {@code u^H A = lambda u^H}.
 *
 * <p>Where the eigenvectors pair up as a real matrix's do (real vectors for real eigenvalues,
 * {@code v} and {@code conj(v)} for a conjugate pair, adjacent in canonical order), {@code V^-1}
 * comes from the inverse of the real basis {@code Q} (columns {@code Re v}, {@code Im v}): of the
 * pair's rows {@code x}, {@code y} of {@code Q^-1}, the row of {@code V^-1} belonging to {@code v}
 * is {@code (x - i y) / 2}. Otherwise a complex LU of {@code V}, with partial pivoting. Both cost
 * O(n^3); the real one about a quarter of the complex one.
 *
 * <p>Where {@code V} is (nearly) singular, as at a defective eigenvalue (relu's dead units give
 * Jordan blocks), its inverse says nothing, not even about the isolated eigenvalues: when the LU's
 * pivots span more than {@link #MAX_PIVOT_RATIO}, the left vectors come instead from the
 * eigenvectors {@code z} of {@code A^T} ({@code u = conj(z)}), each paired with the nearest
 * unpaired eigenvalue of {@code A} (about the cost of a second decomposition). The left vectors of
 * a defective cluster are then arbitrary among the cluster, as its right vectors are.
 */
final class LeftEigenvectors {
  private LeftEigenvectors() {}

  /** Relative tolerance under which a vector counts as real, or two vectors as conjugates. */
  private static final double PAIRING = 1e-12;

  /**
   * {@return {@code right} with the left eigenvectors added}
   *
   * @param right a decomposition with right eigenvectors
   */
  static Eigendecomposition attach(Eigendecomposition right) {
    return attach(right, false, null);
  }

  /** Above this ratio of the largest to the smallest LU pivot, {@code V} counts as singular. */
  static final double MAX_PIVOT_RATIO = 1e10;

  /**
   * {@return {@code right} with the left eigenvectors added, from {@code transposed} (the
   * decomposition of {@code A^T} with vectors) where {@code V} is nearly singular}
   *
   * @param right a decomposition with right eigenvectors
   * @param transposed computes the decomposition of {@code A^T} with vectors, on demand
   */
  static Eigendecomposition attach(Eigendecomposition right,
      Supplier<Eigendecomposition> transposed) {
    return attach(right, false, transposed);
  }

  /**
   * {@return {@code right} with the left eigenvectors added}
   *
   * @param right a decomposition with right eigenvectors
   * @param complexOnly skip the real-basis path (for tests of the complex one)
   * @param transposed the decomposition of {@code A^T}, for a nearly singular {@code V}; or null
   *     (then non-finite or huge entries)
   */
  static Eigendecomposition attach(Eigendecomposition right, boolean complexOnly,
      Supplier<Eigendecomposition> transposed) {
    if (!right.hasVectors()) {
      throw new IllegalArgumentException(
          "left eigenvectors need the right ones: the decomposition holds eigenvalues only");
    }
    int n = right.size();
    double[][] vr = new double[n][];
    double[][] vi = new double[n][];
    for (int k = 0; k < n; k++) {
      vr[k] = right.vectorReal(k);
      vi[k] = right.vectorImag(k);
    }
    double[][] lr = new double[n][n];
    double[][] li = new double[n][n];
    double ratio = complexOnly ? Double.NaN : realBasis(right, vr, vi, lr, li);
    if (Double.isNaN(ratio)) {
      ratio = complexInverse(vr, vi, lr, li);
    }
    if (transposed != null && !(ratio <= MAX_PIVOT_RATIO)) {
      fromTransposed(right, transposed.get(), lr, li);
    }
    return Eigendecomposition.of(right.realParts(), right.imagParts(), vr, vi, lr, li);
  }

  /**
   * {@link #attach} for each decomposition of a batch.
   *
   * @param batch the decompositions with right vectors
   * @param transposed computes the decomposition of the transpose of matrix {@code i}, on demand
   */
  static List<Eigendecomposition> attachAll(List<Eigendecomposition> batch,
      java.util.function.IntFunction<Eigendecomposition> transposed) {
    List<Eigendecomposition> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      int at = i;
      out.add(attach(batch.get(i), () -> transposed.apply(at)));
    }
    return out;
  }

  /**
   * Left vectors {@code u = conj(z)} from the eigenvectors {@code z} of {@code A^T}, paired with
   * the eigenvalues of {@code A} nearest first.
   */
  private static void fromTransposed(Eigendecomposition right, Eigendecomposition t,
      double[][] lr, double[][] li) {
    int n = right.size();
    if (t.size() != n || !t.hasVectors()) {
      throw new IllegalStateException("the decomposition of A^T has " + t.size()
          + " eigenvalues" + (t.hasVectors() ? "" : " and no vectors") + ", expected " + n);
    }
    // all pairs by distance, then greedily
    double[] dist = new double[n * n];
    for (int k = 0; k < n; k++) {
      for (int s = 0; s < n; s++) {
        dist[k * n + s] = Math.hypot(right.real(k) - t.real(s), right.imag(k) - t.imag(s));
      }
    }
    Integer[] order = new Integer[n * n];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> dist[i]));
    boolean[] usedK = new boolean[n];
    boolean[] usedS = new boolean[n];
    int done = 0;
    for (int i = 0; i < order.length && done < n; i++) {
      int k = order[i] / n;
      int s = order[i] % n;
      if (usedK[k] || usedS[s]) {
        continue;
      }
      usedK[k] = true;
      usedS[s] = true;
      done++;
      double[] zr = t.vectorReal(s);
      double[] zi = t.vectorImag(s);
      for (int j = 0; j < n; j++) {
        lr[k][j] = zr[j];
        li[k][j] = -zi[j];
      }
    }
  }

  private static double norm2(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return s;
  }

  /**
   * The real-basis path: the LU's pivot ratio, or NaN (nothing written) when the vectors do not
   * pair up.
   */
  private static double realBasis(
      Eigendecomposition e, double[][] vr, double[][] vi, double[][] lr, double[][] li) {
    int n = e.size();
    double[] q = new double[n * n];
    int k = 0;
    while (k < n) {
      double im = e.imag(k);
      double scale = Math.max(e.modulus(k), Double.MIN_NORMAL);
      if (im == 0) {
        if (norm2(vi[k]) > PAIRING * PAIRING * norm2(vr[k])) {
          return Double.NaN;
        }
        for (int i = 0; i < n; i++) {
          q[i * n + k] = vr[k][i];
        }
        k++;
        continue;
      }
      if (im < 0 || k + 1 >= n
          || Math.abs(e.imag(k + 1) + im) > PAIRING * scale
          || Math.abs(e.real(k + 1) - e.real(k)) > PAIRING * scale) {
        return Double.NaN;
      }
      double diff = 0;
      for (int i = 0; i < n; i++) {
        double dr = vr[k + 1][i] - vr[k][i];
        double di = vi[k + 1][i] + vi[k][i];
        diff += dr * dr + di * di;
      }
      if (diff > PAIRING * PAIRING) {
        return Double.NaN;
      }
      for (int i = 0; i < n; i++) {
        q[i * n + k] = vr[k][i];
        q[i * n + k + 1] = vi[k][i];
      }
      k += 2;
    }
    double[] ratio = new double[1];
    double[] inv = realInverse(q, n, ratio);
    k = 0;
    while (k < n) {
      if (e.imag(k) == 0) {
        System.arraycopy(inv, k * n, lr[k], 0, n);
        k++;
        continue;
      }
      // row of V^-1 for v: (x - i y) / 2; LAPACK's u = conj of it, up to the scale fixed later
      for (int i = 0; i < n; i++) {
        double x = inv[k * n + i];
        double y = inv[(k + 1) * n + i];
        lr[k][i] = x;
        li[k][i] = y;
        lr[k + 1][i] = x;
        li[k + 1][i] = -y;
      }
      k += 2;
    }
    return ratio[0];
  }

  /**
   * The inverse of the row-major {@code n x n} matrix {@code a} (overwritten), by LU; {@code
   * ratio[0]} receives the ratio of the largest to the smallest pivot's modulus.
   */
  private static double[] realInverse(double[] a, int n, double[] ratio) {
    double maxPivot = 0;
    double minPivot = Double.POSITIVE_INFINITY;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(a[i * n + c]) > Math.abs(a[p * n + c])) {
          p = i;
        }
      }
      if (p != c) {
        swapRows(a, n, p, c);
        int t = perm[p];
        perm[p] = perm[c];
        perm[c] = t;
      }
      double pivot = a[c * n + c];
      maxPivot = Math.max(maxPivot, Math.abs(pivot));
      minPivot = Math.min(minPivot, Math.abs(pivot));
      for (int i = c + 1; i < n; i++) {
        double f = a[i * n + c] / pivot;
        a[i * n + c] = f;
        if (f != 0) {
          int ri = i * n;
          int rc = c * n;
          for (int j = c + 1; j < n; j++) {
            a[ri + j] -= f * a[rc + j];
          }
        }
      }
    }
    ratio[0] = n == 0 ? 1.0 : maxPivot / minPivot;
    // solve L U X = P I, row by row of X
    double[] x = new double[n * n];
    for (int i = 0; i < n; i++) {
      x[i * n + perm[i]] = 1;
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        double f = a[i * n + k];
        if (f != 0) {
          axpy(x, i * n, -f, x, k * n, n);
        }
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int k = i + 1; k < n; k++) {
        double f = a[i * n + k];
        if (f != 0) {
          axpy(x, i * n, -f, x, k * n, n);
        }
      }
      double d = 1 / a[i * n + i];
      for (int j = 0; j < n; j++) {
        x[i * n + j] *= d;
      }
    }
    return x;
  }

  private static void axpy(double[] y, int yo, double f, double[] x, int xo, int n) {
    for (int j = 0; j < n; j++) {
      y[yo + j] += f * x[xo + j];
    }
  }

  private static void swapRows(double[] a, int n, int p, int c) {
    for (int j = 0; j < n; j++) {
      double t = a[p * n + j];
      a[p * n + j] = a[c * n + j];
      a[c * n + j] = t;
    }
  }

  /**
   * The complex path: rows of {@code V^-1}, conjugated, into {@code lr + i li}; returns the ratio
   * of the largest to the smallest pivot's modulus.
   */
  private static double complexInverse(double[][] vr, double[][] vi, double[][] lr, double[][] li) {
    int n = vr.length;
    // ar + i ai = V, row-major: V[i][k] = component i of vector k
    double[] ar = new double[n * n];
    double[] ai = new double[n * n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        ar[i * n + k] = vr[k][i];
        ai[i * n + k] = vi[k][i];
      }
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    double maxPivot = 0;
    double minPivot = Double.POSITIVE_INFINITY;
    for (int c = 0; c < n; c++) {
      int p = c;
      double best = -1;
      for (int i = c; i < n; i++) {
        double m = Math.hypot(ar[i * n + c], ai[i * n + c]);
        if (m > best) {
          best = m;
          p = i;
        }
      }
      if (p != c) {
        swapRows(ar, n, p, c);
        swapRows(ai, n, p, c);
        int t = perm[p];
        perm[p] = perm[c];
        perm[c] = t;
      }
      double pr = ar[c * n + c];
      double pi = ai[c * n + c];
      double den = pr * pr + pi * pi;
      maxPivot = Math.max(maxPivot, Math.sqrt(den));
      minPivot = Math.min(minPivot, Math.sqrt(den));
      for (int i = c + 1; i < n; i++) {
        double xr = ar[i * n + c];
        double xi = ai[i * n + c];
        double fr = (xr * pr + xi * pi) / den;
        double fi = (xi * pr - xr * pi) / den;
        ar[i * n + c] = fr;
        ai[i * n + c] = fi;
        for (int j = c + 1; j < n; j++) {
          double ur = ar[c * n + j];
          double ui = ai[c * n + j];
          ar[i * n + j] -= fr * ur - fi * ui;
          ai[i * n + j] -= fr * ui + fi * ur;
        }
      }
    }
    double[] xr = new double[n * n];
    double[] xi = new double[n * n];
    for (int i = 0; i < n; i++) {
      xr[i * n + perm[i]] = 1;
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        cAxpy(xr, xi, i * n, -ar[i * n + k], -ai[i * n + k], k * n, n);
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int k = i + 1; k < n; k++) {
        cAxpy(xr, xi, i * n, -ar[i * n + k], -ai[i * n + k], k * n, n);
      }
      double pr = ar[i * n + i];
      double pi = ai[i * n + i];
      double den = pr * pr + pi * pi;
      double dr = pr / den;
      double di = -pi / den;
      for (int j = 0; j < n; j++) {
        double a = xr[i * n + j];
        double b = xi[i * n + j];
        xr[i * n + j] = a * dr - b * di;
        xi[i * n + j] = a * di + b * dr;
      }
    }
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        lr[k][j] = xr[k * n + j];
        li[k][j] = -xi[k * n + j];
      }
    }
    return n == 0 ? 1.0 : maxPivot / minPivot;
  }

  /** Row {@code yo} of {@code x} += {@code (fr + i fi)} times row {@code xo}. */
  private static void cAxpy(double[] xr, double[] xi, int yo, double fr, double fi, int xo, int n) {
    if (fr == 0 && fi == 0) {
      return;
    }
    for (int j = 0; j < n; j++) {
      double a = xr[xo + j];
      double b = xi[xo + j];
      xr[yo + j] += fr * a - fi * b;
      xi[yo + j] += fr * b + fi * a;
    }
  }
}
