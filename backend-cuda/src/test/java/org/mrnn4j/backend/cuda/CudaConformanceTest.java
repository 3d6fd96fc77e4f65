package org.mrnn4j.backend.cuda;

import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mrnn4j.backend.cuda.ConformanceJacobians.assertClose;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * The mRNNTorch conformance Jacobians computed on the GPU (activation derivative and Jacobian
 * kernel, single and batched, float64 and float32), their eigenvalues (host eigen), and the
 * bookkeeping of device memory. Skipped with the probe's reason where no CUDA device is present.
 */
@ExtendWith(CudaDevice.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaConformanceTest {
  private Backend gpu;

  @BeforeAll
  void open() {
    gpu = CudaDevice.backendOrSkip();
  }

  @AfterAll
  void close() {
    if (gpu != null) {
      gpu.close();
    }
  }

  @Test
  void reportsItsCapabilities() {
    assertEquals("cuda", gpu.name());
    for (Capability c : new Capability[] {Capability.GPU, Capability.NATIVE, Capability.FLOAT32,
        Capability.HOST_EIGEN}) {
      assertTrue(gpu.supports(c), "missing " + c);
    }
    Backend host = ((CudaBackend) gpu).hostBackend();
    assertEquals(host.supports(Capability.EIGENVECTORS), gpu.supports(Capability.EIGENVECTORS));
  }

  @Test
  void jacobiansMatchTheReference() {
    for (DType dtype : DType.values()) {
      for (ConformanceJacobians.Point p : ConformanceJacobians.all()) {
        double rtol = dtype == DType.FLOAT32 ? 1e-4 : p.rtol();
        double atol = dtype == DType.FLOAT32 ? 1e-5 : p.atol();
        try (TensorScope scope = new TensorScope()) {
          Tensor j = scope.track(gpu.jacobian(spec(scope, p, dtype, false)));
          assertEquals(dtype, j.dtype());
          assertClose(p.expected(), j.toArray(), rtol, atol, p.id() + " on the GPU in " + dtype);
        }
      }
    }
  }

  @Test
  void batchedJacobiansMatchTheSingleOnes() {
    for (ConformanceJacobians.Point p : ConformanceJacobians.all()) {
      try (TensorScope scope = new TensorScope()) {
        Tensor single = scope.track(gpu.jacobian(spec(scope, p, DType.FLOAT64, false)));
        Tensor batch = scope.track(gpu.jacobianBatch(spec(scope, p, DType.FLOAT64, true)));
        assertArrayEquals(new int[] {3, p.indices().length, p.indices().length}, batch.shape());
        double[] b = batch.toArray();
        double[] s = single.toArray();
        for (int q = 0; q < 3; q++) {
          assertArrayEquals(s, java.util.Arrays.copyOfRange(b, q * s.length, (q + 1) * s.length),
              p.id() + ": batch entry " + q);
        }
      }
    }
  }

  @Test
  void eigenvaluesOfTheGpuJacobiansMatchTheReference() {
    int checked = 0;
    for (ConformanceJacobians.Point p : ConformanceJacobians.all()) {
      if (p.eigReal().length == 0 || p.dtype() != DType.FLOAT64) {
        continue;
      }
      try (TensorScope scope = new TensorScope()) {
        Tensor j = scope.track(gpu.jacobian(spec(scope, p, DType.FLOAT64, false)));
        Eigendecomposition e = gpu.eig(j, false);
        boolean[] used = new boolean[e.size()];
        for (int k = 0; k < p.eigReal().length; k++) {
          int match = -1;
          for (int q = 0; q < e.size() && match < 0; q++) {
            if (!used[q] && Math.hypot(e.real(q) - p.eigReal()[k], e.imag(q) - p.eigImag()[k]) <= 1e-7) {
              match = q;
            }
          }
          assertTrue(match >= 0, p.id() + ": no eigenvalue near " + p.eigReal()[k] + "+"
              + p.eigImag()[k] + "i in " + e);
          used[match] = true;
        }
        checked++;
      }
    }
    assertTrue(checked > 0);
  }

  @Test
  void closingFreesDeviceMemory() {
    CudaBackend cuda = (CudaBackend) gpu;
    int before = cuda.openTensors();
    List<Tensor> made = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      made.add(gpu.zeros(64, 64));
    }
    assertEquals(before + 10, cuda.openTensors());
    made.forEach(Tensor::close);
    made.forEach(Tensor::close); // idempotent
    assertEquals(before, cuda.openTensors());
  }

  /** The case's spec with tensors on the GPU; batched specs repeat the point three times. */
  private JacobianSpec spec(TensorScope scope, ConformanceJacobians.Point p, DType dtype,
      boolean batched) {
    int n = p.n();
    Tensor w = scope.track(gpu.fromArray(p.w(), dtype, n, n));
    double[] x = p.x();
    Tensor point;
    if (batched) {
      double[] three = new double[3 * n];
      for (int q = 0; q < 3; q++) {
        System.arraycopy(x, 0, three, q * n, n);
      }
      point = scope.track(gpu.fromArray(three, dtype, 3, n));
    } else {
      point = scope.track(gpu.fromArray(x, dtype, n));
    }
    Tensor d = scope.track(gpu.activateDerivative(p.activation(), point));
    IndexRanges idx = ranges(p.indices());
    JacobianSpec.Builder b = JacobianSpec.builder(w).identity(p.a()).scale(p.b()).rows(idx)
        .columns(idx);
    return (p.elman() ? b.rowScale(d) : b.columnScale(d)).build();
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
}
