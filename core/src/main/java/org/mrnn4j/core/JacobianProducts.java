package org.mrnn4j.core;

/**
 * The host-side parts of {@link Backend#jacobianTimes}, for backends that do the product with
 * {@code W} natively and the O((n + m) k) rest on the JVM: scaling the vectors' rows by the
 * column scale {@code c} before the product, and after it the row scale {@code b r} and the
 * identity term. Arrays are row-major {@code [rows, k]}.
 */
public final class JacobianProducts {
  private JacobianProducts() {}

  /**
   * {@code diag(c) V} for {@code v} of shape {@code [columns.size(), k]}: row {@code j} times
   * {@code c} at the {@code j}-th kept global column. Returns {@code v} itself (not a copy) when
   * {@code c} is null.
   *
   * @param c the full column scale, of length {@code m}, or null for ones
   * @param v the vectors {@code [columns.size(), k]}, row-major
   * @param columns the kept columns of {@code W}
   * @param k the number of vectors
   * @return {@code diag(c) V} over the kept columns
   */
  public static double[] scaleRows(double[] v, double[] c, IndexRanges columns, int k) {
    if (c == null) {
      return v;
    }
    double[] out = new double[v.length];
    int row = 0;
    for (IndexRange range : columns.ranges()) {
      for (int g = range.start(); g < range.end(); g++, row++) {
        double s = c[g];
        int at = row * k;
        for (int t = 0; t < k; t++) {
          out[at + t] = s * v[at + t];
        }
      }
    }
    return out;
  }

  /**
   * Turns {@code y = W_block diag(c) V} (shape {@code [rows.size(), k]}) into {@code J V} in
   * place: each row times {@code b r_i}, then {@code a} times the row of {@code v} (the unscaled
   * vectors, {@code [columns.size(), k]}) whose global column index equals the row's global index.
   *
   * @param r the full row scale, of length {@code n}, or null for ones
   * @param y {@code W_block diag(c) V}, {@code [rows.size(), k]}, overwritten with {@code J V}
   * @param b the coefficient of the weight term
   * @param a the coefficient of the identity
   * @param v the vectors {@code [columns.size(), k]}, row-major
   * @param rows the kept rows of {@code W}
   * @param columns the kept columns of {@code W}
   * @param k the number of vectors
   */
  public static void finish(double[] y, double[] r, double b, double a, double[] v,
      IndexRanges rows, IndexRanges columns, int k) {
    int row = 0;
    for (IndexRange range : rows.ranges()) {
      for (int g = range.start(); g < range.end(); g++, row++) {
        double s = r == null ? b : b * r[g];
        int at = row * k;
        for (int t = 0; t < k; t++) {
          y[at + t] *= s;
        }
      }
    }
    if (a == 0.0) {
      return;
    }
    int ro = 0;
    for (IndexRange rr : rows.ranges()) {
      int co = 0;
      for (IndexRange cr : columns.ranges()) {
        int lo = Math.max(rr.start(), cr.start());
        int hi = Math.min(rr.end(), cr.end());
        for (int g = lo; g < hi; g++) {
          int yi = (ro + g - rr.start()) * k;
          int vi = (co + g - cr.start()) * k;
          for (int t = 0; t < k; t++) {
            y[yi + t] += a * v[vi + t];
          }
        }
        co += cr.size();
      }
      ro += rr.size();
    }
  }
}
