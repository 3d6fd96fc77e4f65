package org.mrnn4j.examples.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

/** What an application with the README's two dependencies gets at run time. */
class ConsumerTest {

  @Test
  void nd4jIsAvailableOnThePinnedOpenBlas() {
    BackendInfo nd4j = Backends.list().stream().filter(b -> b.name().equals("nd4j")).findFirst()
        .orElseThrow(() -> new AssertionError("no nd4j backend found: " + Backends.list()));
    assertTrue(nd4j.available(), "nd4j is not available: " + nd4j.detail());
    // the probe names the org.bytedeco:openblas jar it loaded: ND4J's own 0.3.19 is wrong on
    // AVX-512 CPUs, mrnn4j-backend-nd4j pins 0.3.31
    assertTrue(nd4j.detail().contains("OpenBLAS 0.3.31-1.5.13"), nd4j.detail());
  }

  @Test
  void nd4jComputesAnEigendecomposition() {
    try (Backend backend = Backends.select("nd4j");
        Tensor a = backend.fromArray(new double[] {2, 1, 1, 2}, 2, 2)) {
      assertEquals("nd4j", backend.name());
      Eigendecomposition e = backend.eig(a, false);
      double[] re = e.realParts().clone();
      Arrays.sort(re);
      assertArrayEquals(new double[] {1, 3}, re, 1e-12);
    }
  }

  @Test
  void aSmallNetworkGetsThePureJavaBackendInOneCall() {
    // below BackendSelector.NATIVE_FROM units, loading ND4J costs more than the analysis
    try (Backend small = Backends.forUnits(30); Backend large = Backends.forUnits(512)) {
      assertEquals("ejml", small.name());
      assertEquals("nd4j", large.name());
    }
  }
}
