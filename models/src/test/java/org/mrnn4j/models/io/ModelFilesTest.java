package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/** mrnn4j's own model file round-trips exactly. */
class ModelFilesTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static void assertSameModel(RecurrentModel a, RecurrentModel b) {
    assertEquals(a.spec(), b.spec());
    assertEquals(a.parameters(), b.parameters());
    assertEquals(a.parameters().sourceDType(), b.parameters().sourceDType());
    assertArrayEquals(a.recurrentWeights().toArray(), b.recurrentWeights().toArray(), 0.0);
    assertArrayEquals(a.inputWeights().toArray(), b.inputWeights().toArray(), 0.0);
    assertArrayEquals(a.tonicInput().toArray(), b.tonicInput().toArray(), 0.0);
    double[] inputs = new double[3 * a.numInputs()];
    for (int k = 0; k < inputs.length; k++) {
      inputs[k] = Math.sin(k + 1.0);
    }
    try (Tensor u = backend.fromArray(inputs, 1, 3, a.numInputs());
         Trajectory ta = a.simulate(Simulation.of(u));
         Trajectory tb = b.simulate(Simulation.of(u))) {
      assertArrayEquals(ta.hs().toArray(), tb.hs().toArray(), 0.0);
    }
  }

  @Test
  void freshNetworksRoundTripBitForBit(@TempDir Path tmp) throws IOException {
    try (LeakyMRNN leaky = LeakyMRNN.builder().activation("softplus").dt(3).tau(7)
            .spectralRadius(1.3).noiseLevels(0.05, 0.02).seed(99).inputConstrained(false)
            .recurrentRegion(RecurrentRegion.of("a", 4).baseFiring(0.3).init(-0.1).parent("p"))
            .recurrentRegion(RecurrentRegion.of("b", 3).inhibitory().parent("p"))
            .inputRegion("u", 2)
            .recurrentConnection("a", "a", 0.25).recurrentConnection("a", "b")
            .recurrentConnection("b", "a", 0.5).inputConnection("u", "a")
            .build(backend);
         ElmanMRNN elman = ElmanMRNN.builder().recurrentConstrained(false).seed(4)
            .recurrentRegion("r", 5).inputRegion("u", 2)
            .recurrentConnection("r", "r", 0.2).inputConnection("u", "r")
            .build(backend)) {
      for (RecurrentModel m : new RecurrentModel[] {leaky, elman}) {
        Path file = tmp.resolve(m.kind() + ".json");
        ModelFiles.save(m, file);
        try (RecurrentModel back = ModelFiles.load(file, backend)) {
          assertEquals(m.getClass(), back.getClass());
          assertSameModel(m, back);
        }
      }
    }
  }

  @Test
  void aFloat32CheckpointModelRoundTrips(@TempDir Path tmp) throws IOException {
    Path dir = ConformanceData.checkpoints();
    try (RecurrentModel m = CheckpointLoader.load(dir.resolve("flip_flop_rnn_leaky.pth"),
        dir.resolve("flip_flop_rnn_leaky.json"), backend)) {
      Path file = tmp.resolve("flipflop.json");
      ModelFiles.save(m, file);
      try (RecurrentModel back = ModelFiles.load(file, backend)) {
        assertEquals(DType.FLOAT32, back.parameters().sourceDType());
        assertEquals(m.spec(), back.spec());
        assertEquals(m.parameters(), back.parameters());
      }
    }
  }

  @Test
  void foreignOrNewerFilesAreRejected(@TempDir Path tmp) throws IOException {
    Path other = Files.writeString(tmp.resolve("other.json"), "{\"format\": \"keras\"}");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFiles.load(other, backend));
    assertEquals("format", e.location());
    Path newer = Files.writeString(tmp.resolve("newer.json"),
        "{\"format\": \"mrnn4j-model\", \"version\": 9}");
    e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(newer, backend));
    assertTrue(e.getMessage().contains("unsupported version 9"), e.getMessage());
    // parameters that do not fit the config
    try (ElmanMRNN m = ElmanMRNN.builder().recurrentRegion("r", 2).inputRegion("u", 1)
        .recurrentConnection("r", "r").inputConnection("u", "r").build(backend)) {
      var json = ModelFiles.toJson(m);
      ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("config")
          .get("recurrent_regions").get(0)).put("num_units", 3);
      Path bad = Files.writeString(tmp.resolve("bad.json"), json.toString());
      e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(bad, backend));
      assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
    }
  }
}
