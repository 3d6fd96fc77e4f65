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
import org.mrnn4j.testkit.ConformanceData;

/** {@code mrnn4j fixed-points}, run in-process through {@link Main}. */
class FixedPointsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "fixed-points";
    System.arraycopy(args, 0, all, 1, args.length);
    return MainTest.run(all);
  }

  /** The checkpoint alone: its config is found beside it, as with {@code analyze}. */
  @Test
  void findsTheFlipFlopFixedPointsAndWritesReportAndPlot() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "--input", "0", "-n", "256", "--seed", "0",
        "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("27 fixed points (8 stable, 19 with unstable modes)"), r.out());
    assertTrue(r.out().contains("from checkpoint flip_flop_rnn_leaky.pth"), r.out());
    assertTrue(r.out().contains("stable focus") || r.out().contains("stable node"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-fixed-points.json").toFile());
    assertEquals("mrnn4j-fixed-points", json.get("format").asText());
    assertEquals(27, json.get("summary").get("fixed_points").asInt());
    assertEquals(8, json.get("summary").get("stable").asInt());
    assertTrue(json.get("summary").get("max_q").asDouble() < 1e-20);
    assertEquals(27, json.get("fixed_points").size());
    JsonNode first = json.get("fixed_points").get(0);
    assertEquals(30, first.get("state").size());
    assertEquals(30, first.get("eigenvalues").get("real").size());
    assertTrue(first.get("eigenvectors") == null, "eigenvectors only with --eigenvectors");
    // one record per start: the 256 sampled, then the midpoint round
    assertTrue(json.get("searches").size() >= 256);
    assertEquals(256, json.get("sampling").get("starts").asInt());
    byte[] png = Files.readAllBytes(dir.resolve("flip_flop_rnn_leaky-fixed-points.png"));
    assertTrue(png.length > 1000);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
  }

  @Test
  void elmanCheckpointWithConfigAndCheckpointOptions() throws Exception {
    Path dirs = ConformanceData.checkpoints();
    Run r = run("--config", dirs.resolve("flip_flop_rnn_elman.json").toString(),
        "--checkpoint", dirs.resolve("flip_flop_rnn_elman.pth").toString(), "-b", "ejml",
        "-o", dir.toString(), "--no-plot", "--name", "elman", "--eigenvectors");
    assertEquals(0, r.status(), r.err());
    JsonNode json = JSON.readTree(dir.resolve("elman-fixed-points.json").toFile());
    assertEquals("h", json.get("coordinates").asText());
    assertEquals("elman", json.get("model").get("kind").asText());
    assertEquals(8, json.get("summary").get("stable").asInt());
    JsonNode vectors = json.get("fixed_points").get(0).get("eigenvectors");
    assertEquals(30, vectors.get("real").size());
    assertEquals(30, vectors.get("imag").get(0).size());
    assertTrue(Files.notExists(dir.resolve("elman-fixed-points.png")));
  }

  /** With no model the bundled example is searched, exactly as {@code analyze} takes it. */
  @Test
  void noModelSearchesTheBundledExample() throws Exception {
    Run r = run("-n", "32", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("bundled example"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("example-fixed-points.json").toFile());
    assertEquals("x", json.get("coordinates").asText());
    assertEquals("bundled example", json.get("model").get("source").asText());
    assertEquals(32, json.get("searches").size());
    assertTrue(json.get("summary").get("max_q").asDouble() < 1e-20);
    assertTrue(Files.size(dir.resolve("example-fixed-points.png")) > 1000);
  }

  /** Starts given by the user only ({@code -n 0}): the reference's first stable point. */
  @Test
  void startsFromAFileOnly() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    JsonNode ref = JSON.readTree(ConformanceData.cases()
        .resolve("real-flipflop-leaky-tanh.json").toFile()).get("fixed_points").get("unique");
    JsonNode stable = null;
    for (JsonNode p : ref) {
      if (p.get("n_unstable").asInt() == 0 && p.get("qstar").asDouble() < 1e-12) {
        stable = p.get("xstar");
        break;
      }
    }
    Path starts = dir.resolve("starts.json");
    Files.writeString(starts, "[" + stable + "]");
    Run r = run(ckpt.toString(), "-b", "ejml", "-n", "0", "--initial-states", starts.toString(),
        "-o", dir.toString(), "--no-plot");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("1 fixed point (1 stable, 0 with unstable modes)"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-fixed-points.json").toFile());
    assertEquals(1, json.get("searches").size());
    JsonNode found = json.get("fixed_points").get(0).get("state");
    for (int i = 0; i < found.size(); i++) {
      assertEquals(stable.get(i).asDouble(), found.get(i).asDouble(), 1e-3);
    }
  }

  @Test
  void mistakesAreReportedByName() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "--input", "1,2", "-o", dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("--input has 2 values; the model has 3 input units"), r.err());

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "1, 2\n");
    r = run(ckpt.toString(), "-b", "ejml", "--initial-states", bad.toString(), "-o",
        dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("has 2 values; expected 30"), r.err());

    r = run("--held", "1,2", "-o", dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("--held needs --regions"), r.err());

    r = run("-n", "0", "-o", dir.toString());
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("--starts must be at least 1"), r.err());
  }
}
