package org.mrnn4j.analysis;

import org.mrnn4j.core.dynamics.Coordinates;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;

/**
 * The analytic Jacobians against central finite differences of the models' own step, on random
 * networks, for every activation, at points away from kinks (relu at 0), over a region subset so
 * that the state, input and excluded blocks are all checked.
 */
class FiniteDifferenceTest {
  private static final double STEP = 1e-6;
  private static final double TOLERANCE = 1e-6;
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void leakyPreActivation(Activation f) {
    try (LeakyMRNN model = Networks.leaky(backend, f, 11)) {
      Random rnd = new Random(1);
      for (int trial = 0; trial < 3; trial++) {
        double[] x = Networks.awayFromZero(rnd, model.numUnits(), 1.0, 0.05);
        double[] u = Networks.gaussian(rnd, model.numInputs(), 1.0);
        // x' as a function of the full state and of the input (h = act(x))
        check(Linearization.of(model, "c", "a"), OperatingPoint.of(x, u),
            s -> leakyStep(model, s, null, u, false), v -> leakyStep(model, x, null, v, false),
            x, u);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void leakyActivation(Activation f) {
    try (LeakyMRNN model = Networks.leaky(backend, f, 12)) {
      Random rnd = new Random(2);
      int checked = 0;
      while (checked < 3) {
        double[] x = Networks.gaussian(rnd, model.numUnits(), 1.0);
        double[] h = Networks.gaussian(rnd, model.numUnits(), 1.0);
        double[] u = Networks.gaussian(rnd, model.numInputs(), 1.0);
        if (f == Activation.RELU && nearKink(leakyStep(model, x, h, u, false), 0.05)) {
          continue; // act'(x') must be smooth around the point
        }
        check(Linearization.of(model, Coordinates.ACTIVATION, List.of("b", "ab")),
            OperatingPoint.of(x, h, u), s -> leakyStep(model, x, s, u, true),
            v -> leakyStep(model, x, h, v, true), h, u);
        checked++;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void elman(Activation f) {
    try (ElmanMRNN model = Networks.elman(backend, f, 13)) {
      Random rnd = new Random(3);
      int checked = 0;
      while (checked < 3) {
        double[] h = Networks.gaussian(rnd, model.numUnits(), 1.0);
        double[] u = Networks.gaussian(rnd, model.numInputs(), 1.0);
        if (f == Activation.RELU && nearKink(preActivation(model, h, u), 0.05)) {
          continue;
        }
        check(Linearization.of(model, "b"), OperatingPoint.of(h, u),
            s -> elmanStep(model, s, u), v -> elmanStep(model, h, v), h, u);
        checked++;
      }
    }
  }

  /**
   * Compares J (included x included), J_exc (included x excluded) and J_in (included x all
   * inputs) with central differences of {@code stateMap} and {@code inputMap}.
   */
  private static void check(Linearization lin, OperatingPoint p,
      Function<double[], double[]> stateMap, Function<double[], double[]> inputMap,
      double[] state, double[] input) {
    int[] rows = lin.units().toIndices();
    double[][] full = finiteDifferences(stateMap, state);
    double[][] fullInput = finiteDifferences(inputMap, input);
    try (LinearizationResult r = lin.at(p)) {
      assertClose("J", block(full, rows, rows), r.jacobian().toMatrix());
      assertClose("J_exc", block(full, rows, lin.excludedUnits().toIndices()),
          r.excludedJacobian().orElseThrow().toMatrix());
      assertClose("J_in", block(fullInput, rows, all(input.length)), r.inputJacobian().toMatrix());
      // f(p) too: the map at the point itself
      double[] next = stateMap.apply(state);
      double[] got = r.next().toArray();
      for (int i = 0; i < rows.length; i++) {
        assertEquals(next[rows[i]], got[i], 1e-12, "f(p)[" + i + "]");
      }
    }
  }

  /** d out_i / d in_j by central differences: column j from in +- STEP e_j. */
  static double[][] finiteDifferences(Function<double[], double[]> map, double[] at) {
    int m = at.length;
    double[][] cols = new double[m][];
    for (int j = 0; j < m; j++) {
      double[] plus = at.clone();
      double[] minus = at.clone();
      plus[j] += STEP;
      minus[j] -= STEP;
      double[] fp = map.apply(plus);
      double[] fm = map.apply(minus);
      cols[j] = new double[fp.length];
      for (int i = 0; i < fp.length; i++) {
        cols[j][i] = (fp[i] - fm[i]) / (2 * STEP);
      }
    }
    int n = cols.length == 0 ? 0 : cols[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        out[i][j] = cols[j][i];
      }
    }
    return out;
  }

  private static void assertClose(String name, double[][] expected, double[][] actual) {
    assertEquals(expected.length, actual.length, name + " rows");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, name + " columns");
      for (int j = 0; j < expected[i].length; j++) {
        double tol = TOLERANCE * Math.max(1.0, Math.abs(expected[i][j]));
        assertEquals(expected[i][j], actual[i][j], tol, name + "[" + i + "][" + j + "]");
      }
    }
  }

  static double[][] block(double[][] m, int[] rows, int[] cols) {
    double[][] out = new double[rows.length][cols.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols.length; j++) {
        out[i][j] = m[rows[i]][cols[j]];
      }
    }
    return out;
  }

  static int[] all(int n) {
    return IndexRanges.all(n).toIndices();
  }

  /** The leaky step through the model: x' (or h' = act(x') when {@code activation}). */
  static double[] leakyStep(LeakyMRNN model, double[] x, double[] h, double[] u,
      boolean activation) {
    List<Tensor> ts = new ArrayList<>();
    try {
      Tensor xt = track(ts, backend.fromArray(x, 1, x.length));
      Tensor ht = h == null ? null : track(ts, backend.fromArray(h, 1, h.length));
      Tensor ut = track(ts, backend.fromArray(u, 1, u.length));
      try (LeakyMRNN.LeakyState s = model.step(xt, ht, ut, null)) {
        return (activation ? s.h() : s.x()).toArray();
      }
    } finally {
      ts.forEach(Tensor::close);
    }
  }

  static double[] elmanStep(ElmanMRNN model, double[] h, double[] u) {
    try (Tensor ht = backend.fromArray(h, 1, h.length);
        Tensor ut = backend.fromArray(u, 1, u.length);
        Tensor next = model.step(ht, ut, null)) {
      return next.toArray();
    }
  }

  /** z = W_rec h + W_inp u + b, on the host. */
  static double[] preActivation(ElmanMRNN model, double[] h, double[] u) {
    double[][] w = model.recurrentWeights().toMatrix();
    double[][] wi = model.inputWeights().toMatrix();
    double[] b = model.tonicInput().toArray();
    double[] z = new double[h.length];
    for (int i = 0; i < z.length; i++) {
      double s = b[i];
      for (int j = 0; j < h.length; j++) {
        s += w[i][j] * h[j];
      }
      for (int j = 0; j < u.length; j++) {
        s += wi[i][j] * u[j];
      }
      z[i] = s;
    }
    return z;
  }

  private static boolean nearKink(double[] v, double gap) {
    for (double d : v) {
      if (Math.abs(d) < gap) {
        return true;
      }
    }
    return false;
  }

  private static Tensor track(List<Tensor> ts, Tensor t) {
    ts.add(t);
    return t;
  }
}
