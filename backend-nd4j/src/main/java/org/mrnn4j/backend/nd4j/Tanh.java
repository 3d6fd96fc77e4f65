package org.mrnn4j.backend.nd4j;

/**
 * tanh in double precision from {@link Math#exp} and {@link Math#log}, which HotSpot compiles to
 * fast intrinsics, where {@link Math#tanh} is a JNI call per element on Java 17 (about 30 ns) and
 * ND4J's native tanh loses up to 1e-10 relative accuracy near zero. Within a few ulps of
 * {@link Math#tanh} everywhere (the contract allows a relative 1e-14, about 45 ulps), odd, and
 * exact for the special values: {@code tanh(+-0) = +-0}, {@code tanh(+-inf) = +-1}, NaN to NaN.
 */
final class Tanh {
  private Tanh() {}

  /** Below this, tanh(x) rounds to x: the next term, x^3 / 3, is under half an ulp of x. */
  private static final double TINY = 0x1p-28;

  /** Below this, exp(-2|x|) > 1/2, so that exp(-2|x|) - 1 is exact (Sterbenz). */
  private static final double SMALL = 0.34;

  static double tanh(double x) {
    double a = Math.abs(x);
    if (a < TINY) {
      return x; // also +-0
    }
    double t;
    if (a < SMALL) {
      // tanh(a) = -m / (m + 2) with m = expm1(-2a), by Kahan's formula
      // expm1(y) = (u - 1) y / log(u), u = exp(y): the rounding error of u cancels between the
      // numerator and log(u), where 1 - 2 / (exp(2a) + 1) would cancel catastrophically.
      double y = -2 * a;
      double u = Math.exp(y);
      double m = (u - 1) * y / Math.log(u);
      t = -m / (m + 2);
    } else {
      // tanh(a) >= 0.32 here, so the subtraction loses at most a couple of bits; exp overflows
      // to infinity for large a, which gives exactly 1. NaN stays NaN.
      t = 1 - 2 / (Math.exp(2 * a) + 1);
    }
    return Math.copySign(t, x);
  }
}
