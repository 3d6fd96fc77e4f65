package org.mrnn4j.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.mrnn4j.analysis.LeadingOptions.Order;
import org.mrnn4j.core.Eigendecomposition;

/**
 * A few eigenpairs of a large real matrix known only through products: thick-restart Arnoldi in
 * the Krylov-Schur form of Stewart (2001), with classical Gram-Schmidt and one reorthogonalization
 * (DGKS).
 *
 * <p>The state is a Krylov decomposition {@code A V = V H + v b^T}, {@code V} orthonormal, with a
 * general (not Hessenberg) projected matrix {@code H}: each pass expands {@code V} to {@code m}
 * columns by products, takes the Ritz pairs of {@code H} (through {@link Spectra}, the analysis'
 * one eigensolver), and restarts with the span of the {@code p} best Ritz vectors (real and
 * imaginary parts of conjugate pairs), an invariant subspace of {@code H}, so the decomposition
 * keeps its form with {@code H <- Q^T H Q} and {@code b <- Q^T b}. Krylov-Schur reaches that
 * subspace through a reordered Schur form; the eigenvectors span the same subspace and need no
 * reordering kernel, and every answer is checked on {@code A} itself at the end (the true
 * residual {@code |A x - theta x| / |x|}, one block product), so a poorly conditioned basis can
 * cost convergence but never a wrong answer.
 *
 * <p>No state outside the call: safe from any number of threads; the start vector comes from a
 * fixed seed, so equal inputs give equal bits.
 */
final class KrylovSchur {
  private KrylovSchur() {}

  /** What one run found: the wanted Ritz pairs, sorted by the order, with their true residuals. */
  record Result(double[] re, double[] im, double[][] vr, double[][] vi, double[] residual,
      boolean[] converged, int products, double scale, double unconvergedRadius) {}

  /** Seed of the start vector: fixed, so results repeat bit for bit. */
  static final long SEED = 0x6d726e6e346aL;

