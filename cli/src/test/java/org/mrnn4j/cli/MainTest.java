package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.conformance.ConformanceCase;

/** The command line, run in-process with captured output. */
class MainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a run printed and returned. */
  record Run(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommands() {
    Run r = run("--help");
    assertEquals(0, r.status());
    for (String c : List.of("analyze", "fixed-points", "backends", "conformance")) {
      assertTrue(r.out().contains(c), r.out());
    }
  }

  @Test
  void noCommandIsAUsageError() {
    Run r = run();
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("mrnn4j: no command given"), r.err());
    assertTrue(r.err().contains("Usage: mrnn4j"), r.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("analyze", "--bogus");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--bogus"), r.err());
  }

  @Test
  void backendsListsEjmlAsAvailableAndMarksTheDefault() {
    Run r = run("backends");
    assertEquals(0, r.status(), r.err());
    String line = r.out().lines().filter(l -> l.contains("ejml")).findFirst().orElseThrow();
    assertTrue(line.contains("yes"), line);
    // the default is the highest-ranked available backend on this class path (nd4j in the build)
    String marked = r.out().lines().filter(l -> l.startsWith("*")).findFirst().orElseThrow();
    assertTrue(marked.contains(defaultBackend()), marked);
  }

  /** The backend the selection rules choose here. */
  private static String defaultBackend() {
    return org.mrnn4j.core.Backends.list().stream()
        .filter(org.mrnn4j.core.BackendInfo::available).findFirst().orElseThrow().name();
  }

  @Test
  void analyzeTheBundledExample(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    Run r = run("analyze", "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("bundled example"), r.out());
    assertTrue(r.out().contains("initial condition"), r.out());
    assertTrue(r.out().contains("after 200 steps"), r.out());
    Path json = out.resolve("example-analysis.json");
    Path png = out.resolve("example-spectrum.png");
    assertTrue(r.out().contains("wrote " + json), r.out());
    assertTrue(r.out().contains("wrote " + png), r.out());

    JsonNode report = JSON.readTree(json.toFile());
    assertEquals("mrnn4j-analysis", report.get("format").asText());
    assertEquals(1, report.get("version").asInt());
    assertEquals("leaky", report.get("model").get("kind").asText());
    assertEquals(32, report.get("model").get("units").asInt());
    assertEquals(10.0, report.get("model").get("dt").asDouble());
    // 32 units: the size-aware default (BackendSelector's rules, tested in core)
    try (org.mrnn4j.core.Backend expected = org.mrnn4j.core.Backends.select(null, 32)) {
      assertEquals(expected.name(), report.get("backend").asText());
    }
    JsonNode points = report.get("points");
    assertEquals(2, points.size());
    for (JsonNode p : points) {
      // the radius is the largest modulus of the eigenvalues listed; unstable modes count |l| > 1
      double radius = 0;
      int unstable = 0;
      for (int k = 0; k < 32; k++) {
        double m = Math.hypot(p.get("eigenvalues").get("real").get(k).asDouble(),
            p.get("eigenvalues").get("imag").get(k).asDouble());
        radius = Math.max(radius, m);
        unstable += m > 1 ? 1 : 0;
      }
      assertEquals(radius, p.get("spectral_radius").asDouble(), 1e-15);
      assertEquals(unstable, p.get("unstable_modes").asInt());
      // each mode decays or grows in the map by |lambda| per step of dt = 10: its e-fold time
      for (int k = 0; k < 32; k++) {
        double m = Math.hypot(p.get("eigenvalues").get("real").get(k).asDouble(),
            p.get("eigenvalues").get("imag").get(k).asDouble());
        double mu = (p.get("eigenvalues").get("real").get(k).asDouble() - 1) / 10.0;
        assertEquals(mu, p.get("continuous_eigenvalues").get("real").get(k).asDouble(), 1e-12);
        JsonNode decay = p.get("decay_times").get(k);
        JsonNode growth = p.get("growth_times").get(k);
        if (m < 1) {
          assertEquals(10.0 / -Math.log(m), decay.asDouble(), 1e-9 * decay.asDouble());
          assertTrue(growth.isNull());
        } else {
          assertEquals(10.0 / Math.log(m), growth.asDouble(), 1e-9 * growth.asDouble());
          assertTrue(decay.isNull());
        }
      }
    }
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
    assertEquals("\u0089PNG", new String(head, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Test
  void analyzeTheFlipFlopCheckpointAtTheReferencePoint(@TempDir Path dir) throws IOException {
    Path conformance = ConformanceData.require();
    Path checkpoint = conformance.resolve("checkpoints/flip_flop_rnn_leaky.pth");
    // the reference's first linearization point of this network, with its eigenvalues
    ConformanceCase c = ConformanceCase.read(conformance.resolve("cases/real-flipflop-leaky-tanh.json"));
    ConformanceCase.Linearization ref = c.linearizations().get(0);
    assertTrue(ref.regions().isEmpty() && !ref.dh());
    Path states = dir.resolve("states.json");
    Files.writeString(states, JSON.writeValueAsString(java.util.Map.of(
        "states", List.of(ref.x().data()), "inputs", List.of(ref.input().data()))));

    Run r = run("analyze", checkpoint.toString(), "--states", states.toString(),
        "--out", dir.toString(), "--no-plot");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("from checkpoint flip_flop_rnn_leaky.pth"), r.out());
    JsonNode point = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-analysis.json").toFile())
        .get("points").get(0);
    double expected = 0;
    for (int k = 0; k < ref.eigenvaluesReal().length; k++) {
      expected = Math.max(expected, Math.hypot(ref.eigenvaluesReal()[k], ref.eigenvaluesImag()[k]));
    }
    assertEquals(expected, point.get("spectral_radius").asDouble(), 1e-4); // float32 reference
    assertEquals(30, point.get("eigenvalues").get("real").size());
  }

  @Test
  void analyzeACheckpointWithItsConfigOverARegionSubset(@TempDir Path dir) throws IOException {
    Path ckpts = ConformanceData.checkpoints();
    Run r = run("analyze", "--config", ckpts.resolve("flip_flop_rnn_leaky.json").toString(),
        "--checkpoint", ckpts.resolve("flip_flop_rnn_leaky.pth").toString(),
        "--steps", "0,50", "--input", "0.5", "--regions", "inhib", "--dh", "--out", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("regions inhib (9 units; held static: exc)"), r.out());
    assertTrue(r.out().contains("after 50 steps"), r.out());
    JsonNode report = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-analysis.json").toFile());
    // the stability keys describe the map's Jacobian (in x); --dh adds the partial dh Jacobian's
    assertEquals("x", report.get("coordinates").asText());
    assertEquals("alpha", report.get("partial_dh").get("scaling").asText());
    assertEquals(9, report.get("points").get(1).get("eigenvalues").get("imag").size());
    assertEquals(9, report.get("points").get(1).get("partial_dh_eigenvalues").get("imag").size());
    assertTrue(Files.exists(dir.resolve("flip_flop_rnn_leaky-spectrum.png")));
  }

  @Test
  void conformanceCommandPassesEveryCase() throws IOException {
    Path conformance = ConformanceData.require();
    // the model cases, then the flow fields (the kit runs both; so does the command)
    int cases = ConformanceCase.list(conformance.resolve("cases")).size()
        + ConformanceCase.list(conformance.resolve("flow-fields")).size();
    assertEquals(62 + 16, cases);
    Run r = run("conformance", conformance.toString(), "--backend", "ejml");
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(cases - 1).startsWith("PASS flow-"), r.out());
    assertEquals(cases + " passed, 0 failed", lines.get(lines.size() - 1), r.out());
    assertEquals(0, r.status());
    assertEquals(cases + 1, lines.size());
    assertTrue(lines.stream().limit(cases).allMatch(l -> l.startsWith("PASS ")), r.out());
  }

  @Test
  void conformanceCommandReportsAFailingCase(@TempDir Path dir) throws IOException {
    Path source = ConformanceData.cases().resolve("leaky-tanh-seed1.json");
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(source.toFile());
    // tamper with one entry of the reference Jacobian
    com.fasterxml.jackson.databind.node.ArrayNode row = (com.fasterxml.jackson.databind.node.ArrayNode)
        root.get("linearizations").get(0).get("jacobian").get(0);
    row.set(0, row.get(0).asDouble() + 1e-3);
    Files.writeString(dir.resolve("tampered.json"), JSON.writeValueAsString(root));
    Run r = run("conformance", dir.toString());
    assertEquals(1, r.status());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("FAIL leaky-tanh-seed1: linearizations[0]"), lines.get(0));
    assertTrue(lines.get(0).contains("jacobian[0][0]"), lines.get(0));
    assertEquals("0 passed, 1 failed", lines.get(lines.size() - 1));
  }

  @Test
  void unknownBackendIsOneLineAndStatus2() {
    Run r = run("analyze", "--backend", "nosuch");
    assertEquals(2, r.status());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("mrnn4j: backend 'nosuch' is unavailable"), r.err());
    assertTrue(r.out().isEmpty(), r.out());
  }

  @Test
  void backendsWarnsOfADefaultThatDoesNotExist() {
    String before = System.getProperty(org.mrnn4j.core.BackendSelector.PROPERTY);
    System.setProperty(org.mrnn4j.core.BackendSelector.PROPERTY, "nosuch");
    try {
      Run r = run("backends");
      assertEquals(Main.FAILURE, r.status(), r.err());
      assertTrue(r.out().contains("ejml"), r.out()); // the list is still printed
      assertTrue(r.out().lines().noneMatch(l -> l.startsWith("*")), r.out());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().startsWith("mrnn4j: the system property mrnn4j.backend names the default"
          + " backend 'nosuch', but no backend of that name is on the class path (found: "), r.err());
    } finally {
      if (before == null) {
        System.clearProperty(org.mrnn4j.core.BackendSelector.PROPERTY);
      } else {
        System.setProperty(org.mrnn4j.core.BackendSelector.PROPERTY, before);
      }
    }
  }

  @Test
  void anOutputDirectoryThatCannotBeWrittenIsRefusedBeforeAnyWork(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    for (String command : List.of("analyze", "fixed-points", "flow-field")) {
      Run r = run(command, "-o", file.resolve("out").toString());
      assertEquals(2, r.status(), command + ": " + r.err());
      assertEquals(1, r.errLines().size(), command + ": " + r.err());
      assertTrue(r.err().startsWith("mrnn4j: cannot create the output directory " + file.resolve("out")
          + " (-o): "), command + ": " + r.err());
      assertEquals("", r.out(), command + " worked before refusing: " + r.out());
    }
    Run r = run("analyze", "-o", "/proc/nope");
    assertTrue(r.err().startsWith("mrnn4j: cannot create the output directory /proc/nope (-o): "),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void aStateThatDidNotMoveIsSaidAndStaysVisibleInThePlot(@TempDir Path dir) throws IOException {
    Path ckpts = ConformanceData.checkpoints();
    // the flip-flop network's initial state (all zero) is a fixed point under zero input
    Run r = run("analyze", ckpts.resolve("flip_flop_rnn_leaky.pth").toString(), "-o",
        dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("after 200 steps: the state has not moved since the initial"
        + " condition (max |difference| 0.0e+00): the initial condition is a fixed point under"
        + " this input"), r.out());
    java.awt.image.BufferedImage single = javax.imageio.ImageIO.read(
        dir.resolve("flip_flop_rnn_leaky-spectrum.png").toFile());
    assertEquals(800, single.getWidth()); // eigenvalues spread over the plane: one panel
    // cbgtcl: every eigenvalue crowds near 0.9, so a magnified second panel is drawn beside
    Run c = run("analyze", ckpts.resolve("cbgtcl-leaky.pth").toString(), "-o", dir.toString(),
        "--steps", "0");
    assertEquals(0, c.status(), c.err());
    java.awt.image.BufferedImage two = javax.imageio.ImageIO.read(
        dir.resolve("cbgtcl-leaky-spectrum.png").toFile());
    assertEquals(1600, two.getWidth());
  }

  @Test
  void verboseAddsTheStackTrace() {
    Run r = run("analyze", "--backend", "nosuch", "--verbose");
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("mrnn4j: backend 'nosuch' is unavailable"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-net.json");
    Run r = run("analyze", missing.toString());
    assertEquals(2, r.status());
    assertEquals(List.of("mrnn4j: no such file: " + missing), r.errLines());
  }

  @Test
  void malformedConfigIsNamed(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"recurrent_regions\": [{\"name\": \"r\"}]}");
    Run r = run("analyze", bad.toString(), "--out", dir.toString());
    assertEquals(2, r.status());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains(bad.toString()), r.err());
    assertTrue(r.err().contains("num_units"), r.err());
  }

  @Test
  void unknownRegionIsNamed(@TempDir Path dir) {
    Run r = run("analyze", "--regions", "exc,cortex", "--out", dir.toString());
    assertEquals(2, r.status());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("cortex"), r.err());
    assertFalse(Files.exists(dir.resolve("example-analysis.json")));
  }

  @Test
  void statesFromACsvFile(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("points.csv");
    String zeros = String.join(",", java.util.Collections.nCopies(32, "0"));
    String twos = String.join(",", java.util.Collections.nCopies(32, "2"));
    Files.writeString(csv, "# two points\n" + zeros + "\n" + twos + ",1,1\n");
    Run r = run("analyze", "--states", csv.toString(), "--out", dir.toString(), "--no-plot");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("state 1 of points.csv"), r.out());
    assertTrue(r.out().contains("state 2 of points.csv"), r.out());
  }
}
