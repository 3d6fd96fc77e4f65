package org.mrnn4j.eigen;

/**
 * LAPACK's balancing of a general matrix before its eigendecomposition ({@code dgebal} with job
 * {@code 'B'}) and the back-transformation of eigenvectors ({@code dgebak}).
 *
 * <p>First a symmetric permutation isolates the eigenvalues that the zero pattern already
 * determines: a row that is zero off the diagonal (within the indices still in play) goes to the
 * bottom, then a column that is zero off the diagonal goes to the top, until none is left. The
 * permuted matrix is block upper triangular,
 *
 * <pre>
 *   [ T1  X   Y  ]   rows [0, lo)
 *   [ 0   M   Z  ]   rows [lo, hi)
 *   [ 0   0   T2 ]   rows [hi, n)
 * </pre>
 *
 * with {@code T1}, {@code T2} upper triangular: their diagonal entries are eigenvalues, exactly,
 * and only {@code M} needs an iterative eigensolver. Jacobians of relu networks are like this: an
 * inactive unit's column holds only its diagonal entry {@code 1 - alpha}. An eigensolver that
 * sees the whole matrix returns such eigenvalues perturbed (where they repeat, by up to
 * {@code eps^(1/m)}); read off the diagonal they are exact.
 *
 * <p>Second, the rows and columns of {@code M} are scaled, {@code B = D^-1 P^T A P D} with
 * {@code D} diagonal, by powers of 2 (so exactly) until each row and column of {@code M} have
 * about the same 2-norm (diagonal included, as LAPACK does since 3.5 so that balancing does not
 * scale an already dominant diagonal into a worse eigenvector problem). The eigenvalues of a badly
 * scaled matrix then get errors of order {@code eps |B|} instead of {@code eps |A|}.
 *
 * <p>An eigenvector {@code x} of {@code B} gives the eigenvector {@code P D x} of {@code A}. Its
 * residual on {@code A} is {@code D} times its residual on {@code B}: where {@code D} spans many
 * orders of magnitude (rows of tiny entries) and {@code x} lies on the strongly scaled indices,
 * that is far above {@code eps |A| |P D x|}; see {@link ReferenceEigensolver}.
 */
final class Balance {
  private static final double RADIX = 2.0;
  /** A row and column are rescaled only where that shrinks their norms by at least 5%. */
  private static final double FACTOR = 0.95;
  // LAPACK's limits: dlamch('S') / dlamch('P') and friends, so that scale factors stay finite
  private static final double SFMIN1 = Double.MIN_NORMAL / Math.ulp(1.0);
  private static final double SFMAX1 = 1.0 / SFMIN1;
  private static final double SFMIN2 = SFMIN1 * RADIX;
  private static final double SFMAX2 = 1.0 / SFMIN2;

  private final int n;
  /** The balanced matrix {@code B}, row-major. */
  final double[] matrix;
  /** {@code B}'s index {@code i} is {@code A}'s index {@code order[i]}. */
  private final int[] order;
  /** The diagonal of {@code D} (1 outside {@code [lo, hi)}). */
  private final double[] scale;
  /** The block {@code M} that needs the eigensolver is {@code [lo, hi)}; it may be empty. */
  final int lo;
  final int hi;

  private Balance(int n, double[] matrix, int[] order, double[] scale, int lo, int hi) {
    this.n = n;
    this.matrix = matrix;
    this.order = order;
    this.scale = scale;
    this.lo = lo;
    this.hi = hi;
  }

  /** Balances the {@code n x n} row-major matrix {@code a} (not modified); {@code O(n^2)}. */
  static Balance of(double[] a, int n) {
    return of(a, n, true);
  }

  /**
   * The permutation alone ({@code dgebal} job 'P'): the same {@code lo}, {@code hi} and order as
   * {@link #of(double[], int)}, no scaling. Its eigenvectors are accurate for {@code A} itself.
   */
  static Balance permutationOnly(double[] a, int n) {
    return of(a, n, false);
  }

  /** Whether the scaling changed anything (a factor other than 1). */
  boolean scaled() {
    for (double f : scale) {
      if (f != 1.0) {
        return true;
      }
    }
    return false;
  }

  private static Balance of(double[] a, int n, boolean scaling) {
    int[] order = new int[n];
    int[] bounds = isolatingOrder(a, n, order);
    int lo = bounds[0];
    int hi = bounds[1];
    double[] b = new double[n * n];
    for (int i = 0; i < n; i++) {
      int src = order[i] * n;
      for (int k = 0; k < n; k++) {
        b[i * n + k] = a[src + order[k]];
      }
    }
    double[] scale = new double[n];
    java.util.Arrays.fill(scale, 1.0);
    if (scaling) {
      scaleMiddle(b, n, lo, hi, scale);
    }
    return new Balance(n, b, order, scale, lo, hi);
  }

