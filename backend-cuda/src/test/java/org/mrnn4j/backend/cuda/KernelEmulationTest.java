package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mrnn4j.backend.cuda.ConformanceJacobians.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;

/**
 * The arithmetic of the CUDA kernels, checked without a GPU: {@code kernels.cu} compiled as host
 * C++ by g++ and run thread by thread ({@link KernelEmulator}), compared with the scalar
 * definitions of {@link Activation}, with plain Java loops, with the mRNNTorch conformance
 * Jacobians, and with the EJML backend's Jacobian kernel. Every kernel runs with the backend's own
 * launch configuration and with a deliberately small grid (2 blocks of 32 threads), which
 * exercises the grid-stride loops; both must give the same bits.
 */
class KernelEmulationTest {
  private static final double[] SPECIAL = {
    0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.25, 0.5, -0.5, 1.0, -1.0, 2.5, 3.0, -3.0, 7.0, -7.0,
    19.999, 20.0, 20.0000001, 20.5, 21.9, 22.0, 25.0, -25.0, 40.0, -40.0, 700.0, -700.0,
    Double.NaN
  };

  private static KernelEmulator f64() {
    return KernelEmulator.of(DType.FLOAT64, 0, 0);
  }

  private static KernelEmulator small(DType dtype) {
    return KernelEmulator.of(dtype, 2, 32);
  }

  @Test
  void theEmulatorKnowsEveryKernelTheBackendLaunches() {
    assertEquals(CudaKernels.BASE_NAMES, KernelEmulator.emulatedBaseNames());
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void activationsFollowCoreDefinitionInFloat64(Activation f) {
    double[] x = points(new Random(1), 300);
    KernelEmulator emu = f64();
    double[] value = emu.activate(f, false, x);
    double[] slope = emu.activate(f, true, x);
    for (int i = 0; i < x.length; i++) {
      // the shared backend contract's bound: 1e-14 relative plus 1e-16 absolute, which tanh'
      // = 1 - tanh^2 meets near |tanh| = 1 only because the kernel's tanh follows fdlibm's
      assertWithin(f.apply(x[i]), value[i], 1e-14, 1e-16, f + "(" + x[i] + ")");
      assertWithin(f.derivative(x[i]), slope[i], 1e-14, 1e-16, f + "'(" + x[i] + ")");
    }
    assertArrayEquals(value, small(DType.FLOAT64).activate(f, false, x));
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void activationsFollowCoreDefinitionInFloat32(Activation f) {
    KernelEmulator emu = KernelEmulator.of(DType.FLOAT32, 0, 0);
    double[] x = emu.round(points(new Random(2), 200));
    double[] value = emu.activate(f, false, x);
    double[] slope = emu.activate(f, true, x);
    for (int i = 0; i < x.length; i++) {
      assertNear(f.apply(x[i]), value[i], 1e-6, f + "(" + x[i] + ") in float32");
      assertNear(f.derivative(x[i]), slope[i], 1e-6, f + "'(" + x[i] + ") in float32");
    }
  }

  @Test
  void activationConventionsAtTheKinksArePyTorchs() {
    for (KernelEmulator emu : List.of(f64(), KernelEmulator.of(DType.FLOAT32, 0, 0))) {
      Activation relu = Activation.RELU;
      Activation softplus = Activation.SOFTPLUS;
      assertArrayEquals(new double[] {0, 0, 1}, emu.activate(relu, true, new double[] {0, -0.0, 1e-30}));
      assertArrayEquals(new double[] {0, 0, 2}, emu.activate(relu, false, new double[] {0, -1, 2}));
      // softplus: the identity above 20 (derivative exactly 1), log(1 + e^x) at 20 itself
      double[] at = {20.5, 25, 100};
      assertArrayEquals(at, emu.activate(softplus, false, at));
      assertArrayEquals(new double[] {1, 1, 1}, emu.activate(softplus, true, at));
    }
    // at 20 itself softplus' is e^20 / (e^20 + 1), just below 1 (in float64; float32 rounds to 1)
    double[] twenty = f64().activate(Activation.SOFTPLUS, true,
        new double[] {20});
    assertEquals(Activation.SOFTPLUS.derivative(20), twenty[0], 1e-16);
    assertTrue(twenty[0] < 1.0, "softplus'(20) = e^20 / (e^20 + 1) < 1, got " + twenty[0]);
  }

  @Test
  void elementwiseKernelsMatchJavaLoops() {
    Random random = new Random(3);
    for (DType dtype : DType.values()) {
      for (KernelEmulator emu : List.of(KernelEmulator.of(dtype, 0, 0), small(dtype))) {
        int rows = 7;
        int cols = 45;
        double[] x = emu.round(gaussian(random, rows * cols));
        double[] y = emu.round(gaussian(random, rows * cols));
        double[] v = emu.round(gaussian(random, cols));
        double alpha = emu.round(new double[] {0.75})[0];
        double beta = emu.round(new double[] {-1.25})[0];
        double[] axpby = new double[x.length];
        double[] mul = new double[x.length];
        double[] scale = new double[x.length];
        double[] addv = new double[x.length];
        double[] tr = new double[x.length];
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            int k = i * cols + j;
            axpby[k] = round(dtype, round(dtype, alpha * x[k]) + round(dtype, beta * y[k]));
            mul[k] = round(dtype, x[k] * y[k]);
            scale[k] = round(dtype, alpha * x[k]);
            addv[k] = round(dtype, x[k] + v[j]);
            tr[j * rows + i] = x[k];
          }
        }
        String what = " (" + dtype + ")";
        assertArrayEquals(axpby, emu.axpby(alpha, x, beta, y), "axpby" + what);
        assertArrayEquals(mul, emu.mul(x, y), "mul" + what);
        assertArrayEquals(scale, emu.scale(alpha, x), "scale" + what);
        assertArrayEquals(addv, emu.addVector(x, v), "addVector" + what);
        assertArrayEquals(tr, emu.transpose(rows, cols, x), "transpose" + what);

        int[] ri = {0, 2, 3, 6};
        int[] ci = {1, 2, 10, 11, 12, 44};
        double[] block = new double[ri.length * ci.length];
        for (int i = 0; i < ri.length; i++) {
          for (int j = 0; j < ci.length; j++) {
            block[i * ci.length + j] = x[ri[i] * cols + ci[j]];
          }
        }
        assertArrayEquals(block, emu.gather(x, cols, ri, ci), "gather" + what);

        int width = cols + 3;
        double[] dst = emu.round(gaussian(random, rows * width));
        double[] expected = dst.clone();
        for (int i = 0; i < rows; i++) {
          System.arraycopy(x, i * cols, expected, i * width + 2, cols);
        }
        assertArrayEquals(expected, emu.copyColumns(rows, cols, x, dst, width, 2),
            "copyColumns" + what);
      }
    }
  }