  /**
   * Runs the iteration.
   *
   * @param op {@code x -> A x} on a row-major block {@code [n, cols]} ({@code cols} from the
   *     length); thread-confined to this call
   * @param n the dimension, larger than {@code m}
   * @param k the number of pairs wanted ({@code k < m})
   * @param m the largest basis
   * @param budget the most products (columns) before giving up
   * @param tolerance the accepted true residual, relative to {@code |H|_F} ({@code <= |A|_F})
   * @param eig the small dense eigensolver (with vectors) for the projected matrices
   */
  static Result run(UnaryOperator<double[]> op, int n, int k, int m, Order order, int budget,
      double tolerance, java.util.function.Function<double[][], Eigendecomposition> eig) {
    double target = tolerance / 10; // the Arnoldi estimate's goal, below what the check accepts
    double[][] v = new double[m + 1][];
    double[][] h = new double[m + 1][m];
    SplittableRandom random = new SplittableRandom(SEED);
    v[0] = randomUnit(random, n, v, 0);
    int kept = 0;
    int products = 0;
    // Where a product costs far more than the small eigenproblem (about n >= 1000), the Ritz
    // pairs are checked after every product, so a fast outlier stops the expansion early; the
    // Krylov decomposition holds at every length, not only at the full basis.
    int stride = n >= 1000 ? 1 : 5;
    // after each pass: how many wanted pairs converged in order, and the next one's residual
    List<double[]> history = new ArrayList<>();
    while (true) {
      for (int j = kept; j < m; j++) {
        double[] w = op.apply(v[j]);
        products++;
        double before = norm(w);
        for (int pass = 0; pass < 2; pass++) {
          for (int i = 0; i <= j; i++) {
            double c = dot(v[i], w);
            h[i][j] += c;
            axpy(-c, v[i], w);
          }
        }
        double beta = norm(w);
        if (beta <= 1e-12 * before || beta == 0.0) {
          // an invariant subspace: carry on from a fresh direction, coupled by zero
          h[j + 1][j] = 0.0;
          v[j + 1] = randomUnit(random, n, v, j + 1);
        } else {
          h[j + 1][j] = beta;
          scale(1.0 / beta, w);
          v[j + 1] = w;
        }
        int len = j + 1;
        if (len < m && len >= k + 2 && (len - kept) % stride == 0) {
          Ritz early = ritz(h, len, k, order, eig, target);
          if (early.converged) {
            return finish(op, v, len, early.values, early.sorted, early.wanted, products,
                early.scale, tolerance);
          }
        }
      }
      Ritz full = ritz(h, m, k, order, eig, target);
      double[][] hm = full.h;
      double scale = full.scale;
      double betaM = h[m][m - 1];
      Eigendecomposition ritz = full.values;
      Integer[] sorted = full.sorted;
      int wanted = full.wanted;
      history.add(new double[] {full.prefix, full.lead});
      if (full.converged || products + (m - kept) > budget || wanted >= m - 1
          || stagnated(history)) {
        return finish(op, v, m, ritz, sorted, wanted, products, scale, tolerance);
      }
      // restart with the best p Ritz vectors: p = wanted + half the rest, pairs kept whole
      int p = Math.min(m - 2, wanted + (m - wanted) / 2);
      p = withPartner(ritz, sorted, p);
      if (p >= m - 1) {
        p = withPartner(ritz, sorted, wanted);
      }
      double[][] q = realBasis(ritz, sorted, p, m);
      int cols = q.length;
      double[][] s = new double[cols][cols];
      for (int a = 0; a < cols; a++) {
        double[] hq = times(hm, q[a]);
        for (int b = 0; b < cols; b++) {
          s[b][a] = dot(q[b], hq);
        }
      }
      double[][] nv = new double[m + 1][];
      for (int a = 0; a < cols; a++) {
        double[] u = new double[n];
        for (int r = 0; r < m; r++) {
          if (q[a][r] != 0.0) {
            axpy(q[a][r], v[r], u);
          }
        }
        nv[a] = u;
      }
      nv[cols] = v[m];
      v = nv;
      h = new double[m + 1][m];
      for (int a = 0; a < cols; a++) {
        System.arraycopy(s[a], 0, h[a], 0, cols);
        h[cols][a] = betaM * q[a][m - 1];
      }
      kept = cols;
    }
  }

  /** The Ritz pairs of the leading {@code len x len} block of the decomposition. */
  private record Ritz(double[][] h, double scale, Eigendecomposition values, Integer[] sorted,
      int wanted, boolean converged, int prefix, double lead) {}

  /** Restarts over which the next wanted residual must fall tenfold, or the run stops. */
  static final int STAGNATION_WINDOW = 6;

  /**
   * Whether the wanted pairs stopped converging: the first unconverged one (in the wanted order)
   * stayed the same over the last {@value #STAGNATION_WINDOW} restarts and its residual estimate
   * fell less than tenfold. That is the mark of eigenvalues inside a dense bulk, where the budget
   * would be spent for nothing; a converging pair gains digits at a steady rate.
   */
  private static boolean stagnated(List<double[]> history) {
    int t = history.size();
    if (t <= STAGNATION_WINDOW) {
      return false;
    }
    double[] now = history.get(t - 1);
    double[] then = history.get(t - 1 - STAGNATION_WINDOW);
    for (int i = t - 1 - STAGNATION_WINDOW; i < t; i++) {
      if (history.get(i)[0] != now[0]) {
        return false;
      }
    }
    return now[1] > then[1] / 10;
  }

