package org.mrnn4j.analysis.fixedpoints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.fixedpoints.TestSystems.Form;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

class FixedPointSystemTest {

  private static FixedPointSystem random(Form form, Activation act, long seed) {
    Random rng = new Random(seed);
    int n = 7;
    double[][] w = new double[n][n];
    double[][] win = new double[n][2];
    double[] b = new double[n];
    double[] held = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] = rng.nextGaussian() * 0.6;
      }
      win[i][0] = rng.nextGaussian();
      win[i][1] = rng.nextGaussian();
      b[i] = 0.1 * rng.nextGaussian();
      held[i] = rng.nextGaussian();
    }
    // units 0-1 and 4-6 searched, 2-3 held
    return TestSystems.builder(form).activation(act).alpha(0.3).recurrentWeights(w)
        .inputWeights(win).bias(b).input(new double[] {0.4, -0.7})
        .included(IndexRanges.of(java.util.List.of(new IndexRange(0, 2), new IndexRange(4, 7))))
        .heldState(held).build();
  }

  /** The analytic residual Jacobian against central finite differences of the residual. */
  @ParameterizedTest
  @EnumSource(Form.class)
  void residualJacobianMatchesFiniteDifferences(Form form) {
    for (Activation act : new Activation[] {Activation.TANH, Activation.SOFTPLUS,
        Activation.SIGMOID}) {
      FixedPointSystem sys = random(form, act, 3);
      int n = sys.dimension();
      Random rng = new Random(5);
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = rng.nextGaussian();
      }
      double[] jac = new double[n * n];
      sys.residualJacobian(s, jac);
      double h = 1e-6;
      for (int j = 0; j < n; j++) {
        double[] p = s.clone();
        double[] m = s.clone();
        p[j] += h;
        m[j] -= h;
        double[] rp = new double[n];
        double[] rm = new double[n];
        sys.residual(p, rp);
        sys.residual(m, rm);
        for (int i = 0; i < n; i++) {
          assertEquals((rp[i] - rm[i]) / (2 * h), jac[i * n + j], 1e-8,
              form + " " + act + " d r" + i + " / d s" + j);
        }
      }
    }
  }

  /** In x and Elman, the map Jacobian is d(s + r)/ds; in h it is the leaky map in h coordinates. */
  @Test
  void mapJacobianIsIdentityPlusResidualJacobianInXAndElman() {
    for (Form form : new Form[] {Form.LEAKY_X, Form.ELMAN}) {
      FixedPointSystem sys = random(form, Activation.TANH, 11);
      int n = sys.dimension();
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = 0.1 * i - 0.2;
      }
      double[] jac = new double[n * n];
      sys.residualJacobian(s, jac);
      double[][] map = sys.mapJacobian(s);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(jac[i * n + j] + (i == j ? 1 : 0), map[i][j], 1e-15);
        }
      }
    }
  }

  /**
   * The leaky map in h: h' = act(x'), x' = x + alpha(-x + W h + c); by the chain rule at
   * h = act(x), dh'/dh = diag(act'(x')) J_x diag(act'(x))^-1, checked by finite differences
   * through x.
   */
  @Test
  void leakyHJacobianIsTheLeakyDynamicsInActivationCoordinatesAtAFixedPoint() {
    // one unit: x = w tanh(x) + c has a fixed point we find by bisection
    double w = 0.8;
    double c = 0.3;
    double lo = -5;
    double hi = 5;
    for (int k = 0; k < 200; k++) {
      double mid = 0.5 * (lo + hi);
      if (w * Math.tanh(mid) + c - mid > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double x = 0.5 * (lo + hi);
    double alpha = 0.25;
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_H).activation(Activation.TANH)
        .alpha(alpha).recurrentWeights(new double[][] {{w}}).bias(new double[] {c}).build();
    double hStar = Math.tanh(x);
    double eps = 1e-6;
    // h -> x = atanh(h) -> one leaky step -> tanh
    java.util.function.DoubleUnaryOperator step = h -> {
      double xx = 0.5 * Math.log((1 + h) / (1 - h));
      return Math.tanh(xx + alpha * (-xx + w * h + c));
    };
    double fd = (step.applyAsDouble(hStar + eps) - step.applyAsDouble(hStar - eps)) / (2 * eps);
    assertEquals(fd, sys.mapJacobian(new double[] {hStar})[0][0], 1e-8);
    assertTrue(sys.q(new double[] {hStar}) < 1e-30);
  }

  @Test
  void embedsAndRestrictsWithHeldValues() {
    FixedPointSystem sys = random(Form.LEAKY_X, Activation.TANH, 1);
    double[] s = {1, 2, 3, 4, 5};
    double[] full = sys.embed(s);
    assertEquals(7, full.length);
    assertArrayEquals(s, sys.restrict(full));
    assertArrayEquals(new int[] {0, 1, 4, 5, 6}, sys.units());
  }

  @Test
  void rejectsBadShapesWithMessages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestSystems.builder(Form.ELMAN).activation(Activation.TANH)
            .recurrentWeights(new double[][] {{1, 2}, {3}}).build());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TestSystems.builder(Form.ELMAN).activation(Activation.TANH)
            .recurrentWeights(new double[][] {{1}}).inputWeights(new double[][] {{1, 2}})
            .input(new double[] {1}).build());
    assertTrue(e.getMessage().contains("input must have 2"), e.getMessage());
    FixedPointSystem sys = random(Form.ELMAN, Activation.TANH, 2);
    e = assertThrows(IllegalArgumentException.class, () -> sys.q(new double[3]));
    assertTrue(e.getMessage().contains("5 entries"), e.getMessage());
  }
}