  @Test
  void jacobianKernelsMatchTheDenseFormulaOnRectangularBlocks() {
    // distinct row and column sets of a rectangular W, so that no argument can stand in for another
    Random random = new Random(4);
    int n = 5;
    int m = 7;
    int batch = 3;
    double[] w = gaussian(random, n * m);
    double[] r = gaussian(random, batch * n);
    double[] c = gaussian(random, batch * m);
    int[] rows = {0, 1, 3, 4};
    int[] cols = {1, 3, 4, 5, 6};
    for (KernelEmulator emu : List.of(f64(), small(DType.FLOAT64))) {
      for (int scales = 0; scales < 4; scales++) {
        boolean withR = (scales & 1) != 0;
        boolean withC = (scales & 2) != 0;
        double[] r0 = withR ? java.util.Arrays.copyOf(r, n) : null;
        double[] c0 = withC ? java.util.Arrays.copyOf(c, m) : null;
        assertArrayEquals(dense(0.7, -1.3, r0, w, m, c0, rows, cols),
            emu.jacobian(0.7, -1.3, r0, w, m, c0, rows, cols), "jacobian r=" + withR + " c=" + withC);
        if (scales == 0) {
          continue; // a batch needs a scale
        }
        double[] got = emu.jacobianBatch(batch, 0.7, -1.3, withR ? r : null, n, w, m,
            withC ? c : null, m, rows, cols);
        int block = rows.length * cols.length;
        for (int p = 0; p < batch; p++) {
          double[] rp = withR ? java.util.Arrays.copyOfRange(r, p * n, (p + 1) * n) : null;
          double[] cp = withC ? java.util.Arrays.copyOfRange(c, p * m, (p + 1) * m) : null;
          assertArrayEquals(dense(0.7, -1.3, rp, w, m, cp, rows, cols),
              java.util.Arrays.copyOfRange(got, p * block, (p + 1) * block),
              "jacobianBatch entry " + p + " r=" + withR + " c=" + withC);
        }
      }
    }
  }

