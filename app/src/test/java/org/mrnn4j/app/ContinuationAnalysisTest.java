package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.continuation.Bifurcation;
import org.mrnn4j.analysis.continuation.BifurcationKind;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationOptions;
import org.mrnn4j.analysis.continuation.ContinuationPoint;
import org.mrnn4j.analysis.continuation.PseudoArclength;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;

/**
 * Continuation through the application layer on constructed networks: a Dale's-law leaky mRNN
 * whose leading eigenvalue is moved across 1 by the gain of its excitatory self-connection (the
 * bifurcation located against dense eigenvalues computed here at the bracketing gains), branch
 * points checked against the model's own step, and the parameters' refusals.
 */
class ContinuationAnalysisTest {
  private static Backend backend;
  private static LeakyMRNN dale;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
    dale = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4).spectralRadius(0.6)
        .seed(11).recurrentRegion(RecurrentRegion.of("e", 8))
        .recurrentRegion(RecurrentRegion.of("i", 4).inhibitory())
        .inputRegion("u", 2).recurrentConnection("e", "e").recurrentConnection("e", "i")
        .recurrentConnection("i", "e").recurrentConnection("i", "i").inputConnection("u", "e")
        .build(backend);
  }

  @AfterAll
  static void close() {
    dale.close();
    backend.close();
  }

  /** The map's Jacobian at x = 0 with zero drive, {@code (1 - alpha) I + alpha W(g)}, by hand. */
  private static Eigendecomposition jacobianAtZero(double g) {
    double[][] w = dale.recurrentWeights().toMatrix();
    int n = w.length;
    double a = dale.alpha();
    double[] j = new double[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double wrc = (r < 8 && c < 8) ? g * w[r][c] : w[r][c];
        j[r * n + c] = a * wrc + (r == c ? 1 - a : 0);
      }
    }
    try (Tensor t = backend.fromArray(j, n, n)) {
      return t.backend().eig(t, false);
    }
  }

  private static double maxRealOnAxis(Eigendecomposition e) {
    double best = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < e.size(); k++) {
      if (e.imag(k) == 0) {
        best = Math.max(best, e.real(k));
      }
    }
    return best;
  }

  @Test
  void daleNetworksLeadingEigenvalueCrossesOneWhereTheGainBifurcationIsLocated() {
    // zero input and no tonic drive: x = 0 is a fixed point at every gain (tanh is odd), so the
    // crossing of +1 is a branch point (a pitchfork) on the trivial branch
    assertEquals(0.0, java.util.Arrays.stream(dale.tonicInput().toArray()).map(Math::abs)
        .max().orElse(0), 0.0, "the constructed network has no tonic drive");
    ContinuationParameter gain = ContinuationParameter.gain("e", "e", new double[2]);
    ContinuationOptions o = ContinuationOptions.over(0.5, 8).withLocateTolerance(1e-10);
    Branch b = new PseudoArclength(backend, o).follow(gain.family(dale), 0.5, new double[12], 1);
    List<Bifurcation> crossings = b.bifurcations().stream()
        .filter(f -> f.kind() == BifurcationKind.BRANCH_POINT
            || f.kind() == BifurcationKind.FOLD)
        .toList();
    assertFalse(crossings.isEmpty(), () -> "no +1 crossing found: " + b.bifurcations()
        + "; stop " + b.stopDetail());
    Bifurcation f = crossings.get(0);
    assertTrue(f.located(), f.note());
    assertEquals(BifurcationKind.BRANCH_POINT, f.kind(), f.note());
    double g = f.parameter();
    // independent: the dense eigenvalues of (1 - alpha) I + alpha W(g) around g
    double below = maxRealOnAxis(jacobianAtZero(g - 1e-8));
    double above = maxRealOnAxis(jacobianAtZero(g + 1e-8));
    assertTrue(below < 1 && above > 1, "leading real eigenvalue " + below + " at g - 1e-8, "
        + above + " at g + 1e-8 (g = " + g + ")");
    assertEquals(1.0, f.eigenReal()[0], 1e-7);
    for (int k = 0; k < f.state().length; k++) {
      assertEquals(0.0, f.state()[k], 1e-9, "the trivial branch stays at x = 0");
    }
    // stable before, unstable after
    assertTrue(b.start().stable());
    assertFalse(b.end().stable());
  }

  @Test
  void branchPointsAreFixedPointsOfTheModelsOwnStep() {
    double[] u0 = {0.2, -0.1};
    double[] d = {1.0, 0.5};
    ContinuationAnalysis.Result r = ContinuationAnalysis.run(dale, new ContinuationAnalysis.Request(
        ContinuationParameter.input(u0, d), 0, 1.5, false, 3, null));
    assertFalse(r.branches().isEmpty());
    for (Branch b : r.branches()) {
      for (ContinuationPoint p : b.points()) {
        double[] u = {u0[0] + p.parameter() * d[0], u0[1] + p.parameter() * d[1]};
        double[] next = dale.step(p.state(), u);
        for (int i = 0; i < next.length; i++) {
          assertEquals(p.state()[i], next[i], 1e-9, "x' = x at s = " + p.parameter());
        }
      }
    }
  }

  @Test
  void elmanBranchesAreFixedPointsOfItsStep() {
    try (ElmanMRNN elman = ModelBuilder.elman().activation(Activation.TANH).spectralRadius(1.5)
        .seed(5).recurrentRegion(RecurrentRegion.of("a", 6)).inputRegion("u", 1)
        .recurrentConnection("a", "a").inputConnection("u", "a").build(backend)) {
      ContinuationAnalysis.Result r = ContinuationAnalysis.run(elman,
          new ContinuationAnalysis.Request(ContinuationParameter.input(new double[1],
              new double[] {1}), 0, 2, false, 1, null));
      assertFalse(r.branches().isEmpty());
      for (Branch b : r.branches()) {
        for (ContinuationPoint p : b.points()) {
          double[] next = elman.step(p.state(), new double[] {p.parameter()});
          for (int i = 0; i < next.length; i++) {
            assertEquals(p.state()[i], next[i], 1e-9);
          }
        }
      }
    }
  }

  @Test
  void interpolatingAModelWithItselfGivesConstantBranches() {
    ContinuationAnalysis.Result r = ContinuationAnalysis.run(dale, new ContinuationAnalysis.Request(
        ContinuationParameter.checkpoint(dale, "itself", new double[] {0.3, 0.3}), 0, 1, true, 2,
        null));
    for (Branch b : r.branches()) {
      for (ContinuationPoint p : b.points()) {
        for (int i = 0; i < p.state().length; i++) {
          assertEquals(b.start().state()[i], p.state()[i], 1e-10);
        }
      }
    }
    assertEquals(r.atStart().fixedPoints().size(), r.branches().size(),
        "one branch per point, and no second one from the end value");
    for (ContinuationAnalysis.Pairing p : r.pairings()) {
      assertTrue(p.endPoint() >= 0, p.note());
    }
  }

  @Test
  void parametersThatDoNotFitAreRefusedNamingWhy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContinuationParameter.gain("x", "e", new double[2]).family(dale));
    assertTrue(e.getMessage().contains("source region 'x'") && e.getMessage().contains("e, i"),
        e.getMessage());
    try (RecurrentModel other = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4)
        .seed(1).recurrentRegion(RecurrentRegion.of("e", 9))
        .recurrentRegion(RecurrentRegion.of("i", 4).inhibitory())
        .inputRegion("u", 2).recurrentConnection("e", "e").inputConnection("u", "e")
        .build(backend)) {
      e = assertThrows(IllegalArgumentException.class,
          () -> ContinuationParameter.checkpoint(other, "other", new double[2]).family(dale));
      assertTrue(e.getMessage().contains("units 12 vs 13"), e.getMessage());
    }
    e = assertThrows(IllegalArgumentException.class,
        () -> ContinuationParameter.input(new double[2], new double[2]));
    assertTrue(e.getMessage().contains("direction is zero"), e.getMessage());
  }

  /** {@code dr/dp} of every parameter kind, leaky and Elman, against central differences. */
  @Test
  void parameterDerivativesMatchCentralDifferencesForEveryKind() {
    try (ElmanMRNN elman = ModelBuilder.elman().activation(Activation.TANH).spectralRadius(1.2)
            .seed(8).recurrentRegion(RecurrentRegion.of("e", 8))
            .recurrentRegion(RecurrentRegion.of("i", 4).inhibitory()).inputRegion("u", 2)
            .recurrentConnection("e", "e").recurrentConnection("e", "i")
            .recurrentConnection("i", "e").inputConnection("u", "e").build(backend);
        ElmanMRNN elman2 = ModelBuilder.elman().activation(Activation.TANH).spectralRadius(0.8)
            .seed(9).recurrentRegion(RecurrentRegion.of("e", 8))
            .recurrentRegion(RecurrentRegion.of("i", 4).inhibitory()).inputRegion("u", 2)
            .recurrentConnection("e", "e").recurrentConnection("e", "i")
            .recurrentConnection("i", "e").inputConnection("u", "e").build(backend);
        LeakyMRNN dale2 = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4)
            .spectralRadius(0.9).seed(12).recurrentRegion(RecurrentRegion.of("e", 8))
            .recurrentRegion(RecurrentRegion.of("i", 4).inhibitory())
            .inputRegion("u", 2).recurrentConnection("e", "e").recurrentConnection("e", "i")
            .recurrentConnection("i", "e").recurrentConnection("i", "i")
            .inputConnection("u", "e").build(backend)) {
      double[] u = {0.4, -0.3};
      java.util.Random rnd = new java.util.Random(3);
      Object[][] cases = {
        {dale, ContinuationParameter.input(u, new double[] {1, -2})},
        {dale, ContinuationParameter.gain("i", "e", u)},
        {dale, ContinuationParameter.checkpoint(dale2, "dale2", u)},
        {elman, ContinuationParameter.inputs(u, new double[] {-1, 1})},
        {elman, ContinuationParameter.gain("e", "e", u)},
        {elman, ContinuationParameter.checkpoint(elman2, "elman2", u)},
      };
      for (Object[] c : cases) {
        RecurrentModel m = (RecurrentModel) c[0];
        ContinuationParameter p = (ContinuationParameter) c[1];
        var family = p.family(m);
        double s = 0.37;
        double[] x = new double[12];
        for (int i = 0; i < x.length; i++) {
          x[i] = rnd.nextGaussian();
        }
        double[] exact = new double[12];
        family.parameterDerivative(family.at(s), s, x, exact);
        double h = 1e-6;
        double[] rp = new double[12];
        double[] rm = new double[12];
        family.at(s + h).residual(x, rp);
        family.at(s - h).residual(x, rm);
        for (int i = 0; i < 12; i++) {
          assertEquals((rp[i] - rm[i]) / (2 * h), exact[i], 1e-7, p.description() + " on "
              + m.describe() + ", entry " + i);
        }
      }
    }
  }

  @Test
  void theKrylovLeadingPartLocatesTheSameCrossingAsTheDenseDecomposition() {
    // 100 units: above the size Spectra decomposes densely anyway, so the Krylov path runs
    try (LeakyMRNN big = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4)
        .spectralRadius(0.6).seed(21).recurrentRegion(RecurrentRegion.of("e", 80))
        .recurrentRegion(RecurrentRegion.of("i", 20).inhibitory())
        .inputRegion("u", 2).recurrentConnection("e", "e").recurrentConnection("e", "i")
        .recurrentConnection("i", "e").recurrentConnection("i", "i").inputConnection("u", "e")
        .build(backend)) {
      ContinuationParameter gain = ContinuationParameter.gain("e", "e", new double[2]);
      ContinuationOptions dense = ContinuationOptions.over(0.5, 6);
      Branch a = new PseudoArclength(backend, dense).follow(gain.family(big), 0.5,
          new double[100], 1);
      Branch b = new PseudoArclength(backend, dense.withDenseBelow(1)).follow(gain.family(big),
          0.5, new double[100], 1);
      assertFalse(a.bifurcations().isEmpty(), a.stopDetail());
      assertEquals(a.bifurcations().size(), b.bifurcations().size(),
          a.bifurcations() + " vs " + b.bifurcations());
      for (int k = 0; k < a.bifurcations().size(); k++) {
        assertEquals(a.bifurcations().get(k).kind(), b.bifurcations().get(k).kind());
        assertEquals(a.bifurcations().get(k).parameter(), b.bifurcations().get(k).parameter(),
            1e-9);
      }
      for (int k = 0; k < Math.min(a.points().size(), b.points().size()); k++) {
        assertEquals(a.points().get(k).unstable(), b.points().get(k).unstable());
      }
    }
  }
}
