package org.mrnn4j.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.core.dynamics.HostMap;

/**
 * The JSON API on a constructed 20-unit network: validation (400 with its reason, never 500), the
 * field against the network's own step computed here, the spectrum against the Jacobian's traces,
 * fixed points, continuation, and superseded requests.
 */
class ViewerApiTest {
  private static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(20, 2);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static void refused(String path, String body, String reason) throws Exception {
    HttpResponse<String> r = t.post(path, body);
    assertEquals(400, r.statusCode(), body + " -> " + r.body());
    String error = t.json(r).get("error").asText();
    assertTrue(error.startsWith(reason), body + " -> " + error);
    assertFalse(error.contains("\n"), error);
  }

  @Test
  void invalidRequestsAre400WithTheirReason() throws Exception {
    refused("/api/field", "{\"state\": 0, \"grid\": 201}", "grid must be 2..200, got 201");
    refused("/api/field", "{\"state\": 0, \"grid\": 1}", "grid must be 2..200, got 1");
    refused("/api/field", "{\"state\": 11}", "state must be 0..10, got 11");
    refused("/api/field", "{\"state\": -1}", "state must be 0..10, got -1");
    refused("/api/field", "{\"state\": 0, \"u\": [1, 2]}", "u must have 3 values, got 2");
    refused("/api/field", "{\"state\": 0, \"regions\": [\"foo\"]}",
        "unknown region 'foo' (regions: exc, inh)");
    refused("/api/field", "{\"state\": 0, \"grid\": 40", "malformed JSON: ");
    // one line a person can read: Jackson's problem and where, without its source excerpt
    HttpResponse<String> cut = t.post("/api/field", "{\"state\": 0, \"grid\": 40");
    String said = t.json(cut).get("error").asText();
    assertTrue(said.contains("(line 1, column "), said);
    assertFalse(said.contains("Source") || said.contains("REDACTED"), said);
    refused("/api/field", "not json", "malformed JSON: ");
    refused("/api/field", "", "the body must be a JSON object, got nothing");
    refused("/api/field", "[1, 2]", "the body must be a JSON object");
    refused("/api/field", "{\"state\": \"3\"}", "state must be an integer");
    refused("/api/field", "{\"state\": 1.5}", "state must be an integer");
    refused("/api/field", "{\"grid\": true}", "grid must be an integer");
    refused("/api/field", "{\"u\": \"0\"}", "u must be an array of 3 numbers");
    refused("/api/field", "{\"u\": [0, \"a\", 0]}", "u[1] must be a finite number");
    refused("/api/field", "{\"regions\": \"exc\"}", "regions must be an array");
    refused("/api/field", "{\"cancel_others\": 1, \"regions\": [\"exc\"]}",
        "cancel_others must be true or false");
    refused("/api/field", "{\"cancel_others\": true}", "cancel_others needs regions");
    refused("/api/field", "{\"half\": [0, 1]}", "half must be two positive half-widths");
    refused("/api/field", "{\"half\": [1]}", "half must have 2 values, got 1");
    refused("/api/field", "{\"center\": [1e300, 0]}", "center must be within 1e12");
    refused("/api/field", "{\"plane\": \"ica\"}", "plane must be pca or eigen:K");
    refused("/api/field", "{\"through\": \"fp:0\"}", "through: a fixed point is numbered from 1");
    refused("/api/field", "{\"fields\": [\"curl\"]}", "fields must name nonlinear and/or linear");
    refused("/api/field", "{\"seq\": \"x\"}", "seq must be an integer");
    refused("/api/field", "{\"client\": \"" + "c".repeat(65) + "\"}",
        "client must be at most 64 characters");
    refused("/api/field", "{\"state\": 0, \"pad\": \"" + "x".repeat(70_000) + "\"}",
        "the body is larger than 65536 bytes");
    refused("/api/spectrum", "{\"source\": \"state:99\"}", "source: state must be 0..10");
    refused("/api/spectrum", "{\"source\": \"x\"}", "source must be state:K or fp:K");
    refused("/api/spectrum", "{\"source\": \"state:0\", \"mode\": 20}", "mode must be -1..19");
    refused("/api/fixed-points", "{\"u\": [1, 2, 3, 4]}", "u must have 3 values, got 4");
    refused("/api/continuation", "{\"u\": [0, 0, 0]}", "u is all zero and no direction");
    refused("/api/continuation", "{\"to\": -1}", "to must be a positive end value");
    refused("/api/spectrum", "{\"mode\": 0}", "source is missing (expected state:K or fp:K)");
    refused("/api/field", "{\"grid\": 1e999}", "grid must be 2..200");
    refused("/api/field", "{\"state\": NaN}", "malformed JSON: ");
    refused("/api/field", "{\"a\": " + "[".repeat(2000) + "]".repeat(2000) + "}",
        "malformed JSON: ");
    refused("/api/field", "{\"state\": 0, \"state\": 1", "malformed JSON: ");
    // the connection stays usable after a refusal
    assertEquals(200, t.post("/api/field", "{\"state\": 0, \"grid\": 3}").statusCode());
    assertEquals(405, t.get("/api/field", t.server.token()).statusCode());
  }

