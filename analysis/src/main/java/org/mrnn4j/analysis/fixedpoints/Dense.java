package org.mrnn4j.analysis.fixedpoints;

/** Small dense solvers on row-major arrays: the searches work on the host at model sizes. */
final class Dense {
  private Dense() {}

  /** Rows of the Cholesky factor computed together: independent sums sharing their loads. */
  private static final int CHOL_ROWS = 4;
  /** Columns of an LU panel whose updates reach the trailing rows together. */
  private static final int LU_PANEL = 8;

  /**
   * {@code ata = J^T J} for {@code jac} (n x n, row-major), whole (upper triangle mirrored).
   *
   * <p>Each entry is the sum over the rows of {@code J} in ascending order, started from zero,
   * exactly as the textbook row-by-row accumulation gives it for a finite {@code J} (the bits are
   * the same); only the loops are reordered: {@code J} is transposed into {@code scratch} so that
   * each entry is a dot product of two contiguous columns, and the entries are computed in 4 x 4
   * blocks whose sixteen sums share their loads and run side by side.
   *
   * @param scratch at least {@code n * n} doubles, overwritten
   * @return the largest diagonal entry
   */
  static double gram(double[] jac, int n, double[] ata, double[] scratch) {
    double[] t = scratch;
    for (int i = 0; i < n; i++) {
      int row = i * n;
      for (int p = 0; p < n; p++) {
        t[p * n + i] = jac[row + p];
      }
    }
    for (int p = 0; p < n; p += 4) {
      int pe = Math.min(n, p + 4);
      for (int c = p; c < n; c += 4) {
        if (pe - p == 4 && c + 4 <= n) {
          int a0 = p * n;
          int a1 = a0 + n;
          int a2 = a1 + n;
          int a3 = a2 + n;
          int b0 = c * n;
          int b1 = b0 + n;
          int b2 = b1 + n;
          int b3 = b2 + n;
          double s00 = 0, s01 = 0, s02 = 0, s03 = 0;
          double s10 = 0, s11 = 0, s12 = 0, s13 = 0;
          double s20 = 0, s21 = 0, s22 = 0, s23 = 0;
          double s30 = 0, s31 = 0, s32 = 0, s33 = 0;
          for (int i = 0; i < n; i++) {
            double x0 = t[a0 + i];
            double x1 = t[a1 + i];
            double x2 = t[a2 + i];
            double x3 = t[a3 + i];
            double y0 = t[b0 + i];
            double y1 = t[b1 + i];
            double y2 = t[b2 + i];
            double y3 = t[b3 + i];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s02 += x0 * y2;
            s03 += x0 * y3;
            s10 += x1 * y0;
            s11 += x1 * y1;
            s12 += x1 * y2;
            s13 += x1 * y3;
            s20 += x2 * y0;
            s21 += x2 * y1;
            s22 += x2 * y2;
            s23 += x2 * y3;
            s30 += x3 * y0;
            s31 += x3 * y1;
            s32 += x3 * y2;
            s33 += x3 * y3;
          }
          ata[a0 + c] = s00;
          ata[a0 + c + 1] = s01;
          ata[a0 + c + 2] = s02;
          ata[a0 + c + 3] = s03;
          ata[a1 + c] = s10;
          ata[a1 + c + 1] = s11;
          ata[a1 + c + 2] = s12;
          ata[a1 + c + 3] = s13;
          ata[a2 + c] = s20;
          ata[a2 + c + 1] = s21;
          ata[a2 + c + 2] = s22;
          ata[a2 + c + 3] = s23;
          ata[a3 + c] = s30;
          ata[a3 + c + 1] = s31;
          ata[a3 + c + 2] = s32;
          ata[a3 + c + 3] = s33;
        } else {
          int ce = Math.min(n, c + 4);
          for (int pp = p; pp < pe; pp++) {
            for (int cc = c; cc < ce; cc++) {
              double v = 0;
              for (int i = 0; i < n; i++) {
                v += t[pp * n + i] * t[cc * n + i];
              }
              ata[pp * n + cc] = v;
            }
          }
        }
      }
    }
    double diagMax = 0;
    for (int p = 0; p < n; p++) {
      for (int c = p + 1; c < n; c++) {
        ata[c * n + p] = ata[p * n + c];
      }
      diagMax = Math.max(diagMax, ata[p * n + p]);
    }
    return diagMax;
  }

