package org.mrnn4j.analysis.continuation;

/** A dense LU factorization with partial pivoting, row-major, for the bordered systems. */
final class Lu {
  private final double[] a;
  private final int n;
  private final int[] pivot;
  private final int sign;
  private final boolean singular;

  private Lu(double[] a, int n, int[] pivot, int sign, boolean singular) {
    this.a = a;
    this.n = n;
    this.pivot = pivot;
    this.sign = sign;
    this.singular = singular;
  }

  /** Factors {@code m} ({@code n x n}, row-major; overwritten). */
  static Lu factor(double[] m, int n) {
    int[] piv = new int[n];
    int sign = 1;
    boolean singular = false;
    for (int k = 0; k < n; k++) {
      int best = k;
      double max = Math.abs(m[k * n + k]);
      for (int i = k + 1; i < n; i++) {
        double v = Math.abs(m[i * n + k]);
        if (v > max) {
          max = v;
          best = i;
        }
      }
      piv[k] = best;
      if (best != k) {
        sign = -sign;
        int rk = k * n;
        int rb = best * n;
        for (int j = 0; j < n; j++) {
          double t = m[rk + j];
          m[rk + j] = m[rb + j];
          m[rb + j] = t;
        }
      }
      double d = m[k * n + k];
      if (d == 0 || !Double.isFinite(d)) {
        singular = true;
        continue;
      }
      int rk = k * n;
      for (int i = k + 1; i < n; i++) {
        int ri = i * n;
        double f = m[ri + k] / d;
        if (f == 0) {
          continue;
        }
        m[ri + k] = f;
        for (int j = k + 1; j < n; j++) {
          m[ri + j] -= f * m[rk + j];
        }
      }
    }
    return new Lu(m, n, piv, sign, singular);
  }

  boolean singular() {
    return singular;
  }

  /** {@return the sign of the determinant: +1, -1, or 0 when singular} */
  int determinantSign() {
    if (singular) {
      return 0;
    }
    int s = sign;
    for (int k = 0; k < n; k++) {
      if (a[k * n + k] < 0) {
        s = -s;
      }
    }
    return s;
  }

  /** Solves in place: {@code b} receives the solution. */
  void solve(double[] b) {
    for (int k = 0; k < n; k++) {
      int p = pivot[k];
      if (p != k) {
        double t = b[k];
        b[k] = b[p];
        b[p] = t;
      }
    }
    for (int i = 0; i < n; i++) {
      double s = b[i];
      int ri = i * n;
      for (int j = 0; j < i; j++) {
        s -= a[ri + j] * b[j];
      }
      b[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      int ri = i * n;
      for (int j = i + 1; j < n; j++) {
        s -= a[ri + j] * b[j];
      }
      b[i] = s / a[ri + i];
    }
  }
}
