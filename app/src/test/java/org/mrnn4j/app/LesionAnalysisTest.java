package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.Lesion;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;

/**
 * Lesion studies against independent values: a two-unit network whose fixed points are solved by
 * bisection here, the lesioned map evaluated through the intact model's {@code stepWith} with
 * weights lesioned by hand, and a factor of 1 that must give back the intact points exactly.
 */
class LesionAnalysisTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /**
   * Two one-unit regions, tanh: A is driven by the input only ({@code x_A = u}), B by itself
   * (0.5) and by A (1): {@code x_B = 0.5 tanh(x_B) + tanh(x_A)}. Cutting A -> B leaves
   * {@code x_B = 0.5 tanh(x_B)}, whose only solution is 0.
   */
  @Test
  void cuttingTheOnlyConnectionIntoBLeavesBAtItsOwnFixedPoint() {
    double[][] w = {{0, 0}, {1, 0.5}};
    double[][] mask = {{0, 0}, {1, 1}};
    double[][] wi = {{1}, {0}};
    double[][] maskI = {{1}, {0}};
    try (LeakyMRNN m = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(2)
        .recurrentConstrained(false).inputConstrained(false)
        .recurrentRegion("A", 1).recurrentRegion("B", 1).inputRegion("u", 1)
        .recurrentConnection("A", "B").recurrentConnection("B", "B").inputConnection("u", "A")
        .parameters(ModelParameters.of(w, mask, mask, wi, maskI, maskI, DType.FLOAT64))
        .build(backend)) {
      double u = 0.8;
      LesionAnalysis.Result r = LesionAnalysis.run(m, new double[] {u},
          List.of(Lesion.cut("A", "B")), 1, null, null);
      // x_B = 0.5 tanh(x_B) + tanh(0.8), by bisection
      double lo = 0;
      double hi = 10;
      for (int k = 0; k < 200; k++) {
        double mid = 0.5 * (lo + hi);
        if (mid - 0.5 * Math.tanh(mid) - Math.tanh(u) > 0) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      assertEquals(1, r.intact().fixedPoints().size());
      FixedPoint before = r.intact().fixedPoints().get(0);
      assertArrayEquals(new double[] {u, lo}, before.fullState(), 1e-9);
      LesionAnalysis.Network cut = r.lesioned().get(0);
      assertEquals("cut:A->B", cut.label());
      assertEquals(1, cut.fixedPoints().size());
      assertArrayEquals(new double[] {u, 0}, cut.fixedPoints().get(0).fullState(), 1e-9);
      LesionAnalysis.Match match = cut.matches().get(0);
      assertTrue(match.found());
      assertEquals(0, match.lesioned());
      assertEquals(lo, match.distance(), 1e-9);
      assertTrue(match.moved(r.tolerance()));
      assertEquals(1, cut.movedCount());
      assertEquals(0, cut.notFoundCount());
      assertTrue(cut.newPoints().isEmpty());
      // both stable: |1 - alpha + alpha * 0.5 * tanh'| < 1 and the A mode 1 - alpha
      assertEquals(1, cut.stableCount());
      assertFalse(match.stabilityChanged());
    }
  }

  private static LeakyMRNN threeRegions() {
    ModelBuilder<LeakyMRNN> b = ModelBuilder.leaky().activation(Activation.TANH).dt(1).tau(4)
        .spectralRadius(1.6).seed(5).recurrentRegion("a", 4)
        .recurrentRegion(RecurrentRegion.of("b", 3).inhibitory()).recurrentRegion("c", 3)
        .inputRegion("u", 1);
    for (String s : List.of("a", "b", "c")) {
      for (String d : List.of("a", "b", "c")) {
        b.recurrentConnection(s, d);
      }
      b.inputConnection("u", s);
    }
    return b.build(backend);
  }

  @Test
  void lesionedFixedPointsSatisfyTheHandLesionedMap() {
    try (LeakyMRNN m = threeRegions()) {
      double[] u = {0.2};
      List<Lesion> lesions = List.of(Lesion.cut("a", "c"), Lesion.scale("b", "a", -0.5),
          Lesion.silence("c"));
      LesionAnalysis.Result r = LesionAnalysis.run(m, u, lesions, 3,
          model -> OperatingPoints.simulated(model, u, new TreeSet<>(List.of(0, 50))), null);
      double[][] intactW = m.recurrentWeights().toMatrix();
      int[][] blocks = {{7, 10, 0, 4}, {0, 4, 4, 7}, {0, 10, 7, 10}}; // rows r0,r1, cols c0,c1
      double[] factors = {0, -0.5, 0};
      int checked = 0;
      for (int k = 0; k < lesions.size(); k++) {
        double[][] hand = new double[10][];
        for (int row = 0; row < 10; row++) {
          hand[row] = intactW[row].clone();
          for (int c = blocks[k][2]; c < blocks[k][3]; c++) {
            if (row >= blocks[k][0] && row < blocks[k][1]) {
              hand[row][c] *= factors[k];
            }
          }
        }
        LesionAnalysis.Network n = r.lesioned().get(k);
        assertEquals(2, n.operating().size());
        assertEquals(r.intact().fixedPoints().size(), n.matches().size());
        try (Tensor hw = backend.fromMatrix(hand)) {
          for (FixedPoint p : n.fixedPoints()) {
            double[] x = p.fullState();
            try (Tensor s = backend.fromArray(x, 1, 10);
                Tensor in = backend.fromArray(u, 1, 1);
                Tensor next = m.stepWith(hw, s, in, null)) {
              double[] y = next.toArray();
              double q = 0;
              for (int i = 0; i < 10; i++) {
                q += 0.5 * (y[i] - x[i]) * (y[i] - x[i]);
              }
              assertTrue(q < 1e-18, n.label() + ": q = " + q + " under the hand-lesioned map");
              checked++;
            }
          }
        }
      }
      assertTrue(checked >= 3, "fixed points checked: " + checked);
    }
  }

  @Test
  void factorOneReproducesTheIntactAnalysisExactly() {
    try (LeakyMRNN m = threeRegions()) {
      double[] u = {0.2};
      LesionAnalysis.Result r = LesionAnalysis.run(m, u, List.of(Lesion.scale("a", "b", 1)), 7,
          null, null);
      List<FixedPoint> intact = r.intact().fixedPoints();
      LesionAnalysis.Network same = r.lesioned().get(0);
      assertFalse(intact.isEmpty());
      assertEquals(intact.size(), same.fixedPoints().size());
      for (int i = 0; i < intact.size(); i++) {
        assertArrayEquals(intact.get(i).fullState(), same.fixedPoints().get(i).fullState(), 0);
        assertEquals(intact.get(i).describe(), same.fixedPoints().get(i).describe());
        LesionAnalysis.Match match = same.matches().get(i);
        assertEquals(i, match.lesioned());
        assertEquals(0, match.distance(), 0);
      }
      assertEquals(0, same.movedCount());
      assertEquals(0, same.stabilityChangedCount());
      assertTrue(same.newPoints().isEmpty());
      assertEquals(0, same.fromIntactOnly());
    }
  }
}
