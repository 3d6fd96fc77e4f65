package org.mrnn4j.analysis.fixedpoints;

/** Small dense solvers on row-major arrays: the searches work on the host at model sizes. */
final class Dense {
  private Dense() {}

  /**
   * Solves {@code a x = b} for symmetric positive definite {@code a} (n x n, row-major) by
   * Cholesky; {@code a} is overwritten by its factor. Returns false if {@code a} is not positive
   * definite to working precision.
   */
  static boolean choleskySolve(double[] a, int n, double[] b, double[] x) {
    for (int j = 0; j < n; j++) {
      int rj = j * n;
      double d = a[rj + j];
      for (int k = 0; k < j; k++) {
        d -= a[rj + k] * a[rj + k];
      }
      if (!(d > 0)) {
        return false;
      }
      double l = Math.sqrt(d);
      a[rj + j] = l;
      for (int i = j + 1; i < n; i++) {
        int ri = i * n;
        double s = a[ri + j];
        for (int k = 0; k < j; k++) {
          s -= a[ri + k] * a[rj + k];
        }
        a[ri + j] = s / l;
      }
    }
    for (int i = 0; i < n; i++) {
      double s = b[i];
      int ri = i * n;
      for (int k = 0; k < i; k++) {
        s -= a[ri + k] * x[k];
      }
      x[i] = s / a[ri + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = x[i];
      for (int k = i + 1; k < n; k++) {
        s -= a[k * n + i] * x[k];
      }
      x[i] = s / a[i * n + i];
    }
    return true;
  }

  /**
   * Solves {@code a x = b} (n x n, row-major) by LU with partial pivoting; {@code a} is
   * overwritten. Returns false if a pivot is zero or the solution is not finite.
   */
  static boolean luSolve(double[] a, int n, double[] b, double[] x) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      double best = Math.abs(a[k * n + k]);
      for (int i = k + 1; i < n; i++) {
        double v = Math.abs(a[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (best == 0) {
        return false;
      }
      if (p != k) {
        for (int j = 0; j < n; j++) {
          double t = a[k * n + j];
          a[k * n + j] = a[p * n + j];
          a[p * n + j] = t;
        }
        int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
      }
      double pivot = a[k * n + k];
      for (int i = k + 1; i < n; i++) {
        double f = a[i * n + k] / pivot;
        a[i * n + k] = f;
        if (f != 0) {
          for (int j = k + 1; j < n; j++) {
            a[i * n + j] -= f * a[k * n + j];
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      double s = b[perm[i]];
      for (int k = 0; k < i; k++) {
        s -= a[i * n + k] * x[k];
      }
      x[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = x[i];
      for (int k = i + 1; k < n; k++) {
        s -= a[i * n + k] * x[k];
      }
      x[i] = s / a[i * n + i];
      if (!Double.isFinite(x[i])) {
        return false;
      }
    }
    return true;
  }

  /** Euclidean norm. */
  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** Euclidean distance. */
  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
