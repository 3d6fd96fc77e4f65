package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.io.ModelFiles;

/**
 * {@code mrnn4j flow-field} on a network written by the test (tanh, no bias: the origin is a
 * fixed point), with states and a plane written by the test: the grid where it was asked, the
 * plane through the state, fixed points' distance from the plane, the eigen-plane, and a blank
 * field refused.
 */
class FlowFieldCommandPlaneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Backend backend;

  @TempDir Path dir;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A 6-unit leaky tanh network with no bias, saved as an mrnn4j model file. */
  private Path network(double dt) throws Exception {
    Path file = dir.resolve("net.json");
    try (LeakyMRNN m = ModelBuilder.leaky().activation("tanh").dt(dt).tau(40)
        .recurrentConstrained(false).inputConstrained(false).seed(21)
        .recurrentRegion("a", 6).inputRegion("u", 1)
        .recurrentConnection("a", "a").inputConnection("u", "a").build(backend)) {
      ModelFiles.save(m, file);
    }
    return file;
  }

  /** The plane over the 6 units: mean {@code mean}, components the first two unit axes. */
  private Path plane(double... mean) throws Exception {
    Path file = dir.resolve("plane.json");
    Files.writeString(file, "{\"mean\": " + java.util.Arrays.toString(mean)
        + ", \"components\": [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]]}");
    return file;
  }

  private Path states(String... lines) throws Exception {
    Path file = dir.resolve("states.csv");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "flow-field";
    System.arraycopy(args, 0, all, 1, args.length);
    return MainTest.run(all);
  }

  private JsonNode report() throws Exception {
    return JSON.readTree(dir.resolve("net-flow-field.json").toFile());
  }

  private long pngs() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".png")).count();
    }
  }

  @Test
  void theFollowedGridIsCentredOnTheStateWithTheHalfWidthsAsked() throws Exception {
    Path net = network(10);
    Path states = states("1.37, 0.002, 0.1, -0.1, 0.2, 0");
    Run r = run(net.toString(), "-b", "ejml", "--states", states.toString(), "--plane",
        plane(0, 0, 0, 0, 0, 0).toString(), "--follow", "--offset", "0.5,0.04", "--grid", "5",
        "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("half-widths 0.5 x 0.04, centred on each state"), r.out());
    JsonNode s = report().get("states").get(0);
    assertEquals("exact", report().get("grid").get("rounding").asText());
    // the state's plane coordinates are its first two units: the grid is centred on them
    double[] xs = {0.87, 1.12, 1.37, 1.62, 1.87};
    double[] ys = {0.002 - 0.04, 0.002 - 0.02, 0.002, 0.002 + 0.02, 0.002 + 0.04};
    for (int i = 0; i < 5; i++) {
      assertEquals(xs[i], s.get("x_axis").get(i).asDouble(), 1e-15, "x_axis " + i);
      assertEquals(ys[i], s.get("y_axis").get(i).asDouble(), 1e-15, "y_axis " + i);
    }
    assertEquals(1.37, s.get("x_axis").get(2).asDouble(), 0.0);
    assertEquals(0.002, s.get("y_axis").get(2).asDouble(), 0.0);
    assertTrue(s.get("nonlinear").get("blank").isNull());
    assertEquals(1, pngs());

    // mRNNTorch's layout on request: bounds 0.87, 1.87 rounded to 0.9, 1.9; -0.038 and 0.042
    // both to 0, a grid of zero height that is refused, not drawn
    Files.delete(dir.resolve("net-flow-field-state1.png"));
    r = run(net.toString(), "-b", "ejml", "--states", states.toString(), "--plane",
        plane(0, 0, 0, 0, 0, 0).toString(), "--follow", "--offset", "0.5,0.04", "--grid", "5",
        "--grid-rounding", "mrnntorch", "-o", dir.toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("zero width along axis 2")
        && r.err().contains("--grid-rounding exact"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    s = report().get("states").get(0);
    assertEquals("mrnntorch", report().get("grid").get("rounding").asText());
    assertEquals(0.9, s.get("x_axis").get(0).asDouble(), 1e-15);
    assertEquals(1.9, s.get("x_axis").get(4).asDouble(), 1e-15);
    assertEquals(0.0, s.get("y_axis").get(0).asDouble(), 0.0);
    assertEquals(0.0, s.get("y_axis").get(4).asDouble(), 0.0);
    assertEquals(0, pngs());
  }

  @Test
  void onThePlaneThroughTheStateTheFieldsVanishAtAFixedPoint() throws Exception {
    Path net = network(10);
    // the origin (a fixed point) and another state; the plane's mean lies 1.84 off the origin
    Path states = states("0, 0, 0, 0, 0, 0", "0.3, -0.2, 0.1, 0.4, -0.1, 0.2");
    Path plane = plane(0.1, -0.1, 1.84, 0, 0, 0);
    for (String through : new String[] {"mean", "state"}) {
      Run r = run(net.toString(), "-b", "ejml", "--states", states.toString(), "--plane",
          plane.toString(), "--plane-through", through, "--follow", "--offset", "0.2",
          "--grid", "5", "--no-plot", "-o", dir.toString());
      assertEquals(0, r.status(), r.err());
      JsonNode json = report();
      assertEquals(through, json.get("plane").get("through").asText());
      JsonNode s = json.get("states").get(0);
      double vx = s.get("linear").get("x_vels").get(2).get(2).asDouble();
      double vy = s.get("linear").get("y_vels").get(2).get(2).asDouble();
      double nx = s.get("nonlinear").get("x_vels").get(2).get(2).asDouble();
      if (through.equals("mean")) {
        // the trap: the grid point at the state's projection is another point, which moves
        assertEquals(1.84, s.get("off_plane").asDouble(), 1e-12);
        assertTrue(Math.hypot(vx, vy) > 1e-3, "linear field at the state " + vx + ", " + vy);
      } else {
        assertEquals(0.0, s.get("off_plane").asDouble(), 1e-15);
        assertEquals(0.0, vx, 1e-15);
        assertEquals(0.0, vy, 1e-15);
        assertEquals(0.0, nx, 1e-15);
        assertEquals(0.0, json.get("states").get(1).get("off_plane").asDouble(), 1e-15);
      }
    }
  }

  @Test
  void eachFixedPointSaysHowFarItIsFromEachFieldsPlane() throws Exception {
    Path net = network(10);
    Path states = states("0, 0, 0, 0, 0, 0", "0.3, -0.2, 0.1, 0.4, -0.1, 0.2");
    double[] mean = {0.1, -0.1, 1.84, 0, 0, 0};
    Run r = run(net.toString(), "-b", "ejml", "--states", states.toString(), "--plane",
        plane(mean).toString(), "--fixed-points", "--offset", "1", "--grid", "7",
        "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("OFF PLANE"), r.out());
    JsonNode json = report();
    assertEquals(0.05, json.get("grid").get("on_plane_tolerance").asDouble(), 1e-15);
    JsonNode fps = json.get("fixed_points");
    assertTrue(fps.size() >= 1, "fixed points: " + fps);
    boolean origin = false;
    for (JsonNode p : fps) {
      // through the mean, all units on the plane: the distance is the point's units 3 to 6
      // from the mean's
      double d2 = 0;
      for (int k = 2; k < 6; k++) {
        double v = p.get("state").get(k).asDouble() - mean[k];
        d2 += v * v;
      }
      for (int s = 0; s < 2; s++) {
        assertEquals(Math.sqrt(d2), p.get("off_plane").get(s).asDouble(), 1e-12);
        assertEquals(Math.sqrt(d2) <= 0.05, p.get("on_plane").get(s).asBoolean());
      }
      origin |= Math.abs(Math.sqrt(d2) - 1.84) < 1e-6;
    }
    assertTrue(origin, "the origin is a fixed point 1.84 off the plane: " + fps);
    assertEquals(2, pngs());

    // through each state: the origin, a state, is on its own field's plane
    r = run(net.toString(), "-b", "ejml", "--states", states.toString(), "--plane",
        plane(mean).toString(), "--plane-through", "state", "--fixed-points", "--offset", "1",
        "--grid", "7", "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    for (JsonNode p : report().get("fixed_points")) {
      double norm = 0;
      for (JsonNode v : p.get("state")) {
        norm = Math.max(norm, Math.abs(v.asDouble()));
      }
      if (norm < 1e-8) {
        assertEquals(0.0, p.get("off_plane").get(0).asDouble(), 1e-8);
        assertTrue(p.get("on_plane").get(0).asBoolean());
      }
    }
  }

  @Test
  void theEigenPlaneAtAFixedPointPassesThroughIt() throws Exception {
    Path net = network(10);
    Run r = run(net.toString(), "-b", "ejml", "--steps", "0,5", "--plane", "eigen:1",
        "--grid", "5", "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("leading eigen-directions at fixed point 1"), r.out());
    JsonNode json = report();
    JsonNode plane = json.get("plane");
    assertEquals("eigen:1", plane.get("source").asText());
    assertEquals("fixed point 1", plane.get("through").asText());
    assertEquals(2, plane.get("eigenvalues").size());
    JsonNode fp = json.get("fixed_points").get(0);
    for (int k = 0; k < 6; k++) {
      assertEquals(fp.get("state").get(k).asDouble(), plane.get("mean").get(k).asDouble(), 0.0);
    }
    assertEquals(0.0, fp.get("plane").get(0).asDouble(), 1e-15);
    assertEquals(0.0, fp.get("plane").get(1).asDouble(), 1e-15);
    assertEquals(0.0, fp.get("off_plane").get(1).asDouble(), 1e-15);

    r = run(net.toString(), "-b", "ejml", "--plane", "eigen:99", "--no-plot",
        "-o", dir.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--plane eigen:99 asks for fixed point 99"), r.err());
    r = run(net.toString(), "-b", "ejml", "--plane-through", "nowhere", "-o", dir.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--plane-through takes mean, state or fp:K"), r.err());
  }

  @Test
  void aFieldThatDoesNotMoveIsRefusedNotDrawnAtRest() throws Exception {
    // dt / tau = 1e-14 / 40: one step moves nothing by more than ~1e-15
    Path net = network(1e-14);
    Run r = run(net.toString(), "-b", "ejml", "--states",
        states("0.3, -0.2, 0.1, 0.4, -0.1, 0.2", "0.1, 0.1, 0, 0, 0, 0").toString(),
        "--grid", "5", "-o", dir.toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("4 fields were not drawn")
        && r.err().contains("below 1e-12 x the state's scale")
        && r.err().contains("--offset"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    JsonNode s = report().get("states").get(0);
    assertTrue(s.get("nonlinear").get("blank").asText().contains("below 1e-12"));
    assertFalse(s.get("linear").get("blank").isNull());
    assertEquals(0, pngs());
  }
}
