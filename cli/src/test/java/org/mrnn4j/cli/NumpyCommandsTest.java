package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.models.io.NumpyArrays.NdArray;

/** {@code simulate}, {@code analyze --states FILE.npy} and {@code --npy}, through the files. */
class NumpyCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path flipFlop() {
    return ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
  }

  @Test
  void simulateWritesBothLayoutsAndSeededNoiseRepeats(@TempDir Path dir) throws Exception {
    String ckpt = flipFlop().toString();
    MainTest.Run a = MainTest.run("simulate", ckpt, "-u", "1,0,0", "--steps", "40",
        "--noise-levels", "0.01,0.01", "--seed", "5", "-o", dir.toString(), "--name", "a");
    assertEquals(0, a.status(), a.err());
    MainTest.Run b = MainTest.run("simulate", ckpt, "-u", "1,0,0", "--steps", "40",
        "--noise-levels", "0.01,0.01", "--seed", "5", "-o", dir.toString(), "--name", "b",
        "--time-first");
    assertEquals(0, b.status(), b.err());
    NdArray xs = NumpyArrays.readNpy(dir.resolve("a-xs.npy"));
    NdArray hs = NumpyArrays.readNpy(dir.resolve("a-hs.npy"));
    NdArray xsTimeFirst = NumpyArrays.readNpy(dir.resolve("b-xs.npy"));
    assertArrayEquals(new int[] {1, 40, 30}, xs.shape());
    assertArrayEquals(new int[] {40, 1, 30}, xsTimeFirst.shape());
    // one sequence: both layouts hold the same numbers in the same order; same seed, same noise
    assertArrayEquals(xs.data(), xsTimeFirst.data(), 0.0);
    for (int i = 0; i < xs.data().length; i++) {
      assertEquals(Math.tanh(xs.data()[i]), hs.data()[i], 1e-15); // h = tanh(x), the activation
    }
    MainTest.Run c = MainTest.run("simulate", ckpt, "-u", "1,0,0", "--steps", "40",
        "--noise-levels", "0.01,0.01", "--seed", "6", "-o", dir.toString(), "--name", "c");
    assertEquals(0, c.status(), c.err());
    double[] other = NumpyArrays.readNpy(dir.resolve("c-xs.npy")).data();
    assertTrue(!java.util.Arrays.equals(xs.data(), other), "another seed, other noise");
    JsonNode report = JSON.readTree(dir.resolve("a-simulation.json").toFile());
    assertEquals("mrnn4j-simulation", report.get("format").asText());
    assertEquals(40, report.get("steps").asInt());
    assertEquals(5, report.get("noise").get("seed").asInt());
  }

  @Test
  void inputSequencesFromNumpyAndBadShapesNamed(@TempDir Path dir) throws Exception {
    // two sequences of 25 steps: pulses on input 0, then on input 1
    double[] u = new double[2 * 25 * 3];
    for (int t = 0; t < 25; t++) {
      u[t * 3] = 1;
      u[(25 + t) * 3 + 1] = 1;
    }
    Path inputs = dir.resolve("u.npy");
    NumpyArrays.writeNpy(inputs, new int[] {2, 25, 3}, u);
    MainTest.Run r = MainTest.run("simulate", flipFlop().toString(), "--inputs", inputs.toString(),
        "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    NdArray xs = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-xs.npy"));
    assertArrayEquals(new int[] {2, 25, 30}, xs.shape());
    // the same first sequence as a constant input of (1, 0, 0) gives the same states
    MainTest.Run c = MainTest.run("simulate", flipFlop().toString(), "-u", "1,0,0", "--steps",
        "25", "-o", dir.toString(), "--name", "const");
    assertEquals(0, c.status(), c.err());
    double[] constant = NumpyArrays.readNpy(dir.resolve("const-xs.npy")).data();
    assertArrayEquals(constant, java.util.Arrays.copyOf(xs.data(), 25 * 30), 0.0);

    Path wrong = dir.resolve("wrong.npy");
    NumpyArrays.writeNpy(wrong, new int[] {25, 4}, new double[100]);
    MainTest.Run bad = MainTest.run("simulate", flipFlop().toString(), "--inputs",
        wrong.toString(), "-o", dir.toString());
    assertEquals(2, bad.status());
    // the checkpoint's readout is noted first (keys the model does not use, and that they look
    // like a readout), then the error
    assertEquals("mrnn4j: note: checkpoint keys the model does not use: out_layer.weight,"
        + " out_layer.bias\nmrnn4j: note: " + ModelOptions.readoutHint("out_layer")
        + "\nmrnn4j: " + wrong + ": shape: is (25, 4); expected [T, 3] or"
        + " [B, T, 3]\n", bad.err());
    MainTest.Run badX0 = MainTest.run("simulate", flipFlop().toString(), "--x0",
        wrong.toString(), "-o", dir.toString());
    assertEquals(2, badX0.status());
    assertTrue(badX0.err().contains(wrong + ": shape: is (25, 4); expected [30] or [1, 30]"),
        badX0.err());
  }

  @Test
  void analyzeReadsSimulatedStatesAndWritesArrays(@TempDir Path dir) throws Exception {
    String ckpt = flipFlop().toString();
    assertEquals(0, MainTest.run("simulate", ckpt, "-u", "0,1,0", "--steps", "6", "-o",
        dir.toString()).status());
    Path xs = dir.resolve("flip_flop_rnn_leaky-xs.npy");
    MainTest.Run r = MainTest.run("analyze", ckpt, "--states", xs.toString(), "--npy", "-o",
        dir.toString(), "--no-plot", "-u", "0,1,0");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("state 6 of " + xs.getFileName()), r.out());
    JsonNode points = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-analysis.json").toFile())
        .get("points");
    assertEquals(6, points.size());
    double[] states = NumpyArrays.readNpy(xs).data();
    for (int p = 0; p < 6; p++) {
      for (int i = 0; i < 30; i++) {
        assertEquals(states[p * 30 + i], points.get(p).get("state").get(i).asDouble(), 0.0);
      }
    }
    NdArray j = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-jacobians.npy"));
    NdArray jin = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-input-jacobians.npy"));
    assertArrayEquals(new int[] {6, 30, 30}, j.shape());
    assertArrayEquals(new int[] {6, 30, 3}, jin.shape());
    // eigenvalues and eigenvectors (complex128, which this reader refuses): check the bytes
    Map<String, Object> sizes = Map.of(
        "flip_flop_rnn_leaky-eigenvalues.npy", "(6, 30)",
        "flip_flop_rnn_leaky-eigenvectors.npy", "(6, 30, 30)");
    for (var e : sizes.entrySet()) {
      String header = new String(Files.readAllBytes(dir.resolve(e.getKey())), 10, 80,
          java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(header.startsWith("{'descr': '<c16', 'fortran_order': False, 'shape': "
          + e.getValue() + ", }"), header);
    }
    // the eigenvalues file holds the report's eigenvalues, and J v = lambda v for its vectors
    byte[] ev = Files.readAllBytes(dir.resolve("flip_flop_rnn_leaky-eigenvalues.npy"));
    byte[] vec = Files.readAllBytes(dir.resolve("flip_flop_rnn_leaky-eigenvectors.npy"));
    java.nio.ByteBuffer evs = java.nio.ByteBuffer.wrap(ev, 128, ev.length - 128).slice()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    java.nio.ByteBuffer vecs = java.nio.ByteBuffer.wrap(vec, 128, vec.length - 128).slice()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int p = 0; p < 6; p++) {
      JsonNode listed = points.get(p).get("eigenvalues");
      for (int k = 0; k < 30; k++) {
        double lr = evs.getDouble(16 * (p * 30 + k));
        double li = evs.getDouble(16 * (p * 30 + k) + 8);
        assertEquals(listed.get("real").get(k).asDouble(), lr, 0.0);
        assertEquals(listed.get("imag").get(k).asDouble(), li, 0.0);
        double worst = 0;
        for (int i = 0; i < 30; i++) {
          double sr = 0;
          double si = 0;
          for (int m = 0; m < 30; m++) {
            double a = j.data()[(p * 30 + i) * 30 + m];
            int at = 16 * ((p * 30 + m) * 30 + k);
            sr += a * vecs.getDouble(at);
            si += a * vecs.getDouble(at + 8);
          }
          int at = 16 * ((p * 30 + i) * 30 + k);
          double vr = vecs.getDouble(at);
          double vi = vecs.getDouble(at + 8);
          worst = Math.max(worst, Math.hypot(sr - (lr * vr - li * vi), si - (lr * vi + li * vr)));
        }
        assertTrue(worst < 1e-12, "J v - lambda v = " + worst + " at point " + p + ", mode " + k);
      }
    }
  }

  @Test
  void flowFieldArraysHoldTheReportsFields(@TempDir Path dir) throws Exception {
    MainTest.Run r = MainTest.run("flow-field", flipFlop().toString(), "-u", "1,0,0", "--steps",
        "0,3", "--npy", "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode states = JSON.readTree(dir.resolve("flip_flop_rnn_leaky-flow-field.json").toFile())
        .get("states");
    NdArray axes = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-flow-axes.npy"));
    NdArray nonlinear = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-flow-nonlinear.npy"));
    NdArray linear = NumpyArrays.readNpy(dir.resolve("flip_flop_rnn_leaky-flow-linear.npy"));
    int p = axes.shape()[2];
    assertArrayEquals(new int[] {2, 2, p}, axes.shape());
    assertArrayEquals(new int[] {2, 2, p, p}, nonlinear.shape());
    for (int s = 0; s < 2; s++) {
      JsonNode st = states.get(s);
      for (int i = 0; i < p; i++) {
        assertEquals(st.get("x_axis").get(i).asDouble(), axes.data()[(2 * s) * p + i], 0.0);
        assertEquals(st.get("y_axis").get(i).asDouble(), axes.data()[(2 * s + 1) * p + i], 0.0);
        for (int j = 0; j < p; j++) {
          assertEquals(st.get("nonlinear").get("x_vels").get(i).get(j).asDouble(),
              nonlinear.data()[((s * 2) * p + i) * p + j], 0.0);
          assertEquals(st.get("linear").get("y_vels").get(i).get(j).asDouble(),
              linear.data()[((s * 2 + 1) * p + i) * p + j], 0.0);
        }
      }
    }
  }
}