  /**
   * Solves {@code a x = b} for symmetric positive definite {@code a} (n x n, row-major) by
   * Cholesky; {@code a} is overwritten by its factor. Returns false if {@code a} is not positive
   * definite to working precision.
   *
   * <p>Every entry of the factor is the textbook left-looking sum, in the same order, to the last
   * bit; rows are computed {@value #CHOL_ROWS} at a time so that their sums share loads and run
   * side by side.
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
      int i = j + 1;
      for (; i + CHOL_ROWS <= n; i += CHOL_ROWS) {
        int r0 = i * n;
        int r1 = r0 + n;
        int r2 = r1 + n;
        int r3 = r2 + n;
        double s0 = a[r0 + j];
        double s1 = a[r1 + j];
        double s2 = a[r2 + j];
        double s3 = a[r3 + j];
        for (int k = 0; k < j; k++) {
          double v = a[rj + k];
          s0 -= a[r0 + k] * v;
          s1 -= a[r1 + k] * v;
          s2 -= a[r2 + k] * v;
          s3 -= a[r3 + k] * v;
        }
        a[r0 + j] = s0 / l;
        a[r1 + j] = s1 / l;
        a[r2 + j] = s2 / l;
        a[r3 + j] = s3 / l;
      }
      for (; i < n; i++) {
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
   *
   * <p>The same pivots and, to the last bit, the same factors as the textbook right-looking
   * elimination (every entry receives its updates in ascending order of the eliminated column):
   * the columns are eliminated in panels of {@value #LU_PANEL}, and a panel's updates reach each
   * trailing row together, while that row stays in cache.
   */
  static boolean luSolve(double[] a, int n, double[] b, double[] x) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int k0 = 0; k0 < n; k0 += LU_PANEL) {
      int k1 = Math.min(n, k0 + LU_PANEL);
      // the panel's columns, eliminated one by one on every row below
      for (int k = k0; k < k1; k++) {
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
          // whole rows: both have received the same updates, in the panel and beyond it
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
        int rk = k * n;
        for (int i = k + 1; i < n; i++) {
          int ri = i * n;
          double f = a[ri + k] / pivot;
          a[ri + k] = f;
          if (f != 0) {
            for (int j = k + 1; j < k1; j++) {
              a[ri + j] -= f * a[rk + j];
            }
          }
        }
      }
      if (k1 == n) {
        break;
      }
      // the panel's rows of U beyond the panel: updates from the earlier columns of the panel
      for (int i = k0 + 1; i < k1; i++) {
        int ri = i * n;
        for (int k = k0; k < i; k++) {
          double f = a[ri + k];
          if (f != 0) {
            int rk = k * n;
            for (int j = k1; j < n; j++) {
              a[ri + j] -= f * a[rk + j];
            }
          }
        }
      }
      // the trailing rows: each row receives the panel's updates in column order, four at a time
      // where none of the four multipliers is zero (a zero one is skipped, as the textbook does)
      for (int i = k1; i < n; i++) {
        int ri = i * n;
        int k = k0;
        for (; k + 4 <= k1; k += 4) {
          double f0 = a[ri + k];
          double f1 = a[ri + k + 1];
          double f2 = a[ri + k + 2];
          double f3 = a[ri + k + 3];
          if (f0 != 0 && f1 != 0 && f2 != 0 && f3 != 0) {
            int u0 = k * n;
            int u1 = u0 + n;
            int u2 = u1 + n;
            int u3 = u2 + n;
            for (int j = k1; j < n; j++) {
              double v = a[ri + j];
              v -= f0 * a[u0 + j];
              v -= f1 * a[u1 + j];
              v -= f2 * a[u2 + j];
              v -= f3 * a[u3 + j];
              a[ri + j] = v;
            }
          } else {
            for (int kk = k; kk < k + 4; kk++) {
              double f = a[ri + kk];
              if (f != 0) {
                int rk = kk * n;
                for (int j = k1; j < n; j++) {
                  a[ri + j] -= f * a[rk + j];
                }
              }
            }
          }
        }
        for (; k < k1; k++) {
          double f = a[ri + k];
          if (f != 0) {
            int rk = k * n;
            for (int j = k1; j < n; j++) {
              a[ri + j] -= f * a[rk + j];
            }
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
