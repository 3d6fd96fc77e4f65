package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Focused checks of the ND4J backend against hand values and naive Java loops (independent of
 * ND4J); the shared contract suite runs in {@link Nd4jContractTest}.
 */
class Nd4jBackendTest {
  private static Backend backend;

  @BeforeAll
  static void start() {
    backend = new Nd4jBackend();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static Tensor t(double[] data, int... shape) {
    return backend.fromArray(data, shape);
  }

  private static double[] random(Random rnd, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rnd.nextGaussian();
    }
    return out;
  }

  @Test
  void roundTripsAndShapes() {
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    {
      assertArrayEquals(new int[] {2, 3}, a.shape());
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toArray());
      assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, backend.transpose(a).toArray());
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, backend.reshape(a, 3, 2).toArray());
      assertArrayEquals(new double[] {4, 5, 6}, backend.slice(a, 1, 2).toArray());
      Tensor row = backend.at(a, 1);
      assertArrayEquals(new int[] {3}, row.shape());
      assertArrayEquals(new double[] {4, 5, 6}, row.toArray());
      assertArrayEquals(new double[] {2, 3, 5, 6}, backend.sliceColumns(a, 1, 3).toArray());
      assertArrayEquals(new double[] {1, 2, 3, 1, 4, 5, 6, 4},
          backend.concatColumns(List.of(a, backend.sliceColumns(a, 0, 1))).toArray());
      Tensor s = backend.stack(List.of(a, a));
      assertArrayEquals(new int[] {2, 2, 3}, s.shape());
      assertArrayEquals(new double[] {4, 5, 6}, backend.at(backend.at(s, 1), 1).toArray());
      Tensor c = backend.concat(List.of(a, backend.slice(a, 0, 1)));
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 1, 2, 3}, c.toArray());
      a.close();
      assertThrows(IllegalStateException.class, a::toArray);
      assertThrows(IllegalStateException.class, () -> backend.scale(a, 2));
    }
  }

  @Test
  void emptyShapesWork() {
    Tensor e = backend.zeros(0, 3);
    assertEquals(0, e.toArray().length);
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new int[] {2, 0}, backend.sliceColumns(a, 1, 1).shape());
    assertArrayEquals(new int[] {0, 3}, backend.slice(a, 1, 1).shape());
    assertArrayEquals(a.toArray(), backend.concat(List.of(a, e)).toArray());
    Tensor none = backend.zeros(2, 0);
    assertArrayEquals(new double[4], backend.matmul(none, false, none, true).toArray());
    assertArrayEquals(new int[] {2, 2}, backend.matmul(none, false, none, true).shape());
    assertEquals(0, backend.activate(Activation.TANH, e).size());
    assertEquals(0, backend.eig(backend.zeros(0, 0), true).size());
  }

  @Test
  void blockGathersSeveralRanges() {
    double[] d = new double[25];
    for (int i = 0; i < 25; i++) {
      d[i] = i;
    }
    Tensor a = t(d, 5, 5);
    IndexRanges rows = IndexRanges.of(List.of(new IndexRange(0, 1), new IndexRange(3, 5)));
    IndexRanges cols = IndexRanges.of(List.of(new IndexRange(1, 2), new IndexRange(2, 2),
        new IndexRange(4, 5)));
    assertArrayEquals(new double[] {1, 4, 16, 19, 21, 24},
        backend.block(a, rows, cols).toArray());
    assertArrayEquals(new int[] {3, 5}, backend.block(a, rows, null).shape());
  }

  @Test
  void matmulMatchesNaiveProductForEveryTransposeFlag() {
    Random rnd = new Random(1);
    int m = 7;
    int k = 5;
    int n = 3;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        double[] ad = random(rnd, m * k);
        double[] bd = random(rnd, k * n);
        Tensor a = ta ? t(ad, k, m) : t(ad, m, k);
        Tensor b = tb ? t(bd, n, k) : t(bd, k, n);
        double[] got = backend.matmul(a, ta, b, tb).toArray();
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int l = 0; l < k; l++) {
              s += (ta ? ad[l * m + i] : ad[i * k + l]) * (tb ? bd[j * k + l] : bd[l * n + j]);
            }
            assertEquals(s, got[i * n + j], 1e-12, "entry " + i + "," + j + " ta=" + ta + " tb=" + tb);
          }
        }
      }
    }
  }

  @Test
  void arithmetic() {
    Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor b = t(new double[] {10, 20, 30, 40}, 2, 2);
    assertArrayEquals(new double[] {11, 22, 33, 44}, backend.add(a, b).toArray());
    assertArrayEquals(new double[] {-9, -18, -27, -36}, backend.sub(a, b).toArray());
    assertArrayEquals(new double[] {10, 40, 90, 160}, backend.mul(a, b).toArray());
    assertArrayEquals(new double[] {-2, -4, -6, -8}, backend.scale(a, -2).toArray());
    assertArrayEquals(new double[] {22, 44, 66, 88}, backend.axpby(2, a, 2, b).toArray());
    Tensor v = t(new double[] {100, 200}, 2);
    assertArrayEquals(new double[] {101, 202, 103, 204}, backend.addVector(a, v).toArray());
    Tensor batch = backend.stack(List.of(a, b));
    assertArrayEquals(new double[] {101, 202, 103, 204, 110, 220, 130, 240},
        backend.addVector(batch, v).toArray());
    assertArrayEquals(new double[] {101, 202}, backend.addVector(t(new double[] {1, 2}, 2), v)
        .toArray());
    // operands are never modified
    assertArrayEquals(new double[] {1, 2, 3, 4}, a.toArray());
  }

  @Test
  void blasElementwiseMatchesNaiveLoopsOnWideRowsInBothPrecisions() {
    // rows of 40 take the BLAS row loop of addVector; float32 its single-precision calls
    Random rnd = new Random(5);
    int rows = 3;
    int n = 40;
    double[] x = random(rnd, rows * n);
    double[] y = random(rnd, rows * n);
    double[] v = random(rnd, n);
    for (DType dtype : DType.values()) {
      double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-15;
      Tensor xt = backend.fromArray(x, dtype, rows, n);
      Tensor yt = backend.fromArray(y, dtype, rows, n);
      Tensor vt = backend.fromArray(v, dtype, n);
      double[] xs = xt.toArray(); // the values as stored (rounded to float32)
      double[] ys = yt.toArray();
      double[] vs = vt.toArray();
      double[] plus = new double[rows * n];
      double[] comb = new double[rows * n];
      for (int i = 0; i < plus.length; i++) {
        plus[i] = xs[i] + vs[i % n];
        comb[i] = 0.25 * xs[i] - 3 * ys[i];
      }
      assertArrayEquals(plus, backend.addVector(xt, vt).toArray(), tol, dtype + " addVector");
      assertArrayEquals(comb, backend.axpby(0.25, xt, -3, yt).toArray(), tol, dtype + " axpby");
      assertArrayEquals(xs, xt.toArray(), dtype + " operand unchanged");
      assertEquals(dtype, backend.addVector(xt, vt).dtype());
    }
  }

  @Test
  void axpbyPropagatesNonFiniteValuesEvenWithZeroFactors() {
    double inf = Double.POSITIVE_INFINITY;
    Tensor a = t(new double[] {inf, 1, Double.NaN, 2}, 2, 2);
    Tensor b = t(new double[] {1, -inf, 3, 4}, 2, 2);
    // 0 * inf is NaN in IEEE arithmetic (and in PyTorch): no factor may be skipped
    double[] zeroA = backend.axpby(0, a, 1, b).toArray();
    assertTrue(Double.isNaN(zeroA[0]) && Double.isNaN(zeroA[2]));
    assertEquals(-inf, zeroA[1]);
    assertEquals(4.0, zeroA[3]);
    double[] zeroB = backend.axpby(2, a, 0, b).toArray();
    assertEquals(inf, zeroB[0]);
    assertTrue(Double.isNaN(zeroB[1]) && Double.isNaN(zeroB[2]));
    assertEquals(4.0, zeroB[3]);
    double[] both = backend.axpby(1, a, 1, b).toArray();
    assertEquals(inf, both[0]);
    assertEquals(-inf, both[1]);
    assertTrue(Double.isNaN(both[2]));
    assertEquals(6.0, both[3]);
  }

  @Test
  void reshapeOwnsItsBuffer() {
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor r = backend.reshape(a, 3, 1, 2);
    a.close();
    assertArrayEquals(new int[] {3, 1, 2}, r.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, r.toArray());
    Tensor f = backend.fromArray(new double[] {0.5, 1.5, 2.5, 3.5}, DType.FLOAT32, 4);
    assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5}, backend.reshape(f, 2, 2).toArray());
  }

  @Test
  void activationsFollowTheirDefinitions() {
    double[] x = {-800, -30, -1.5, -1e-300, 0, 1e-300, 0.5, 3, 19.999, 20, 20.001, 35, 800};
    Tensor xt = t(x, x.length);
    for (Activation f : Activation.values()) {
      double[] v = backend.activate(f, xt).toArray();
      double[] d = backend.activateDerivative(f, xt).toArray();
      for (int i = 0; i < x.length; i++) {
        assertEquals(f.apply(x[i]), v[i], 1e-15 * Math.max(1, Math.abs(f.apply(x[i]))),
            f + "(" + x[i] + ")");
        assertEquals(f.derivative(x[i]), d[i], 1e-15, f + "'(" + x[i] + ")");
      }
    }
    assertEquals(0.0, backend.activateDerivative(Activation.RELU, t(new double[] {0}, 1))
        .toArray()[0], "relu'(0) = 0 as in PyTorch");
    assertEquals(1.0, backend.activateDerivative(Activation.SOFTPLUS, t(new double[] {25}, 1))
        .toArray()[0], "softplus is linear above 20");
    assertEquals(25.0, backend.activate(Activation.SOFTPLUS, t(new double[] {25}, 1))
        .toArray()[0]);
  }

  @Test
  void float32ComputesInFloat32() {
    Tensor a = backend.fromArray(new double[] {0.1, 0.2, 0.3, 0.4}, DType.FLOAT32, 2, 2);
    assertEquals(DType.FLOAT32, a.dtype());
    assertEquals((double) 0.1f, a.toArray()[0]);
    Tensor p = backend.matmul(a, a);
    assertEquals(DType.FLOAT32, p.dtype());
    assertEquals(0.1f * 0.1f + 0.2f * 0.3f, p.toArray()[0], 1e-7);
    Tensor d = backend.cast(a, DType.FLOAT64);
    assertEquals(DType.FLOAT64, d.dtype());
    assertEquals((double) 0.3f, d.toArray()[2]);
    Tensor same = backend.cast(a, DType.FLOAT32);
    a.close();
    assertEquals((double) 0.4f, same.toArray()[3], "a cast to the same type is a copy");
    assertEquals(DType.FLOAT32, backend.activate(Activation.TANH, same).dtype());
  }

  /** The definition, densely, in plain Java. */
  private static double[] naiveJacobian(double a, double b, double[] r, double[] w, double[] c,
      int n, int m, int[] rows, int[] cols) {
    double[] out = new double[rows.length * cols.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols.length; j++) {
        int gi = rows[i];
        int gj = cols[j];
        double v = b * (r == null ? 1 : r[gi]) * w[gi * m + gj] * (c == null ? 1 : c[gj]);
        out[i * cols.length + j] = v + (gi == gj ? a : 0);
      }
    }
    return out;
  }

  @Test
  void jacobianMatchesTheDefinition() {
    Random rnd = new Random(2);
    int n = 9;
    double[] w = random(rnd, n * n);
    double[] r = random(rnd, n);
    double[] c = random(rnd, n);
    IndexRanges rows = IndexRanges.of(List.of(new IndexRange(0, 2), new IndexRange(4, 9)));
    IndexRanges cols = IndexRanges.of(List.of(new IndexRange(1, 3), new IndexRange(5, 8)));
    Tensor wt = t(w, n, n);
    for (boolean withR : new boolean[] {false, true}) {
      for (boolean withC : new boolean[] {false, true}) {
        for (IndexRanges[] sel : new IndexRanges[][] {{null, null}, {rows, cols}, {rows, rows}}) {
          JacobianSpec spec = JacobianSpec.builder(wt).identity(0.75).scale(0.3)
              .rowScale(withR ? t(r, n) : null).columnScale(withC ? t(c, n) : null)
              .rows(sel[0]).columns(sel[1]).build();
          int[] ri = spec.rowsOrAll().toIndices();
          int[] ci = spec.columnsOrAll().toIndices();
          double[] want = naiveJacobian(0.75, 0.3, withR ? r : null, w, withC ? c : null, n, n,
              ri, ci);
          Tensor got = backend.jacobian(spec);
          assertArrayEquals(new int[] {ri.length, ci.length}, got.shape());
          assertArrayEquals(want, got.toArray(), 1e-14);
        }
      }
    }
  }

  @Test
  void jacobianOfOneColumnAndOneRowBlocks() {
    double[] w = {1, 2, 3, 4, 5, 6};
    Tensor column = t(w, 6, 1);
    Tensor r = t(new double[] {1, 2, 3, 4, 5, 6}, 6);
    assertArrayEquals(new double[] {1, 4, 9, 16, 25, 36},
        backend.jacobian(JacobianSpec.builder(column).rowScale(r).build()).toArray());
    Tensor row = t(w, 1, 6);
    assertArrayEquals(new double[] {1.5, 2, 4.5, 8, 12.5, 18},
        backend.jacobian(JacobianSpec.builder(row).identity(1).scale(0.5).columnScale(r).build())
            .toArray());
    Tensor rb = t(new double[] {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}, 2, 6);
    assertArrayEquals(new double[] {1, 4, 2, 8},
        backend.jacobianBatch(JacobianSpec.builder(column).rowScale(rb)
            .rows(IndexRanges.of(List.of(new IndexRange(0, 1), new IndexRange(3, 4)))).build())
            .toArray());
  }

  @Test
  void jacobianBatchMatchesOnePointAtATime() {
    Random rnd = new Random(3);
    int n = 6;
    int m = 4;
    int batch = 5;
    double[] w = random(rnd, n * m);
    double[] r = random(rnd, batch * n);
    double[] c = random(rnd, batch * m);
    IndexRanges rows = IndexRanges.of(List.of(new IndexRange(0, 1), new IndexRange(2, 5)));
    IndexRanges cols = IndexRanges.of(1, 4);
    Tensor wt = t(w, n, m);
    for (int variant = 0; variant < 3; variant++) {
      Tensor rt = variant == 1 ? null : t(r, batch, n);
      Tensor ct = variant == 2 ? null : t(c, batch, m);
      JacobianSpec spec = JacobianSpec.builder(wt).identity(-1.5).scale(2).rowScale(rt)
          .columnScale(ct).rows(rows).columns(cols).build();
      Tensor got = backend.jacobianBatch(spec);
      assertArrayEquals(new int[] {batch, 4, 3}, got.shape());
      double[] all = got.toArray();
      for (int k = 0; k < batch; k++) {
        double[] rk = rt == null ? null : java.util.Arrays.copyOfRange(r, k * n, k * n + n);
        double[] ck = ct == null ? null : java.util.Arrays.copyOfRange(c, k * m, k * m + m);
        double[] want = naiveJacobian(-1.5, 2, rk, w, ck, n, m, rows.toIndices(),
            cols.toIndices());
        assertArrayEquals(want, java.util.Arrays.copyOfRange(all, k * 12, k * 12 + 12), 1e-14,
            "batch item " + k + " variant " + variant);
      }
    }
  }

  /** {@code |A v - lambda v| <= tol |A|_F |v|} for every eigenpair, in plain Java. */
  private static void assertEigenpairs(double[][] a, Eigendecomposition e, double tol) {
    int n = a.length;
    assertEquals(n, e.size());
    double normA = 0;
    for (double[] row : a) {
      for (double x : row) {
        normA += x * x;
      }
    }
    normA = Math.sqrt(normA);
    for (int k = 0; k < n; k++) {
      double[] vr = e.vectorReal(k);
      double[] vi = e.vectorImag(k);
      double res = 0;
      double normV = 0;
      for (int i = 0; i < n; i++) {
        double re = -(e.real(k) * vr[i] - e.imag(k) * vi[i]);
        double im = -(e.real(k) * vi[i] + e.imag(k) * vr[i]);
        for (int j = 0; j < n; j++) {
          re += a[i][j] * vr[j];
          im += a[i][j] * vi[j];
        }
        res += re * re + im * im;
        normV += vr[i] * vr[i] + vi[i] * vi[i];
      }
      assertEquals(1.0, Math.sqrt(normV), 1e-12, "eigenvector " + k + " has unit norm");
      assertTrue(Math.sqrt(res) <= tol * normA, "residual of eigenpair " + k + ": " + res);
    }
  }

  @Test
  void eigOfKnownMatrices() {
    // rotation by 90 degrees: eigenvalues +i and -i, +i first
    Eigendecomposition rot = backend.eig(t(new double[] {0, -1, 1, 0}, 2, 2), true);
    assertEquals(0, rot.real(0), 1e-15);
    assertEquals(1, rot.imag(0), 1e-15);
    assertEquals(-1, rot.imag(1), 1e-15);
    double[][] rm = {{0, -1}, {1, 0}};
    assertEigenpairs(rm, rot, 1e-14);
    // upper triangular: the diagonal
    double[][] tri = {{3, 1, 2}, {0, -5, 4}, {0, 0, 1}};
    Eigendecomposition e = backend.eig(backend.fromMatrix(tri), false);
    assertArrayEquals(new double[] {-5, 3, 1}, e.realParts(), 1e-13);
    assertArrayEquals(new double[3], e.imagParts(), 0);
    assertTrue(!e.hasVectors());
    assertEigenpairs(tri, backend.eig(backend.fromMatrix(tri), true), 1e-14);
    Tensor bad = t(new double[] {1, Double.NaN, 0, 1}, 2, 2);
    assertThrows(ArithmeticException.class, () -> backend.eig(bad, false));
  }

  @Test
  void eigOfRandomMatricesHasSmallResidualsAndBatchAgrees() {
    Random rnd = new Random(4);
    int n = 40;
    int batch = 3;
    double[] data = random(rnd, batch * n * n);
    Tensor all = t(data, batch, n, n);
    List<Eigendecomposition> many = backend.eigBatch(all, true);
    assertEquals(batch, many.size());
    for (int k = 0; k < batch; k++) {
      double[][] a = backend.at(all, k).toMatrix();
      Eigendecomposition one = backend.eig(backend.at(all, k), true);
      assertEigenpairs(a, one, 1e-12);
      assertArrayEquals(one.realParts(), many.get(k).realParts(), 0);
      assertArrayEquals(one.imagParts(), many.get(k).imagParts(), 0);
      double trace = 0;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        trace += a[i][i];
        sum += one.real(i);
      }
      assertEquals(trace, sum, 1e-10, "the eigenvalues sum to the trace");
    }
  }

  @Test
  void resultsSurviveACallersWorkspace() {
    Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor p;
    WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager()
        .getAndActivateWorkspace(conf, "mrnn4j-test-" + Thread.currentThread().getId())) {
      assertTrue(ws.isScopeActive());
      p = backend.matmul(a, a);
      assertTrue(!((Nd4jTensor) p).array().isAttached(), "results live outside workspaces");
      assertTrue(Nd4j.getMemoryManager().getCurrentWorkspace() == ws, "the caller's workspace is back");
    }
    assertArrayEquals(new double[] {7, 10, 15, 22}, p.toArray());
  }

  @Test
  void concurrentCallersGetTheSameBits() throws Exception {
    Random rnd = new Random(5);
    int n = 64;
    Tensor w = t(random(rnd, n * n), n, n);
    Tensor x = t(random(rnd, 8 * n), 8, n);
    Tensor c = t(random(rnd, 8 * n), 8, n);
    java.util.concurrent.Callable<List<double[]>> work = () -> {
      List<double[]> out = new ArrayList<>();
      for (int rep = 0; rep < 20; rep++) {
        try (Tensor h = backend.activate(Activation.TANH, x);
            Tensor y = backend.matmul(h, false, w, true);
            Tensor j = backend.jacobianBatch(
                JacobianSpec.builder(w).identity(0.9).scale(0.1).columnScale(c).build())) {
          out.add(y.toArray());
          out.add(j.toArray());
          out.add(backend.eig(backend.at(j, rep % 8), false).realParts());
        }
      }
      return out;
    };
    List<double[]> reference = work.call();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<double[]>>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(pool.submit(work));
      }
      for (Future<List<double[]>> f : futures) {
        List<double[]> got = f.get();
        for (int i = 0; i < reference.size(); i++) {
          assertArrayEquals(reference.get(i), got.get(i), 0.0, "result " + i);
        }
      }
    } finally {
      pool.shutdown();
    }
  }
}
