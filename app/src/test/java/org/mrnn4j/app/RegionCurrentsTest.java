package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/** Region-to-region currents: their sum is the model's own pre-activation drive, every step. */
class RegionCurrentsTest {
  private static Backend backend;
  // regions a (2 units), b (3 units); inputs p (1), q (2); tonic input 0.3 on a, -0.2 on b
  private static final int N = 5;
  private static final int I = 3;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static <M extends RecurrentModel> M build(ModelBuilder<M> builder, double[][] w,
      double[][] win) {
    double[][] one = new double[N][N];
    double[][] oneIn = new double[N][I];
    for (double[] r : one) {
      java.util.Arrays.fill(r, 1);
    }
    for (double[] r : oneIn) {
      java.util.Arrays.fill(r, 1);
    }
    return builder.activation(Activation.TANH).recurrentConstrained(false)
        .inputConstrained(false)
        .recurrentRegion(RecurrentRegion.of("a", 2).baseFiring(0.3).init(0.1))
        .recurrentRegion(RecurrentRegion.of("b", 3).baseFiring(-0.2).init(-0.4))
        .inputRegion("p", 1).inputRegion("q", 2)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("p", "a").inputConnection("p", "b")
        .inputConnection("q", "a").inputConnection("q", "b")
        .parameters(ModelParameters.of(w, one, one, win, oneIn, oneIn, DType.FLOAT64))
        .build(backend);
  }

