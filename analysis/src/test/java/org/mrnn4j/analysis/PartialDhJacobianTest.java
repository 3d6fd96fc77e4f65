package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentRegion;

/**
 * mRNNTorch's partial {@code dh} Jacobian is not the map's: at a saddle whose map has one unstable
 * mode it has none. A tanh network of three units, dt 1, tau 5 (alpha = 0.2), no bias, input
 * weight 0.7 and recurrent weights {@code W = [[2, 0, 0], [0, 0.5, 0.3], [0, -0.3, 0.5]]}; at zero
 * input its fixed point is {@code x = 0}, where {@code act' = 1}:
 *
 * <ul>
 *   <li>the map's Jacobian {@code 0.8 I + 0.2 W} has eigenvalues 1.2 and {@code 0.9 +- 0.06i}: a
 *       saddle with one unstable mode;
 *   <li>the partial dh Jacobian {@code 0.2 W} has eigenvalues 0.4 and {@code 0.1 +- 0.06i}
 *       (radius 0.4, nothing above 1);
 *   <li>divided by alpha ({@code alpha_scaling=True}) it is {@code W}: eigenvalues 2 and
 *       {@code 0.5 +- 0.3i}.
 * </ul>
 */
class PartialDhJacobianTest {
  static final double[][] W = {{2, 0, 0}, {0, 0.5, 0.3}, {0, -0.3, 0.5}};
  static final double ALPHA = 0.2;
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  static LeakyMRNN saddleNetwork(Backend backend) {
    double[][] ones = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
    ModelParameters p = ModelParameters.of(W, ones, ones,
        new double[][] {{0.7}, {0.7}, {0.7}}, new double[][] {{1}, {1}, {1}},
        new double[][] {{1}, {1}, {1}}, DType.FLOAT64);
    return LeakyMRNN.builder().activation("tanh").dt(1).tau(5)
        .recurrentConstrained(false).inputConstrained(false)
        .recurrentRegion(RecurrentRegion.of("r", 3).baseFiring(0))
        .inputRegion("u", 1)
        .recurrentConnection("r", "r").inputConnection("u", "r")
        .parameters(p).build(backend);
  }

  private static double[][] matrix(Tensor t) {
    double[] flat = t.toArray();
    int n = t.dim(0);
    int m = t.dim(1);
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * m, out[i], 0, m);
    }
    return out;
  }

  @Test
  void atTheSaddleTheStabilityIsTheMapsWhateverTheCoordinates() {
    try (LeakyMRNN model = saddleNetwork(backend)) {
      OperatingPoint saddle = OperatingPoint.of(new double[3], new double[1]);
      Linearization inX = Linearization.of(model);
      Linearization partial = Linearization.of(model, Coordinates.ACTIVATION, List.of());
      assertTrue(inX.isMapJacobian());
      assertFalse(partial.isMapJacobian());
      assertSame(inX, inX.map());

      // the partial dh Jacobian's own eigenvalues: 0.4, 0.1 +- 0.06i: nothing unstable
      Eigendecomposition own = partial.eigenvalues(saddle);
      assertEquals(0.4, own.spectralRadius(), 1e-15);
      assertEquals(0.1, own.real(1), 1e-15);
      assertEquals(0.06, Math.abs(own.imag(1)), 1e-15);

      // the stability, asked of either, is the map's: 1.2, 0.9 +- 0.06i, one unstable mode
      for (Linearization lin : List.of(inX, partial)) {
        StabilitySummary s = lin.stability(saddle);
        assertEquals(1.2, s.spectralRadius(), 1e-15, lin.toString());
        assertEquals(1, s.unstableModes(), lin.toString());
        assertEquals(0.9, s.eigenvalues().real(1), 1e-15);
        assertEquals(0.06, Math.abs(s.eigenvalues().imag(1)), 1e-15);
        assertTrue(s.hasContinuousTime(), "the map's Jacobian is I + dt A");
        LeadingSpectrum l = lin.leadingStability(saddle, LeadingOptions.largestModulus(1));
        assertEquals(1, l.unstableModes(), lin.toString());
        assertEquals(1.2, l.spectralRadius(), 1e-12, lin.toString());
      }
      try (BatchLinearization batch = partial.batch(List.of(saddle))) {
        assertFalse(batch.isMapJacobian());
        IllegalStateException e = assertThrows(IllegalStateException.class, batch::stability);
        assertTrue(e.getMessage().contains("not the Jacobians of the network's map"),
            e.getMessage());
      }
      try (BatchLinearization batch = partial.map().batch(List.of(saddle))) {
        assertEquals(1, batch.stability().get(0).unstableModes());
      }
    }
  }

  /**
   * Away from the fixed point, by hand: at x = (0.3, -0.5, 0.8), u = 0.4, x' = 0.8 x + 0.2 (W
   * tanh(x) + 0.7 u) and the partial dh Jacobian is diag(1 - tanh(x')^2) 0.2 W; its input Jacobian
   * diag(1 - tanh(x')^2) 0.2 * 0.7; divided by alpha both lose the 0.2.
   */
  @Test
  void bothScalingsOfThePartialJacobianByHand() {
    try (LeakyMRNN model = saddleNetwork(backend)) {
      double[] x = {0.3, -0.5, 0.8};
      double u = 0.4;
      double[] d = new double[3];
      for (int i = 0; i < 3; i++) {
        double drive = 0.7 * u;
        for (int j = 0; j < 3; j++) {
          drive += W[i][j] * Math.tanh(x[j]);
        }
        double next = x[i] + ALPHA * (-x[i] + drive);
        d[i] = 1 - Math.tanh(next) * Math.tanh(next);
      }
      OperatingPoint p = OperatingPoint.of(x, new double[] {u});
      Linearization alpha = Linearization.of(model, Coordinates.ACTIVATION, List.of());
      Linearization none = alpha.scaled(1 / ALPHA);
      assertEquals(1.0, alpha.scale(), 0.0);
      assertEquals(5.0, none.scale(), 1e-15);
      assertFalse(none.isMapJacobian());
      try (LinearizationResult a = alpha.at(p); LinearizationResult n = none.at(p)) {
        double[][] ja = matrix(a.jacobian());
        double[][] jn = matrix(n.jacobian());
        double[][] ia = matrix(a.inputJacobian());
        double[][] in = matrix(n.inputJacobian());
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            assertEquals(d[i] * ALPHA * W[i][j], ja[i][j], 1e-15);
            assertEquals(d[i] * W[i][j], jn[i][j], 1e-15);
          }
          assertEquals(d[i] * ALPHA * 0.7, ia[i][0], 1e-15);
          assertEquals(d[i] * 0.7, in[i][0], 1e-15);
        }
        // f(p) is h' in both
        assertArrayEquals(a.next().toArray(), n.next().toArray(), 0.0);
      }
      // the scaled one keeps its own eigenvalues (alpha times fewer) ...
      Eigendecomposition ea = alpha.eigenvalues(p);
      Eigendecomposition en = none.eigenvalues(p);
      assertEquals(ea.spectralRadius() / ALPHA, en.spectralRadius(), 1e-13);
      // ... and its stability is still the map's
      assertEquals(Linearization.of(model).stability(p).spectralRadius(),
          none.stability(p).spectralRadius(), 0.0);
      assertThrows(IllegalArgumentException.class, () -> alpha.scaled(0));
      assertThrows(IllegalArgumentException.class, () -> alpha.scaled(Double.NaN));
    }
  }
}
