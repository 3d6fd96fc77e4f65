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
