package org.mrnn4j.analysis;

import java.util.List;

/**
 * The leading principal components of a set of states, as scikit-learn's {@code PCA} computes
 * them (centred, not whitened; explained variance with {@code T - 1} in the denominator), for the
 * flow fields' planes and the fixed-point plots: the eigenvectors of the covariance, or, when there
 * are fewer states than dimensions, of the states' Gram matrix (the same components at a fraction
 * of the cost), by cyclic Jacobi rotations on the host (exact for a symmetric matrix, no backend
 * needed). Components are unit vectors with their largest-magnitude entry positive (scikit-learn's
 * sign rule up to its choice of tie), in descending order of variance. Immutable.
 */
public final class Pca {
  private final double[] mean;
  private final double[][] components; // [k][n], unit vectors, descending variance
  private final double[] variances;
  private final double totalVariance;

  private Pca(double[] mean, double[][] components, double[] variances, double totalVariance) {
    this.mean = mean;
    this.components = components;
    this.variances = variances;
    this.totalVariance = totalVariance;
  }

  /**
   * A given plane or subspace: a mean and components (copied; not checked for orthonormality,
   * which projection and reconstruction assume), without variances (NaN).
   *
   * @param mean the origin of the subspace, {@code n} entries
   * @param components the directions, at least one, each of {@code n} entries
   * @return the subspace
   * @throws IllegalArgumentException if the lengths disagree or an entry is not finite
   */
  public static Pca of(double[] mean, double[][] components) {
    int n = mean.length;
    if (components.length == 0) {
      throw new IllegalArgumentException("a plane needs at least one component");
    }
    double[][] comps = new double[components.length][];
    for (int m = 0; m < components.length; m++) {
      if (components[m].length != n) {
        throw new IllegalArgumentException("component " + m + " has " + components[m].length
            + " entries; the mean has " + n);
      }
      comps[m] = components[m].clone();
    }
    for (double[] row : comps) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("a component holds a non-finite entry: " + v);
        }
      }
    }
    for (double v : mean) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("the mean holds a non-finite entry: " + v);
      }
    }
    double[] vars = new double[comps.length];
    java.util.Arrays.fill(vars, Double.NaN);
    return new Pca(mean.clone(), comps, vars, Double.NaN);
  }

  /**
   * The first {@code k} principal components of {@code states} (at least one state, all of one
   * length {@code n >= k}).
   *
   * @param states the states, each of {@code n} entries
   * @param k the number of components, from 1 to {@code n}
   * @return the fitted components, in descending order of variance
   * @throws IllegalArgumentException if there are no states, their lengths differ, {@code k} is
   *     out of range, or an entry is not finite
   */
  public static Pca fit(List<double[]> states, int k) {
    if (states.isEmpty()) {
      throw new IllegalArgumentException("PCA needs at least one state");
    }
    int n = states.get(0).length;
    if (k < 1 || k > n) {
      throw new IllegalArgumentException(
          "asked for " + k + " components of " + n + "-dimensional states");
    }
    int t = states.size();
    double[] mean = new double[n];
    for (int s = 0; s < t; s++) {
      double[] row = states.get(s);
      if (row.length != n) {
        throw new IllegalArgumentException("state " + s + " has " + row.length
            + " entries; state 0 has " + n);
      }
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(row[i])) {
          throw new IllegalArgumentException("state " + s + " holds " + row[i] + " at " + i
              + "; PCA needs finite states");
        }
        mean[i] += row[i];
      }
    }
    for (int i = 0; i < n; i++) {
      mean[i] /= t;
    }
    double[][] centred = new double[t][n];
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < n; i++) {
        centred[s][i] = states.get(s)[i] - mean[i];
      }
    }
    double denominator = Math.max(1, t - 1);
    double[][] comps = new double[k][n];
    double[] vars = new double[k];
    double trace = 0;
    if (t < n) {
      // the Gram matrix G = X X^T (t x t): X^T u / |X^T u| are the covariance's eigenvectors
      double[][] g = new double[t][t];
      for (int a = 0; a < t; a++) {
        for (int b = a; b < t; b++) {
          double d = 0;
          for (int i = 0; i < n; i++) {
            d += centred[a][i] * centred[b][i];
          }
          g[a][b] = d;
          g[b][a] = d;
        }
        trace += g[a][a];
      }
      double[][] v = identity(t);
      jacobi(g, v);
      Integer[] order = descending(g);
      for (int m = 0; m < k; m++) {
        int col = m < t ? order[m] : -1;
        double lambda = col < 0 ? 0 : Math.max(0, g[col][col]);
        vars[m] = lambda / denominator;
        double[] c = new double[n];
        double norm = 0;
        // a direction with no variance (rounding only) is any unit vector orthogonal to the
        // ones before: fewer states than components leave the rest of the plane undetermined
        if (col >= 0 && lambda > 1e-12 * trace) {
          for (int i = 0; i < n; i++) {
            double d = 0;
            for (int s = 0; s < t; s++) {
              d += centred[s][i] * v[s][col];
            }
            c[i] = d;
            norm += d * d;
          }
        }
        if (norm > 0) {
          norm = Math.sqrt(norm);
          for (int i = 0; i < n; i++) {
            c[i] /= norm;
          }
        } else {
          c = orthogonalAxis(comps, m, n); // no variance left: any orthogonal unit vector
        }
        comps[m] = signed(c);
      }
    } else {
      double[][] c = new double[n][n];
      for (double[] row : centred) {
        for (int i = 0; i < n; i++) {
          double di = row[i];
          for (int j = i; j < n; j++) {
            c[i][j] += di * row[j];
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          c[j][i] = c[i][j];
        }
        trace += c[i][i];
      }
      double[][] v = identity(n);
      jacobi(c, v);
      Integer[] order = descending(c);
      for (int m = 0; m < k; m++) {
        int col = order[m];
        vars[m] = Math.max(0, c[col][col]) / denominator;
        double[] comp = new double[n];
        for (int i = 0; i < n; i++) {
          comp[i] = v[i][col];
        }
        comps[m] = signed(comp);
      }
    }
    return new Pca(mean, comps, vars, trace / denominator);
  }

  /** The first unit axis whose part orthogonal to {@code comps[0..m)} is largest, normalised. */
  private static double[] orthogonalAxis(double[][] comps, int m, int n) {
    double[] best = null;
    double bestNorm = -1;
    for (int axis = 0; axis < n; axis++) {
      double[] c = new double[n];
      c[axis] = 1;
      for (int q = 0; q < m; q++) {
        double d = comps[q][axis];
        for (int i = 0; i < n; i++) {
          c[i] -= d * comps[q][i];
        }
      }
      double norm = 0;
      for (double x : c) {
        norm += x * x;
      }
      if (norm > bestNorm + 1e-9) {
        best = c;
        bestNorm = norm;
      }
    }
    double norm = Math.sqrt(bestNorm);
    for (int i = 0; i < n; i++) {
      best[i] /= norm;
    }
    return best;
  }

  private static double[][] identity(int n) {
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    return v;
  }

  private static Integer[] descending(double[][] diagonalised) {
    int n = diagonalised.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order,
        (a, b) -> Double.compare(diagonalised[b][b], diagonalised[a][a]));
    return order;
  }

  /** The vector with its largest-magnitude entry made positive, so results are reproducible. */
  private static double[] signed(double[] c) {
    int arg = 0;
    for (int i = 0; i < c.length; i++) {
      if (Math.abs(c[i]) > Math.abs(c[arg])) {
        arg = i;
      }
    }
    if (c[arg] < 0) {
      for (int i = 0; i < c.length; i++) {
        c[i] = -c[i];
      }
    }
    return c;
  }

  /** Diagonalises the symmetric {@code a} in place, accumulating the rotations into {@code v}. */
  private static void jacobi(double[][] a, double[][] v) {
    int n = a.length;
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double total = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          total += a[i][j] * a[i][j];
          if (i != j) {
            off += a[i][j] * a[i][j];
          }
        }
      }
      if (off <= 1e-30 * total || off == 0) {
        return;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double cs = 1 / Math.sqrt(t * t + 1);
          double sn = t * cs;
          for (int r = 0; r < n; r++) {
            double arp = a[r][p];
            double arq = a[r][q];
            a[r][p] = cs * arp - sn * arq;
            a[r][q] = sn * arp + cs * arq;
          }
          for (int r = 0; r < n; r++) {
            double apr = a[p][r];
            double aqr = a[q][r];
            a[p][r] = cs * apr - sn * aqr;
            a[q][r] = sn * apr + cs * aqr;
          }
          for (int r = 0; r < n; r++) {
            double vrp = v[r][p];
            double vrq = v[r][q];
            v[r][p] = cs * vrp - sn * vrq;
            v[r][q] = sn * vrp + cs * vrq;
          }
        }
      }
    }
  }

  /**
   * The coordinates of {@code s} along the components.
   *
   * @param s a state, {@code d} entries
   * @return its coordinates relative to the mean, one per component
   */
  public double[] project(double[] s) {
    double[] out = new double[components.length];
    for (int m = 0; m < components.length; m++) {
      double d = 0;
      for (int i = 0; i < s.length; i++) {
        d += (s[i] - mean[i]) * components[m][i];
      }
      out[m] = d;
    }
    return out;
  }

  /**
   * Component {@code m}, a unit vector.
   *
   * @param m the index of the component, from 0 to {@link #size()} - 1
   * @return the component, {@code d} entries (a copy)
   */
  public double[] component(int m) {
    return components[m].clone();
  }

  /**
   * The state at plane coordinates {@code coords}: {@code mean + sum_m coords[m] component_m}.
   *
   * @param coords one coordinate per component
   * @return the state, {@code d} entries
   * @throws IllegalArgumentException if there are not {@link #size()} coordinates
   */
  public double[] lift(double... coords) {
    if (coords.length != components.length) {
      throw new IllegalArgumentException("the plane has " + components.length
          + " coordinates, got " + coords.length);
    }
    double[] out = mean.clone();
    for (int m = 0; m < components.length; m++) {
      for (int i = 0; i < out.length; i++) {
        out[i] += coords[m] * components[m][i];
      }
    }
    return out;
  }

  /** {@return the mean, {@code d} entries (a copy)} */
  public double[] mean() {
    return mean.clone();
  }

  /** {@return the number of components} */
  public int size() {
    return components.length;
  }

  /** {@return the dimension {@code d} of the states} */
  public int dimension() {
    return mean.length;
  }

  /**
   * The total variance (the covariance's trace, denominator {@code T - 1}); NaN for a given
   * plane.
   *
   * @return the total variance, or NaN
   */
  public double totalVariance() {
    return totalVariance;
  }

  /**
   * The variance along component {@code m} (scikit-learn's {@code explained_variance_}); NaN for
   * a given plane.
   *
   * @param m the index of the component, from 0 to {@link #size()} - 1
   * @return the variance along component {@code m}, or NaN
   */
  public double variance(int m) {
    return variances[m];
  }

  /**
   * The fraction of the total variance along component {@code m}; NaN for a given plane.
   *
   * @param m the index of the component, from 0 to {@link #size()} - 1
   * @return the explained fraction, in {@code [0, 1]}, or NaN
   */
  public double explainedFraction(int m) {
    return variances[m] / totalVariance;
  }
}
