package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.testkit.ConformanceData;

/** {@code mrnn4j continue}, run in-process through {@link Main}, on the flip-flop checkpoint. */
class ContinueCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "continue";
    System.arraycopy(args, 0, all, 1, args.length);
    return MainTest.run(all);
  }

  @Test
  void inputContinuationWritesReportArraysAndDiagramAndMatchesFixedPointsAtTheEnd()
      throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "-p", "input", "--direction", "1,0,0", "--to",
        "0.5", "--npy", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("27 fixed points at s = 0"), r.out());
    assertTrue(r.out().contains("fold at s = "), r.out());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-continuation.json").toFile());
    assertEquals("mrnn4j-continuation", json.get("format").asText());
    assertEquals("input", json.get("parameter").get("kind").asText());
    int atEnd = 0;
    int fromStart = 0;
    for (JsonNode b : json.get("branches")) {
      assertEquals("end_of_range", b.get("stop_reason").asText(), b.toString());
      double end = b.get("end").get("parameter").asDouble();
      assertTrue(end == 0.5 || end == 0.0, b.toString());
      atEnd += end == 0.5 ? 1 : 0;
      // a branch that returns to s = 0 covers two of the 27 points
      fromStart += end == 0.0 ? 2 : 1;
      assertTrue(b.get("end").get("q").asDouble() < 1e-20);
    }
    assertEquals(27, fromStart, "every fixed point at s = 0 on exactly one branch end");
    for (JsonNode f : json.get("bifurcations")) {
      assertTrue(f.get("located").asBoolean(), f.toString());
      assertTrue(f.get("eigenvalues").size() >= 1);
    }
    // independent: the fixed-point search at the end value, as a user would run it
    Path fp = dir.resolve("fp");
    Run search = MainTest.run("fixed-points", ckpt.toString(), "-b", "ejml", "--input",
        "0.5,0,0", "-o", fp.toString(), "--no-plot");
    assertEquals(0, search.status(), search.err());
    JsonNode fps = JSON.readTree(fp.resolve("flip_flop_rnn_leaky-fixed-points.json").toFile());
    assertEquals(fps.get("summary").get("fixed_points").asInt(), atEnd);
    for (String suffix : new String[] {"parameter", "states", "unstable", "eigenvalues"}) {
      assertTrue(Files.size(dir.resolve("flip_flop_rnn_leaky-branch-1-" + suffix + ".npy")) > 80);
    }
    byte[] png = Files.readAllBytes(dir.resolve("flip_flop_rnn_leaky-continuation.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
  }

  /** With --readout, each branch's outputs.npy is W tanh(x) + b of its states, by hand. */
  @Test
  void readoutOutputsAlongEachBranchAreTheCaseReadoutOfTheBranchStates() throws Exception {
    JsonNode c = JSON.readTree(ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json")
        .toFile());
    JsonNode w = c.get("readout").get("weight");
    JsonNode bias = c.get("readout").get("bias");
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "-p", "input", "--direction", "1,0,0", "--to",
        "0.1", "--readout", "out_layer", "--npy", "--coordinate", "output:2", "-o",
        dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(Files.size(dir.resolve("flip_flop_rnn_leaky-continuation.png")) > 1000);
    NumpyArrays.NdArray xs = NumpyArrays.readNpy(dir.resolve(
        "flip_flop_rnn_leaky-branch-1-states.npy"));
    NumpyArrays.NdArray ys = NumpyArrays.readNpy(dir.resolve(
        "flip_flop_rnn_leaky-branch-1-outputs.npy"));
    int points = xs.shape()[0];
    int n = xs.shape()[1];
    assertArrayEquals(new int[] {points, 3}, ys.shape());
    for (int p = 0; p < points; p++) {
      for (int o = 0; o < 3; o++) {
        double y = bias.get(o).asDouble();
        for (int k = 0; k < n; k++) {
          y += w.get(o).get(k).asDouble() * Math.tanh(xs.data()[p * n + k]);
        }
        assertEquals(y, ys.data()[p * 3 + o], 1e-12);
      }
    }
  }

  @Test
  void anOutputCoordinateNeedsAReadoutAndAnOutputItHas() {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run none = run(ckpt.toString(), "-b", "ejml", "-p", "input", "--direction", "1,0,0", "--to",
        "0.02", "--coordinate", "output:1", "-o", dir.toString());
    assertEquals(2, none.status(), none.err());
    assertTrue(none.err().contains("the model has no readout"), none.err());
    Run four = run(ckpt.toString(), "-b", "ejml", "-p", "input", "--direction", "1,0,0", "--to",
        "0.02", "--readout", "out_layer", "--coordinate", "output:4", "-o", dir.toString());
    assertEquals(2, four.status(), four.err());
    assertTrue(four.err().contains("K from 1 to 3"), four.err());
  }

  @Test
  void checkpointWithItselfPairsEveryPointAndGainNamesUnknownRegions() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "-p", "checkpoint:" + ckpt, "--input", "0.2",
        "--coordinate", "region:exc", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-continuation.json").toFile());
    assertEquals(json.get("fixed_points_at_start").asInt(),
        json.get("fixed_points_at_end").asInt());
    for (JsonNode p : json.get("pairings")) {
      assertTrue(p.get("end_point").isInt(), p.toString());
    }
    for (JsonNode b : json.get("branches")) {
      JsonNode s = b.get("start").get("state");
      JsonNode e = b.get("end").get("state");
      for (int i = 0; i < s.size(); i++) {
        assertEquals(s.get(i).asDouble(), e.get(i).asDouble(), 1e-10);
      }
    }
    Run bad = run(ckpt.toString(), "-b", "ejml", "-p", "gain:exc->cortex", "-o", dir.toString());
    assertEquals(Main.USER_ERROR, bad.status());
    assertTrue(bad.err().contains("'cortex'") && bad.err().contains("exc, inhib"), bad.err());
    Run syntax = run(ckpt.toString(), "-b", "ejml", "-p", "gain:exc", "-o", dir.toString());
    assertEquals(Main.USER_ERROR, syntax.status());
    assertTrue(syntax.err().contains("expected gain:SRC->DST"), syntax.err());
  }
}
