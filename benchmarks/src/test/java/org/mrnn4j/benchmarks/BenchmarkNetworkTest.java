package org.mrnn4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RegionLayout;

class BenchmarkNetworkTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void hasTheDocumentedStructure() {
    try (LeakyMRNN model = BenchmarkNetwork.build(backend, 256)) {
      RegionLayout layout = model.layout();
      assertEquals(List.of("exc", "inh"), layout.recurrentRegionNames());
      assertEquals(new IndexRange(0, 204), layout.recurrentRange("exc")); // floor(0.8 * 256)
      assertEquals(new IndexRange(204, 256), layout.recurrentRange("inh"));
      assertEquals(List.of("inp"), layout.inputRegionNames());
      assertEquals(8, model.numInputs());
      assertEquals(Activation.TANH, model.activation());
      assertEquals(0.1, model.alpha(), 1e-15);

      // Dense and Dale's law on recurrent weights: every entry non-zero, columns of exc positive,
      // of inh negative.
      double[][] w = model.recurrentWeights().toMatrix();
      for (double[] row : w) {
        for (int j = 0; j < row.length; j++) {
          assertTrue(j < 204 ? row[j] > 0 : row[j] < 0, "W_rec column " + j + ": " + row[j]);
        }
      }
      // Dense, unconstrained input weights: non-zero, both signs.
      double[][] u = model.inputWeights().toMatrix();
      int positive = 0;
      int negative = 0;
      for (double[] row : u) {
        for (double v : row) {
          assertTrue(v != 0);
          positive += v > 0 ? 1 : 0;
          negative += v < 0 ? 1 : 0;
        }
      }
      assertTrue(positive > 0 && negative > 0, positive + " positive, " + negative + " negative");
    }
  }

  @Test
  void isTheSameNetworkEveryTime() {
    try (LeakyMRNN a = BenchmarkNetwork.build(backend, 64);
        LeakyMRNN b = BenchmarkNetwork.build(backend, 64)) {
      assertArrayEquals(a.recurrentWeights().toArray(), b.recurrentWeights().toArray());
      assertArrayEquals(a.inputWeights().toArray(), b.inputWeights().toArray());
    }
    assertArrayEquals(BenchmarkNetwork.operatingPoint(64), BenchmarkNetwork.operatingPoint(64));
  }

  @Test
  void rejectsNetworksTooSmallForTwoRegions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchmarkNetwork.build(backend, 4));
    assertTrue(e.getMessage().contains("n >= 5"), e.getMessage());
  }

  @Test
  void lastElementIsReadThroughABlock() {
    double[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    try (Tensor vector = backend.fromArray(data, 12);
        Tensor matrix = backend.fromArray(data, 4, 3);
        Tensor batch = backend.fromArray(data, 2, 3, 2)) {
      assertEquals(12, BenchmarkNetwork.lastElement(vector));
      assertEquals(12, BenchmarkNetwork.lastElement(matrix));
      assertEquals(12, BenchmarkNetwork.lastElement(batch));
    }
  }

  @Test
  void chunksHoldAtMost64MebibytesOfJacobians() {
    assertEquals(1000, BatchBenchmark.chunkSize(64, 1000)); // 4 Ki doubles each: all fit
    assertEquals(128, BatchBenchmark.chunkSize(256, 1000)); // 8 Mi / 64 Ki
    assertEquals(8, BatchBenchmark.chunkSize(1024, 1000)); // 8 Mi / 1 Mi
    assertEquals(1, BatchBenchmark.chunkSize(8192, 1000)); // one point is already 512 MiB
  }
}
