package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;

/** {@link Tanh} against {@link Math#tanh} (fdlibm), the definition in {@link Activation}. */
class TanhTest {

  private static double ulps(double expected, double actual) {
    return Math.abs(expected - actual) / Math.ulp(expected);
  }

  @Test
  void withinFourUlpsOfMathTanhAcrossScales() {
    Random rnd = new Random(11);
    double worst = 0;
    for (int k = 0; k < 400_000; k++) {
      // magnitudes from 1e-12 to 30, both signs, and points around the branch at 0.34
      double x = switch (k % 4) {
        case 0 -> Math.pow(10, -12 + 13.5 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
        case 1 -> rnd.nextGaussian() * 3;
        case 2 -> 0.34 + (rnd.nextDouble() - 0.5) * 1e-3;
        default -> (rnd.nextDouble() - 0.5) * 60;
      };
      worst = Math.max(worst, ulps(Math.tanh(x), Tanh.tanh(x)));
    }
    assertTrue(worst <= 4, "worst difference from Math.tanh: " + worst + " ulps");
  }

  @Test
  void specialValues() {
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Tanh.tanh(-0.0)));
    assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Tanh.tanh(0.0)));
    assertEquals(1.0, Tanh.tanh(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Tanh.tanh(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, Tanh.tanh(40));
    assertEquals(-1.0, Tanh.tanh(-800));
    assertTrue(Double.isNaN(Tanh.tanh(Double.NaN)));
    assertEquals(1e-300, Tanh.tanh(1e-300));
    assertEquals(Double.MIN_VALUE, Tanh.tanh(Double.MIN_VALUE));
    for (double x : new double[] {1e-8, 0x1p-28, 0.25, 0.34, 1, 2.5, 7, 19.999, 20.5}) {
      assertTrue(ulps(Math.tanh(x), Tanh.tanh(x)) <= 4, "tanh(" + x + ")");
      assertEquals(-Tanh.tanh(x), Tanh.tanh(-x), "odd at " + x);
    }
  }

  @Test
  void theArrayFormGivesTheScalarFormsBitsInsideItsRangeOnly() {
    Random rnd = new Random(12);
    // not a multiple of the chunk size; specials and large values mixed in
    double[] x = new double[10_007];
    for (int i = 0; i < x.length; i++) {
      x[i] = switch (i % 7) {
        case 0 -> rnd.nextGaussian();
        case 1 -> (rnd.nextDouble() - 0.5) * 70;
        case 2 -> Math.scalb(rnd.nextDouble() - 0.5, -rnd.nextInt(1080));
        case 3 -> new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 20.0}[rnd.nextInt(7)];
        default -> rnd.nextGaussian() * 4;
      };
    }
    double[] sequential = x.clone();
    Tanh.tanh(sequential, 5, x.length - 3);
    double[] parallel = x.clone();
    Tanh.tanh(parallel, 5, x.length - 3, 1);
    for (int i = 0; i < x.length; i++) {
      boolean inside = i >= 5 && i < x.length - 3;
      long want = Double.doubleToRawLongBits(inside ? Tanh.tanh(x[i]) : x[i]);
      if (Double.isNaN(x[i])) {
        assertTrue(Double.isNaN(sequential[i]) && Double.isNaN(parallel[i]), "NaN at " + i);
        continue;
      }
      assertEquals(want, Double.doubleToRawLongBits(sequential[i]), "element " + i + " = " + x[i]);
      assertEquals(want, Double.doubleToRawLongBits(parallel[i]), "parallel element " + i);
    }
  }

  @Test
  void theBackendsTanhIsAccurateNearZero() {
    // ND4J's own tanh is off by up to 1e-10 (relative) here; the backend must not be
    double[] x = new double[2000];
    Random rnd = new Random(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.pow(10, -9 + 8 * rnd.nextDouble()) * (i % 2 == 0 ? 1 : -1);
    }
    try (Backend backend = new Nd4jBackend(); Tensor t = backend.fromArray(x, 40, 50);
        Tensor h = backend.activate(Activation.TANH, t)) {
      double[] got = h.toArray();
      for (int i = 0; i < x.length; i++) {
        double want = Math.tanh(x[i]);
        assertEquals(want, got[i], 1e-15 * Math.abs(want), "tanh(" + x[i] + ")");
      }
    }
  }
}