  /**
   * Maps eigenvectors of {@code B} (in place, each of length {@code n}; {@code null} entries
   * skipped) to eigenvectors of {@code A}: {@code v = P D x}.
   */
  void backTransform(double[][] vectors) {
    double[] tmp = new double[n];
    for (double[] x : vectors) {
      if (x == null) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        tmp[order[i]] = scale[i] * x[i];
      }
      System.arraycopy(tmp, 0, x, 0, n);
    }
  }

  /**
   * Fills {@code order} with the permutation of {@code dgebal}'s job 'P' and returns
   * {@code {lo, hi}}. Isolated rows are taken from the bottom up, isolated columns from the top
   * down; the rest keep their relative order in the middle. Counts of the off-diagonal nonzeros
   * of each row and column, updated as indices leave, make it {@code O(n^2)} however many are
   * isolated.
   */
  private static int[] isolatingOrder(double[] a, int n, int[] order) {
    boolean[] active = new boolean[n];
    int[] rowCount = new int[n];
    int[] colCount = new int[n];
    java.util.Arrays.fill(active, true);
    for (int i = 0; i < n; i++) {
      int row = i * n;
      for (int j = 0; j < n; j++) {
        if (a[row + j] != 0.0 && i != j) {
          rowCount[i]++;
          colCount[j]++;
        }
      }
    }
    // every index enters each stack at most once: when its count is, or reaches, zero
    int[] ready = new int[n];
    int top = 0;
    int lo = 0;
    int hi = n;
    // rows zero off the diagonal, to the bottom; removing one may isolate the rows feeding on it
    for (int i = n - 1; i >= 0; i--) {
      if (rowCount[i] == 0) {
        ready[top++] = i;
      }
    }
    while (top > 0) {
      int r = ready[--top];
      active[r] = false;
      order[--hi] = r;
      for (int i = 0; i < n; i++) {
        if (active[i]) {
          if (a[i * n + r] != 0.0 && --rowCount[i] == 0) {
            ready[top++] = i;
          }
          if (a[r * n + i] != 0.0) {
            colCount[i]--;
          }
        }
      }
    }
    // then columns zero off the diagonal (in the remaining rows), to the top
    for (int j = n - 1; j >= 0; j--) {
      if (active[j] && colCount[j] == 0) {
        ready[top++] = j;
      }
    }
    while (top > 0) {
      int c = ready[--top];
      active[c] = false;
      order[lo++] = c;
      for (int j = 0; j < n; j++) {
        if (active[j] && a[c * n + j] != 0.0 && --colCount[j] == 0) {
          ready[top++] = j;
        }
      }
    }
    int middle = lo;
    for (int i = 0; i < n; i++) {
      if (active[i]) {
        order[middle++] = i;
      }
    }
    return new int[] {lo, hi};
  }

  /**
   * The scaling loop of {@code dgebal} (LAPACK 3.5 and later) on {@code [lo, hi)}: row {@code i}
   * of {@code B} is divided and column {@code i} multiplied by a power of 2 while that brings the
   * 2-norms of the row and column of {@code M} closer together; repeated until no index changes.
   */
  private static void scaleMiddle(double[] b, int n, int lo, int hi, double[] scale) {
    if (hi - lo < 2) {
      return;
    }
    int m = hi - lo;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = lo; i < hi; i++) {
        double c = norm2(b, lo * n + i, n, m);
        double r = norm2(b, i * n + lo, 1, m);
        double ca = maxAbs(b, i, n, hi);
        double ra = maxAbs(b, i * n + lo, 1, n - lo);
        if (c == 0 || r == 0) {
          continue;
        }
        double g = r / RADIX;
        double f = 1.0;
        double s = c + r;
        while (c < g && Math.max(f, Math.max(c, ca)) < SFMAX2
            && Math.min(r, Math.min(g, ra)) > SFMIN2) {
          f *= RADIX;
          c *= RADIX;
          ca *= RADIX;
          r /= RADIX;
          g /= RADIX;
          ra /= RADIX;
        }
        g = c / RADIX;
        while (g >= r && Math.max(r, ra) < SFMAX2
            && Math.min(Math.min(f, c), Math.min(g, ca)) > SFMIN2) {
          f /= RADIX;
          c /= RADIX;
          g /= RADIX;
          ca /= RADIX;
          r *= RADIX;
          ra *= RADIX;
        }
        if (c + r >= FACTOR * s) {
          continue;
        }
        if (f < 1.0 && scale[i] < 1.0 && f * scale[i] <= SFMIN1) {
          continue;
        }
        if (f > 1.0 && scale[i] > 1.0 && scale[i] >= SFMAX1 / f) {
          continue;
        }
        scale[i] *= f;
        changed = true;
        // row i is zero left of lo and column i below hi: only the rest is scaled
        double inv = 1.0 / f;
        for (int j = i * n + lo, end = i * n + n; j < end; j++) {
          b[j] *= inv;
        }
        for (int j = i, end = hi * n; j < end; j += n) {
          b[j] *= f;
        }
      }
    }
  }

  /** The 2-norm of {@code count} entries from {@code start} by {@code stride}, without overflow. */
  private static double norm2(double[] b, int start, int stride, int count) {
    double max = maxAbs(b, start, stride, count);
    if (max == 0 || (max >= 0x1p-500 && max <= 0x1p500)) {
      double s = 0;
      for (int k = 0, j = start; k < count; k++, j += stride) {
        s += b[j] * b[j];
      }
      return Math.sqrt(s);
    }
    double inv = 1.0 / max;
    double s = 0;
    for (int k = 0, j = start; k < count; k++, j += stride) {
      double x = b[j] * inv;
      s += x * x;
    }
    return max * Math.sqrt(s);
  }

  private static double maxAbs(double[] b, int start, int stride, int count) {
    double max = 0;
    for (int k = 0, j = start; k < count; k++, j += stride) {
      max = Math.max(max, Math.abs(b[j]));
    }
    return max;
  }
}
