package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;
import org.mrnn4j.testkit.ConformanceData;

/** The readout beside the mRNN: read from checkpoints and NumPy files, applied to h = act(x). */
class ReadoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static ModelLoader.Request request(String readout) {
    return new ModelLoader.Request(null, false, null, 0, readout);
  }

  /**
   * {@code --readout out_layer} on the real flip-flop checkpoint: at the reference's 27 fixed
   * points the output equals {@code W tanh(x*) + b} computed here from the case file's readout.
   */
  @Test
  void flipFlopOutputsAtTheReferenceFixedPoints() throws IOException {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    JsonNode c = JSON.readTree(ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json")
        .toFile());
    ModelLoader.Loaded loaded = ModelLoader.load(null, ckpt, request("out_layer"), backend);
    try (var model = loaded.model()) {
      Readout r = loaded.readout();
      assertNotNull(r);
      assertEquals(3, r.outputs());
      assertEquals("checkpoint keys out_layer.weight, out_layer.bias", r.source());
      assertEquals(List.of(), loaded.unusedKeys());
      assertNull(loaded.readoutHint());
      JsonNode w = c.path("readout").path("weight");
      JsonNode b = c.path("readout").path("bias");
      JsonNode points = c.path("fixed_points").path("unique");
      assertEquals(27, points.size());
      int plusMinusOne = 0;
      for (JsonNode p : points) {
        double[] x = new double[30];
        for (int k = 0; k < 30; k++) {
          x[k] = p.path("xstar").get(k).asDouble();
        }
        double[] y = r.at(model, x, true);
        boolean allNearOne = true;
        for (int o = 0; o < 3; o++) {
          double expected = b.get(o).asDouble();
          for (int k = 0; k < 30; k++) {
            expected += w.get(o).get(k).asDouble() * Math.tanh(x[k]);
          }
          assertEquals(expected, y[o], 1e-12);
          allNearOne &= Math.abs(Math.abs(expected) - 1) < 0.1;
        }
        plusMinusOne += allNearOne ? 1 : 0;
      }
      // the 8 stable points of a 3-bit flip-flop read out as the 8 corners (+-1, +-1, +-1)
      assertTrue(plusMinusOne >= 8, "points reading out near the corners: " + plusMinusOne);
    }
  }

  /** Without --readout the pair is only suggested, and stays among the unused keys. */
  @Test
  void aLinearShapedPairIsSuggestedNotApplied() throws IOException {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    ModelLoader.Loaded loaded = ModelLoader.load(null, ckpt, request(null), backend);
    loaded.model().close();
    assertNull(loaded.readout());
    assertEquals("out_layer", loaded.readoutHint());
    assertEquals(List.of("out_layer.weight", "out_layer.bias"), loaded.unusedKeys());
  }

  @Test
  void readoutKeysAreTakenAutomaticallyAndShapesChecked(@TempDir Path tmp) throws IOException {
    Path config = Files.writeString(tmp.resolve("net.json"), CONFIG);
    Map<String, Object> t = valid();
    t.put("readout.weight", new double[][] {{1, 2}, {3, 4}, {5, 6}});
    t.put("readout.bias", new double[] {0.5, -0.5, 0});
    t.put("optimizer.step", new double[][] {{7}});
    Path ckpt = Files.write(tmp.resolve("net.pth"), stateDict(t));
    ModelLoader.Loaded loaded = ModelLoader.load(config, ckpt, request(null), backend);
    try (var model = loaded.model()) {
      Readout r = loaded.readout();
      assertNotNull(r);
      assertEquals(List.of("optimizer.step"), loaded.unusedKeys());
      // h = tanh(x) with x = (0.3, -0.2): y = W h + b by hand
      double h0 = Math.tanh(0.3);
      double h1 = Math.tanh(-0.2);
      double[] y = r.at(model, new double[] {0.3, -0.2}, true);
      assertEquals(1 * h0 + 2 * h1 + 0.5, y[0], 1e-15);
      assertEquals(3 * h0 + 4 * h1 - 0.5, y[1], 1e-15);
      assertEquals(5 * h0 + 6 * h1, y[2], 1e-15);
    }

    // a weight of the wrong width is refused naming the key, the shape found and the one expected
    Map<String, Object> bad = valid();
    bad.put("out.weight", new double[][] {{1, 2, 3}});
    Path badCkpt = Files.write(tmp.resolve("bad.pth"), stateDict(bad));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(config, badCkpt, request("out"), backend));
    assertTrue(e.getMessage().contains("out.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("[O, 2]"), e.getMessage());
    // a missing key names what the checkpoint holds
    ModelFormatException missing = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(config, badCkpt, request("nothing"), backend));
    assertTrue(missing.getMessage().contains("nothing.weight"), missing.getMessage());
    // a bias of the wrong length
    Map<String, Object> badBias = valid();
    badBias.put("out.weight", new double[][] {{1, 2}});
    badBias.put("out.bias", new double[] {1, 2});
    Path bb = Files.write(tmp.resolve("bb.pth"), stateDict(badBias));
    ModelFormatException eb = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(config, bb, request("out"), backend));
    assertTrue(eb.getMessage().contains("out.bias") && eb.getMessage().contains("[2]")
        && eb.getMessage().contains("[1]"), eb.getMessage());
  }

  @Test
  void readoutFromNumpyFiles(@TempDir Path tmp) throws IOException {
    Path config = Files.writeString(tmp.resolve("net.json"), CONFIG);
    Path npy = tmp.resolve("w.npy");
    NumpyArrays.writeNpy(npy, new int[] {1, 2}, new double[] {2, -1});
    ModelLoader.Loaded loaded = ModelLoader.load(config, null, request(npy.toString()), backend);
    try (var model = loaded.model()) {
      double[] y = loaded.readout().at(model, new double[] {0.1, 0.4}, true);
      assertEquals(2 * Math.tanh(0.1) - Math.tanh(0.4), y[0], 1e-15);
      assertNull(loaded.readout().bias());
    }
    Path wrong = tmp.resolve("wrong.npy");
    NumpyArrays.writeNpy(wrong, new int[] {2, 3}, new double[6]);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(config, null, request(wrong.toString()), backend));
    assertTrue(e.getMessage().contains("wrong.npy") && e.getMessage().contains("[2, 3]")
        && e.getMessage().contains("[O, 2]"), e.getMessage());
    // a key without a checkpoint is refused
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
        () -> ModelLoader.load(config, null, request("out_layer"), backend));
    assertTrue(k.getMessage().contains("no checkpoint"), k.getMessage());
  }

  private static final String CONFIG = """
      {"model": {"type": "leaky", "activation": "tanh", "rec_constrained": false,
                 "inp_constrained": false, "dt": 1, "tau": 2},
       "recurrent_regions": [{"name": "r", "num_units": 2, "sign": "pos"}],
       "input_regions": [{"name": "i", "num_units": 1, "sign": "pos"}],
       "recurrent_connections": [{"src_region": "r", "dst_region": "r"}],
       "input_connections": [{"src_region": "i", "dst_region": "r"}]}
      """;

  private static Map<String, Object> valid() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("W_rec", new double[][] {{0.5, 0.1}, {0.2, 0.3}});
    t.put("W_rec_mask", new double[][] {{1, 1}, {1, 1}});
    t.put("W_rec_sign_matrix", new double[][] {{1, 1}, {1, 1}});
    t.put("W_inp", new double[][] {{1}, {1}});
    t.put("W_inp_mask", new double[][] {{1}, {1}});
    t.put("W_inp_sign_matrix", new double[][] {{1}, {1}});
    return t;
  }

  /** A float64 state dict of matrices ({@code double[][]}) and vectors ({@code double[]}). */
  private static byte[] stateDict(Map<String, Object> tensors) {
    Pickle p = new Pickle().beginStateDict();
    Archive a = new Archive("archive/");
    int k = 0;
    for (Map.Entry<String, Object> e : tensors.entrySet()) {
      double[] flat;
      long[] shape;
      long[] stride;
      if (e.getValue() instanceof double[][] m) {
        flat = java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
        shape = new long[] {m.length, m[0].length};
        stride = new long[] {m[0].length, 1};
      } else {
        flat = (double[]) e.getValue();
        shape = new long[] {flat.length};
        stride = new long[] {1};
      }
      p.tensor(e.getKey(), "DoubleStorage", String.valueOf(k), flat.length, 0, shape, stride);
      a.put("data/" + k, CheckpointFixtures.doubles(ByteOrder.LITTLE_ENDIAN, flat));
      k++;
    }
    return a.pickle(p.endStateDict()).bytes();
  }
}
