package org.mrnn4j.models;

import java.util.Arrays;
import java.util.Objects;
import org.mrnn4j.core.DType;

/**
 * The stored parameters of a network, exactly as mRNNTorch keeps them in its state dict: the raw
 * weights {@code W_rec} {@code [N, N]} and {@code W_inp} {@code [N, I]}, their binary masks
 * ({@code W_rec_mask}, {@code W_inp_mask}) and sign matrices ({@code W_rec_sign_matrix},
 * {@code W_inp_sign_matrix}; {@code +-mask} by the source region's sign). Rows are destination
 * units, columns source units. Immutable; held on the host in float64.
 *
 * <p>The effective weights the dynamics use are {@code mask * |W| * sign} with Dale's law and
 * {@code W * mask} without ({@link #effectiveRecurrent(boolean)}).
 */
public final class ModelParameters {
  /** State-dict key of the raw recurrent weights. */
  public static final String W_REC = "W_rec";
  /** State-dict key of the recurrent mask. */
  public static final String W_REC_MASK = "W_rec_mask";
  /** State-dict key of the recurrent sign matrix. */
  public static final String W_REC_SIGN = "W_rec_sign_matrix";
  /** State-dict key of the raw input weights. */
  public static final String W_INP = "W_inp";
  /** State-dict key of the input mask. */
  public static final String W_INP_MASK = "W_inp_mask";
  /** State-dict key of the input sign matrix. */
  public static final String W_INP_SIGN = "W_inp_sign_matrix";

  private final double[][] wRec;
  private final double[][] wRecMask;
  private final double[][] wRecSign;
  private final double[][] wInp;
  private final double[][] wInpMask;
  private final double[][] wInpSign;
  private final DType sourceDType;

  private ModelParameters(double[][][] m, DType sourceDType) {
    this.wRec = m[0];
    this.wRecMask = m[1];
    this.wRecSign = m[2];
    this.wInp = m[3];
    this.wInpMask = m[4];
    this.wInpSign = m[5];
    this.sourceDType = sourceDType;
  }

  /**
   * Parameters from the six state-dict matrices (copied).
   *
   * @param sourceDType the precision they were stored in (float32 values are exact in float64)
   * @param wRec the raw recurrent weights {@code [N][N]}
   * @param wRecMask the recurrent mask, 0 or 1
   * @param wRecSign the recurrent sign matrix, -1, 0 or 1
   * @param wInp the raw input weights {@code [N][I]}
   * @param wInpMask the input mask
   * @param wInpSign the input sign matrix
   * @return the parameters, checked for shapes and values
   * @throws IllegalArgumentException if a matrix is ragged, non-finite, or the shapes disagree
   *     ({@code [N, N]} for the recurrent three, {@code [N, I]} for the input three)
   */
  public static ModelParameters of(
      double[][] wRec, double[][] wRecMask, double[][] wRecSign,
      double[][] wInp, double[][] wInpMask, double[][] wInpSign, DType sourceDType) {
    double[][][] m = {
      copy(W_REC, wRec), copy(W_REC_MASK, wRecMask), copy(W_REC_SIGN, wRecSign),
      copy(W_INP, wInp), copy(W_INP_MASK, wInpMask), copy(W_INP_SIGN, wInpSign)
    };
    int n = m[0].length;
    int i = m[3].length == 0 ? 0 : m[3][0].length;
    String[] keys = {W_REC, W_REC_MASK, W_REC_SIGN, W_INP, W_INP_MASK, W_INP_SIGN};
    for (int k = 0; k < 6; k++) {
      int cols = k < 3 ? n : i;
      int rows = m[k].length;
      int actualCols = rows == 0 ? 0 : m[k][0].length;
      if (rows != n || actualCols != cols) {
        throw new IllegalArgumentException(keys[k] + " has shape [" + rows + ", " + actualCols
            + "], expected [" + n + ", " + cols + "] (N = " + n + " from W_rec, I = " + i
            + " from W_inp)");
      }
    }
    for (int k : new int[] {1, 4}) {
      requireValues(keys[k], m[k], "a mask holds 0 or 1", 0, 1);
    }
    for (int k : new int[] {2, 5}) {
      requireValues(keys[k], m[k], "a sign matrix holds -1, 0 or 1", -1, 0, 1);
    }
    requireFiniteProducts(keys[0], m[0], keys[1], m[1]);
    requireFiniteProducts(keys[3], m[3], keys[4], m[4]);
    return new ModelParameters(m, Objects.requireNonNull(sourceDType, "sourceDType"));
  }

