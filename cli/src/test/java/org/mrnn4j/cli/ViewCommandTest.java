package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.viewer.ViewerServer;
import org.mrnn4j.viewer.ViewerSession;

/**
 * {@code mrnn4j view}: the printed address, and the viewer's {@code /api/field} against the
 * {@code flow-field} command's NumPy output for the same window, grid, state and plane.
 */
class ViewCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** One field request's values against the command's, for one checkpoint and plane choice. */
  private void compare(String checkpoint, String u, String steps, int state, int grid,
      double[] center, double[] half, String regions, boolean cancel, String through)
      throws Exception {
    compare(checkpoint, u, steps, null, state, grid, center, half, regions, cancel, through);
  }

  /** As above; with {@code statesFile} (not null) the states are the file's, not {@code steps}. */
  private void compare(String checkpoint, String u, String steps, Path statesFile, int state,
      int grid, double[] center, double[] half, String regions, boolean cancel, String through)
      throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve(checkpoint);
    Path out = dir.resolve(checkpoint + through + regions);
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("flow-field",
        ckpt.toString(), "-b", "ejml", "-u", u, statesFile == null ? "--steps" : "--states",
        statesFile == null ? steps : statesFile.toString(), "--grid",
        String.valueOf(grid), "--center", center[0] + "," + center[1], "--offset",
        half[0] + "," + half[1], "--plane-through", through, "--npy", "--no-plot", "-o",
        out.toString(), "--name", "ff"));
    if (regions != null) {
      args.add("--regions");
      args.add(regions);
      if (cancel) {
        args.add("--cancel-others");
      }
    }
    MainTest.Run r = MainTest.run(args.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    NumpyArrays.NdArray nl = NumpyArrays.readNpy(out.resolve("ff-flow-nonlinear.npy"));
    NumpyArrays.NdArray li = NumpyArrays.readNpy(out.resolve("ff-flow-linear.npy"));
    NumpyArrays.NdArray axes = NumpyArrays.readNpy(out.resolve("ff-flow-axes.npy"));

    try (Backend b = Backends.select("ejml")) {
      ModelLoader.Loaded loaded = ModelLoader.load(ckpt, 0, b);
      try (RecurrentModel model = loaded.model()) {
        double[] input = org.mrnn4j.app.Inputs.constant(java.util.Arrays.stream(u.split(","))
            .map(Double::valueOf).toList(), model.numInputs(), "-u");
        FlowFieldAnalysis.States states;
        if (statesFile != null) {
          states = FlowFieldAnalysis.States.fromFile(model, statesFile, input);
        } else {
          TreeSet<Integer> picked = new TreeSet<>();
          for (String s : steps.split(",")) {
            picked.add(Integer.parseInt(s));
          }
          states = FlowFieldAnalysis.States.simulated(model, input, picked);
        }
        ViewerSession session = new ViewerSession("ff", model, b.name(), states, input, 0,
            false);
        try (ViewerServer server = ViewerServer.start(session,
            InetAddress.getByName("127.0.0.1"), 0, 2, null)) {
          String body = "{\"client\": \"t\", \"seq\": 1, \"state\": " + state + ", \"grid\": "
              + grid + ", \"center\": [" + center[0] + ", " + center[1] + "], \"half\": ["
              + half[0] + ", " + half[1] + "], \"through\": \"" + through + "\""
              + (regions == null ? "" : ", \"regions\": [\"" + regions.replace(",", "\",\"")
                  + "\"], \"cancel_others\": " + cancel) + "}";
          HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + server.address().getPort() + "/api/field"))
              .header(ViewerServer.TOKEN_HEADER, server.token())
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, resp.statusCode(), resp.body());
          JsonNode f = JSON.readTree(resp.body());
          int p = grid;
          for (int i = 0; i < p; i++) {
            assertEquals(axes.data()[(2 * state) * p + i], f.get("x").get(i).asDouble(), 1e-12);
            assertEquals(axes.data()[(2 * state + 1) * p + i], f.get("y").get(i).asDouble(),
                1e-12);
          }
          double worst = 0;
          for (String kind : new String[] {"nonlinear", "linear"}) {
            double[] ref = kind.equals("linear") ? li.data() : nl.data();
            for (int c = 0; c < 2; c++) {
              JsonNode v = f.get(kind).get(c == 0 ? "vx" : "vy");
              for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                  double expected = ref[((state * 2 + c) * p + i) * p + j];
                  double got = v.get(j).get(i).asDouble(); // rows are y indices
                  worst = Math.max(worst, Math.abs(expected - got));
                  assertEquals(expected, got, 1e-12, kind + " c" + c + " at " + i + "," + j);
                }
              }
            }
          }
          assertTrue(worst < 1e-12, "worst " + worst);
        }
      }
    }
  }

  @Test
  void theFieldEqualsTheFlowFieldCommandsForTheFlipFlop() throws Exception {
    compare("flip_flop_rnn_leaky.pth", "1,0,0", "0,5,30", 1, 13, new double[] {0.3, -0.2},
        new double[] {1.5, 0.8}, null, false, "mean");
    compare("flip_flop_rnn_leaky.pth", "0,1,0", "0,5,30", 2, 9, new double[] {0.1, 0.05},
        new double[] {0.7, 0.6}, "exc", true, "state");
  }

  @Test
  void withPerStateInputsTheFieldWithoutUIsTheStatesOwnAsFlowFieldComputesIt() throws Exception {
    // three states of the flip-flop, each with its own input (a JSON states file)
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    double[][] inputs = {{1, 0, 0}, {0, 1, 0}, {0, 0, -1}};
    Path file = dir.resolve("per-state.json");
    try (Backend b = Backends.select("ejml");
        RecurrentModel model = ModelLoader.load(ckpt, 0, b).model()) {
      FlowFieldAnalysis.States sim = FlowFieldAnalysis.States.simulated(model,
          new double[] {1, 0, 0}, new TreeSet<>(java.util.List.of(0, 5, 30)));
      java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("states", sim.states());
      json.put("inputs", inputs);
      JSON.writeValue(file.toFile(), json);
      // /api/model tells the page each state's input
      ViewerSession session = new ViewerSession("ff", model, b.name(),
          FlowFieldAnalysis.States.fromFile(model, file, new double[3]), new double[3], 0, false);
      JsonNode given = session.modelInfo().get("states").get("inputs");
      assertEquals(JSON.valueToTree(inputs), given);
    }
    // the field of state 2 (input (0, 0, -1)) without u, against flow-field's with -u 0,0,0
    compare("flip_flop_rnn_leaky.pth", "0,0,0", null, file, 2, 7, new double[] {0.2, -0.1},
        new double[] {1.2, 0.9}, null, false, "mean");
  }

  @Test
  void theFieldEqualsTheFlowFieldCommandsForCbgtcl() throws Exception {
    compare("cbgtcl-leaky.pth", "0", "0,10,40", 2, 11, new double[] {0.0, 0.0},
        new double[] {2.0, 1.0}, null, false, "mean");
  }

  @Test
  void bindingElsewhereWarnsAndBadOptionsAreRefused() {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    MainTest.Run r = MainTest.run("view", ckpt.toString(), "--steps", "0,5", "--bind", "0.0.0.0",
        "--no-browser", "--exit-after", "0.5");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("warning: the viewer listens on 0.0.0.0"), r.err());
    assertTrue(r.out().startsWith("mrnn4j view: http://127.0.0.1:"), r.out());
    MainTest.Run quiet = MainTest.run("view", ckpt.toString(), "--steps", "0,5", "--no-browser",
        "--exit-after", "0.5");
    assertEquals(0, quiet.status(), quiet.err());
    assertTrue(!quiet.err().contains("warning"), quiet.err());
    MainTest.Run port = MainTest.run("view", ckpt.toString(), "--port", "70000", "--no-browser",
        "--exit-after", "0.5");
    assertEquals(2, port.status());
    assertTrue(port.err().contains("--port must be 0..65535, got 70000"), port.err());
    MainTest.Run both = MainTest.run("view", ckpt.toString(), "--steps", "0,5", "--states",
        "x.csv", "--no-browser");
    assertEquals(2, both.status());
    assertTrue(both.err().contains("give either --steps or --states, not both"), both.err());
  }

  @Test
  void viewPrintsItsAddressAndServesUntilExitAfter() throws Exception {
    Path ckpt = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> Main.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), "view", ckpt.toString(), "-b",
        "ejml", "--steps", "0,5,10", "--no-browser", "--exit-after", "4"));
    Pattern line = Pattern.compile(
        "mrnn4j view: (http://127\\.0\\.0\\.1:(\\d+)/\\?token=([0-9a-f]{32}))\\R");
    Matcher m = null;
    for (int i = 0; i < 200 && (m == null || !m.find()); i++) {
      Thread.sleep(50);
      m = line.matcher(out.toString());
    }
    assertTrue(m.matches() || m.find(0), "the address line: " + out + err);
    assertTrue(out.toString().startsWith("mrnn4j view: http://127.0.0.1:"), out.toString());
    HttpResponse<String> model = HTTP.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + m.group(2) + "/api/model?token=" + m.group(3))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, model.statusCode(), model.body());
    JsonNode info = JSON.readTree(model.body());
    assertEquals(30, info.get("num_units").asInt());
    assertEquals(3, info.get("states").get("count").asInt());
    assertEquals(0, status.get().intValue(), err.toString());
  }
}