  private static double[][] random(Random r, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int k = 0; k < cols; k++) {
        row[k] = r.nextGaussian() * 0.7;
      }
    }
    return m;
  }

  private static double[] inputs(Random r, int steps) {
    double[] u = new double[steps * I];
    for (int k = 0; k < u.length; k++) {
      u[k] = r.nextGaussian();
    }
    return u;
  }

  /** The sum over sources of unit k's currents at step t, from the per-unit array. */
  private static double sum(RegionCurrents c, int t, int k) {
    int s = c.numSources();
    double v = 0;
    for (int src = 0; src < s; src++) {
      v += c.unit()[(t * N + k) * s + src];
    }
    return v;
  }

  /**
   * Leaky: the currents summed over sources equal (x_{t+1} - (1 - alpha) x_t) / alpha from the
   * model's own simulation (x_0 the initial condition), to 1e-12, every step and unit; the region
   * means sum to the region-mean of that drive.
   */
  @Test
  void leakySumsEqualTheSimulatedUpdate() {
    Random rnd = new Random(3);
    int steps = 40;
    double[] u = inputs(rnd, steps);
    try (RecurrentModel m = build(ModelBuilder.leaky().dt(1).tau(4), random(rnd, N, N),
        random(rnd, N, I))) {
      double alpha = 0.25;
      RegionCurrents c = RegionCurrents.simulate(m, u, steps, true);
      assertEquals(List.of("a", "b", "p", "q", "bias"), c.sources());
      assertEquals(List.of("a", "b"), c.destinations());
      double[] xs;
      try (Tensor in = backend.fromArray(u, 1, steps, I);
          Trajectory tr = m.simulate(Simulation.of(in))) {
        xs = tr.xs().toArray();
      }
      double[] x0 = {0.1, 0.1, -0.4, -0.4, -0.4};
      for (int t = 0; t < steps; t++) {
        double[] regionDrive = new double[2];
        for (int k = 0; k < N; k++) {
          double prev = t == 0 ? x0[k] : xs[(t - 1) * N + k];
          double drive = (xs[t * N + k] - (1 - alpha) * prev) / alpha;
          assertEquals(drive, sum(c, t, k), 1e-12, "step " + t + ", unit " + k);
          regionDrive[k < 2 ? 0 : 1] += drive / (k < 2 ? 2 : 3);
        }
        for (int a = 0; a < 2; a++) {
          double s = 0;
          for (int src = 0; src < 5; src++) {
            s += c.mean()[(t * 2 + a) * 5 + src];
          }
          assertEquals(regionDrive[a], s, 1e-12, "step " + t + ", region " + a);
        }
      }
    }
  }

  /**
   * Elman: each source's current and their sum recomputed from the weights by hand (the
   * simulation's states h, inputs u, tonic b), and act(sum) is the next state.
   */
  @Test
  void elmanCurrentsFromTheWeightsByHand() {
    Random rnd = new Random(5);
    int steps = 25;
    double[] u = inputs(rnd, steps);
    double[][] w = random(rnd, N, N);
    double[][] win = random(rnd, N, I);
    double[] b = {0.3, 0.3, -0.2, -0.2, -0.2};
    try (RecurrentModel m = build(ModelBuilder.elman(), w, win)) {
      RegionCurrents c = RegionCurrents.simulate(m, u, steps, true);
      double[] hs;
      try (Tensor in = backend.fromArray(u, 1, steps, I);
          Trajectory tr = m.simulate(Simulation.of(in))) {
        hs = tr.hs().toArray();
      }
      int[][] src = {{0, 2}, {2, 5}};
      int[][] inSrc = {{0, 1}, {1, 3}};
      for (int t = 0; t < steps; t++) {
        double[] h = new double[N];
        for (int k = 0; k < N; k++) {
          h[k] = t == 0 ? (k < 2 ? 0.1 : -0.4) : hs[(t - 1) * N + k];
        }
        for (int k = 0; k < N; k++) {
          double total = 0;
          for (int s = 0; s < 2; s++) {
            double cur = 0;
            for (int j = src[s][0]; j < src[s][1]; j++) {
              cur += w[k][j] * h[j];
            }
            assertEquals(cur, c.unit()[(t * N + k) * 5 + s], 1e-12);
            total += cur;
          }
          for (int s = 0; s < 2; s++) {
            double cur = 0;
            for (int j = inSrc[s][0]; j < inSrc[s][1]; j++) {
              cur += win[k][j] * u[t * I + j];
            }
            assertEquals(cur, c.unit()[(t * N + k) * 5 + 2 + s], 1e-12);
            total += cur;
          }
          assertEquals(b[k], c.unit()[(t * N + k) * 5 + 4], 0);
          total += b[k];
          assertEquals(total, sum(c, t, k), 1e-12);
          assertEquals(hs[t * N + k], Math.tanh(total), 1e-12);
        }
      }
    }
  }

  /**
   * A network with one known connection: only b -> a, weight 2 from every b unit to every a
   * unit, no inputs' weights, no other recurrence. At h_b = (0.5, 0.5, -1) (Elman state) the
   * current into each a unit from b is 2 (0.5 + 0.5 - 1) = 0; at h_b = (1, 1, 1) it is 6.
   */
  @Test
  void aKnownCurrentBetweenTwoRegions() {
    double[][] w = new double[N][N];
    for (int k = 0; k < 2; k++) {
      for (int j = 2; j < 5; j++) {
        w[k][j] = 2;
      }
    }
    w[2][0] = 0; // nothing else
    try (RecurrentModel m = build(ModelBuilder.elman(), w, new double[N][I])) {
      double[][] states = {{0, 0, 0.5, 0.5, -1}, {0.7, -0.7, 1, 1, 1}};
      double[][] us = {{1, 1, 1}, {0, 0, 0}};
      RegionCurrents c = RegionCurrents.of(m, states, us, false);
      // [t, a = region "a", source "b"]
      assertEquals(0.0, c.mean()[(0 * 2 + 0) * 5 + 1], 1e-15);
      assertEquals(6.0, c.mean()[(1 * 2 + 0) * 5 + 1], 1e-15);
      assertEquals(6.0, c.rms()[(1 * 2 + 0) * 5 + 1], 1e-15);
      // a -> a is absent, b -> b absent: zero
      assertEquals(0.0, c.rms()[(1 * 2 + 0) * 5 + 0], 0);
      assertEquals(0.0, c.rms()[(1 * 2 + 1) * 5 + 1], 0);
      // bias: mean 0.3 into a, -0.2 into b; RMS their magnitudes
      assertEquals(0.3, c.mean()[(1 * 2 + 0) * 5 + 4], 1e-15);
      assertEquals(0.2, c.rms()[(1 * 2 + 1) * 5 + 4], 1e-15);
      // the time-averaged RMS from b into a: (0 + 6) / 2
      assertEquals(3.0, c.averageRms()[0][1], 1e-15);
      assertEquals(null, c.unit());
    }
  }
}
