package org.mrnn4j.analysis;

import java.util.List;

/**
 * The leading principal components of a set of states, for plotting: the covariance's
 * eigenvectors by cyclic Jacobi rotations on the host (exact for the symmetric matrix, no backend
 * needed, and at model sizes a few milliseconds).
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
   * The first {@code k} principal components of {@code states} (at least one state, all of one
   * length {@code n >= k}).
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
    double[] mean = new double[n];
    for (double[] s : states) {
      for (int i = 0; i < n; i++) {
        mean[i] += s[i] / states.size();
      }
    }
    double[][] c = new double[n][n];
    for (double[] s : states) {
      for (int i = 0; i < n; i++) {
        double di = s[i] - mean[i];
        for (int j = i; j < n; j++) {
          c[i][j] += di * (s[j] - mean[j]);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        c[i][j] /= Math.max(1, states.size() - 1);
        c[j][i] = c[i][j];
      }
    }
    double trace = 0;
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
      trace += c[i][i];
    }
    jacobi(c, v);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(c[b][b], c[a][a]));
    double[][] comps = new double[k][n];
    double[] vars = new double[k];
    for (int m = 0; m < k; m++) {
      int col = order[m];
      vars[m] = c[col][col];
      // sign convention: the largest-magnitude entry positive, so plots are reproducible
      int arg = 0;
      for (int i = 0; i < n; i++) {
        if (Math.abs(v[i][col]) > Math.abs(v[arg][col])) {
          arg = i;
        }
      }
      double sign = v[arg][col] < 0 ? -1 : 1;
      for (int i = 0; i < n; i++) {
        comps[m][i] = sign * v[i][col];
      }
    }
    return new Pca(mean, comps, vars, trace);
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

  /** The coordinates of {@code s} along the components. */
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

  /** Component {@code m}, a unit vector. */
  public double[] component(int m) {
    return components[m].clone();
  }

  /** The total variance (the covariance's trace). */
  public double totalVariance() {
    return totalVariance;
  }

  /** The variance along component {@code m}. */
  public double variance(int m) {
    return variances[m];
  }
}
