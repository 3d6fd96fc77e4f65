package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/**
 * {@link FlowPlane}'s own arithmetic: a mode's eigenvector on the plane against a hand-written
 * decomposition, the window's memory estimate by hand, and the caller's trajectory copied.
 */
class FlowPlaneTest {
  private static Backend backend;
  private static LeakyMRNN model;
  private static final double S = Math.sqrt(0.5);

  @BeforeAll
  static void build() {
    backend = Backends.select("ejml");
    model = LeakyMRNN.builder().activation(Activation.TANH).dt(10).tau(100)
        .recurrentConstrained(true).inputConstrained(false).seed(7L)
        .recurrentRegion(RecurrentRegion.of("exc", 4).sign(Sign.POS))
        .recurrentRegion(RecurrentRegion.of("inh", 1).sign(Sign.NEG))
        .inputRegion("inp", 1)
        .recurrentConnection("exc", "exc").recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc").recurrentConnection("inh", "inh")
        .inputConnection("inp", "exc").inputConnection("inp", "inh")
        .build(backend);
  }

  @AfterAll
  static void close() {
    model.close();
    backend.close();
  }

  private static FlowPlane plane(double[][] trajectory) {
    // e0 and (0, 0, 0.6, 0.8, 0): orthonormal directions through the origin
    Pca given = Pca.of(new double[5], new double[][] {{1, 0, 0, 0, 0}, {0, 0, 0.6, 0.8, 0}});
    return FlowPlane.of(model, trajectory, List.of(), false, given,
        FlowFieldAnalysis.Through.MEAN, null);
  }

  private static double[][] trajectory() {
    return new double[][] {{0.1, 0.2, 0.3, 0.4, 0.5}, {-0.2, 0.1, 0.0, 0.3, 0.1},
        {0.3, -0.1, 0.2, -0.2, 0.0}};
  }

  @Test
  void aModesEigenvectorIsPairedWithItsNearestEigenvalueAndProjected() {
    // 0.9: (3, 4, 0, 0, 0)/5; 0.5 +- 0.3i: (0, 0, 1, +-i, 0)/sqrt 2; 0.1: e5
    Eigendecomposition dec = Eigendecomposition.of(
        new double[] {0.1, 0.5, 0.9, 0.5},
        new double[] {0, 0.3, 0, -0.3},
        new double[][] {{0, 0, 0, 0, 1}, {0, 0, S, 0, 0}, {0.6, 0.8, 0, 0, 0}, {0, 0, S, 0, 0}},
        new double[][] {{0, 0, 0, 0, 0}, {0, 0, 0, S, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, -S, 0}});
    FlowPlane p = plane(trajectory());
    double[][] real = p.modeOnPlane(dec, 0.89, 0.01);
    assertArrayEquals(new double[] {0.6, 0}, real[0], 1e-12);
    assertArrayEquals(new double[] {0, 0}, real[1], 1e-12);
    // by hand: re part (0, 0, 1, 0, 0)/sqrt 2 -> (0, 0.6/sqrt 2); im part +-(0, 0, 0, 1, 0)/sqrt 2
    double[][] upper = p.modeOnPlane(dec, 0.5, 0.29);
    assertArrayEquals(new double[] {0, 0.6 * S}, upper[0], 1e-12);
    assertArrayEquals(new double[] {0, 0.8 * S}, upper[1], 1e-12);
    double[][] lower = p.modeOnPlane(dec, 0.5, -0.29);
    assertArrayEquals(new double[] {0, -0.8 * S}, lower[1], 1e-12);
    assertNull(p.modeOnPlane(Eigendecomposition.of(new double[] {1}, new double[] {0}, null,
        null), 1, 0), "no vectors: nothing to project");
  }

  @Test
  void theWindowsMemoryAndTheLargestGridThatFits() {
    // 40 x 40 grid at 512 units: 1600 * (4 * 512 + 6) doubles
    assertEquals(1600L * (4 * 512 + 6) * 8, FlowPlane.windowBytes(40, 512));
    long bytes = 57L * 57 * (4 * 100 + 6) * 8;
    assertEquals(57, FlowPlane.largestGrid(bytes, 100));
    assertEquals(56, FlowPlane.largestGrid(bytes - 1, 100));
    assertEquals(2, FlowPlane.largestGrid(1, 100));
  }

  @Test
  void theCallersTrajectoryIsCopied() {
    double[][] mine = trajectory();
    FlowPlane p = plane(mine);
    double[] explained = p.explained();
    double[][] path = p.path();
    mine[0][0] += 5;
    mine[1] = new double[5];
    assertArrayEquals(explained, p.explained(), 0);
    // by hand: the first state's coordinates (0.1, 0.6 * 0.3 + 0.8 * 0.4)
    assertArrayEquals(new double[] {0.1, 0.5}, p.path()[0], 1e-15);
    assertArrayEquals(path[1], p.path()[1], 0);
  }
  @Test
  void aTrajectoryThatDoesNotMoveHasNoPcaPlane() {
    // a network at rest stays at its initial state: its "principal components" would be arbitrary
    // unit directions, so no plane is fitted (the flip-flop at zero input did this)
    double[] rest = {0.1, 0.2, 0.3, 0.4, 0.5};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlowPlane.of(model, new double[][] {rest, rest.clone(), rest.clone()}, List.of(),
            false, null, FlowFieldAnalysis.Through.MEAN, null));
    assertTrue(e.getMessage().contains("does not move"), e.getMessage());
    // two distinct states fit a plane
    double[][] moving = {rest, {0.2, 0.2, 0.3, 0.4, 0.5}, {0.1, 0.3, 0.3, 0.4, 0.5}};
    FlowPlane fitted = FlowPlane.of(model, moving, List.of(), false, null,
        FlowFieldAnalysis.Through.MEAN, null);
    assertTrue(fitted.plane().totalVariance() > 0);
  }
}