  @Test
  void theNonlinearFieldIsTheNetworksStepOnThePlane() throws Exception {
    HttpResponse<String> r = t.post("/api/field", "{\"client\": \"a\", \"seq\": 3, \"state\": 4,"
        + " \"grid\": 5, \"center\": [0.1, -0.2], \"half\": [0.5, 0.3]}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode f = t.json(r);
    assertEquals(3, f.get("seq").asInt());
    // the plane by hand: the PCA of the whole trajectory (steps 0..100), through its mean
    double[][] traj = t.session.states().trajectory();
    assertEquals(101, traj.length);
    assertEquals(101, f.get("trajectory").size());
    Pca pca = Pca.fit(List.of(traj), 2);
    double[] c0 = pca.component(0);
    double[] c1 = pca.component(1);
    double[] mean = pca.mean();
    for (int i = 0; i < 5; i++) {
      assertEquals(0.1 - 0.5 + i * 0.25, f.get("x").get(i).asDouble(), 1e-12);
      assertEquals(-0.2 - 0.3 + i * 0.15, f.get("y").get(i).asDouble(), 1e-12);
    }
    HostMap map = t.model.hostMap(t.model.naturalCoordinates(), new double[] {0.3, -0.2, 0.1},
        null, null);
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        double gx = f.get("x").get(i).asDouble();
        double gy = f.get("y").get(j).asDouble();
        double[] p = new double[mean.length];
        for (int a = 0; a < p.length; a++) {
          p[a] = mean[a] + gx * c0[a] + gy * c1[a];
        }
        double[] next = map.trajectory(p, 1)[1];
        double vx = 0;
        double vy = 0;
        for (int a = 0; a < p.length; a++) {
          vx += c0[a] * (next[a] - p[a]);
          vy += c1[a] * (next[a] - p[a]);
        }
        // signs of PCA axes are a convention: compare up to the sign the server's axes have
        double sx = Math.signum(f.get("state_xy").get(0).asDouble()
            * dot(c0, minus(t.session.states().states()[4], mean)));
        double sy = Math.signum(f.get("state_xy").get(1).asDouble()
            * dot(c1, minus(t.session.states().states()[4], mean)));
        assertEquals(vx, sx * f.get("nonlinear").get("vx").get(j).get(i).asDouble(), 1e-12);
        assertEquals(vy, sy * f.get("nonlinear").get("vy").get(j).get(i).asDouble(), 1e-12);
      }
    }
    assertEquals("state 4", f.get("linear_at").asText());
    assertTrue(f.get("axes").get(0).asText().startsWith("PC1 ("), f.get("axes").toString());
    assertEquals(pca.explainedFraction(0), f.get("explained").get(0).asDouble(), 1e-9);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] minus(double[] a, double[] b) {
    double[] r = a.clone();
    for (int i = 0; i < a.length; i++) {
      r[i] -= b[i];
    }
    return r;
  }

  /** The step's Jacobian by central differences (independent of the linearization). */
  private static double[][] jacobianByDifferences(HostMap map, double[] x) {
    int n = x.length;
    double[][] jac = new double[n][n];
    double h = 1e-6;
    for (int b = 0; b < n; b++) {
      double[] p = x.clone();
      double[] m = x.clone();
      p[b] += h;
      m[b] -= h;
      double[] fp = map.trajectory(p, 1)[1];
      double[] fm = map.trajectory(m, 1)[1];
      for (int a = 0; a < n; a++) {
        jac[a][b] = (fp[a] - fm[a]) / (2 * h);
      }
    }
    return jac;
  }

  @Test
  void atTheStateTheLinearFieldIsTheNonlinearOne() throws Exception {
    // through the state, the grid point at the state's coordinates is the state: both fields are
    // its step F(x) - x projected there
    String plane = "\"state\": 3, \"regions\": [\"exc\"], \"through\": \"state\"";
    JsonNode first = t.json(t.post("/api/field", "{" + plane + ", \"grid\": 3}"));
    double sx = first.get("state_xy").get(0).asDouble();
    double sy = first.get("state_xy").get(1).asDouble();
    JsonNode f = t.json(t.post("/api/field", "{" + plane + ", \"grid\": 3, \"center\": ["
        + sx + ", " + sy + "], \"half\": [0.2, 0.1]}"));
    assertEquals(sx, f.get("x").get(1).asDouble(), 0);
    assertEquals(sy, f.get("y").get(1).asDouble(), 0);
    for (String c : List.of("vx", "vy")) {
      double lin = f.get("linear").get(c).get(1).get(1).asDouble();
      double non = f.get("nonlinear").get(c).get(1).get(1).asDouble();
      assertEquals(non, lin, 1e-12, c);
      assertTrue(Math.abs(non) > 1e-6, "a state that moves: " + non);
    }
    assertEquals("state 3", f.get("linear_at").asText());
  }

  @Test
  void withOthersCancelledTheLinearFieldIsMrnnTorchsHeldPredictionAndSaysSo() throws Exception {
    JsonNode f = t.json(t.post("/api/field", "{\"state\": 3, \"regions\": [\"exc\"],"
        + " \"cancel_others\": true, \"grid\": 3, \"center\": [0.05, -0.02],"
        + " \"half\": [0.3, 0.2]}"));
    assertEquals("state 3; other regions held at the state, as mRNNTorch's",
        f.get("linear_at").asText());
    // by hand: g_p = mean + gx c0 + gy c1 over exc's units; the prediction
    // F_p(x) + J_pp (g_p - x_p) (the other regions' deviation times zero); v = C (pred - g_p)
    double[] x = t.session.states().states()[3];
    org.mrnn4j.core.IndexRange exc = t.model.layout().recurrentRange("exc");
    assertEquals(0, exc.start());
    int d = exc.end() - exc.start();
    Pca pca = org.mrnn4j.app.FlowPlane.of(t.model, t.session.states().trajectory(),
        List.of("exc"), true, null, org.mrnn4j.app.FlowFieldAnalysis.Through.MEAN, null).plane();
    assertEquals(d, pca.mean().length);
    HostMap map = t.model.hostMap(t.model.naturalCoordinates(), new double[] {0.3, -0.2, 0.1},
        null, null);
    double[] next = map.trajectory(x, 1)[1];
    double[][] jac = jacobianByDifferences(map, x);
    double largest = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double gx = f.get("x").get(i).asDouble();
        double gy = f.get("y").get(j).asDouble();
        double[] g = new double[d];
        for (int a = 0; a < d; a++) {
          g[a] = pca.mean()[a] + gx * pca.component(0)[a] + gy * pca.component(1)[a];
        }
        double[] step = new double[d];
        for (int a = 0; a < d; a++) {
          double pred = next[a];
          for (int b = 0; b < d; b++) {
            pred += jac[a][b] * (g[b] - x[b]);
          }
          step[a] = pred - g[a];
        }
        double vx = dot(pca.component(0), step);
        double vy = dot(pca.component(1), step);
        assertEquals(vx, f.get("linear").get("vx").get(j).get(i).asDouble(), 1e-7);
        assertEquals(vy, f.get("linear").get("vy").get(j).get(i).asDouble(), 1e-7);
        largest = Math.max(largest, Math.abs(vx) + Math.abs(vy));
      }
    }
    assertTrue(largest > 1e-4, "a field that is not zero: " + largest);
    // the spectrum says whose Jacobian it is: exc's, inh held; its trace is J_pp's
    JsonNode s = t.json(t.post("/api/spectrum", "{\"source\": \"state:3\", \"regions\":"
        + " [\"exc\"], \"cancel_others\": true}"));
    assertEquals("[\"exc\"]", s.get("regions").toString());
    assertEquals("the Jacobian of exc (other regions held)", s.get("of").asText());
    assertFalse(s.get("leading_only").asBoolean());
    double trace = 0;
    for (int a = 0; a < d; a++) {
      trace += jac[a][a];
    }
    double sum = 0;
    for (JsonNode pair : s.get("eigenvalues")) {
      sum += pair.get(0).asDouble();
    }
    assertEquals(d, s.get("eigenvalues").size());
    assertEquals(trace, sum, 1e-6);
    JsonNode all = t.json(t.post("/api/spectrum", "{\"source\": \"state:3\"}"));
    assertEquals("the full Jacobian (all regions)", all.get("of").asText());
    assertEquals("[\"exc\",\"inh\"]", all.get("regions").toString());
  }

  @Test
  void theSpectrumHasTheJacobiansTraces() throws Exception {
    JsonNode s = t.json(t.post("/api/spectrum", "{\"source\": \"state:2\", \"mode\": 0}"));
    JsonNode ev = s.get("eigenvalues");
    assertEquals(20, ev.size());
    // the Jacobian of the step by central differences, independent of the linearization
    double[] x = t.session.states().states()[2];
    HostMap map = t.model.hostMap(t.model.naturalCoordinates(), new double[] {0.3, -0.2, 0.1},
        null, null);
    int n = x.length;
    double[][] jac = jacobianByDifferences(map, x);
    double trace = 0;
    double trace2 = 0;
    for (int a = 0; a < n; a++) {
      trace += jac[a][a];
      for (int b = 0; b < n; b++) {
        trace2 += jac[a][b] * jac[b][a];
      }
    }
    double sum = 0;
    double sum2 = 0;
    double previous = Double.POSITIVE_INFINITY;
    for (JsonNode pair : ev) {
      double re = pair.get(0).asDouble();
      double im = pair.get(1).asDouble();
      sum += re;
      sum2 += re * re - im * im;
      double mod = Math.hypot(re, im);
      assertTrue(mod <= previous + 1e-12, "sorted by modulus, descending");
      previous = mod;
    }
    assertEquals(trace, sum, 1e-6);
    assertEquals(trace2, sum2, 1e-6);
    assertEquals(Math.hypot(ev.get(0).get(0).asDouble(), ev.get(0).get(1).asDouble()),
        s.get("spectral_radius").asDouble(), 1e-12);
    JsonNode mode = s.get("mode");
    assertEquals(0, mode.get("index").asInt());
    if (mode.get("participation").isObject()) {
      double total = 0;
      for (JsonNode share : mode.get("participation").get("right")) {
        total += share.get("share").asDouble();
      }
      assertEquals(1, total, 1e-9, "the right participation shares sum to 1");
    }
    JsonNode proj = mode.get("projection");
    double len = Math.hypot(Math.hypot(proj.get("re").get(0).asDouble(),
        proj.get("re").get(1).asDouble()), Math.hypot(proj.get("im").get(0).asDouble(),
        proj.get("im").get(1).asDouble()));
    assertTrue(len <= 1 + 1e-9, "a unit vector's projection is at most 1 long: " + len);
  }

  @Test
  void fixedPointsAreFixedAndTheirSpectraAgree() throws Exception {
    JsonNode r = t.json(t.post("/api/fixed-points", "{\"state\": 0}"));
    JsonNode points = r.get("points");
    assertTrue(points.size() >= 1, r.toString());
    for (JsonNode p : points) {
      // q = 1/2 |F(x) - x|^2 (not a speed): tiny at a fixed point; no "speed" key
      assertTrue(p.get("q").isNumber() && p.get("q").asDouble() < 1e-8, p.toString());
      assertFalse(p.has("speed"), p.toString());
      double radius = p.get("spectral_radius").asDouble();
      double previous = Double.POSITIVE_INFINITY;
      for (JsonNode e : p.get("eigenvalues")) {
        double mod = Math.hypot(e.get(0).asDouble(), e.get(1).asDouble());
        assertTrue(mod <= previous + 1e-12, "sorted by modulus, descending: " + p);
        previous = mod;
      }
      assertEquals(radius < 1, p.get("stable").asBoolean(), p.toString());
      JsonNode s = t.json(t.post("/api/spectrum", "{\"source\": \"fp:" + p.get("number").asInt()
          + "\"}"));
      assertEquals(radius, s.get("spectral_radius").asDouble(), 1e-8);
    }
    refused("/api/field", "{\"plane\": \"eigen:" + (points.size() + 1) + "\"}",
        "plane asks for fixed point " + (points.size() + 1));
    HttpResponse<String> eigen = t.post("/api/field", "{\"plane\": \"eigen:1\", \"grid\": 4}");
    assertEquals(200, eigen.statusCode(), eigen.body());
    assertTrue(t.json(eigen).get("axes").get(0).asText().startsWith("eigen-direction 1"));
  }

  @Test
  void onThePlaneIsMeasuredAgainstTheRequestedWindow() throws Exception {
    double f = org.mrnn4j.app.FlowFieldAnalysis.ON_PLANE_FRACTION;
    JsonNode wide = t.json(t.post("/api/fixed-points", "{\"state\": 0, \"half\": [1e6, 2e6]}"));
    JsonNode narrow = t.json(t.post("/api/fixed-points",
        "{\"state\": 0, \"half\": [3e-12, 1e-12]}"));
    boolean flipped = false;
    for (int i = 0; i < wide.get("points").size(); i++) {
      JsonNode w = wide.get("points").get(i);
      JsonNode n = narrow.get("points").get(i);
      double off = w.get("off_plane").asDouble();
      assertEquals(off <= f * 1e6, w.get("on_plane").asBoolean(), w.toString());
      assertEquals(off <= f * 1e-12, n.get("on_plane").asBoolean(), n.toString());
      flipped |= w.get("on_plane").asBoolean() != n.get("on_plane").asBoolean();
    }
    assertTrue(flipped, "some point is on the wide window's plane, not the narrow one's: " + wide);
    refused("/api/fixed-points", "{\"half\": [0, 1]}", "half must be two positive half-widths");
  }

  @Test
  void aFieldOnAFixedPointsPlaneNeedsTheFixedPointsFoundFirst() throws Exception {
    String u = "\"u\": [0.123, -0.05, 0.02]";
    for (String plane : List.of("\"plane\": \"eigen:1\"", "\"through\": \"fp:1\"")) {
      long start = System.nanoTime();
      HttpResponse<String> r = t.post("/api/field", "{" + u + ", " + plane + ", \"grid\": 4}");
      assertEquals(409, r.statusCode(), r.body());
      assertEquals("find the fixed points at this input first (POST /api/fixed-points)",
          t.json(r).get("error").asText());
      assertTrue((System.nanoTime() - start) / 1e9 < 1, "answered without searching");
    }
    assertEquals(200, t.post("/api/fixed-points", "{" + u + "}").statusCode());
    for (String plane : List.of("\"plane\": \"eigen:1\"", "\"through\": \"fp:1\"")) {
      HttpResponse<String> r = t.post("/api/field", "{" + u + ", " + plane + ", \"grid\": 4}");
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @Test
  void continuationFollowsTheInputDirection() throws Exception {
    JsonNode c = t.json(t.post("/api/continuation", "{\"to\": 0.8}"));
    double un = Math.sqrt(0.09 + 0.04 + 0.01);
    assertEquals(un, c.get("current").asDouble(), 1e-12);
    assertEquals(0.3 / un, c.get("direction").get(0).asDouble(), 1e-12);
    assertTrue(c.get("branches").size() >= 1, c.toString());
    for (JsonNode b : c.get("branches")) {
      assertEquals(b.get("s").size(), b.get("coord").size());
      for (JsonNode s : b.get("s")) {
        assertTrue(s.asDouble() >= -1e-9 && s.asDouble() <= 0.8 + 1e-9, c.toString());
      }
    }
  }

  @Test
  void aRequestSupersededBeforeItsComputationIsAnswered204() throws Exception {
    burst("/api/field", ", \"state\": 3, \"grid\": 60");
    burst("/api/spectrum", ", \"source\": \"state:3\", \"mode\": 1");
  }

  private static void burst(String path, String rest) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int seq = 1; seq <= 30; seq++) {
      String body = "{\"client\": \"burst\", \"seq\": " + seq + rest + "}";
      all.add(t.http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          t.base() + path)).header(ViewerServer.TOKEN_HEADER, t.server.token())
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int dropped = 0;
    for (int i = 0; i < all.size(); i++) {
      HttpResponse<String> r = all.get(i).get();
      assertTrue(r.statusCode() == 200 || r.statusCode() == 204, r.statusCode() + r.body());
      if (r.statusCode() == 204) {
        dropped++;
        assertEquals("", r.body());
      } else {
        ok++;
        assertEquals(i + 1, t.json(r).get("seq").asInt());
      }
    }
    assertEquals(200, all.get(29).get().statusCode(), "the newest is always answered");
    assertEquals(30, ok + dropped);
  }
}
