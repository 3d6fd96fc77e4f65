package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * mRNNTorch's {@code softplus_beta} in the dynamics, the Jacobians and the host maps of both
 * kinds: the step against the formula {@code log(1 + exp(beta x)) / beta} (the identity where
 * {@code beta x > 20}) computed here, the Jacobian against finite differences of the step.
 */
class SoftplusBetaTest {
  private static final double BETA = 2.5;
  private static final int N = 4;
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static double softplus(double x) {
    return BETA * x > 20 ? x : Math.log(1 + Math.exp(BETA * x)) / BETA;
  }

  private static double[][] w() {
    Random r = new Random(3);
    double[][] w = new double[N][N];
    for (double[] row : w) {
      for (int j = 0; j < N; j++) {
        row[j] = r.nextGaussian() * 0.5;
      }
    }
    return w;
  }

  private static RecurrentModel model(boolean leaky) {
    double[][] ones = new double[N][N];
    double[][] onesIn = new double[N][1];
    for (int i = 0; i < N; i++) {
      java.util.Arrays.fill(ones[i], 1);
      onesIn[i][0] = 1;
    }
    double[][] win = {{1}, {-2}, {0.5}, {3}};
    ModelParameters p = ModelParameters.of(w(), ones, ones, win, onesIn, onesIn, DType.FLOAT64);
    ModelBuilder<? extends RecurrentModel> b = leaky ? ModelBuilder.leaky().dt(1).tau(4)
        : ModelBuilder.elman();
    return b.activation(Activation.SOFTPLUS).softplusBeta(BETA).recurrentConstrained(false)
        .inputConstrained(false).recurrentRegion(RecurrentRegion.of("r", N).baseFiring(0.1))
        .inputRegion("i", 1).recurrentConnection("r", "r").inputConnection("i", "r")
        .parameters(p).build(backend);
  }

  /** One step by hand: leaky x' = x + alpha (-x + W softplus(x) + W_in u + b); Elman h'. */
  private static double[] stepByHand(boolean leaky, double[] s, double u) {
    double[][] w = w();
    double[] win = {1, -2, 0.5, 3};
    double[] h = new double[N];
    for (int j = 0; j < N; j++) {
      h[j] = leaky ? softplus(s[j]) : s[j];
    }
    double[] out = new double[N];
    for (int i = 0; i < N; i++) {
      double z = win[i] * u + 0.1;
      for (int j = 0; j < N; j++) {
        z += w[i][j] * h[j];
      }
      out[i] = leaky ? s[i] + 0.25 * (-s[i] + z) : softplus(z);
    }
    return out;
  }

  private static double[] step(RecurrentModel m, double[] s, double u) {
    try (Tensor st = backend.fromArray(s, 1, N); Tensor in = backend.fromArray(new double[] {u},
        1, 1); Tensor next = m.step(st, in, null)) {
      return next.toArray();
    }
  }

  @Test
  void stepsSimulationsAndJacobiansHonourBeta() {
    // unit 1 sits where beta x > 20 (the identity branch), the others in the curved part
    double[] s = {0.3, 8.4, -1.2, 0.05};
    double u = 0.7;
    for (boolean leaky : new boolean[] {true, false}) {
      String kind = leaky ? "leaky" : "Elman";
      try (RecurrentModel m = model(leaky)) {
        double[] expected = stepByHand(leaky, s, u);
        double[] got = step(m, s, u);
        for (int i = 0; i < N; i++) {
          assertEquals(expected[i], got[i], 1e-14, kind + " step, unit " + i);
        }
        // the fused recurrence of a simulation: two steps
        try (Tensor in = backend.fromArray(new double[] {u, u}, 1, 2, 1);
            Tensor s0 = backend.fromArray(s, 1, N)) {
          Simulation sim = leaky ? Simulation.of(in).x0(s0) : Simulation.of(in).h0(s0);
          try (Trajectory t = m.simulate(sim)) {
            double[] two = stepByHand(leaky, expected, u);
            double[] states = (leaky ? t.xs() : t.hs()).toArray();
            for (int i = 0; i < N; i++) {
              assertEquals(expected[i], states[i], 1e-14, kind + " simulation step 1, unit " + i);
              assertEquals(two[i], states[N + i], 1e-13, kind + " simulation step 2, unit " + i);
            }
          }
        }
        // the Jacobian of the map against central differences of the step
        try (LinearizationResult r = Linearization.of(m).at(OperatingPoint.of(s,
            new double[] {u}))) {
          double[] jac = r.jacobian().toArray();
          double eps = 1e-6;
          for (int j = 0; j < N; j++) {
            double[] up = s.clone();
            double[] down = s.clone();
            up[j] += eps;
            down[j] -= eps;
            double[] fu = stepByHand(leaky, up, u);
            double[] fd = stepByHand(leaky, down, u);
            for (int i = 0; i < N; i++) {
              assertEquals((fu[i] - fd[i]) / (2 * eps), jac[i * N + j], 1e-8,
                  kind + " J[" + i + "][" + j + "]");
            }
          }
        }
        // the host map the fixed-point finder solves: its map Jacobian is the same
        var system = FixedPointSystems.of(m, m.naturalCoordinates(), new double[] {u}, null, null);
        double[][] host = system.map().mapJacobian(s);
        try (LinearizationResult r = Linearization.of(m).at(OperatingPoint.of(s,
            new double[] {u}))) {
          double[] jac = r.jacobian().toArray();
          for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
              assertEquals(jac[i * N + j], host[i][j], 1e-14, kind + " host J[" + i + "][" + j
                  + "]");
            }
          }
        }
      }
    }
  }
}
