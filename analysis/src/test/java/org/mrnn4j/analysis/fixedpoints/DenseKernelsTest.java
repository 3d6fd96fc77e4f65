package org.mrnn4j.analysis.fixedpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cache-blocked kernels of {@link Dense} against the textbook loops they reorder: the
 * fixed-point search must find the same points, so the Gram matrix, the Cholesky factor and the LU
 * solution must agree to the last bit (compared with {@code assertArrayEquals} at tolerance 0),
 * at sizes that are and are not multiples of the blocks, with exact zeros and with pivoting.
 */
class DenseKernelsTest {

  private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 64, 101};

  @Test
  void gramMatchesTheRowByRowAccumulationBitForBit() {
    Random rng = new Random(11);
    for (int n : SIZES) {
      double[] j = matrix(rng, n, true);
      double[] expected = textbookGram(j, n);
      double[] got = new double[n * n];
      double diagMax = Dense.gram(j, n, got, new double[n * n]);
      assertArrayEquals(expected, got, 0.0, "J^T J at n = " + n);
      double max = 0;
      for (int p = 0; p < n; p++) {
        max = Math.max(max, expected[p * n + p]);
      }
      assertEquals(max, diagMax, 0.0, "largest diagonal entry at n = " + n);
    }
  }

  @Test
  void choleskyMatchesTheTextbookFactorBitForBit() {
    Random rng = new Random(12);
    for (int n : SIZES) {
      double[] j = matrix(rng, n, true);
      double[] a = textbookGram(j, n);
      for (int p = 0; p < n; p++) {
        a[p * n + p] += 1e-3;
      }
      double[] b = vector(rng, n);
      double[] a1 = a.clone();
      double[] x1 = new double[n];
      boolean ok1 = textbookCholesky(a1, n, b, x1);
      double[] a2 = a.clone();
      double[] x2 = new double[n];
      boolean ok2 = Dense.choleskySolve(a2, n, b, x2);
      assertEquals(ok1, ok2, "positive definite at n = " + n);
      assertArrayEquals(a1, a2, 0.0, "factor at n = " + n);
      assertArrayEquals(x1, x2, 0.0, "solution at n = " + n);
      // and it solves the system (an independent check of the reference itself)
      double[] ax = multiply(a, n, x2);
      for (int i = 0; i < n; i++) {
        assertEquals(b[i], ax[i], 1e-8 * (1 + Math.abs(b[i])), "A x = b at n = " + n);
      }
    }
  }

  @Test
  void luMatchesTheTextbookEliminationBitForBit() {
    Random rng = new Random(13);
    for (int n : SIZES) {
      for (boolean zeros : new boolean[] {false, true}) {
        double[] a = matrix(rng, n, zeros);
        for (int p = 0; p < n; p++) {
          a[p * n + p] -= 1; // a residual Jacobian: J - I
        }
        double[] b = vector(rng, n);
        double[] a1 = a.clone();
        double[] x1 = new double[n];
        boolean ok1 = textbookLu(a1, n, b, x1);
        double[] a2 = a.clone();
        double[] x2 = new double[n];
        boolean ok2 = Dense.luSolve(a2, n, b, x2);
        assertEquals(ok1, ok2, "nonsingular at n = " + n);
        assertArrayEquals(a1, a2, 0.0, "factors at n = " + n);
        assertArrayEquals(x1, x2, 0.0, "solution at n = " + n);
        if (ok2) {
          double[] ax = multiply(a, n, x2);
          for (int i = 0; i < n; i++) {
            assertEquals(b[i], ax[i], 1e-7 * (1 + Math.abs(b[i])), "A x = b at n = " + n);
          }
        }
      }
    }
  }

  private static double[] matrix(Random rng, int n, boolean zeros) {
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = zeros && rng.nextInt(5) == 0 ? 0.0 : rng.nextGaussian() / Math.sqrt(n);
    }
    return m;
  }

  private static double[] vector(Random rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static double[] multiply(double[] a, int n, double[] x) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        y[i] += a[i * n + k] * x[k];
      }
    }
    return y;
  }

  /** J^T J accumulated row by row of J, upper triangle mirrored. */
  private static double[] textbookGram(double[] jac, int n) {
    double[] ata = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < n; p++) {
        double jp = jac[i * n + p];
        if (jp == 0) {
          continue;
        }
        for (int c = p; c < n; c++) {
          ata[p * n + c] += jp * jac[i * n + c];
        }
      }
    }
    for (int p = 0; p < n; p++) {
      for (int c = p + 1; c < n; c++) {
        ata[c * n + p] = ata[p * n + c];
      }
    }
    return ata;
  }

  /** Left-looking Cholesky, one entry at a time, then the two triangular solves. */
  private static boolean textbookCholesky(double[] a, int n, double[] b, double[] x) {
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) {
        d -= a[j * n + k] * a[j * n + k];
      }
      if (!(d > 0)) {
        return false;
      }
      double l = Math.sqrt(d);
      a[j * n + j] = l;
      for (int i = j + 1; i < n; i++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= a[i * n + k] * a[j * n + k];
        }
        a[i * n + j] = s / l;
      }
    }
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= a[i * n + k] * x[k];
      }
      x[i] = s / a[i * n + i];
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

  /** Right-looking Gaussian elimination with partial pivoting, one column at a time. */
  private static boolean textbookLu(double[] a, int n, double[] b, double[] x) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      double best = Math.abs(a[k * n + k]);
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(a[i * n + k]) > best) {
          best = Math.abs(a[i * n + k]);
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
      for (int i = k + 1; i < n; i++) {
        double f = a[i * n + k] / a[k * n + k];
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
}
