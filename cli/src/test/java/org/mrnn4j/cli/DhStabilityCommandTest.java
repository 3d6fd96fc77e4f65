package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.io.ModelFiles;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * {@code analyze --dh} and {@code fixed-points --dh} at a saddle of a network built here: three
 * tanh units, dt 1, tau 5 (alpha = 0.2), no bias, {@code W = [[2, 0, 0], [0, 0.5, 0.3], [0, -0.3,
 * 0.5]]}. At zero input {@code x = h = 0} is a fixed point with {@code act' = 1}, where the map's
 * Jacobian {@code 0.8 I + 0.2 W} has eigenvalues 1.2 and {@code 0.9 +- 0.06i}: a saddle with one
 * unstable mode. mRNNTorch's partial dh Jacobian {@code 0.2 W} there has eigenvalues 0.4 and
 * {@code 0.1 +- 0.06i} (none unstable), and divided by alpha, {@code W}, 2 and {@code 0.5 +-
 * 0.3i}.
 */
class DhStabilityCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[][] W = {{2, 0, 0}, {0, 0.5, 0.3}, {0, -0.3, 0.5}};

  @TempDir Path dir;
  private Path model;
  private Path saddle;

  @BeforeEach
  void saveTheNetwork() throws IOException {
    double[][] ones = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
    ModelParameters p = ModelParameters.of(W, ones, ones,
        new double[][] {{0.7}, {0.7}, {0.7}}, new double[][] {{1}, {1}, {1}},
        new double[][] {{1}, {1}, {1}}, DType.FLOAT64);
    model = dir.resolve("saddle.json");
    try (Backend b = Backends.select("ejml");
        LeakyMRNN m = LeakyMRNN.builder().activation("tanh").dt(1).tau(5)
            .recurrentConstrained(false).inputConstrained(false)
            .recurrentRegion(RecurrentRegion.of("r", 3).baseFiring(0))
            .inputRegion("u", 1)
            .recurrentConnection("r", "r").inputConnection("u", "r")
            .parameters(p).build(b)) {
      ModelFiles.save(m, model);
    }
    // the saddle, as a state (x = 0; h = tanh(0) = 0 too) at zero input
    saddle = dir.resolve("saddle-state.json");
    Files.writeString(saddle, "{\"states\": [[0, 0, 0]], \"inputs\": [[0]]}");
  }

  private JsonNode analyze(String name, String... extra) throws IOException {
    String[] base = {"analyze", model.toString(), "-b", "ejml", "--states", saddle.toString(),
        "-o", dir.toString(), "--name", name, "--no-plot"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    Run r = MainTest.run(all);
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("1 of 3"), "the table's UNSTABLE column:\n" + r.out());
    return JSON.readTree(dir.resolve(name + "-analysis.json").toFile());
  }

  private JsonNode fixedPoints(String name, String... extra) throws IOException {
    Path start = dir.resolve("start.json");
    Files.writeString(start, "[[0, 0, 0]]");
    String[] base = {"fixed-points", model.toString(), "-b", "ejml", "--input", "0", "-n", "0",
        "--initial-states", start.toString(), "-o", dir.toString(), "--name", name,
        "--no-plot"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    Run r = MainTest.run(all);
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("saddle (1 unstable)"), r.out());
    return JSON.readTree(dir.resolve(name + "-fixed-points.json").toFile());
  }

  /** The trap: the four commands agree on the unstable count at a fixed point. */
  @Test
  void analyzeAndFixedPointsAgreeAtASaddleWithAndWithoutDh() throws IOException {
    JsonNode x = analyze("x").get("points").get(0);
    JsonNode h = analyze("dh", "--dh").get("points").get(0);
    JsonNode fx = fixedPoints("fx").get("fixed_points").get(0);
    JsonNode fh = fixedPoints("fh", "--dh").get("fixed_points").get(0);
    for (JsonNode p : new JsonNode[] {x, h, fx, fh}) {
      assertEquals(1, p.get("unstable_modes").asInt(), p.toString());
      assertEquals(1.2, p.get("spectral_radius").asDouble(), 1e-12, p.toString());
    }
    assertEquals("saddle", fx.get("stability").asText());
    assertEquals("saddle", fh.get("stability").asText());
    // analyze --dh's stability keys are the map's, the same as analyze's
    assertEquals(x.get("eigenvalues"), h.get("eigenvalues"));
    assertEquals(x.get("growth_times"), h.get("growth_times"));
    assertEquals(x.get("continuous_eigenvalues"), h.get("continuous_eigenvalues"));
    // ... and the partial dh Jacobian's eigenvalues have their own keys
    assertEquals(0.4, h.get("partial_dh_spectral_radius").asDouble(), 1e-15);
    assertEquals(0.1, h.get("partial_dh_eigenvalues").get("real").get(1).asDouble(), 1e-15);
    assertEquals(0.06, Math.abs(h.get("partial_dh_eigenvalues").get("imag").get(1).asDouble()),
        1e-15);
    assertFalse(x.has("partial_dh_spectral_radius"), "only with --dh");
  }

  @Test
  void dhReportsBothScalingsOfThePartialJacobianNamedForWhatTheyAre() throws IOException {
    Run r = MainTest.run("analyze", model.toString(), "-b", "ejml", "--states",
        saddle.toString(), "-o", dir.toString(), "--name", "alpha", "--no-plot", "--dh", "--npy");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("partial dh Jacobian (x held fixed): not the Jacobian of the"
        + " network's map; its eigenvalues are not stability"), r.out());
    JsonNode alpha = JSON.readTree(dir.resolve("alpha-analysis.json").toFile());
    assertEquals("x", alpha.get("coordinates").asText());
    assertEquals("alpha", alpha.get("partial_dh").get("scaling").asText());
    assertTrue(alpha.get("partial_dh").get("mrnntorch").asText()
        .contains("dh=True, alpha_scaling=False"));
    // the npy files: STEM-jacobians.npy is the map's 0.8 I + 0.2 W, the partial one 0.2 W
    double[] map = NumpyArrays.readNpy(dir.resolve("alpha-jacobians.npy")).data();
    double[] part = NumpyArrays.readNpy(dir.resolve("alpha-partial-dh-jacobians.npy")).data();
    double[] in = NumpyArrays.readNpy(dir.resolve("alpha-partial-dh-input-jacobians.npy")).data();
    assertTrue(Files.exists(dir.resolve("alpha-partial-dh-eigenvalues.npy")));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals((i == j ? 0.8 : 0) + 0.2 * W[i][j], map[i * 3 + j], 1e-15);
        assertEquals(0.2 * W[i][j], part[i * 3 + j], 1e-15);
      }
    }
    assertArrayEquals(new double[] {0.14, 0.14, 0.14}, in, 1e-15);

    JsonNode none = analyze("none", "--dh", "--dh-scaling", "none");
    JsonNode p = none.get("points").get(0);
    assertEquals("none", none.get("partial_dh").get("scaling").asText());
    assertTrue(none.get("partial_dh").get("mrnntorch").asText().contains("alpha_scaling=True"));
    // divided by alpha: W's eigenvalues, 2 and 0.5 +- 0.3i; the stability is unchanged
    assertEquals(2.0, p.get("partial_dh_spectral_radius").asDouble(), 1e-14);
    assertEquals(0.5, p.get("partial_dh_eigenvalues").get("real").get(1).asDouble(), 1e-14);
    assertEquals(1, p.get("unstable_modes").asInt());
    assertEquals(1.2, p.get("spectral_radius").asDouble(), 1e-12);
  }

  @Test
  void theScalingOptionIsRefusedWhereItMeansNothing() {
    Run r = MainTest.run("analyze", model.toString(), "-b", "ejml", "--states",
        saddle.toString(), "-o", dir.toString(), "--dh-scaling", "none");
    assertEquals(Main.USER_ERROR, r.status());
    assertTrue(r.err().contains("--dh-scaling needs --dh"), r.err());
    r = MainTest.run("analyze", model.toString(), "--dh", "--dh-scaling", "half");
    assertEquals(Main.USER_ERROR, r.status(), r.err());
    assertTrue(r.err().contains("alpha") && r.err().contains("none"), r.err());
  }
}
