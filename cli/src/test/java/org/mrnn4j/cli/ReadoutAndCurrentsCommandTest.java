package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.testkit.ConformanceData;

/** {@code --readout} in fixed-points, simulate and flow-field, and {@code mrnn4j currents}. */
class ReadoutAndCurrentsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode flipFlopCase() throws Exception {
    return JSON.readTree(ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json")
        .toFile());
  }

  /** W tanh(x) + b from the case file's readout, by hand. */
  private static double[] byHand(JsonNode c, double[] x) {
    JsonNode w = c.get("readout").get("weight");
    JsonNode b = c.get("readout").get("bias");
    double[] y = new double[w.size()];
    for (int o = 0; o < y.length; o++) {
      y[o] = b.get(o).asDouble();
      for (int k = 0; k < x.length; k++) {
        y[o] += w.get(o).get(k).asDouble() * Math.tanh(x[k]);
      }
    }
    return y;
  }

  private static double[] doubles(JsonNode a) {
    double[] v = new double[a.size()];
    for (int k = 0; k < v.length; k++) {
      v[k] = a.get(k).asDouble();
    }
    return v;
  }

  @Test
  void fixedPointsCarryTheReadoutsOutput() throws Exception {
    JsonNode c = flipFlopCase();
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = MainTest.run("fixed-points", ckpt.toString(), "-b", "ejml", "--readout", "out_layer",
        "-n", "64", "--npy", "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("STARTS  OUTPUT"), r.out());
    assertTrue(r.out().matches("(?s).*stable node .*\\([+-]\\d\\.\\d\\d, [+-]\\d\\.\\d\\d,"
        + " [+-]\\d\\.\\d\\d\\).*"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-fixed-points.json").toFile());
    JsonNode model = json.get("model");
    assertEquals("checkpoint keys out_layer.weight, out_layer.bias",
        model.get("readout").get("source").asText());
    assertEquals(3, model.get("readout").get("outputs").asInt());
    assertEquals(0, model.get("unused_checkpoint_keys").size());
    NumpyArrays.NdArray ys = NumpyArrays.readNpy(
        dir.resolve("flip_flop_rnn_leaky-fixed-point-outputs.npy"));
    JsonNode points = json.get("fixed_points");
    assertArrayEquals(new int[] {points.size(), 3}, ys.shape());
    for (int k = 0; k < points.size(); k++) {
      double[] expected = byHand(c, doubles(points.get(k).get("full_state")));
      assertArrayEquals(expected, doubles(points.get(k).get("output")), 1e-12);
      for (int o = 0; o < 3; o++) {
        assertEquals(expected[o], ys.data()[k * 3 + o], 1e-12);
      }
    }
  }

  /** No readout: no OUTPUT column, no output keys, no readout block. */
  @Test
  void withoutAReadoutNothingIsAdded() throws Exception {
    Run r = MainTest.run("fixed-points", "-b", "ejml", "-n", "16", "--npy", "--no-plot", "-o",
        dir.toString());
    assertEquals(0, r.status(), r.err());
    assertFalse(r.out().contains("OUTPUT"), r.out());
    assertTrue(r.out().contains("SPECTRAL RADIUS           Q  STARTS\n"), r.out());
    String text = Files.readString(dir.resolve("example-fixed-points.json"));
    assertFalse(text.contains("\"output\""), text);
    assertFalse(text.contains("readout"), text);
    assertFalse(Files.exists(dir.resolve("example-fixed-point-outputs.npy")));
  }

  /** The checkpoint's out_layer is suggested on stderr and in the report, never applied. */
  @Test
  void anUnusedLinearPairIsSuggested() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_elman.pth");
    Run r = MainTest.run("simulate", ckpt.toString(), "-b", "ejml", "--steps", "3", "-o",
        dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("pass --readout out_layer"), r.err());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_elman-simulation.json").toFile());
    assertTrue(json.get("model").get("readout_hint").asText().contains("--readout out_layer"));
    assertNull(json.get("model").get("readout"));
    assertFalse(Files.exists(dir.resolve("flip_flop_rnn_elman-ys.npy")));
  }

  /** simulate --readout FILE.npz: ys = W hs + b by hand at every step; wrong shapes refused. */
  @Test
  void simulateWritesTheOutputsOverTime() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_elman.pth");
    double[] w = new double[2 * 30];
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.sin(k);
    }
    Path wFile = dir.resolve("w.npy");
    NumpyArrays.writeNpy(wFile, new int[] {2, 30}, w);
    Run r = MainTest.run("simulate", ckpt.toString(), "-b", "ejml", "--steps", "12", "-u",
        "1,0,-1", "--readout", wFile.toString(), "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    NumpyArrays.NdArray hs = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_elman-hs.npy"));
    NumpyArrays.NdArray ys = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_elman-ys.npy"));
    assertArrayEquals(new int[] {1, 12, 2}, ys.shape());
    for (int t = 0; t < 12; t++) {
      for (int o = 0; o < 2; o++) {
        double y = 0;
        for (int k = 0; k < 30; k++) {
          y += w[o * 30 + k] * hs.data()[t * 30 + k];
        }
        assertEquals(y, ys.data()[t * 2 + o], 1e-12);
      }
    }
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_elman-simulation.json").toFile());
    assertEquals("flip_flop_rnn_elman-ys.npy", json.get("files").get("ys").asText());

    Path bad = dir.resolve("bad.npy");
    NumpyArrays.writeNpy(bad, new int[] {2, 21}, new double[42]);
    r = MainTest.run("simulate", ckpt.toString(), "-b", "ejml", "--steps", "2", "--readout",
        bad.toString(), "-o", dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("bad.npy") && r.err().contains("[2, 21]")
        && r.err().contains("[O, 30]"), r.err());
  }

  /** flow-field's fixed points carry the output in the table and the JSON. */
  @Test
  void flowFieldMarkersCarryTheOutput() throws Exception {
    JsonNode c = flipFlopCase();
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = MainTest.run("flow-field", ckpt.toString(), "-b", "ejml", "--readout", "out_layer",
        // at zero input the network rests at its initial state: the plane is fixed point 1's
        "-u", "0", "--plane", "eigen:1", "--steps", "50", "--grid", "5", "--fixed-points", "-o",
        dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("  OUTPUT"), r.out());
    JsonNode points = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-flow-field.json").toFile())
        .get("fixed_points");
    assertTrue(points.size() > 0);
    for (JsonNode p : points) {
      assertArrayEquals(byHand(c, doubles(p.get("state"))), doubles(p.get("output")), 1e-12);
    }
  }

  /**
   * currents along a simulation: summed over sources they equal the leaky update
   * (x_{t+1} - (1 - alpha) x_t) / alpha of simulate's own xs (x_0 = 0, the config's init), every
   * step and unit, to 1e-12; the region means sum to the region-mean drive.
   */
  @Test
  void currentsSumToTheSimulatedDrive() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run sim = MainTest.run("simulate", ckpt.toString(), "-b", "ejml", "--steps", "30", "-u",
        "1,0,-1", "-o", dir.toString());
    assertEquals(0, sim.status(), sim.err());
    Run r = MainTest.run("currents", ckpt.toString(), "-b", "ejml", "--steps", "30", "-u",
        "1,0,-1", "-o", dir.toString(), "--name", "c");
    assertEquals(0, r.status(), r.err());
    double[] xs = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-xs.npy")).data();
    NumpyArrays.NdArray unit = NumpyArrays.readNpy(dir.resolve("c-unit-currents.npy"));
    NumpyArrays.NdArray mean = NumpyArrays.readNpy(dir.resolve("c-currents.npy"));
    NumpyArrays.NdArray rms = NumpyArrays.readNpy(dir.resolve("c-currents-rms.npy"));
    assertArrayEquals(new int[] {30, 30, 4}, unit.shape());
    assertArrayEquals(new int[] {30, 2, 4}, mean.shape());
    assertArrayEquals(new int[] {30, 2, 4}, rms.shape());
    double alpha = 0.5; // dt 1, tau 2
    for (int t = 0; t < 30; t++) {
      double[] regionMean = new double[2];
      for (int k = 0; k < 30; k++) {
        double prev = t == 0 ? 0 : xs[(t - 1) * 30 + k];
        double drive = (xs[t * 30 + k] - (1 - alpha) * prev) / alpha;
        double sum = 0;
        for (int s = 0; s < 4; s++) {
          sum += unit.data()[(t * 30 + k) * 4 + s];
        }
        assertEquals(drive, sum, 1e-12, "step " + t + " unit " + k);
        regionMean[k < 21 ? 0 : 1] += drive / (k < 21 ? 21 : 9);
      }
      for (int a = 0; a < 2; a++) {
        double sum = 0;
        for (int s = 0; s < 4; s++) {
          sum += mean.data()[(t * 2 + a) * 4 + s];
        }
        assertEquals(regionMean[a], sum, 1e-12);
      }
    }
    JsonNode json = JSON.readTree(dir.resolve("c-currents.json").toFile());
    assertEquals("mrnn4j-currents", json.get("format").asText());
    assertEquals("[\"exc\",\"inhib\",\"inp\",\"bias\"]", json.get("sources").toString());
    assertEquals(2, json.get("average_rms").size());
    assertTrue(Files.size(dir.resolve("c-currents.png")) > 1000);

    // along given states (simulate's xs): entry t is the drive at state t
    Run s = MainTest.run("currents", ckpt.toString(), "-b", "ejml", "--states",
        dir.resolve("flip_flop_rnn_leaky-xs.npy").toString(), "-u", "1,0,-1", "-o",
        dir.toString(), "--name", "s", "--no-plot");
    assertEquals(0, s.status(), s.err());
    double[] su = NumpyArrays.readNpy(dir.resolve("s-unit-currents.npy")).data();
    for (int t = 0; t < 29; t++) {
      for (int k = 0; k < 30; k++) {
        double drive = (xs[(t + 1) * 30 + k] - (1 - alpha) * xs[t * 30 + k]) / alpha;
        double sum = 0;
        for (int q = 0; q < 4; q++) {
          sum += su[(t * 30 + k) * 4 + q];
        }
        assertEquals(drive, sum, 1e-12);
      }
    }
  }

  @Test
  void currentsRefuseMistakesByName() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Path seq = dir.resolve("seq.npy");
    NumpyArrays.writeNpy(seq, new int[] {2, 5, 3}, new double[30]);
    Run r = MainTest.run("currents", ckpt.toString(), "-b", "ejml", "--inputs", seq.toString(),
        "-o", dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("holds 2 sequences"), r.err());
    r = MainTest.run("currents", ckpt.toString(), "-b", "ejml", "--steps", "0", "-o",
        dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("--steps must be 1 or more"), r.err());
  }
}
