package org.mrnn4j.analysis.toykind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;

/**
 * The model SPI works for a kind that neither {@code mrnn4j-models} nor the analyses know
 * ({@link GainRnn}, written against core alone): its linearization matches finite differences of
 * its own step, the fixed-point finder locates the fixed points its symmetry and spectrum
 * predict, and its flow fields match the formulas written out here.
 */
class ThirdModelKindTest {
  private static final int N = 6;
  private static final double GAIN = 1.0;
  private static final double LEAK = 0.5;
  /** The eigenvalues of W, by construction. */
  private static final double[] SPECTRUM = {1.6, 0.9, 0.3, -0.2, -0.5, -0.8};
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** {@code W = Q diag(SPECTRUM) Q^T} with a random orthogonal Q (Gram-Schmidt). */
  private static double[][] symmetricWeights(long seed) {
    Random r = new Random(seed);
    double[][] q = new double[N][N];
    for (int k = 0; k < N; k++) {
      for (int i = 0; i < N; i++) {
        q[k][i] = r.nextGaussian();
      }
      for (int m = 0; m < k; m++) {
        double dot = dot(q[k], q[m]);
        for (int i = 0; i < N; i++) {
          q[k][i] -= dot * q[m][i];
        }
      }
      double norm = Math.sqrt(dot(q[k], q[k]));
      for (int i = 0; i < N; i++) {
        q[k][i] /= norm;
      }
    }
    double[][] w = new double[N][N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        for (int k = 0; k < N; k++) {
          w[i][j] += q[k][i] * SPECTRUM[k] * q[k][j];
        }
      }
    }
    return w;
  }

  private static double[][] gaussian(int rows, int cols, double sd, long seed) {
    Random r = new Random(seed);
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = sd * r.nextGaussian();
      }
    }
    return m;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** The toy's step on the host, from its formula: the test's independent reference. */
  private static double[] hostStep(double[][] w, double[][] u, double[] b, double[] h,
      double[] in) {
    double[] next = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      double z = b[i] + dot(w[i], h) + dot(u[i], in);
      next[i] = (1 - LEAK) * h[i] + LEAK * Math.tanh(GAIN * z);
    }
    return next;
  }

  /** The toy's step through the SPI, on the backend. */
  private static double[] step(GainRnn model, double[] h, double[] in) {
    try (Tensor s = backend.fromArray(h.clone(), 1, h.length);
        Tensor x = backend.fromArray(in.clone(), 1, in.length);
        Tensor next = model.step(s, x, null)) {
      return next.toArray();
    }
  }

  @Test
  void itsLinearizationIsTheFiniteDifferenceOfItsStep() {
    double[][] w = symmetricWeights(1);
    double[][] u = gaussian(N, 2, 0.7, 2);
    double[] b = gaussian(1, N, 0.3, 3)[0];
    try (GainRnn model = new GainRnn(backend, GAIN, LEAK, w, u, b)) {
      double[] h = gaussian(1, N, 0.5, 4)[0];
      double[] in = {0.4, -0.3};
      Linearization lin = Linearization.of(model);
      assertEquals(Coordinates.ACTIVATION, lin.coordinates());
      try (LinearizationResult r = lin.at(OperatingPoint.of(h, in))) {
        double[][] jac = r.jacobian().toMatrix();
        double[][] jin = r.inputJacobian().toMatrix();
        double eps = 1e-6;
        for (int j = 0; j < N; j++) {
          double[] plus = h.clone();
          double[] minus = h.clone();
          plus[j] += eps;
          minus[j] -= eps;
          double[] fp = step(model, plus, in);
          double[] fm = step(model, minus, in);
          for (int i = 0; i < N; i++) {
            assertEquals((fp[i] - fm[i]) / (2 * eps), jac[i][j], 1e-9, "dh'_" + i + "/dh_" + j);
          }
        }
        for (int j = 0; j < in.length; j++) {
          double[] plus = in.clone();
          double[] minus = in.clone();
          plus[j] += eps;
          minus[j] -= eps;
          double[] fp = step(model, h, plus);
          double[] fm = step(model, h, minus);
          for (int i = 0; i < N; i++) {
            assertEquals((fp[i] - fm[i]) / (2 * eps), jin[i][j], 1e-9, "dh'_" + i + "/du_" + j);
          }
        }
        double[] expectedNext = hostStep(w, u, b, h, in);
        double[] next = r.next().toArray();
        for (int i = 0; i < N; i++) {
          assertEquals(expectedNext[i], next[i], 1e-14, "f(p)_" + i);
        }
        // the affine prediction is second-order accurate: its error falls 4x per halving
        double previous = Double.NaN;
        double[] direction = gaussian(1, N, 1.0, 5)[0];
        for (double size : new double[] {0.02, 0.01, 0.005}) {
          double[] ds = direction.clone();
          double[] du = {size, -size};
          double[] moved = h.clone();
          for (int i = 0; i < N; i++) {
            ds[i] *= size;
            moved[i] += ds[i];
          }
          double[] predicted = r.predict(new double[][] {ds}, du, null)[0];
          double[] actual = hostStep(w, u, b, moved, new double[] {in[0] + du[0], in[1] + du[1]});
          double gap = 0;
          for (int i = 0; i < N; i++) {
            gap = Math.max(gap, Math.abs(predicted[i] - actual[i]));
          }
          if (!Double.isNaN(previous)) {
            assertTrue(gap < previous / 3.5, "halving the perturbation took the prediction error "
                + "from " + previous + " to " + gap + "; expected second-order decay");
          }
          previous = gap;
        }
      }
    }
  }

  @Test
  void theFixedPointFinderLocatesTheFixedPointsItsSpectrumPredicts() {
    double[][] w = symmetricWeights(6);
    try (GainRnn model = new GainRnn(backend, GAIN, LEAK, w, gaussian(N, 2, 0.7, 7),
        new double[N])) {
      // without bias and input, tanh is odd: the origin is a fixed point, and -h* is one with h*
      // The origin's Jacobian is (1 - lambda) I + lambda g W: eigenvalues 0.5 + 0.5 d, one of them
      // (d = 1.6) outside the unit circle, so the origin is a saddle and a pair +-h* is stable.
      double[] expected = new double[N];
      for (int k = 0; k < N; k++) {
        expected[k] = 1 - LEAK + LEAK * GAIN * SPECTRUM[k];
      }
      Random r = new Random(8);
      List<double[]> starts = new ArrayList<>();
      for (int s = 0; s < 12; s++) {
        double[] h = new double[N];
        for (int i = 0; i < N; i++) {
          h[i] = r.nextDouble() * 2 - 1;
        }
        starts.add(h);
        starts.add(Arrays.stream(h).map(v -> -v).toArray());
      }
      starts.add(new double[N]);
      FixedPointSearch search = new FixedPointFinder(backend)
          .find(FixedPointSystems.of(model, Coordinates.ACTIVATION, null, null, null), starts);
      FixedPoint origin = null;
      List<FixedPoint> others = new ArrayList<>();
      for (FixedPoint p : search.fixedPoints()) {
        // verified by the model's own step on the backend, not by the solver's residual
        double[] h = p.fullState();
        double[] next = step(model, h, new double[2]);
        for (int i = 0; i < N; i++) {
          assertEquals(h[i], next[i], 1e-10, "fixed point " + Arrays.toString(h) + ", unit " + i);
        }
        if (Arrays.stream(h).allMatch(v -> Math.abs(v) < 1e-9)) {
          origin = p;
        } else {
          others.add(p);
        }
      }
      assertTrue(origin != null, "the origin was not found among " + search.fixedPoints().size());
      assertEquals(1, origin.unstableModes());
      double[] got = origin.eigen().realParts();
      double[] sortedExpected = expected.clone();
      Arrays.sort(got);
      Arrays.sort(sortedExpected);
      for (int k = 0; k < N; k++) {
        assertEquals(sortedExpected[k], got[k], 1e-12, "eigenvalue " + k + " at the origin");
        assertEquals(0.0, origin.eigen().imag(k), 1e-12);
      }
      assertEquals(2, others.size(), "expected the stable pair +-h*, got " + others.size());
      double[] a = others.get(0).fullState();
      double[] minusB = Arrays.stream(others.get(1).fullState()).map(v -> -v).toArray();
      for (int i = 0; i < N; i++) {
        assertEquals(a[i], minusB[i], 1e-10, "the pair is symmetric, unit " + i);
      }
      for (FixedPoint p : others) {
        assertTrue(p.stability().isStable(), p.describe());
        // and the linearization through the SPI agrees with the finder's host Jacobian
        StabilitySummary s = Linearization.of(model)
            .stability(OperatingPoint.of(p.fullState(), new double[2]));
        assertEquals(p.spectralRadius(), s.spectralRadius(), 1e-12);
      }
    }
  }

  @Test
  void itsFlowFieldsAreItsStepAndItsFirstOrderPrediction() {
    double[][] w = symmetricWeights(9);
    double[][] u = gaussian(N, 2, 0.7, 10);
    double[] b = gaussian(1, N, 0.3, 11)[0];
    try (GainRnn model = new GainRnn(backend, GAIN, LEAK, w, u, b)) {
      double[] state = gaussian(1, N, 0.4, 12)[0];
      double[] in = {0.2, 0.5};
      Pca plane = Pca.fit(List.of(gaussian(20, N, 1.0, 13)), 2);
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
          .grid(FlowGrid.fixed(5, 0.4, 0.3, 0.1, -0.1)).build();
      FlowField nl = finder.nonlinear(new double[][] {state}, new double[][] {in}).get(0);
      FlowField lin = finder.linear(new double[][] {state}, new double[][] {in}, null, null)
          .get(0);
      // the Jacobian at the state by the toy's formula: (1 - l) I + l g diag(tanh'(g z)) W
      double[] f = hostStep(w, u, b, state, in);
      double[][] jac = new double[N][N];
      for (int i = 0; i < N; i++) {
        double t = Math.tanh(GAIN * (b[i] + dot(w[i], state) + dot(u[i], in)));
        for (int j = 0; j < N; j++) {
          jac[i][j] = LEAK * GAIN * (1 - t * t) * w[i][j] + (i == j ? 1 - LEAK : 0);
        }
      }
      double[] c0 = plane.component(0);
      double[] c1 = plane.component(1);
      double[] mean = plane.mean();
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++) {
          double gx = nl.xAxis()[i];
          double gy = nl.yAxis()[j];
          double[] p = plane.lift(gx, gy);
          double[] next = hostStep(w, u, b, p, in);
          double[] predicted = new double[N];
          for (int k = 0; k < N; k++) {
            predicted[k] = f[k];
            for (int m = 0; m < N; m++) {
              predicted[k] += jac[k][m] * (p[m] - state[m]);
            }
          }
          for (int k = 0; k < N; k++) {
            next[k] -= mean[k];
            predicted[k] -= mean[k];
          }
          assertEquals(dot(c0, next) - gx, nl.xVelocity()[i][j], 1e-13, "nonlinear x " + i + j);
          assertEquals(dot(c1, next) - gy, nl.yVelocity()[i][j], 1e-13, "nonlinear y " + i + j);
          assertEquals(dot(c0, predicted) - gx, lin.xVelocity()[i][j], 1e-13, "linear x " + i + j);
          assertEquals(dot(c1, predicted) - gy, lin.yVelocity()[i][j], 1e-13, "linear y " + i + j);
        }
      }
    }
  }
}
