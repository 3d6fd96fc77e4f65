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
 * Part of the backend contract ({@link BackendContractTest} runs every part): The Jacobian kernel: single, batched (square, rectangular, region blocks) and J V products against a dense reference.
 */
public abstract class JacobianContract extends ContractSupport {

  /** The dense {@code a I + b diag(r) W diag(c)}, restricted: the reference. */
  private static double[][] referenceJacobian(double a, double b, double[] r, double[][] w,
      double[] c, IndexRanges rows, IndexRanges columns) {
    int[] ri = rows == null ? IndexRanges.all(w.length).toIndices() : rows.toIndices();
    int[] ci = columns == null ? IndexRanges.all(w[0].length).toIndices() : columns.toIndices();
    double[][] out = new double[ri.length][ci.length];
    for (int p = 0; p < ri.length; p++) {
      for (int q = 0; q < ci.length; q++) {
        int i = ri[p];
        int j = ci[q];
        double rs = r == null ? 1 : r[i];
        double cs = c == null ? 1 : c[j];
        out[p][q] = (i == j ? a : 0) + b * rs * w[i][j] * cs;
      }
    }
    return out;
  }

  @Test
  void jacobianHandDerived() {
    Tensor w = m(new double[][] {{1, 2}, {3, 4}});
    Tensor j = backend.jacobian(JacobianSpec.builder(w).identity(0.5).scale(2)
        .rowScale(t(new double[] {1, 10}, 2)).columnScale(t(new double[] {3, 5}, 2)).build());
    assertArrayEquals(new int[] {2, 2}, j.shape());
    assertArrayEquals(new double[] {6.5, 20, 180, 400.5}, j.toArray(), 1e-12);
    // the default spec is W itself
    assertArrayEquals(new double[] {1, 2, 3, 4}, backend.jacobian(JacobianSpec.builder(w).build())
        .toArray());
  }

  @Test
  void jacobianBlocksMatchTheDenseReference() {
    Random random = new Random(5);
    int n = 9;
    double[][] w = randomMatrix(random, n, n);
    double[] r = random(random, n);
    double[] c = random(random, n);
    Tensor wt = m(w);
    Tensor rt = t(r, n);
    Tensor ct = t(c, n);
    IndexRanges[] rowChoices = {null, ranges(0, 2, 4, 6), ranges(3, 4, 5, 9), ranges(0, 9)};
    IndexRanges[] columnChoices = {null, ranges(1, 3, 4, 5, 7, 9), ranges(0, 2, 4, 6), ranges(8, 9)};
    for (IndexRanges rows : rowChoices) {
      for (IndexRanges columns : columnChoices) {
        for (int scales = 0; scales < 4; scales++) {
          boolean withR = (scales & 1) != 0;
          boolean withC = (scales & 2) != 0;
          JacobianSpec spec = JacobianSpec.builder(wt).identity(0.7).scale(-1.3)
              .rowScale(withR ? rt : null).columnScale(withC ? ct : null)
              .rows(rows).columns(columns).build();
          double[][] expected = referenceJacobian(0.7, -1.3, withR ? r : null, w,
              withC ? c : null, rows, columns);
          assertClose(expected, backend.jacobian(spec), TOL,
              "jacobian rows " + rows + " columns " + columns + " r " + withR + " c " + withC);
        }
      }
    }
  }

  @Test
  void jacobianIdentityLandsOnlyWhereGlobalIndicesMeet() {
    int n = 6;
    Tensor zeroW = backend.zeros(n, n);
    // rows {0,1,4,5}, columns {1,2,5}: the identity hits (row 1, col 1) and (row 5, col 5) only
    Tensor j = backend.jacobian(JacobianSpec.builder(zeroW).identity(3).rows(ranges(0, 2, 4, 6))
        .columns(ranges(1, 3, 5, 6)).build());
    assertArrayEquals(new int[] {4, 3}, j.shape());
    assertArrayEquals(new double[] {0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3}, j.toArray());
    // disjoint rows and columns: no identity at all
    Tensor none = backend.jacobian(JacobianSpec.builder(zeroW).identity(3).rows(ranges(0, 3))
        .columns(ranges(3, 6)).build());
    assertArrayEquals(new double[9], none.toArray());
  }

