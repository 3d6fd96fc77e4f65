package org.mrnn4j.analysis.flowfields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.Sign;

/**
 * Flow fields whose values are known without the finder: a linear network (closed form), a fixed
 * point (the field vanishes there, and the linear field agrees with the nonlinear one to first
 * order), a lesion, and bad input refused with messages that name what was wrong.
 */
class FlowFieldFinderTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A leaky network of 6 units in two regions, 2 inputs, unconstrained weights. */
  private static LeakyMRNN network(String activation, long seed) {
    return ModelBuilder.leaky().activation(activation).dt(10).tau(40)
        .recurrentConstrained(false).inputConstrained(false).seed(seed)
        .recurrentRegion("a", 4, Sign.POS).recurrentRegion("b", 2, Sign.POS)
        .inputRegion("u", 2)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("u", "a").inputConnection("u", "b")
        .build(backend);
  }

  /** An orthonormal plane in {@code d} dimensions: two Gram-Schmidt'ed random vectors. */
  private static Pca randomPlane(int d, long seed) {
    Random r = new Random(seed);
    double[] mean = new double[d];
    double[] c0 = new double[d];
    double[] c1 = new double[d];
    for (int i = 0; i < d; i++) {
      mean[i] = r.nextGaussian() * 0.1;
      c0[i] = r.nextGaussian();
      c1[i] = r.nextGaussian();
    }
    normalize(c0);
    double dot = 0;
    for (int i = 0; i < d; i++) {
      dot += c0[i] * c1[i];
    }
    for (int i = 0; i < d; i++) {
      c1[i] -= dot * c0[i];
    }
    normalize(c1);
    return Pca.of(mean, new double[][] {c0, c1});
  }

  private static void normalize(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void aLinearNetworksFieldIsItsClosedForm() {
    try (LeakyMRNN model = network("linear", 3)) {
      int n = model.numUnits();
      double alpha = model.alpha();
      double[][] w = model.recurrentWeights().toMatrix();
      double[][] win = model.inputWeights().toMatrix();
      double[] b = model.tonicInput().toArray();
      double[] u = {0.3, -0.7};
      double[] state = new double[n];
      for (int i = 0; i < n; i++) {
        state[i] = 0.1 * (i - 2);
      }
      Pca plane = randomPlane(n, 5);
      FlowGrid grid = FlowGrid.fixed(4, 0.5, 0.25, 0.1, -0.2);
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane).grid(grid).build();
      FlowField nl = finder.nonlinear(new double[][] {state}, new double[][] {u}).get(0);
      FlowField lin = finder.linear(new double[][] {state}, new double[][] {u}, null, null).get(0);
      double[] c0 = plane.component(0);
      double[] c1 = plane.component(1);
      double[] mean = plane.mean();
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          double gx = nl.xAxis()[i];
          double gy = nl.yAxis()[j];
          double[] s = new double[n];
          for (int k = 0; k < n; k++) {
            s[k] = mean[k] + gx * c0[k] + gy * c1[k];
          }
          // x' = x + alpha (-x + W x + W_in u + b), h = x for the linear activation
          double[] next = new double[n];
          for (int r = 0; r < n; r++) {
            double z = b[r];
            for (int c = 0; c < n; c++) {
              z += w[r][c] * s[c];
            }
            for (int c = 0; c < u.length; c++) {
              z += win[r][c] * u[c];
            }
            next[r] = s[r] + alpha * (z - s[r]) - mean[r];
          }
          double vx = dot(c0, next) - gx;
          double vy = dot(c1, next) - gy;
          assertEquals(vx, nl.xVelocity()[i][j], 1e-13, "nonlinear x velocity " + i + "," + j);
          assertEquals(vy, nl.yVelocity()[i][j], 1e-13, "nonlinear y velocity " + i + "," + j);
          // the first-order prediction of a linear map is the map
          assertEquals(vx, lin.xVelocity()[i][j], 1e-13, "linear x velocity " + i + "," + j);
          assertEquals(vy, lin.yVelocity()[i][j], 1e-13, "linear y velocity " + i + "," + j);
        }
      }
      // the fixed grid: linspace(0.1 - 0.5, 0.1 + 0.5, 4) and linspace(-0.45, 0.05, 4)
      assertEquals(-0.4, nl.xAxis()[0], 1e-15);
      assertEquals(0.6, nl.xAxis()[3], 1e-15);
      assertEquals(-0.45, nl.yAxis()[0], 1e-15);
      assertEquals(0.05, nl.yAxis()[3], 1e-15);
      double max = 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          max = Math.max(max, nl.speed()[i][j]);
        }
      }
      assertEquals(1.0, max, 0.0, "speeds are normalised by their maximum");
    }
  }

  /**
   * A grid large enough to be stepped in parallel blocks (40 x 40 at 200 units is above
   * {@link FlowFieldFinder#PARALLEL_FROM}) gives at every grid point the tanh network's step
   * computed here, whichever block the point fell in.
   */
  @Test
  void aLargeGridSteppedInBlocksIsTheNetworksStepAtEveryPoint() {
    int n = 200;
    try (LeakyMRNN model = ModelBuilder.leaky().activation("tanh").dt(10).tau(40)
        .recurrentConstrained(false).inputConstrained(false).seed(21)
        .recurrentRegion("a", 150, Sign.POS).recurrentRegion("b", 50, Sign.POS)
        .inputRegion("u", 2)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("u", "a").inputConnection("u", "b")
        .build(backend)) {
      assertTrue(40L * 40 * n >= FlowFieldFinder.PARALLEL_FROM);
      double alpha = model.alpha();
      double[][] w = model.recurrentWeights().toMatrix();
      double[][] win = model.inputWeights().toMatrix();
      double[] b = model.tonicInput().toArray();
      double[] u = {0.4, -0.1};
      Random r = new Random(4);
      double[] state = new double[n];
      for (int i = 0; i < n; i++) {
        state[i] = r.nextGaussian() * 0.3;
      }
      Pca plane = randomPlane(n, 8);
      // 7 blocks of uneven sizes (1600 rows), whatever this machine's processors
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
          .grid(FlowGrid.fixed(40, 1.5, 1.0, 0.2, -0.1)).parallelBlocks(7).build();
      assertEquals(7, finder.blocksFor(backend, 1600, n));
      FlowField nl = finder.nonlinear(new double[][] {state}, new double[][] {u}).get(0);
      double[] c0 = plane.component(0);
      double[] c1 = plane.component(1);
      double[] mean = plane.mean();
      for (int i = 0; i < 40; i++) {
        for (int j = 0; j < 40; j++) {
          double gx = nl.xAxis()[i];
          double gy = nl.yAxis()[j];
          double[] s = new double[n];
          for (int k = 0; k < n; k++) {
            s[k] = mean[k] + gx * c0[k] + gy * c1[k];
          }
          // x' = x + alpha (-x + W tanh(x) + W_in u + b)
          double[] next = new double[n];
          for (int q = 0; q < n; q++) {
            double z = b[q];
            for (int c = 0; c < n; c++) {
              z += w[q][c] * Math.tanh(s[c]);
            }
            for (int c = 0; c < u.length; c++) {
              z += win[q][c] * u[c];
            }
            next[q] = s[q] + alpha * (z - s[q]) - mean[q];
          }
          assertEquals(dot(c0, next) - gx, nl.xVelocity()[i][j], 1e-12, "x velocity " + i + ","
              + j);
          assertEquals(dot(c1, next) - gy, nl.yVelocity()[i][j], 1e-12, "y velocity " + i + ","
              + j);
        }
      }
    }
  }

  @Test
  void atAFixedPointTheFieldVanishesAndTheLinearFieldAgreesToFirstOrder() {
    // tanh with no bias and no input: the origin is a fixed point
    try (LeakyMRNN model = ModelBuilder.leaky().activation("tanh").dt(10).tau(40)
        .recurrentConstrained(false).seed(9)
        .recurrentRegion("a", 5).inputRegion("u", 1)
        .recurrentConnection("a", "a").inputConnection("u", "a").build(backend)) {
      int n = model.numUnits();
      double[] origin = new double[n];
      double[] u = new double[1];
      Pca directions = randomPlane(n, 2);
      // a plane through the origin, so that the grid's centre is the fixed point
      Pca plane = Pca.of(new double[n],
          new double[][] {directions.component(0), directions.component(1)});
      double previous = Double.NaN;
      for (double offset : new double[] {0.2, 0.1, 0.05}) {
        FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
            .grid(FlowGrid.fixed(3, offset, offset, 0, 0)).build();
        FlowField nl = finder.nonlinear(new double[][] {origin}, new double[][] {u}).get(0);
        FlowField lin = finder.linear(new double[][] {origin}, new double[][] {u}, null, null)
            .get(0);
        // the centre of a 3-point grid is the origin itself
        assertEquals(0.0, nl.xVelocity()[1][1], 1e-15);
        assertEquals(0.0, nl.yVelocity()[1][1], 1e-15);
        assertEquals(0.0, lin.xVelocity()[1][1], 1e-15);
        double gap = 0;
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            gap = Math.max(gap, Math.hypot(nl.xVelocity()[i][j] - lin.xVelocity()[i][j],
                nl.yVelocity()[i][j] - lin.yVelocity()[i][j]));
          }
        }
        if (!Double.isNaN(previous)) {
          // tanh is odd: the error of the first-order prediction is third order in the offset
          assertTrue(gap < previous / 6, "halving the offset took the gap from " + previous
              + " to " + gap + "; expected at least third-order decay");
        }
        previous = gap;
      }
    }
  }

  @Test
  void aLesionReplacesTheRecurrentWeights() {
    try (LeakyMRNN model = network("tanh", 4)) {
      int n = model.numUnits();
      double alpha = model.alpha();
      double[][] zero = new double[n][n];
      double[] u = {0.5, 0.25};
      double[][] win = model.inputWeights().toMatrix();
      double[] b = model.tonicInput().toArray();
      double[] state = new double[n];
      Pca plane = randomPlane(n, 8);
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
          .grid(FlowGrid.fixed(3, 1, 1, 0, 0)).lesion(zero).build();
      FlowField f = finder.nonlinear(new double[][] {state}, new double[][] {u}).get(0);
      double[] mean = plane.mean();
      double[] c0 = plane.component(0);
      double[] c1 = plane.component(1);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double[] next = new double[n];
          for (int r = 0; r < n; r++) {
            double s = mean[r] + f.xAxis()[i] * c0[r] + f.yAxis()[j] * c1[r];
            double drive = b[r] + win[r][0] * u[0] + win[r][1] * u[1];
            // with W = 0: x' = x + alpha (-x + W_in u + b)
            next[r] = s + alpha * (drive - s) - mean[r];
          }
          assertEquals(dot(c0, next) - f.xAxis()[i], f.xVelocity()[i][j], 1e-14);
          assertEquals(dot(c1, next) - f.yAxis()[j], f.yVelocity()[i][j], 1e-14);
        }
      }
    }
  }

  @Test
  void aFieldWithoutMotionHasZeroSpeedsNotNaN() {
    double[][] still = FlowField.speeds(new double[2][2], new double[2][2]);
    for (double[] row : still) {
      for (double s : row) {
        assertEquals(0.0, s, 0.0);
      }
    }
  }

  @Test
  void badInputIsRefusedNamingWhatWasWrong() {
    try (LeakyMRNN model = network("tanh", 6)) {
      int n = model.numUnits();
      double[][] states = {new double[n]};
      double[][] inputs = {new double[2]};
      Pca wrong = randomPlane(n - 1, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FlowFieldFinder.on(model).plane(wrong).build());
      assertTrue(e.getMessage().contains("dimension 5") && e.getMessage().contains("6 units"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> FlowFieldFinder.on(model).regions("nope").plane(randomPlane(n, 1)).build());
      assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
      for (int points : new int[] {0, 1}) {
        e = assertThrows(IllegalArgumentException.class,
            () -> FlowGrid.fixed(points, 1, 1, 0, 0));
        assertTrue(e.getMessage().contains("at least 2 points"), e.getMessage());
      }
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(randomPlane(n, 1)).build();
      double[][] nan = {new double[n]};
      nan[0][3] = Double.NaN;
      e = assertThrows(IllegalArgumentException.class, () -> finder.nonlinear(nan, inputs));
      assertTrue(e.getMessage().contains("state 0") && e.getMessage().contains("NaN")
          && e.getMessage().contains("index 3"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> finder.linear(states, new double[][] {new double[3]}, null, null));
      assertTrue(e.getMessage().contains("input 0 has 3 entries; expected 2"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> FlowFieldFinder.on(model)
          .plane(randomPlane(n, 1)).lesion(new double[n][n - 1]).build());
      assertTrue(e.getMessage().contains("lesion matrix row 0 has 5 entries; expected 6"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> FlowFieldFinder.on(model).build());
      assertTrue(e.getMessage().contains("needs a plane"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> finder.linear(states, inputs, null, new double[][] {new double[1]}));
      assertTrue(e.getMessage().contains("no excluded units"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> FlowFieldFinder.on(model)
          .plane(Pca.of(new double[6], new double[][] {{1, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0}}))
          .build());
      assertTrue(e.getMessage().contains("orthonormal") && e.getMessage().contains("c0.c1 = 1"),
          e.getMessage());
      assertEquals(List.of("a", "b"), finder.regions());
    }
  }
}