  private static Ritz ritz(double[][] h, int len, int k, Order order,
      java.util.function.Function<double[][], Eigendecomposition> eig, double target) {
    double[][] hm = new double[len][];
    for (int i = 0; i < len; i++) {
      hm[i] = Arrays.copyOf(h[i], len);
    }
    double scale = frobenius(hm);
    double beta = h[len][len - 1];
    Eigendecomposition values = eig.apply(hm);
    Integer[] sorted = sortedIndices(values, order);
    int wanted = withPartner(values, sorted, k);
    int prefix = 0;
    double lead = 0; // the residual of the first unconverged pair, in the wanted order
    boolean all = true;
    for (int t = 0; t < wanted; t++) {
      int i = sorted[t];
      double estimate = Math.abs(beta)
          * Math.hypot(values.vectorReal(i)[len - 1], values.vectorImag(i)[len - 1])
          / Math.max(scale, Double.MIN_NORMAL);
      if (estimate > target) {
        if (all) {
          lead = estimate;
        }
        all = false;
      } else if (all) {
        prefix++;
      }
    }
    return new Ritz(hm, scale, values, sorted, wanted, all, prefix, lead);
  }

  /** The wanted Ritz pairs as eigenpairs of A, with true residuals from one block product. */
  private static Result finish(UnaryOperator<double[]> op, double[][] v, int m,
      Eigendecomposition ritz, Integer[] sorted, int wanted, int products, double scale,
      double tolerance) {
    int n = v[0].length;
    double[] re = new double[wanted];
    double[] im = new double[wanted];
    double[][] xr = new double[wanted][];
    double[][] xi = new double[wanted][];
    for (int t = 0; t < wanted; t++) {
      int i = sorted[t];
      re[t] = ritz.real(i);
      im[t] = ritz.imag(i);
      xr[t] = combine(v, ritz.vectorReal(i), m, n);
      xi[t] = combine(v, ritz.vectorImag(i), m, n);
    }
    // A x for every real part and every nonzero imaginary part at once: [n, cols]
    int[] realCol = new int[wanted];
    int[] imagCol = new int[wanted];
    int cols = 0;
    for (int t = 0; t < wanted; t++) {
      realCol[t] = cols++;
      imagCol[t] = isZero(xi[t]) ? -1 : cols++;
    }
    double[] block = new double[n * cols];
    for (int t = 0; t < wanted; t++) {
      for (int r = 0; r < n; r++) {
        block[r * cols + realCol[t]] = xr[t][r];
        if (imagCol[t] >= 0) {
          block[r * cols + imagCol[t]] = xi[t][r];
        }
      }
    }
    double[] ax = op.apply(block);
    products += cols;
    double[] residual = new double[wanted];
    boolean[] converged = new boolean[wanted];
    double unconvergedRadius = 0;
    for (int t = 0; t < wanted; t++) {
      double s2 = 0;
      double x2 = 0;
      for (int r = 0; r < n; r++) {
        double ar = ax[r * cols + realCol[t]];
        double ai = imagCol[t] < 0 ? 0.0 : ax[r * cols + imagCol[t]];
        // (A x - theta x), theta = re + i im, x = xr + i xi
        double dr = ar - (re[t] * xr[t][r] - im[t] * xi[t][r]);
        double di = ai - (re[t] * xi[t][r] + im[t] * xr[t][r]);
        s2 += dr * dr + di * di;
        x2 += xr[t][r] * xr[t][r] + xi[t][r] * xi[t][r];
      }
      residual[t] = Math.sqrt(s2 / x2);
      converged[t] = residual[t] <= tolerance * Math.max(scale, Double.MIN_NORMAL);
      if (!converged[t]) {
        unconvergedRadius = Math.max(unconvergedRadius, Math.hypot(re[t], im[t]));
      }
    }
    return new Result(re, im, xr, xi, residual, converged, products, scale, unconvergedRadius);
  }