  /** {@code a [i == j] + b (r_i (W_ij c_j))}, evaluated in the kernel's order, so bits agree. */
  private static double[] dense(double a, double b, double[] r, double[] w, int ldw, double[] c,
      int[] rows, int[] cols) {
    double[] out = new double[rows.length * cols.length];
    for (int p = 0; p < rows.length; p++) {
      for (int q = 0; q < cols.length; q++) {
        int i = rows[p];
        int j = cols[q];
        double v = w[i * ldw + j];
        if (c != null) {
          v = v * c[j];
        }
        if (r != null) {
          v = r[i] * v;
        }
        v = b * v;
        out[p * cols.length + q] = i == j ? v + a : v;
      }
    }
    return out;
  }

  @Test
  void jacobianMatchesTheConformanceCasesInFloat64() {
    List<ConformanceJacobians.Point> points = ConformanceJacobians.all();
    assertTrue(points.size() >= 20, "expected the conformance cases to hold many Jacobians");
    KernelEmulator emu = f64();
    KernelEmulator stride = small(DType.FLOAT64);
    for (ConformanceJacobians.Point p : points) {
      if (p.dtype() != DType.FLOAT64) {
        continue;
      }
      double[] got = emulate(emu, p);
      assertClose(p.expected(), got, p.rtol(), p.atol(), p.id());
      assertArrayEquals(got, emulate(stride, p), p.id() + ": a smaller grid gave other bits");
    }
  }

  @Test
  void jacobianInFloat32MeetsTheFloat32Tolerance() {
    KernelEmulator emu = KernelEmulator.of(DType.FLOAT32, 0, 0);
    for (ConformanceJacobians.Point p : ConformanceJacobians.all()) {
      assertClose(p.expected(), emulate(emu, p), 1e-4, 1e-5, p.id() + " in float32");
    }
  }

  @Test
  void batchedJacobianMatchesEachOperatingPoint() {
    // The batch of every linearization of a case over all its units, against the reference.
    KernelEmulator emu = f64();
    int checked = 0;
    List<ConformanceJacobians.Point> points = ConformanceJacobians.all();
    for (int s = 0; s < points.size(); ) {
      List<ConformanceJacobians.Point> group = new ArrayList<>();
      String file = points.get(s).id().substring(0, points.get(s).id().indexOf('#'));
      while (s < points.size() && points.get(s).id().startsWith(file + "#")) {
        group.add(points.get(s++));
      }
      ConformanceJacobians.Point first = group.get(0);
      int n = first.n();
      int[] idx = first.indices();
      List<ConformanceJacobians.Point> same = new ArrayList<>();
      for (ConformanceJacobians.Point p : group) {
        if (java.util.Arrays.equals(p.indices(), idx)) {
          same.add(p);
        }
      }
      if (same.size() < 2 && checked >= 5) {
        continue;
      }
      int batch = same.size();
      double[] scales = new double[batch * n];
      for (int q = 0; q < batch; q++) {
        double[] d = emu.activate(first.activation(), true,
            same.get(q).x());
        System.arraycopy(d, 0, scales, q * n, n);
      }
      double[] r = first.elman() ? scales : null;
      double[] c = first.elman() ? null : scales;
      double[] got = emu.jacobianBatch(batch, first.a(), first.b(), r, n, first.w(), n, c, n,
          idx, idx);
      int block = idx.length * idx.length;
      for (int q = 0; q < batch; q++) {
        double[] slice = java.util.Arrays.copyOfRange(got, q * block, (q + 1) * block);
        assertClose(same.get(q).expected(), slice, 1e-9, 1e-10, same.get(q).id() + " in a batch");
        assertArrayEquals(emulate(emu, same.get(q)), slice,
            same.get(q).id() + ": the batched kernel differs from the single one");
      }
      assertArrayEquals(got, small(DType.FLOAT64).jacobianBatch(batch, first.a(), first.b(), r, n,
          first.w(), n, c, n, idx, idx), file + ": a smaller grid gave other bits");
      checked++;
    }
    assertTrue(checked >= 5, "expected several cases to batch, got " + checked);
  }