  private static void requireValues(String key, double[][] a, String rule, double... allowed) {
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < a[r].length; c++) {
        double v = a[r][c];
        boolean ok = false;
        for (double x : allowed) {
          ok |= v == x;
        }
        if (!ok) {
          throw new IllegalArgumentException(key + "[" + r + "][" + c + "] is " + v + "; " + rule);
        }
      }
    }
  }

  /**
   * The effective weights ({@code W * mask}, and {@code mask * |W| * sign}, whose magnitude is the
   * same) must be finite: two finite factors can overflow (1e160 * 1e160).
   */
  private static void requireFiniteProducts(String key, double[][] w, String maskKey,
      double[][] mask) {
    for (int r = 0; r < w.length; r++) {
      for (int c = 0; c < w[r].length; c++) {
        if (!Double.isFinite(w[r][c] * mask[r][c])) {
          throw new IllegalArgumentException("the effective weight " + key + "[" + r + "][" + c
              + "] * " + maskKey + "[" + r + "][" + c + "] = " + w[r][c] + " * " + mask[r][c]
              + " is not finite; effective weights must be finite");
        }
      }
    }
  }

  private static double[][] copy(String key, double[][] a) {
    if (a == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    double[][] out = new double[a.length][];
    for (int r = 0; r < a.length; r++) {
      if (a[r] == null) {
        throw new IllegalArgumentException(key + " has no row " + r + " (null)");
      }
      if (a[r].length != a[0].length) {
        throw new IllegalArgumentException(key + " is ragged: row " + r + " has "
            + a[r].length + " entries, row 0 has " + a[0].length);
      }
      for (int c = 0; c < a[r].length; c++) {
        if (!Double.isFinite(a[r][c])) {
          throw new IllegalArgumentException(
              key + "[" + r + "][" + c + "] is not finite: " + a[r][c]);
        }
      }
      out[r] = a[r].clone();
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int r = 0; r < a.length; r++) {
      out[r] = a[r].clone();
    }
    return out;
  }

  /** {@return N} */
  public int numUnits() {
    return wRec.length;
  }

  /** {@return I} */
  public int numInputs() {
    return wInp.length == 0 ? 0 : wInp[0].length;
  }

  /** {@return the precision the parameters were stored in (checkpoints are often float32)} */
  public DType sourceDType() {
    return sourceDType;
  }

  /** {@return a copy of the raw recurrent weights {@code W_rec}} */
  public double[][] recurrentWeights() {
    return copy(wRec);
  }

  /** {@return a copy of {@code W_rec_mask}} */
  public double[][] recurrentMask() {
    return copy(wRecMask);
  }

  /** {@return a copy of {@code W_rec_sign_matrix}} */
  public double[][] recurrentSign() {
    return copy(wRecSign);
  }

  /** {@return a copy of the raw input weights {@code W_inp}} */
  public double[][] inputWeights() {
    return copy(wInp);
  }

  /** {@return a copy of {@code W_inp_mask}} */
  public double[][] inputMask() {
    return copy(wInpMask);
  }

  /** {@return a copy of {@code W_inp_sign_matrix}} */
  public double[][] inputSign() {
    return copy(wInpSign);
  }

  /**
   * {@return the matrix stored under a state-dict key ({@link #W_REC} ...), copied}
   *
   * @param key a state-dict key, for example {@code W_rec}
   */
  public double[][] get(String key) {
    return switch (key) {
      case W_REC -> recurrentWeights();
      case W_REC_MASK -> recurrentMask();
      case W_REC_SIGN -> recurrentSign();
      case W_INP -> inputWeights();
      case W_INP_MASK -> inputMask();
      case W_INP_SIGN -> inputSign();
      default -> throw new IllegalArgumentException("unknown parameter '" + key + "': expected "
          + String.join(", ", W_REC, W_REC_MASK, W_REC_SIGN, W_INP, W_INP_MASK, W_INP_SIGN));
    };
  }

  /**
   * {@return the effective recurrent weights: {@code mask*|W|*sign} if constrained, else {@code
   *     W*mask}}
   *
   * @param constrained whether Dale's law applies
   */
  public double[][] effectiveRecurrent(boolean constrained) {
    return effective(wRec, wRecMask, wRecSign, constrained);
  }

  /**
   * {@return the effective input weights: {@code mask*|W|*sign} if constrained, else {@code
   *     W*mask}}
   *
   * @param constrained whether Dale's law applies
   */
  public double[][] effectiveInput(boolean constrained) {
    return effective(wInp, wInpMask, wInpSign, constrained);
  }

  static double[][] effective(double[][] w, double[][] mask, double[][] sign, boolean constrained) {
    double[][] out = new double[w.length][];
    for (int r = 0; r < w.length; r++) {
      out[r] = new double[w[r].length];
      for (int c = 0; c < w[r].length; c++) {
        out[r][c] = constrained ? mask[r][c] * Math.abs(w[r][c]) * sign[r][c] : w[r][c] * mask[r][c];
      }
    }
    return out;
  }

  /** These parameters with the raw recurrent weights multiplied by {@code factor}. */
  ModelParameters withRecurrentScaled(double factor) {
    double[][] w = copy(wRec);
    for (int r = 0; r < w.length; r++) {
      for (int c = 0; c < w[r].length; c++) {
        w[r][c] *= factor;
        if (!Double.isFinite(w[r][c] * wRecMask[r][c])) {
          throw new IllegalStateException("cannot rescale the recurrent weights to the "
              + "requested spectral radius: the factor " + factor + " makes " + W_REC + "[" + r
              + "][" + c + "] = " + w[r][c] + ", and effective weights must be finite (is the "
              + "spectral radius requested too large?)");
        }
      }
    }
    return new ModelParameters(
        new double[][][] {w, wRecMask, wRecSign, wInp, wInpMask, wInpSign}, sourceDType);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelParameters p
        && Arrays.deepEquals(wRec, p.wRec) && Arrays.deepEquals(wRecMask, p.wRecMask)
        && Arrays.deepEquals(wRecSign, p.wRecSign) && Arrays.deepEquals(wInp, p.wInp)
        && Arrays.deepEquals(wInpMask, p.wInpMask) && Arrays.deepEquals(wInpSign, p.wInpSign);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(wRec) * 31 + Arrays.deepHashCode(wInp);
  }

  @Override
  public String toString() {
    return "ModelParameters[N=" + numUnits() + ", I=" + numInputs() + ", " + sourceDType + "]";
  }
}