  /** Indices of the Ritz values, best first; ties broken as the canonical order breaks them. */
  private static Integer[] sortedIndices(Eigendecomposition e, Order order) {
    Integer[] idx = new Integer[e.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Comparator<Integer> primary = order == Order.MODULUS
        ? Comparator.comparingDouble((Integer i) -> e.modulus(i)).reversed()
        : Comparator.comparingDouble((Integer i) -> e.real(i)).reversed();
    Arrays.sort(idx, primary
        .thenComparing(Comparator.comparingDouble((Integer i) -> e.real(i)).reversed())
        .thenComparing(Comparator.comparingDouble((Integer i) -> e.imag(i)).reversed()));
    return idx;
  }

  /** {@code count}, plus one when it would split a conjugate pair. */
  private static int withPartner(Eigendecomposition e, Integer[] sorted, int count) {
    if (count <= 0 || count >= sorted.length) {
      return Math.max(0, Math.min(count, sorted.length));
    }
    int last = sorted[count - 1];
    int next = sorted[count];
    boolean pair = e.imag(last) != 0.0 && e.imag(next) == -e.imag(last)
        && e.real(next) == e.real(last);
    return pair ? count + 1 : count;
  }

  /**
   * An orthonormal basis (as rows of length m) of the span of the first {@code p} sorted Ritz
   * vectors' real and imaginary parts; nearly dependent directions are dropped.
   */
  private static double[][] realBasis(Eigendecomposition e, Integer[] sorted, int p, int m) {
    List<double[]> raw = new ArrayList<>();
    for (int t = 0; t < p; t++) {
      int i = sorted[t];
      if (e.imag(i) == 0.0) {
        raw.add(e.vectorReal(i));
      } else if (e.imag(i) > 0 || !hasPartnerBefore(e, sorted, t)) {
        raw.add(e.vectorReal(i));
        raw.add(e.vectorImag(i));
      }
    }
    List<double[]> basis = new ArrayList<>();
    for (double[] y : raw) {
      double[] u = y.clone();
      double original = norm(u);
      for (int pass = 0; pass < 2; pass++) {
        for (double[] b : basis) {
          axpy(-dot(b, u), b, u);
        }
      }
      double left = norm(u);
      if (left > 1e-8 * original && left > 0) {
        scale(1.0 / left, u);
        basis.add(u);
      }
    }
    return basis.toArray(new double[0][]);
  }

  private static boolean hasPartnerBefore(Eigendecomposition e, Integer[] sorted, int t) {
    int i = sorted[t];
    for (int s = 0; s < t; s++) {
      int j = sorted[s];
      if (e.real(j) == e.real(i) && e.imag(j) == -e.imag(i)) {
        return true;
      }
    }
    return false;
  }

  /** {@code sum_r y[r] v[r]} over the first m basis vectors. */
  private static double[] combine(double[][] v, double[] y, int m, int n) {
    double[] out = new double[n];
    for (int r = 0; r < m; r++) {
      if (y[r] != 0.0) {
        axpy(y[r], v[r], out);
      }
    }
    return out;
  }

  private static boolean isZero(double[] x) {
    for (double d : x) {
      if (d != 0.0) {
        return false;
      }
    }
    return true;
  }

  /** A unit vector from the generator, orthogonalized against {@code v[0..count)}. */
  private static double[] randomUnit(SplittableRandom random, int n, double[][] v, int count) {
    while (true) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = random.nextDouble() - 0.5;
      }
      double original = norm(x);
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < count; i++) {
          axpy(-dot(v[i], x), v[i], x);
        }
      }
      double left = norm(x);
      if (left > 1e-6 * original) {
        scale(1.0 / left, x);
        return x;
      }
    }
  }

  private static double[] times(double[][] a, double[] x) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = dot(a[i], x);
    }
    return out;
  }

  private static double frobenius(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      for (double x : row) {
        s += x * x;
      }
    }
    return Math.sqrt(s);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double alpha, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] += alpha * x[i];
    }
  }

  private static void scale(double alpha, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= alpha;
    }
  }

  private static double norm(double[] x) {
    return Math.sqrt(dot(x, x));
  }
}
