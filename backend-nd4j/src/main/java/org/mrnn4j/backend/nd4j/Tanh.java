package org.mrnn4j.backend.nd4j;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * tanh in double precision, written so that HotSpot's C2 compiler vectorizes it: about 4 ns per
 * element on arrays, where {@link Math#tanh} is a JNI call per element on Java 17 (about 20 ns)
 * and ND4J's native tanh loses up to 1e-10 relative accuracy near zero. Within 4 ulps of
 * {@link Math#tanh} (the contract allows a relative 1e-14, about 45 ulps), odd, and exact for the
 * special values: {@code tanh(+-0) = +-0}, {@code tanh(+-inf) = +-1}, NaN to NaN.
 *
 * <p>The method, for {@code a = |x|}: {@code tanh(a) = -m / (m + 2)} with
 * {@code m = expm1(-2a)}, which never cancels ({@code m} lies in {@code [-1, 0]}). {@code expm1}
 * reduces {@code y = -2a} to {@code y = k ln 2 + r} with {@code |r| <= ln 2 / 2} (Cody and Waite's
 * two-part {@code ln 2}), takes {@code expm1(r)} from its Taylor series to degree 13 (the next
 * term is below 2^-56 of {@code r}), and returns {@code 2^k expm1(r) + (2^k - 1)}. Every step is
 * plain double arithmetic, with no branch, no table and no bit reinterpretation, since those stop
 * C2's vectorizer: rounding to an integer adds and subtracts {@code 1.5 * 2^52}, and {@code 2^k}
 * is a product over the six bits of {@code -k} (from 0 to 58, since {@code y} is clamped to
 * {@code -40}, where {@code tanh} is 1 to double precision). The array form runs each stage as its
 * own short loop over a chunk, short enough for C2 to unroll and vectorize.
 */
final class Tanh {
  private Tanh() {}

  private static final double LN2_HI = 0x1.62e42feep-1; // the high bits of ln 2, k * LN2_HI exact
  private static final double LN2_LO = 0x1.a39ef35793c76p-33; // ln 2 - LN2_HI
  private static final double INV_LN2 = 0x1.71547652b82fep0;
  /** Adding and subtracting this rounds a double below 2^51 in magnitude to an integer. */
  private static final double ROUND = 0x1.8p52;
  /** Subtracted before rounding to take the floor of a multiple of 1/32 (31/64, below 1/2). */
  private static final double FLOOR = 0x1.fp-2;
  /** Where y = -2|x| is clamped: tanh(20) is 1 to double precision and 2^-58 is still normal. */
  private static final double Y_MIN = -40.0;
  /** Elements per chunk: the stages' scratch arrays stay in the L1 cache. */
  private static final int CHUNK = 256;

  // 1/n! for the Taylor series of expm1
  private static final double C2 = 1.0 / 2;
  private static final double C3 = 1.0 / 6;
  private static final double C4 = 1.0 / 24;
  private static final double C5 = 1.0 / 120;
  private static final double C6 = 1.0 / 720;
  private static final double C7 = 1.0 / 5040;
  private static final double C8 = 1.0 / 40320;
  private static final double C9 = 1.0 / 362880;
  private static final double C10 = 1.0 / 3628800;
  private static final double C11 = 1.0 / 39916800;
  private static final double C12 = 1.0 / 479001600;
  private static final double C13 = 1.0 / 6227020800.0;

  /** tanh of one value; the same arithmetic as {@link #tanh(double[], int, int)}, bit for bit. */
  static double tanh(double x) {
    double y = Math.max(-2 * Math.abs(x), Y_MIN);
    double k = round(y * INV_LN2);
    double r = reduce(y, k);
    double s = powerOfTwoLow(-k - 8 * powerBitsHigh(-k), powerOfTwoHigh(-k));
    return Math.copySign(fromExpm1(r, s), x);
  }

  /** Replaces {@code v[from .. to)} by its tanh. */
  static void tanh(double[] v, int from, int to) {
    double[] x = new double[CHUNK];
    double[] r = new double[CHUNK];
    double[] k = new double[CHUNK];
    double[] s = new double[CHUNK];
    for (int base = from; base < to; base += CHUNK) {
      int len = Math.min(CHUNK, to - base);
      // working on chunk-local arrays from index 0 keeps every loop vectorizable
      System.arraycopy(v, base, x, 0, len);
      reduceStage(x, r, k, len);
      highStage(k, s, len);
      lowStage(k, s, len);
      combineStage(r, s, len);
      signStage(x, s, len);
      System.arraycopy(s, 0, v, base, len);
    }
  }

  /**
   * {@link #tanh(double[], int, int)} split across the common fork-join pool when the range holds
   * at least {@code parallelFrom} elements. Each element is computed on its own, so the bits do
   * not depend on the split.
   */
  static void tanh(double[] v, int from, int to, int parallelFrom) {
    int len = to - from;
    if (len < parallelFrom) {
      tanh(v, from, to);
      return;
    }
    int parts = Math.max(2, ForkJoinPool.getCommonPoolParallelism() + 1);
    int per = (len / parts + CHUNK - 1) / CHUNK * CHUNK;
    IntStream.range(0, parts).parallel()
        .forEach(p -> tanh(v, Math.min(to, from + p * per), Math.min(to, from + (p + 1) * per)));
  }

  private static void reduceStage(double[] x, double[] r, double[] k, int len) {
    for (int i = 0; i < len; i++) {
      double y = Math.max(-2 * Math.abs(x[i]), Y_MIN);
      double kd = round(y * INV_LN2);
      r[i] = reduce(y, kd);
      k[i] = -kd;
    }
  }

  private static void highStage(double[] k, double[] s, int len) {
    for (int i = 0; i < len; i++) {
      s[i] = powerOfTwoHigh(k[i]);
      k[i] -= 8 * powerBitsHigh(k[i]);
    }
  }

  private static void lowStage(double[] k, double[] s, int len) {
    for (int i = 0; i < len; i++) {
      s[i] = powerOfTwoLow(k[i], s[i]);
    }
  }

  private static void combineStage(double[] r, double[] s, int len) {
    for (int i = 0; i < len; i++) {
      s[i] = fromExpm1(r[i], s[i]);
    }
  }

  private static void signStage(double[] x, double[] t, int len) {
    for (int i = 0; i < len; i++) {
      t[i] = Math.copySign(t[i], x[i]);
    }
  }

  private static double round(double v) {
    return (v + ROUND) - ROUND;
  }

  /** {@code floor(v)} for {@code v} a non-negative multiple of 1/32 below 2^51. */
  private static double floor(double v) {
    return round(v - FLOOR);
  }

  /** {@code r = y - k ln 2}, with {@code k * LN2_HI} exact, so only the last step rounds. */
  private static double reduce(double y, double k) {
    return (y - k * LN2_HI) - k * LN2_LO;
  }

  /** {@code floor(n / 8)} for the integer {@code n = -k} in {@code [0, 58]}: bits 3 to 5. */
  private static double powerBitsHigh(double n) {
    return floor(n * 0x1p-3);
  }

  /** {@code 2^-(8 floor(n / 8))}: bits 3, 4 and 5 of {@code n}, each an exact product. */
  private static double powerOfTwoHigh(double n) {
    double b5 = floor(n * 0x1p-5);
    double rest = n - 32 * b5;
    double b4 = floor(rest * 0x1p-4);
    rest -= 16 * b4;
    double b3 = floor(rest * 0x1p-3);
    return (1 + b5 * (0x1p-32 - 1)) * (1 + b4 * (0x1p-16 - 1)) * (1 + b3 * (0x1p-8 - 1));
  }

  /** {@code scale * 2^-n} for the integer {@code n} in {@code [0, 7]}: bits 0 to 2. */
  private static double powerOfTwoLow(double n, double scale) {
    double b2 = floor(n * 0x1p-2);
    double rest = n - 4 * b2;
    double b1 = floor(rest * 0x1p-1);
    double b0 = rest - 2 * b1;
    return scale * ((1 + b2 * (0x1p-4 - 1)) * (1 + b1 * (0x1p-2 - 1)) * (1 - 0.5 * b0));
  }

  /** {@code tanh(a) = -m / (m + 2)} for {@code m = s expm1(r) + (s - 1)}, {@code s = 2^k}. */
  private static double fromExpm1(double r, double s) {
    double q = C13;
    q = q * r + C12;
    q = q * r + C11;
    q = q * r + C10;
    q = q * r + C9;
    q = q * r + C8;
    q = q * r + C7;
    q = q * r + C6;
    q = q * r + C5;
    q = q * r + C4;
    q = q * r + C3;
    q = q * r + C2;
    double expm1 = r + r * r * q;
    double m = s * expm1 + (s - 1);
    return -m / (m + 2);
  }
}
