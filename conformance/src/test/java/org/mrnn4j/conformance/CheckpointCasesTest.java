package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.TorchCheckpoint;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The real checkpoints of the conformance data, loaded by the models' checkpoint reader, against
 * their cases (moved from the models' CheckpointLoaderTest: the case model lives here).
 */
class CheckpointCasesTest {
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
  void flipFlopLeakyReproducesItsCase() throws IOException {
    Path dir = ConformanceData.checkpoints();
    try (RecurrentModel m = CheckpointLoader.load(dir.resolve("flip_flop_rnn_leaky.pth"),
        dir.resolve("flip_flop_rnn_leaky.json"), backend)) {
      assertEquals(ModelKind.LEAKY, m.kind());
      assertEquals(0.5, ((LeakyMRNN) m).alpha());
      assertEquals(DType.FLOAT32, m.parameters().sourceDType());
      assertEquals("rnn.", CheckpointLoader.detectPrefix(
          TorchCheckpoint.read(dir.resolve("flip_flop_rnn_leaky.pth"))));
      ConformanceCase c = ConformanceCase.read(
          ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json"));
      assertEquals(DType.FLOAT32, c.dtype());
      assertEquals(List.of(), ModelConformance.checkSimulations(c, m));
      // the case's state dict and the checkpoint hold the same float32 weights
      assertArrayEquals(flat(c.parameters().recurrentWeights()),
          flat(m.parameters().recurrentWeights()), 0.0);
    }
  }

  @Test
  void cbgtclReproducesItsCase() throws IOException {
    Path dir = ConformanceData.checkpoints();
    try (RecurrentModel m = CheckpointLoader.load(dir.resolve("cbgtcl-leaky.pth"),
        dir.resolve("cbgtcl-leaky.json"), backend)) {
      assertEquals(350, m.numUnits());
      assertEquals(DType.FLOAT64, m.parameters().sourceDType());
      ConformanceCase c = ConformanceCase.read(
          ConformanceData.cases().resolve("real-cbgtcl-leaky-relu.json"));
      assertEquals(List.of(), ModelConformance.checkExpect(c, m));
      assertEquals(List.of(), ModelConformance.checkSimulations(c, m));
      assertEquals(c.parameters(), m.parameters());
    }
  }

  private static double[] flat(double[][] m) {
    return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
  }
}
