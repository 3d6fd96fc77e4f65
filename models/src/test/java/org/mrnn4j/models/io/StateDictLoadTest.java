package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.io.ModelLoader.Loaded;
import org.mrnn4j.models.io.ModelLoader.Request;
import org.mrnn4j.testkit.ConformanceData;

/**
 * A state dict held in memory ({@link TorchCheckpoint#of}, {@link ModelLoader#fromStateDict}),
 * as the Python package passes a PyTorch {@code state_dict} without a file: the same model as the
 * checkpoint file holding those tensors, and the same refusals, naming the key.
 */
class StateDictLoadTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** Every tensor of the checkpoint file, as a map a front end would build. */
  private static Map<String, StoredTensor> tensorsOf(Path pth) throws IOException {
    TorchCheckpoint file = TorchCheckpoint.read(pth);
    Map<String, StoredTensor> out = new LinkedHashMap<>();
    for (String key : file.keys()) {
      StoredTensor t = file.tensor(key);
      out.put(key, new StoredTensor(key, t.dtype(), t.shape(), t.data().clone()));
    }
    return out;
  }

  @Test
  void aStateDictInMemoryGivesTheModelOfTheCheckpointFile() throws IOException {
    Path dir = ConformanceData.checkpoints();
    Path json = dir.resolve("flip_flop_rnn_leaky.json");
    Path pth = dir.resolve("flip_flop_rnn_leaky.pth");
    Request request = new Request(null, false, null, 0, "out_layer");
    try (var fromFile = ModelLoader.load(json, pth, request, backend).model()) {
      Loaded memory = ModelLoader.fromStateDict(MrnnConfig.read(json), json,
          TorchCheckpoint.of("state_dict", tensorsOf(pth)), request, backend);
      try (var m = memory.model()) {
        assertArrayEquals(fromFile.recurrentWeights().toArray(), m.recurrentWeights().toArray());
        assertArrayEquals(fromFile.inputWeights().toArray(), m.inputWeights().toArray());
        double[] x = new double[30];
        for (int k = 0; k < x.length; k++) {
          x[k] = Math.sin(k);
        }
        assertArrayEquals(fromFile.step(x, new double[] {1, 0, -1}),
            m.step(x, new double[] {1, 0, -1}), 0.0);
        // the readout named by its prefix comes from the dict, and its keys are not "unused"
        double[] w = TorchCheckpoint.read(pth).tensor("out_layer.weight").data();
        assertEquals(3, memory.readout().outputs());
        assertArrayEquals(java.util.Arrays.copyOfRange(w, 0, 30), memory.readout().weight()[0]);
        assertTrue(memory.unusedKeys().isEmpty(), memory.unusedKeys().toString());
        assertEquals("state_dict", memory.checkpoint());
      }
    }
  }

  @Test
  void aMissingOrMisshapenTensorIsRefusedNamingTheKey() throws IOException {
    Path dir = ConformanceData.checkpoints();
    Path json = dir.resolve("flip_flop_rnn_leaky.json");
    Map<String, StoredTensor> tensors = tensorsOf(dir.resolve("flip_flop_rnn_leaky.pth"));
    String prefix = tensors.keySet().stream().filter(k -> k.endsWith("W_rec")).findFirst()
        .orElseThrow().replace("W_rec", "");
    Map<String, StoredTensor> missing = new LinkedHashMap<>(tensors);
    missing.remove(prefix + "W_inp");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.fromStateDict(MrnnConfig.read(json), json,
            TorchCheckpoint.of("state_dict", missing), Request.strict(0), backend));
    assertTrue(e.getMessage().contains("state_dict") && e.getMessage().contains("W_inp"),
        e.getMessage());

    Map<String, StoredTensor> wrong = new LinkedHashMap<>(tensors);
    wrong.put(prefix + "W_rec", new StoredTensor(prefix + "W_rec", DType.FLOAT64,
        new int[] {2, 2}, new double[4]));
    e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.fromStateDict(MrnnConfig.read(json), json,
            TorchCheckpoint.of("state_dict", wrong), Request.strict(0), backend));
    assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[30, 30]"),
        e.getMessage());
  }

  @Test
  void aBlankKeyIsRefused() {
    Map<String, StoredTensor> m = new LinkedHashMap<>();
    m.put(" ", new StoredTensor(" ", DType.FLOAT64, new int[] {1}, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.of("state_dict", m));
  }
}
