package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;

/** {@code mrnn4j flow-field}, run in-process through {@link Main}. */
class FlowFieldCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "flow-field";
    System.arraycopy(args, 0, all, 1, args.length);
    return MainTest.run(all);
  }

  private static double[] array(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asDouble();
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * The report's nonlinear velocities are one step of the network from the grid points, as
   * computed here from the report's own plane and grid; its fixed points project onto the plane
   * where it says; and one PNG per state is written, both fields side by side.
   */
  @Test
  void theReportHoldsTheNetworksStepOnItsPlaneAndAPicturePerState() throws Exception {
    Path ckpts = ConformanceData.checkpoints();
    Path ckpt = ckpts.resolve("flip_flop_rnn_leaky.pth");
    Run r = run(ckpt.toString(), "-b", "ejml", "-u", "1,0,0", "--steps", "0,3,50", "--grid",
        "7", "--fixed-points", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("stable focus"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-flow-field.json").toFile());
    assertEquals("mrnn4j-flow-field", json.get("format").asText());
    assertEquals(1, json.get("version").asInt());
    assertEquals("leaky", json.get("model").get("kind").asText());
    JsonNode plane = json.get("plane");
    double[] mean = array(plane.get("mean"));
    double[] c0 = array(plane.get("components").get(0));
    double[] c1 = array(plane.get("components").get(1));
    assertEquals(30, mean.length);
    assertEquals(1.0, dot(c0, c0), 1e-12);
    assertEquals(0.0, dot(c0, c1), 1e-12);
    assertEquals(3, json.get("states").size());
    assertEquals(51, json.get("trajectory").size());
    try (Backend b = Backends.select("ejml");
        RecurrentModel model = CheckpointLoader.load(ckpt, ckpts.resolve(
            "flip_flop_rnn_leaky.json"), b)) {
      for (JsonNode s : json.get("states")) {
        double[] xs = array(s.get("x_axis"));
        double[] ys = array(s.get("y_axis"));
        assertEquals(7, xs.length);
        JsonNode vx = s.get("nonlinear").get("x_vels");
        JsonNode vy = s.get("nonlinear").get("y_vels");
        for (int i = 0; i < 7; i += 3) {
          for (int j = 0; j < 7; j += 2) {
            double[] x = new double[30];
            for (int k = 0; k < 30; k++) {
              x[k] = mean[k] + xs[i] * c0[k] + ys[j] * c1[k];
            }
            double[] next;
            try (Tensor xt = b.fromArray(x, 1, 30);
                Tensor ut = b.fromArray(new double[] {1, 0, 0}, 1, 3);
                Tensor nt = model.step(xt, ut, null)) {
              next = nt.toArray();
            }
            for (int k = 0; k < 30; k++) {
              next[k] -= mean[k];
            }
            assertEquals(dot(c0, next) - xs[i], vx.get(i).get(j).asDouble(), 1e-12);
            assertEquals(dot(c1, next) - ys[j], vy.get(i).get(j).asDouble(), 1e-12);
          }
        }
        assertEquals(7, s.get("linear").get("speeds").size());
      }
    }
    JsonNode fps = json.get("fixed_points");
    assertTrue(fps.size() >= 1, "fixed points: " + fps);
    for (JsonNode p : fps) {
      double[] state = array(p.get("state"));
      for (int k = 0; k < 30; k++) {
        state[k] -= mean[k];
      }
      assertEquals(dot(c0, state), p.get("plane").get(0).asDouble(), 1e-12);
      assertEquals(dot(c1, state), p.get("plane").get(1).asDouble(), 1e-12);
    }
    for (String step : new String[] {"00", "03", "50"}) {
      Path png = dir.resolve("flip_flop_rnn_leaky-flow-field-step" + step + ".png");
      BufferedImage image = ImageIO.read(png.toFile());
      assertEquals(2 * 900, image.getWidth(), png + ": two panels");
    }
  }

  @Test
  void aGivenPlaneAndRegionsOnTheElmanModel() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_elman.pth");
    // the plane over the 21 excitatory units: the first two unit axes
    double[] mean = new double[21];
    StringBuilder a = new StringBuilder("[1");
    StringBuilder c = new StringBuilder("[0, 1");
    for (int k = 1; k < 21; k++) {
      a.append(", 0");
      if (k > 1) {
        c.append(", 0");
      }
    }
    Path planeFile = dir.resolve("plane.json");
    Files.writeString(planeFile, "{\"mean\": " + java.util.Arrays.toString(mean)
        + ", \"components\": [" + a + "], " + c + "]]}");
    Run r = run(ckpt.toString(), "-b", "ejml", "-u", "1,0,0", "--steps", "10", "--regions",
        "exc", "--cancel-others", "--plane", planeFile.toString(), "--follow", "--nonlinear",
        "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode json = JSON.readTree(dir.resolve("flip_flop_rnn_elman-flow-field.json").toFile());
    assertEquals("exc", json.get("regions").get(0).asText());
    assertTrue(json.get("cancel_other_regions").asBoolean());
    JsonNode s = json.get("states").get(0);
    assertTrue(s.get("linear") == null, "--nonlinear: no linear field");
    assertEquals(20, s.get("nonlinear").get("x_vels").size());
    assertTrue(Files.notExists(dir.resolve("flip_flop_rnn_elman-flow-field-step10.png")));

    // a plane of the wrong dimension names the file, the field and both sizes
    r = run(ckpt.toString(), "-b", "ejml", "--plane", planeFile.toString(), "--no-plot",
        "-o", dir.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("plane.json") && r.err().contains("mean")
        && r.err().contains("30"), r.err());
  }

  @Test
  void badOptionsAreRefusedNamingTheOption() {
    Run r = run("--grid", "1");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--grid must be at least 2"), r.err());
    r = run("--follow", "--center", "0,0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--center") && r.err().contains("--follow"), r.err());
    r = run("--linear", "--nonlinear");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--linear and --nonlinear"), r.err());
    r = run("--regions", "nope");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("'nope'"), r.err());
  }
}
