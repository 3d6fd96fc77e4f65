package org.mrnn4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Part of the backend contract ({@link BackendContractTest} runs every part): The recurrence kernel against a host loop, hand-derived runs and bad specs.
 */
public abstract class RecurrenceContract extends ContractSupport {

  /**
   * The recurrence of {@link RecurrenceSpec} as a plain host loop with the scalar activation: the
   * reference. {@code drive[t][b]} is {@code E_t} for batch row {@code b}; returns
   * {@code {xs, hs}} as {@code [t][b][k]}.
   */
  private static double[][][][] hostRecurrence(boolean leaky, double alpha, double[][] w,
      Activation f, double[][][] drive, double[][] x0, double[][] h0) {
    int steps = drive.length;
    int batch = drive[0].length;
    int n = w.length;
    double[][][] xs = new double[steps][batch][n];
    double[][][] hs = new double[steps][batch][n];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        double[] hPrev = t == 0 ? h0[b] : hs[t - 1][b];
        double[] xPrev = t == 0 ? (leaky ? x0[b] : null) : xs[t - 1][b];
        for (int k = 0; k < n; k++) {
          double c = 0;
          for (int j = 0; j < n; j++) {
            c += hPrev[j] * w[k][j];
          }
          c += drive[t][b][k];
          double x = leaky ? xPrev[k] + alpha * (c - xPrev[k]) : c;
          xs[t][b][k] = x;
          hs[t][b][k] = f.apply(x);
        }
      }
    }
    return new double[][][][] {xs, hs};
  }

  /** {@code a[t][b][k]} flattened in the layout's order. */
  private static double[] layoutOrder(double[][][] a, boolean batchFirst) {
    int steps = a.length;
    int batch = a[0].length;
    int n = a[0][0].length;
    double[] out = new double[steps * batch * n];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        int row = batchFirst ? b * steps + t : t * batch + b;
        System.arraycopy(a[t][b], 0, out, row * n, n);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Activation.class)
  void recurrenceMatchesAHostLoop(Activation f) {
    Random random = new Random(29);
    int n = 9;
    int batch = 3;
    int steps = 6;
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] /= Math.sqrt(n);
      }
    }
    double[][][] drive = new double[steps][][];
    for (int t = 0; t < steps; t++) {
      drive[t] = randomMatrix(random, batch, n);
    }
    double[][] x0 = randomMatrix(random, batch, n);
    double[][] h0 = randomMatrix(random, batch, n); // deliberately not f(x0)
    for (boolean leaky : new boolean[] {true, false}) {
      double[][][][] expected = hostRecurrence(leaky, 0.3, w, f, drive, x0, h0);
      for (boolean batchFirst : new boolean[] {true, false}) {
        String what = f + (leaky ? " leaky" : " Elman") + (batchFirst ? " [B, T, N]" : " [T, B, N]");
        try (TensorScope scope = new TensorScope()) {
          int[] shape = batchFirst ? new int[] {batch, steps, n} : new int[] {steps, batch, n};
          Tensor e = scope.track(t(layoutOrder(drive, batchFirst), shape));
          double[] driveBefore = e.toArray();
          Tensor wt = scope.track(m(w));
          Tensor x0t = scope.track(m(x0));
          Tensor h0t = scope.track(m(h0));
          RecurrenceSpec.Builder spec = leaky
              ? RecurrenceSpec.leaky(wt, 0.3).x0(x0t) : RecurrenceSpec.elman(wt);
          try (RecurrenceStates r = backend.recurrence(
              spec.activation(f).drive(e, batchFirst).h0(h0t).build())) {
            assertArrayEquals(shape, r.x().shape(), what + ": x shape");
            assertArrayEquals(shape, r.h().shape(), what + ": h shape");
            assertClose(layoutOrder(expected[0], batchFirst), r.x().toArray(), 1e-12, what + ": x");
            assertClose(layoutOrder(expected[1], batchFirst), r.h().toArray(), 1e-12, what + ": h");
          }
          assertArrayEquals(driveBefore, e.toArray(), what + ": the drive was modified");
          assertArrayEquals(flatten(x0), x0t.toArray(), what + ": x0 was modified");
          assertArrayEquals(flatten(h0), h0t.toArray(), what + ": h0 was modified");
        }
      }
    }
  }

  @Test
  void recurrenceHonoursSoftplusBeta() {
    // the leaky and Elman recurrences with nn.Softplus(beta=3): a host loop with the formula
    double beta = 3.0;
    Random random = new Random(31);
    int n = 5;
    int steps = 4;
    double[][] w = randomMatrix(random, n, n);
    double[][][] drive = new double[steps][][];
    for (int t = 0; t < steps; t++) {
      drive[t] = randomMatrix(random, 1, n);
      drive[t][0][0] = 9.0; // beta x above 20 for unit 0: the identity branch
    }
    double[][] x0 = randomMatrix(random, 1, n);
    double[][] h0 = randomMatrix(random, 1, n);
    for (boolean leaky : new boolean[] {true, false}) {
      double alpha = leaky ? 0.4 : 1.0;
      double[] x = leaky ? x0[0].clone() : null;
      double[] h = h0[0].clone();
      double[] xs = new double[steps * n];
      double[] hs = new double[steps * n];
      for (int t = 0; t < steps; t++) {
        double[] next = new double[n];
        for (int k = 0; k < n; k++) {
          double c = drive[t][0][k];
          for (int j = 0; j < n; j++) {
            c += h[j] * w[k][j];
          }
          next[k] = leaky ? x[k] + alpha * (c - x[k]) : c;
        }
        x = next;
        h = new double[n];
        for (int k = 0; k < n; k++) {
          h[k] = beta * x[k] > 20 ? x[k] : Math.log(1 + Math.exp(beta * x[k])) / beta;
        }
        System.arraycopy(x, 0, xs, t * n, n);
        System.arraycopy(h, 0, hs, t * n, n);
      }
      try (TensorScope scope = new TensorScope()) {
        Tensor e = scope.track(t(layoutOrder(drive, true), 1, steps, n));
        Tensor wt = scope.track(m(w));
        RecurrenceSpec.Builder spec = leaky
            ? RecurrenceSpec.leaky(wt, alpha).x0(scope.track(m(x0))) : RecurrenceSpec.elman(wt);
        try (RecurrenceStates r = backend.recurrence(spec.activation(Activation.SOFTPLUS)
            .softplusBeta(beta).drive(e, true).h0(scope.track(m(h0))).build())) {
          String what = (leaky ? "leaky" : "Elman") + " softplus beta 3";
          assertClose(xs, r.x().toArray(), 1e-12, what + ": x");
          assertClose(hs, r.h().toArray(), 1e-12, what + ": h");
        }
      }
    }
  }

  @Test
  void recurrenceHandDerived() {
    // one unit, W = 2, E = 1 at both steps, x0 = 1, h0 = 3, linear activation
    Tensor w = t(new double[] {2}, 1, 1);
    Tensor e = t(new double[] {1, 1}, 1, 2, 1);
    Tensor x0 = t(new double[] {1}, 1, 1);
    Tensor h0 = t(new double[] {3}, 1, 1);
    // leaky, alpha 0.5: c = 3 * 2 + 1 = 7, x1 = 1 + 0.5 (7 - 1) = 4; c = 4 * 2 + 1 = 9,
    // x2 = 4 + 0.5 (9 - 4) = 6.5
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(w, 0.5).x0(x0).h0(h0)
        .activation(Activation.LINEAR).drive(e, true).build())) {
      assertArrayEquals(new double[] {4, 6.5}, r.x().toArray());
      assertArrayEquals(new double[] {4, 6.5}, r.h().toArray());
    }
    // Elman: x1 = 3 * 2 + 1 = 7, x2 = 7 * 2 + 1 = 15; relu keeps them
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.elman(w).h0(h0)
        .activation(Activation.RELU).drive(e, true).build())) {
      assertArrayEquals(new double[] {7, 15}, r.x().toArray());
      assertArrayEquals(new double[] {7, 15}, r.h().toArray());
    }
    // relu cuts: W = -1, E = 0, h0 = 3: x1 = -3, h1 = 0, x2 = 0 (and relu(0) = 0)
    Tensor neg = t(new double[] {-1}, 1, 1);
    Tensor zero = t(new double[] {0, 0}, 2, 1, 1);
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.elman(neg).h0(h0)
        .activation(Activation.RELU).drive(zero, false).build())) {
      assertArrayEquals(new double[] {-3, 0}, r.x().toArray());
      assertArrayEquals(new double[] {0, 0}, r.h().toArray());
    }
  }

  @Test
  void recurrenceOfManyUnitsMatchesTheHostLoop() {
    // wide enough that backends take their blocked and parallel paths
    Random random = new Random(31);
    int n = 300;
    int batch = 40;
    int steps = 4;
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] *= 1.5 / Math.sqrt(n);
      }
    }
    double[][][] drive = new double[steps][][];
    for (int t = 0; t < steps; t++) {
      drive[t] = randomMatrix(random, batch, n);
    }
    double[][] x0 = randomMatrix(random, batch, n);
    double[][] h0 = new double[batch][n];
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < n; k++) {
        h0[b][k] = Math.tanh(x0[b][k]);
      }
    }
    double[][][][] expected = hostRecurrence(true, 0.1, w, Activation.TANH, drive, x0, h0);
    try (TensorScope scope = new TensorScope()) {
      Tensor e = scope.track(t(layoutOrder(drive, true), batch, steps, n));
      try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(scope.track(m(w)), 0.1)
          .x0(scope.track(m(x0))).h0(scope.track(m(h0))).activation(Activation.TANH)
          .drive(e, true).build())) {
        assertClose(layoutOrder(expected[0], true), r.x().toArray(), 1e-12, "x");
        assertClose(layoutOrder(expected[1], true), r.h().toArray(), 1e-12, "h");
      }
    }
  }

  @Test
  void recurrenceRejectsBadSpecs() {
    Tensor w = t(new double[4], 2, 2);
    Tensor e = t(new double[12], 3, 2, 2);
    Tensor s = t(new double[6], 3, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(null), "spec");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(t(new double[6], 2, 3), 0.1).x0(s).h0(s)
            .activation(Activation.TANH).drive(e, true).build()), "square", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).drive(e, true).build()), "activation");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, Double.NaN).x0(s).h0(s).activation(Activation.TANH)
            .drive(e, true).build()), "alpha", "NaN");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH).build()),
        "drive", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH)
            .drive(t(new double[18], 3, 2, 3), true).build()), "drive", "[B, T, N]", "[3, 2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH)
            .drive(s, false).build()), "drive", "[T, B, N]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).h0(s).activation(Activation.TANH).drive(e, true).build()),
        "x0", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).x0(s).h0(s).activation(Activation.TANH).drive(e, true).build()),
        "Elman", "x0");
    // batch first: B = 3; time first: B = 2, so [3, 2] no longer fits
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(s).activation(Activation.TANH).drive(e, false).build()),
        "h0", "[2, 2]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).activation(Activation.TANH).drive(e, true).build()),
        "h0", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(s).activation(Activation.TANH)
            .drive(t(new double[0], 0, 2, 2), true).build()), "batch row");
    HostTensor foreign = new HostTensor(new double[6], DType.FLOAT64, 3, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(foreign).activation(Activation.TANH).drive(e, true).build()),
        "another backend");
    Tensor closed = t(new double[6], 3, 2);
    closed.close();
    assertRejects(IllegalStateException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(closed).activation(Activation.TANH).drive(e, true).build()),
        "closed");
  }

  @Test
  void float32RecurrenceMatchesFloat64WithinSinglePrecision() {
    assumeTrue(backend.supports(Capability.FLOAT32), "the backend computes in float64 only");
    Random random = new Random(37);
    int n = 6;
    double[] w = random(random, n * n);
    for (int k = 0; k < w.length; k++) {
      w[k] /= Math.sqrt(n);
    }
    double[] e = random(random, 2 * 5 * n);
    double[] x0 = random(random, 2 * n);
    double[] h0 = random(random, 2 * n);
    double[][] results = new double[2][];
    DType[] dtypes = {DType.FLOAT64, DType.FLOAT32};
    for (int d = 0; d < 2; d++) {
      try (TensorScope scope = new TensorScope()) {
        DType dtype = dtypes[d];
        try (RecurrenceStates r = backend.recurrence(
            RecurrenceSpec.leaky(scope.track(backend.fromArray(w, dtype, n, n)), 0.2)
                .x0(scope.track(backend.fromArray(x0, dtype, 2, n)))
                .h0(scope.track(backend.fromArray(h0, dtype, 2, n)))
                .activation(Activation.TANH)
                .drive(scope.track(backend.fromArray(e, dtype, 2, 5, n)), true).build())) {
          assertEquals(dtype, r.h().dtype());
          results[d] = r.h().toArray();
        }
      }
    }
    assertClose(results[0], results[1], 1e-5, "float32 h");
    Tensor w64 = backend.fromArray(w, n, n);
    Tensor e32 = backend.fromArray(e, DType.FLOAT32, 2, 5, n);
    Tensor h32 = backend.fromArray(h0, DType.FLOAT32, 2, n);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w64).h0(h32).activation(Activation.TANH).drive(e32, true).build()),
        "dtypes differ");
  }
}
