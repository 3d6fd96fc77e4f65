package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * The application layer against independent values: the constant input and its checks, the
 * operating points of a simulation and of a states file in each supported shape, the stability
 * of a point against the linearization computed directly, and the failure wording.
 */
class AppLayerTest {
  private static Backend backend;
  private static LeakyMRNN model;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
    model = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4).spectralRadius(1.3)
        .seed(3).recurrentRegion(RecurrentRegion.of("a", 5))
        .recurrentRegion(RecurrentRegion.of("b", 3).inhibitory())
        .inputRegion("u", 3).recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").inputConnection("u", "a").build(backend);
  }

  @AfterAll
  static void close() {
    model.close();
    backend.close();
  }

  @Test
  void constantInputsAreCheckedWithTheFrontEndsName() {
    assertArrayEquals(new double[3], Inputs.constant(null, 3, "--input"));
    assertArrayEquals(new double[] {2, 2, 2}, Inputs.constant(List.of(2.0), 3, "--input"));
    assertArrayEquals(new double[] {1, 0, -1}, Inputs.constant(List.of(1.0, 0.0, -1.0), 3, "x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Inputs.constant(List.of(1.0, 2.0), 3, "input"));
    assertEquals("input has 2 values; the model has 3 input units: give one value for all, or 3",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Inputs.constant(List.of(Double.NaN), 3, "input"));
    assertEquals("input: value 0 is NaN, expected a finite number", e.getMessage());
    assertEquals("zero on all 3 input units", Inputs.describe(new double[3]));
    assertEquals("[0.5, -1]", Inputs.describe(new double[] {0.5, -1}));
  }

  @Test
  void aRunChecksItsArgumentsInsteadOfFailingInside() {
    // issue 27: simulate(model, new double[2], 10) on a 3-input model threw
    // ArrayIndexOutOfBoundsException
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConstantInputRun.simulate(model, new double[2], 10));
    assertEquals("the input has 2 values; the model has 3 input units: give one value per input"
        + " unit", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ConstantInputRun.simulate(model, new double[3], 0));
    assertThrows(IllegalArgumentException.class,
        () -> ConstantInputRun.pointAfter(model, new double[] {0, Double.POSITIVE_INFINITY, 0}, 3));
  }

  @Test
  void thePointAfterNStepsIsNStepsOfTheModel() {
    double[] u = {0.5, -0.2, 1};
    OperatingPoint p = ConstantInputRun.pointAfter(model, u, 3);
    // three steps by hand through the model's own one-step map
    double[] x = model.initialCondition().toArray();
    for (int t = 0; t < 3; t++) {
      try (var xs = backend.fromArray(x, 1, 8); var in = backend.fromArray(u, 1, 3);
          var next = model.step(xs, in, null)) {
        x = next.toArray();
      }
    }
    assertArrayEquals(x, p.state(), 1e-13);
    assertArrayEquals(model.initialCondition().toArray(),
        ConstantInputRun.pointAfter(model, u, 0).state());
  }

  @Test
  void statesFilesOfEveryShapeGiveTheSamePoints(@TempDir Path dir) throws IOException {
    double[] u = {0.1, 0.2, 0.3};
    OperatingPoints sim = OperatingPoints.simulated(model, u, new TreeSet<>(List.of(1, 2, 3, 4)));
    assertEquals(List.of("after 1 steps", "after 2 steps", "after 3 steps", "after 4 steps"),
        sim.labels());
    double[] flat = new double[4 * 8];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(sim.points().get(i).state(), 0, flat, i * 8, 8);
    }
    Path tn = dir.resolve("tn.npy");
    NumpyArrays.writeNpy(tn, new int[] {4, 8}, flat);
    Path btn = dir.resolve("btn.npy");
    NumpyArrays.writeNpy(btn, new int[] {2, 2, 8}, flat);
    Path one = dir.resolve("one.npy");
    NumpyArrays.writeNpy(one, new int[] {8}, java.util.Arrays.copyOf(flat, 8));
    Path csv = dir.resolve("s.csv");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < 8; k++) {
        text.append(k == 0 ? "" : ",").append(Double.toString(flat[i * 8 + k]));
      }
      text.append('\n');
    }
    Files.writeString(csv, text);
    for (Path f : List.of(tn, btn, csv)) {
      OperatingPoints read = OperatingPoints.fromFile(model, f, u, false);
      assertEquals(4, read.points().size(), f.toString());
      assertEquals("state 2 of " + f.getFileName(), read.labels().get(1));
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(sim.points().get(i).state(), read.points().get(i).state(), 0.0);
        assertArrayEquals(u, read.points().get(i).input(), 0.0);
      }
    }
    assertEquals(1, OperatingPoints.fromFile(model, one, u, false).points().size());
    // per-state inputs in the file, and a constant input beside them: refused, not one ignored
    Path json = dir.resolve("s.json");
    Files.writeString(json, "{\"states\": [" + java.util.Arrays.toString(new double[8]) + "],"
        + " \"inputs\": [[1, 2, 3]]}");
    OperatingPoints withInputs = OperatingPoints.fromFile(model, json, u, false);
    assertArrayEquals(new double[] {1, 2, 3}, withInputs.points().get(0).input(), 0.0);
    assertEquals("per state, from s.json (1 inputs)", withInputs.inputs());
    assertThrows(IllegalArgumentException.class,
        () -> OperatingPoints.fromFile(model, json, u, true));
  }

  @Test
  void theStabilityIsTheMapsLinearizationAtEachPoint() {
    double[] u = {0.3, 0, -0.3};
    OperatingPoints op = OperatingPoints.simulated(model, u, new TreeSet<>(List.of(0, 7)));
    StabilityAnalysis.Result r = StabilityAnalysis.run(model, op.points(),
        new StabilityAnalysis.Request(List.of(), null, false, true,
            StabilityAnalysis.PartialDh.WITH_ALPHA), done -> { });
    assertTrue(!r.leadingOnly());
    for (int i = 0; i < 2; i++) {
      double direct = Linearization.of(model).stability(op.points().get(i)).spectralRadius();
      assertEquals(direct, r.summaries().get(i).spectralRadius(), 1e-12);
      try (var lin = Linearization.of(model).at(op.points().get(i))) {
        double[] jac = lin.jacobian().toArray();
        double[] kept = java.util.Arrays.copyOfRange(r.jacobians().jacobians(), i * 64,
            (i + 1) * 64);
        assertArrayEquals(jac, kept, 0.0);
      }
    }
    assertEquals(2, r.partialDhEigenvalues().size());
    // the Krylov path when asked: its leading part agrees with the dense radius
    StabilityAnalysis.Result k = StabilityAnalysis.run(model, op.points(),
        new StabilityAnalysis.Request(List.of(), 3, false, false, null), done -> { });
    assertTrue(k.leadingOnly());
    assertEquals(r.summaries().get(1).spectralRadius(), k.summaries().get(1).spectralRadius(),
        1e-9);
  }

  @Test
  void aStepFromPlainArraysIsTheLeakyUpdate() {
    double[] x = new double[8];
    for (int i = 0; i < 8; i++) {
      x[i] = Math.cos(i) * 0.7;
    }
    double[] u = {1, -0.5, 0.25};
    double[] w = model.recurrentWeights().toArray();
    double[] win = model.inputWeights().toArray();
    double[] b = model.tonicInput().toArray();
    double alpha = 0.25; // dt 1, tau 4
    double[] expected = new double[8];
    for (int i = 0; i < 8; i++) {
      double drive = b[i];
      for (int j = 0; j < 8; j++) {
        drive += w[i * 8 + j] * Math.tanh(x[j]);
      }
      for (int k = 0; k < 3; k++) {
        drive += win[i * 3 + k] * u[k];
      }
      expected[i] = x[i] + alpha * (-x[i] + drive);
    }
    assertArrayEquals(expected, model.step(x, u), 1e-14);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.step(x, new double[2]));
    assertEquals("the input has 2 values; the model has 3 input units", e.getMessage());
  }

  @Test
  void fixedPointsInOneCallFindAKnownSet() {
    // two uncoupled Elman units h' = tanh(2 h): each has the fixed points 0 (unstable, slope 2)
    // and +-h* with tanh(2 h*) = h* (stable): 9 fixed points, 4 stable, 4 saddles, 1 unstable
    double[][] w = {{2, 0}, {0, 2}};
    double[][] mask = {{1, 1}, {1, 1}};
    double[][] win = {{0}, {0}};
    double[][] one = {{1}, {1}};
    try (var elman = ModelBuilder.elman().activation(Activation.TANH).recurrentConstrained(false)
        .inputConstrained(false).recurrentRegion(RecurrentRegion.of("r", 2)).inputRegion("u", 1)
        .recurrentConnection("r", "r").inputConnection("u", "r")
        .parameters(org.mrnn4j.models.ModelParameters.of(w, mask, mask, win, one, one,
            org.mrnn4j.core.DType.FLOAT64))
        .build(backend)) {
      var search = FixedPoints.find(elman, new double[] {0}, 7);
      double hStar = 0.9575040240772686; // tanh(2 h) = h, by bisection to 1e-16
      assertEquals(hStar, Math.tanh(2 * hStar), 1e-15);
      assertEquals(9, search.fixedPoints().size());
      assertEquals(4, search.fixedPoints().stream().filter(p -> p.stability().isStable()).count());
      for (var p : search.fixedPoints()) {
        for (double v : p.fullState()) {
          assertTrue(Math.abs(v) < 1e-9 || Math.abs(Math.abs(v) - hStar) < 1e-9, "state " + v);
        }
      }
    }
  }

  @Test
  void failuresAreWordedOnce() {
    assertEquals("no such file: net.pth", Failures.describe(new NoSuchFileException("net.pth")));
    assertEquals("no such file: net.pth", Failures.describe(
        new java.io.UncheckedIOException(new NoSuchFileException("net.pth"))));
    assertEquals("bad thing", Failures.describe(new IllegalStateException("bad thing")));
    assertEquals("IllegalStateException caused by IOException: disk", Failures.describe(
        new IllegalStateException(null, new IOException("disk"))));
  }
}