  @Test
  void jacobianOfARectangularWeight() {
    Random random = new Random(6);
    double[][] w = randomMatrix(random, 4, 6);
    double[] r = random(random, 4);
    double[] c = random(random, 6);
    for (double a : new double[] {0, 2}) {
      JacobianSpec spec = JacobianSpec.builder(m(w)).identity(a).scale(0.3).rowScale(t(r, 4))
          .columnScale(t(c, 6)).columns(ranges(1, 2, 3, 6)).build();
      assertClose(referenceJacobian(a, 0.3, r, w, c, null, ranges(1, 2, 3, 6)),
          backend.jacobian(spec), TOL, "rectangular jacobian, a = " + a);
    }
  }

  @Test
  void jacobianRejectsBadSpecs() {
    Tensor w = backend.zeros(3, 4);
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rowScale(t(new double[4], 4)).build()),
        "row scale", "[3]", "[4]", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).columnScale(t(new double[3], 3)).build()),
        "column scale", "[4]", "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rows(ranges(2, 4)).build()),
        "rows", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).columns(ranges(0, 1, 3, 5)).build()),
        "columns", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3)).build()),
        "[3]", "[2, 3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(t(new double[3], 3)).build()), "[3]");
    assertRejects(IllegalArgumentException.class, () -> backend.jacobian(null), "spec");
  }

  @Test
  void jacobianBatchEqualsPerPointJacobians() {
    Random random = new Random(7);
    int n = 8;
    int batch = 5;
    double[][] w = randomMatrix(random, n, n);
    double[] r = random(random, batch * n);
    double[] c = random(random, batch * n);
    Tensor wt = m(w);
    Tensor rb = t(r, batch, n);
    Tensor cb = t(c, batch, n);
    IndexRanges rows = ranges(0, 3, 5, 8);
    IndexRanges columns = ranges(2, 6);
    for (int scales = 1; scales < 4; scales++) {
      boolean withR = (scales & 1) != 0;
      boolean withC = (scales & 2) != 0;
      Tensor all = backend.jacobianBatch(JacobianSpec.builder(wt).identity(0.9).scale(0.1)
          .rowScale(withR ? rb : null).columnScale(withC ? cb : null)
          .rows(rows).columns(columns).build());
      assertArrayEquals(new int[] {batch, 6, 4}, all.shape());
      for (int p = 0; p < batch; p++) {
        Tensor one = backend.jacobian(JacobianSpec.builder(wt).identity(0.9).scale(0.1)
            .rowScale(withR ? backend.at(rb, p) : null)
            .columnScale(withC ? backend.at(cb, p) : null)
            .rows(rows).columns(columns).build());
        try (Tensor fromBatch = backend.at(all, p)) {
          assertClose(one.toArray(), fromBatch.toArray(), 1e-15, "batch entry " + p);
        }
        double[] rp = withR ? Arrays.copyOfRange(r, p * n, p * n + n) : null;
        double[] cp = withC ? Arrays.copyOfRange(c, p * n, p * n + n) : null;
        assertClose(referenceJacobian(0.9, 0.1, rp, w, cp, rows, columns), one, TOL,
            "per-point jacobian " + p);
      }
    }
  }

  @Test
  void jacobianBatchOfARectangularWeightWithRegionBlocks() {
    // n != m: the row scales of point p start at p n, the column scales at p m; a square W
    // cannot tell the two offsets apart
    Random random = new Random(8);
    int n = 5;
    int m = 9;
    int batch = 4;
    double[][] w = randomMatrix(random, n, m);
    double[] r = random(random, batch * n);
    double[] c = random(random, batch * m);
    Tensor wt = m(w);
    Tensor rb = t(r, batch, n);
    Tensor cb = t(c, batch, m);
    IndexRanges[] rowChoices = {null, ranges(0, 2, 3, 5), ranges(4, 5)};
    IndexRanges[] columnChoices = {null, ranges(1, 3, 4, 5, 7, 9), ranges(0, 4)};
    for (IndexRanges rows : rowChoices) {
      for (IndexRanges columns : columnChoices) {
        for (int scales = 1; scales < 4; scales++) {
          boolean withR = (scales & 1) != 0;
          boolean withC = (scales & 2) != 0;
          Tensor all = backend.jacobianBatch(JacobianSpec.builder(wt).identity(0.6).scale(-0.4)
              .rowScale(withR ? rb : null).columnScale(withC ? cb : null)
              .rows(rows).columns(columns).build());
          int p = rows == null ? n : rows.size();
          int q = columns == null ? m : columns.size();
          assertArrayEquals(new int[] {batch, p, q}, all.shape(), "shape of the batch");
          double[] got = all.toArray();
          for (int b = 0; b < batch; b++) {
            double[] rp = withR ? Arrays.copyOfRange(r, b * n, b * n + n) : null;
            double[] cp = withC ? Arrays.copyOfRange(c, b * m, b * m + m) : null;
            double[][] expected = referenceJacobian(0.6, -0.4, rp, w, cp, rows, columns);
            assertClose(flatten(expected), Arrays.copyOfRange(got, b * p * q, (b + 1) * p * q),
                TOL, "batched jacobian of W [" + n + ", " + m + "], point " + b + ", rows "
                    + rows + ", columns " + columns + ", r " + withR + ", c " + withC);
          }
        }
      }
    }
  }

  /** J V from the materialised reference Jacobian, row-major [rows, k]. */
  private static double[] referenceProduct(double[][] j, double[] v, int k) {
    double[] out = new double[j.length * k];
    for (int i = 0; i < j.length; i++) {
      for (int q = 0; q < j[i].length; q++) {
        for (int t = 0; t < k; t++) {
          out[i * k + t] += j[i][q] * v[q * k + t];
        }
      }
    }
    return out;
  }

  @Test
  void jacobianTimesMatchesTheMaterialisedJacobian() {
    Random random = new Random(21);
    int n = 9;
    int m = 11; // rectangular: the column scale's offsets differ from the row scale's
    double[][] w = randomMatrix(random, n, m);
    double[] r = random(random, n);
    double[] c = random(random, m);
    Tensor wt = m(w);
    IndexRanges[] rowChoices = {null, ranges(0, 2, 4, 6), ranges(3, 9)};
    IndexRanges[] columnChoices = {null, ranges(1, 3, 4, 5, 7, 11), ranges(2, 6)};
    for (IndexRanges rows : rowChoices) {
      for (IndexRanges columns : columnChoices) {
        for (int scales = 0; scales < 4; scales++) {
          for (int k : new int[] {1, 3}) {
            boolean withR = (scales & 1) != 0;
            boolean withC = (scales & 2) != 0;
            int q = columns == null ? m : columns.size();
            double[] v = random(random, q * k);
            JacobianSpec spec = JacobianSpec.builder(wt).identity(0.7).scale(-1.3)
                .rowScale(withR ? t(r, n) : null).columnScale(withC ? t(c, m) : null)
                .rows(rows).columns(columns).build();
            double[][] j = referenceJacobian(0.7, -1.3, withR ? r : null, w, withC ? c : null,
                rows, columns);
            Tensor got = backend.jacobianTimes(spec, t(v, q, k));
            assertArrayEquals(new int[] {j.length, k}, got.shape(), "shape of J V");
            String what = "J V rows " + rows + " columns " + columns + " r " + withR + " c "
                + withC + " k " + k;
            assertClose(referenceProduct(j, v, k), got.toArray(), TOL, what);
            // and against the backend's own materialised Jacobian
            assertClose(backend.matmul(backend.jacobian(spec), t(v, q, k)).toArray(),
                got.toArray(), TOL, what + " vs matmul(jacobian)");
          }
        }
      }
    }
  }

  @Test
  void jacobianTimesAtBlockedSizes() {
    Random random = new Random(22);
    int n = 300; // past the blocking of native matrix-vector kernels
    double[][] w = randomMatrix(random, n, n);
    double[] c = random(random, n);
    double[] r = random(random, n);
    double[] v = random(random, n * 2);
    JacobianSpec spec = JacobianSpec.builder(m(w)).identity(0.95).scale(0.05)
        .rowScale(t(r, n)).columnScale(t(c, n)).build();
    assertClose(referenceProduct(referenceJacobian(0.95, 0.05, r, w, c, null, null), v, 2),
        backend.jacobianTimes(spec, t(v, n, 2)).toArray(), 1e-12, "J V at n = 300");
  }

  @Test
  void jacobianTimesRejectsBadVectors() {
    Tensor w = backend.zeros(3, 4);
    JacobianSpec spec = JacobianSpec.builder(w).columns(ranges(0, 2)).build();
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, backend.zeros(4, 1)), "[2, k]", "[4, 1]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, backend.zeros(2)), "[2, k]", "[2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3))
            .build(), backend.zeros(4, 1)), "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, null), "null");
  }

  @Test
  void jacobianBatchRejectsBadSpecs() {
    Tensor w = backend.zeros(3, 3);
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).build()), "neither");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3))
            .columnScale(backend.zeros(4, 3)).build()), "2", "4");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).rowScale(backend.zeros(3)).build()),
        "[B, 3]", "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).columnScale(backend.zeros(2, 4)).build()),
        "[B, 3]", "[2, 4]");
  }
}
