package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

/** The collapse of split Jordan blocks into their mean. */
class SpectraTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void splitJordanBlockCollapsesToItsMean() {
    // lambda = 0.7 (triple) split on a regular triangle of radius 1e-6, plus two others
    double r = 1e-6;
    double[] re = {0.7 + r, 0.7 - r / 2, 0.7 - r / 2, 0.2, -0.1};
    double[] im = {0, r * Math.sqrt(3) / 2, -r * Math.sqrt(3) / 2, 0.3, 0};
    Eigendecomposition e = Spectra.refineClusters(Eigendecomposition.of(re, im, null, null), 1.0);
    assertArrayEquals(new double[] {0.7, 0.7, 0.7, Math.hypot(0.2, 0.3), 0.1},
        new double[] {e.modulus(0), e.modulus(1), e.modulus(2), e.modulus(3), e.modulus(4)},
        1e-15);
    assertEquals(0.0, e.imag(0), 0.0);
    assertEquals(0.0, e.imag(2), 0.0);
  }

  @Test
  void distinctCloseEigenvaluesAreLeftAlone() {
    // three close real eigenvalues (not a regular polygon) and a close conjugate pair
    double[] re = {0.5, 0.5 + 1e-7, 0.5 + 3e-7, 0.3, 0.3};
    double[] im = {0, 0, 0, 1e-7, -1e-7};
    Eigendecomposition in = Eigendecomposition.of(re, im, null, null);
    assertSame(in, Spectra.refineClusters(in, 1.0));
  }

  @Test
  void jordanBlockThroughTheBackend() {
    // J = Q (0.8 I + N) Q^T with N a 3x3 nilpotent shift and Q a rotation: no zero pattern, so
    // the eigensolver sees a defective triple; the cluster mean recovers 0.8
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[][] q = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
    double[][] q2 = {{1, 0, 0}, {0, c, -s}, {0, s, c}};
    double[][] rot = mul(q, q2);
    double[][] j = {{0.8, 1, 0}, {0, 0.8, 1}, {0, 0, 0.8}};
    double[][] a = mul(mul(rot, j), transpose(rot));
    double[] flat = new double[9];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(a[i], 0, flat, 3 * i, 3);
    }
    try (Tensor t = backend.fromArray(flat, 3, 3)) {
      Eigendecomposition raw = backend.eig(t, false);
      Eigendecomposition refined = Spectra.eig(t, false);
      double rawError = 0;
      double refinedError = 0;
      for (int k = 0; k < 3; k++) {
        rawError = Math.max(rawError, Math.hypot(raw.real(k) - 0.8, raw.imag(k)));
        refinedError = Math.max(refinedError, Math.hypot(refined.real(k) - 0.8, refined.imag(k)));
      }
      assertTrue(refinedError < 1e-13, "refined error " + refinedError + " (raw " + rawError + ")");
    }
  }

  private static double[][] mul(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          out[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return out;
  }

  private static double[][] transpose(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }
}
