package org.mrnn4j.analysis.continuation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;

/**
 * Continuation of model kinds written against core alone whose maps are normal forms, so that
 * every bifurcation is known exactly: the fold of {@code x' = x + eps (p - x^2)} at {@code p = 0},
 * the period doubling of {@code x' = -(1 + p) x + x^3} at {@code p = 0}, the Neimark-Sacker point
 * of {@code x' = (1 + p) R(theta) x - |x|^2 R(theta) x} at {@code p = 0}, and, for the Euler step
 * {@code x' = x + dt A(p) x} with {@code A = [[p, -w], [w, p]]}, the ODE's Hopf point at
 * {@code p = 0} and the map's Neimark-Sacker point at {@code (sqrt(1 - dt^2 w^2) - 1) / dt}.
 */
class NormalFormContinuationTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A map given by formulas: a toy model kind's host map on plain arrays. */
  abstract static class ToyMap implements HostMap {
    final int d;

    ToyMap(int d) {
      this.d = d;
    }

    abstract double[] next(double[] s);

    abstract double[][] jacobian(double[] s);

    @Override
    public Coordinates coordinates() {
      return Coordinates.ACTIVATION;
    }

    @Override
    public HostNetwork network() {
      int[] units = new int[d];
      for (int i = 0; i < d; i++) {
        units[i] = i;
      }
      return new HostNetwork(new double[d * d], new double[d], units, new double[d]);
    }

    @Override
    public void residual(double[] s, double[] r) {
      double[] f = next(s);
      for (int i = 0; i < d; i++) {
        r[i] = f[i] - s[i];
      }
    }

    @Override
    public void residualJacobian(double[] s, double[] jac) {
      double[][] j = jacobian(s);
      for (int i = 0; i < d; i++) {
        for (int k = 0; k < d; k++) {
          jac[i * d + k] = j[i][k] - (i == k ? 1 : 0);
        }
      }
    }

    @Override
    public double[][] mapJacobian(double[] s) {
      return jacobian(s);
    }

    @Override
    public double roundingFloor(double[] s) {
      return 0;
    }

    @Override
    public double[][] trajectory(double[] naturalState, int steps) {
      double[][] out = new double[steps + 1][];
      out[0] = naturalState.clone();
      for (int k = 0; k < steps; k++) {
        out[k + 1] = next(out[k]);
      }
      return out;
    }
  }

  /** A family from formulas with its hand-derived {@code dr/dp}. */
  private record Toy(int dimension, java.util.function.DoubleFunction<ToyMap> maps,
      Derivative derivative, double dt) implements ContinuationFamily {
    @Override
    public HostMap at(double p) {
      return maps.apply(p);
    }

    @Override
    public void parameterDerivative(HostMap map, double p, double[] x, double[] out) {
      derivative.into(p, x, out);
    }

    @Override
    public double continuousTimeStep() {
      return dt;
    }
  }

  interface Derivative {
    void into(double p, double[] x, double[] out);
  }

  private static final double EPS = 0.3;

  /** {@code x' = x + eps (p - x^2)}: {@code dr/dp = eps}. */
  private static Toy fold() {
    return new Toy(1, p -> new ToyMap(1) {
      @Override
      double[] next(double[] s) {
        return new double[] {s[0] + EPS * (p - s[0] * s[0])};
      }

      @Override
      double[][] jacobian(double[] s) {
        return new double[][] {{1 - 2 * EPS * s[0]}};
      }
    }, (p, x, out) -> out[0] = EPS, Double.NaN);
  }

  private static ContinuationOptions options(double min, double max) {
    return ContinuationOptions.over(min, max).withLocateTolerance(1e-10);
  }

  @Test
  void foldOfTheSaddleNodeNormalFormIsAtZero() {
    Branch b = new PseudoArclength(backend, options(-1, 1)).follow(fold(), 1.0,
        new double[] {1.0}, -1);
    List<Bifurcation> folds = b.bifurcations().stream()
        .filter(f -> f.kind() == BifurcationKind.FOLD).toList();
    assertEquals(1, folds.size(), () -> "bifurcations: " + b.bifurcations());
    Bifurcation f = folds.get(0);
    assertTrue(f.located(), f.note());
    assertEquals(0.0, f.parameter(), 1e-8);
    // at the fold the fixed point is x = sqrt(p) = 0 and the map's eigenvalue is 1 - 2 eps x = 1
    assertEquals(0.0, f.state()[0], 1e-4);
    assertEquals(1.0, f.eigenReal()[0], 1e-4);
    assertEquals(1, b.bifurcations().size(), () -> "bifurcations: " + b.bifurcations());
    // the branch turns and comes back to p = 1 on the other point, x = -1
    assertEquals(StopReason.END_OF_RANGE, b.stop(), b.stopDetail());
    assertEquals(1.0, b.end().parameter(), 1e-12);
    assertEquals(-1.0, b.end().state()[0], 1e-9);
    // x = 1 is stable (eigenvalue 1 - 2 eps), x = -1 unstable (1 + 2 eps)
    assertTrue(b.start().stable());
    assertFalse(b.end().stable());
    for (ContinuationPoint pt : b.points()) {
      assertEquals(pt.parameter(), pt.state()[0] * pt.state()[0], 1e-10, "p = x^2 on the branch");
    }
  }

  @Test
  void periodDoublingIsAtZero() {
    // x' = -(1 + p) x + x^3: x = 0 for every p, eigenvalue -(1 + p) crosses -1 at p = 0
    Toy pd = new Toy(1, p -> new ToyMap(1) {
      @Override
      double[] next(double[] s) {
        return new double[] {-(1 + p) * s[0] + s[0] * s[0] * s[0]};
      }

      @Override
      double[][] jacobian(double[] s) {
        return new double[][] {{-(1 + p) + 3 * s[0] * s[0]}};
      }
    }, (p, x, out) -> out[0] = -x[0], Double.NaN);
    Branch b = new PseudoArclength(backend, options(-0.5, 0.5)).follow(pd, -0.5,
        new double[] {0.0}, 1);
    assertEquals(1, b.bifurcations().size(), () -> "bifurcations: " + b.bifurcations());
    Bifurcation f = b.bifurcations().get(0);
    assertEquals(BifurcationKind.PERIOD_DOUBLING, f.kind());
    assertTrue(f.located(), f.note());
    assertEquals(0.0, f.parameter(), 1e-8);
    assertEquals(-1.0, f.eigenReal()[0], 1e-7);
    assertTrue(b.start().stable());
    assertFalse(b.end().stable());
  }

  private static final double THETA = 0.7;

  @Test
  void neimarkSackerOfAScaledRotationIsAtZero() {
    double c = Math.cos(THETA);
    double s = Math.sin(THETA);
    Toy ns = new Toy(2, p -> new ToyMap(2) {
      @Override
      double[] next(double[] v) {
        double k = (1 + p) - (v[0] * v[0] + v[1] * v[1]);
        return new double[] {k * (c * v[0] - s * v[1]), k * (s * v[0] + c * v[1])};
      }

      @Override
      double[][] jacobian(double[] v) {
        double k = (1 + p) - (v[0] * v[0] + v[1] * v[1]);
        double ra = c * v[0] - s * v[1];
        double rb = s * v[0] + c * v[1];
        return new double[][] {
          {k * c - 2 * v[0] * ra, -k * s - 2 * v[1] * ra},
          {k * s - 2 * v[0] * rb, k * c - 2 * v[1] * rb}};
      }
    }, (p, v, out) -> {
      out[0] = c * v[0] - s * v[1];
      out[1] = s * v[0] + c * v[1];
    }, Double.NaN);
    Branch b = new PseudoArclength(backend, options(-0.3, 0.4)).follow(ns, -0.3,
        new double[] {0.0, 0.0}, 1);
    assertEquals(1, b.bifurcations().size(), () -> "bifurcations: " + b.bifurcations());
    Bifurcation f = b.bifurcations().get(0);
    assertEquals(BifurcationKind.NEIMARK_SACKER, f.kind());
    assertTrue(f.located(), f.note());
    assertEquals(0.0, f.parameter(), 1e-8);
    // the pair that crossed is e^{+-i theta}
    assertEquals(c, f.eigenReal()[0], 1e-7);
    assertEquals(s, Math.abs(f.eigenImag()[0]), 1e-7);
    assertEquals(StopReason.END_OF_RANGE, b.stop());
    assertEquals(0.4, b.end().parameter(), 1e-12);
  }

  @Test
  void eulerStepOfAFocusHasItsOdeHopfAtZeroAndItsMapNeimarkSackerBefore() {
    double dt = 0.1;
    double w = 2.0;
    Toy euler = new Toy(2, p -> new ToyMap(2) {
      @Override
      double[] next(double[] v) {
        return new double[] {v[0] + dt * (p * v[0] - w * v[1]), v[1] + dt * (w * v[0] + p * v[1])};
      }

      @Override
      double[][] jacobian(double[] v) {
        return new double[][] {{1 + dt * p, -dt * w}, {dt * w, 1 + dt * p}};
      }
    }, (p, v, out) -> {
      out[0] = dt * v[0];
      out[1] = dt * v[1];
    }, dt);
    Branch b = new PseudoArclength(backend, options(-0.5, 0.5)).follow(euler, -0.5,
        new double[] {0.0, 0.0}, 1);
    double ns = (Math.sqrt(1 - dt * dt * w * w) - 1) / dt;
    assertEquals(2, b.bifurcations().size(), () -> "bifurcations: " + b.bifurcations());
    Bifurcation first = b.bifurcations().get(0);
    Bifurcation second = b.bifurcations().get(1);
    assertEquals(BifurcationKind.NEIMARK_SACKER, first.kind());
    assertEquals(ns, first.parameter(), 1e-8);
    assertEquals(BifurcationKind.HOPF_CONTINUOUS, second.kind());
    assertEquals(0.0, second.parameter(), 1e-8);
    // the ODE's eigenvalue there, (lambda - 1) / dt, is +-i w
    assertEquals(w, Math.abs(second.eigenImag()[0]) / dt, 1e-7);
  }

  @Test
  void aWrongParameterDerivativeIsRefused() {
    Toy wrong = new Toy(1, fold().maps(), (p, x, out) -> out[0] = 2 * EPS, Double.NaN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PseudoArclength(backend, options(-1, 1)).follow(wrong, 1.0,
            new double[] {1.0}, -1));
    assertTrue(e.getMessage().contains("central difference"), e.getMessage());
  }

  @Test
  void aBudgetTooSmallStopsTheBranchAndSaysWhere() {
    Branch b = new PseudoArclength(backend, options(-1, 1).withMaxPoints(5)).follow(fold(), 1.0,
        new double[] {1.0}, -1);
    assertEquals(StopReason.BUDGET, b.stop());
    assertEquals(5, b.points().size());
    assertTrue(b.stopDetail().contains("budget of 5 points"), b.stopDetail());
  }
}