  @Test
  void jacobianMatchesTheEjmlBackend() {
    Optional<BackendInfo> ejml =
        Backends.list().stream().filter(b -> b.name().equals("ejml") && b.available()).findFirst();
    Assumptions.assumeTrue(ejml.isPresent(),
        "the ejml backend is not available here (" + Backends.list()
            + "); skipping the comparison with it");
    KernelEmulator emu = f64();
    try (Backend cpu = Backends.select("ejml")) {
      for (ConformanceJacobians.Point p : ConformanceJacobians.all()) {
        double[] d = emu.activate(p.activation(), true, p.x());
        double[] expected;
        try (Tensor w = cpu.fromArray(p.w(), p.n(), p.n());
            Tensor s = cpu.fromArray(d, p.n());
            Tensor j = cpu.jacobian(JacobianSpec.builder(w).identity(p.a()).scale(p.b())
                .rowScale(p.elman() ? s : null).columnScale(p.elman() ? null : s)
                .rows(ranges(p.indices())).columns(ranges(p.indices())).build())) {
          expected = j.toArray();
        }
        assertClose(expected, emulate(emu, p), 1e-12, 1e-14, p.id() + " against ejml");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The case's Jacobian by the emulated kernels: the activation derivative, then the block. */
  private static double[] emulate(KernelEmulator emu, ConformanceJacobians.Point p) {
    double[] w = emu.round(p.w());
    double[] d = emu.activate(p.activation(), true, emu.round(p.x()));
    double[] r = p.elman() ? d : null;
    double[] c = p.elman() ? null : d;
    return emu.jacobian(p.a(), p.b(), r, w, p.n(), c, p.indices(), p.indices());
  }

  private static IndexRanges ranges(int[] indices) {
    List<IndexRange> out = new ArrayList<>();
    int start = 0;
    for (int k = 1; k <= indices.length; k++) {
      if (k == indices.length || indices[k] != indices[k - 1] + 1) {
        out.add(new IndexRange(indices[start], indices[k - 1] + 1));
        start = k;
      }
    }
    return IndexRanges.of(out);
  }

  private static double[] points(Random random, int count) {
    double[] out = new double[count + SPECIAL.length];
    System.arraycopy(SPECIAL, 0, out, 0, SPECIAL.length);
    for (int i = SPECIAL.length; i < out.length; i++) {
      out[i] = random.nextGaussian() * 8;
    }
    return out;
  }

  private static double[] gaussian(Random random, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  private static double round(DType dtype, double v) {
    return dtype == DType.FLOAT32 ? (float) v : v;
  }

  private static void assertWithin(double expected, double actual, double rel, double abs,
      String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Double.isNaN(actual), what + ": got " + actual + ", expected NaN");
      return;
    }
    double bound = rel * Math.abs(expected) + abs;
    assertTrue(Math.abs(actual - expected) <= bound,
        what + ": got " + actual + ", expected " + expected + " (off by "
            + Math.abs(actual - expected) + " > " + bound + ")");
  }

  /** Relative above 1, absolute below: {@code |actual - expected| <= tol * max(1, |expected|)}. */
  private static void assertNear(double expected, double actual, double tol, String what) {
    double bound = tol * Math.max(1.0, Math.abs(expected));
    if (Double.isNaN(expected)) {
      assertTrue(Double.isNaN(actual), what + ": got " + actual + ", expected NaN");
      return;
    }
    assertTrue(Math.abs(actual - expected) <= bound || actual == expected,
        what + ": got " + actual + ", expected " + expected);
  }
}
