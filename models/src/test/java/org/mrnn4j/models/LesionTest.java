package org.mrnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;

/**
 * Lesions against weights written down by hand: an unconstrained network whose effective weights
 * are {@code W[r][c] = 10 r + c + 1} (regions a [0,1), b [1,3), c [3,4); b and c children of
 * "bc"), and a Dale's-law network initialised at random whose lesioned weights are compared with
 * the intact effective weights scaled block by block here.
 */
class LesionTest {
  private static Backend backend;
  private static RecurrentModel model;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
    double[][] w = new double[4][4];
    double[][] ones = new double[4][4];
    double[][] wi = new double[4][1];
    double[][] onesI = new double[4][1];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        w[r][c] = 10 * r + c + 1;
        ones[r][c] = 1;
      }
      wi[r][0] = 1;
      onesI[r][0] = 1;
    }
    ModelBuilder<LeakyMRNN> b = LeakyMRNN.builder().recurrentConstrained(false)
        .inputConstrained(false)
        .recurrentRegion("a", 1)
        .recurrentRegion(RecurrentRegion.of("b", 2).parent("bc"))
        .recurrentRegion(RecurrentRegion.of("c", 1).parent("bc"))
        .inputRegion("i", 1);
    for (String s : List.of("a", "b", "c")) {
      for (String d : List.of("a", "b", "c")) {
        b.recurrentConnection(s, d);
      }
      b.inputConnection("i", s);
    }
    model = b.parameters(ModelParameters.of(w, ones, ones, wi, onesI, onesI, DType.FLOAT64))
        .build(backend);
  }

  @AfterAll
  static void close() {
    model.close();
    backend.close();
  }

  private static double[][] weights(RecurrentModel m) {
    return m.recurrentWeights().toMatrix();
  }

  /** The hand-written weights with rows {@code r0..r1} and columns {@code c0..c1} times f. */
  private static double[][] expected(int r0, int r1, int c0, int c1, double f) {
    double[][] w = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        w[r][c] = 10 * r + c + 1;
        if (r >= r0 && r < r1 && c >= c0 && c < c1) {
          w[r][c] *= f;
        }
      }
    }
    return w;
  }

  private static void assertSameWeights(double[][] expected, double[][] actual) {
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < expected[r].length; c++) {
        // == so that 0.0 and -0.0 count as the same weight
        assertTrue(expected[r][c] == actual[r][c],
            "W[" + r + "][" + c + "]: expected " + expected[r][c] + ", got " + actual[r][c]);
      }
    }
  }

  @Test
  void cutScaleAndSilenceChangeExactlyTheirBlocks() {
    try (RecurrentModel cut = Lesion.parse("cut:a->bc").apply(model);
        RecurrentModel scaled = Lesion.parse("scale:bc->a=-2.5").apply(model);
        RecurrentModel self = Lesion.parse("scale:b->b=0.5").apply(model);
        RecurrentModel silenced = Lesion.parse("silence:b").apply(model)) {
      assertSameWeights(expected(1, 4, 0, 1, 0), weights(cut));
      assertSameWeights(expected(0, 1, 1, 4, -2.5), weights(scaled));
      assertSameWeights(expected(1, 3, 1, 3, 0.5), weights(self));
      // silence: every row, the region's columns
      assertSameWeights(expected(0, 4, 1, 3, 0), weights(silenced));
      // the rest of the network is untouched
      assertArrayEquals(model.inputWeights().toArray(), cut.inputWeights().toArray());
      assertArrayEquals(model.tonicInput().toArray(), cut.tonicInput().toArray());
      assertEquals(model.spec(), cut.spec());
      assertEquals(model.kind(), cut.kind());
      // the intact model is unchanged
      assertSameWeights(expected(0, 0, 0, 0, 1), weights(model));
    }
  }

  @Test
  void factorOneGivesIdenticalWeightsAndParameters() {
    try (RecurrentModel same = Lesion.scale("a", "bc", 1).apply(model)) {
      assertArrayEquals(model.recurrentWeights().toArray(), same.recurrentWeights().toArray());
      assertEquals(model.parameters(), same.parameters());
    }
  }

  @Test
  void lesionedStepIsTheIntactStepWithTheHandLesionedWeights() {
    double[][] hand = expected(1, 4, 0, 1, 0);
    double[] x = {0.3, -0.2, 0.5, 0.1};
    try (RecurrentModel cut = Lesion.parse("cut:a->bc").apply(model);
        Tensor w = backend.fromMatrix(hand);
        Tensor s = backend.fromArray(x, 1, 4);
        Tensor u = backend.fromArray(new double[] {0.7}, 1, 1);
        Tensor viaIntact = model.stepWith(w, s, u, null)) {
      assertArrayEquals(viaIntact.toArray(), cut.step(x, new double[] {0.7}), 0);
    }
  }

  @Test
  void daleNetworkKeepsValidMasksAndSignsAndScalesTheEffectiveWeights() {
    ModelBuilder<LeakyMRNN> b = LeakyMRNN.builder().seed(3)
        .recurrentRegion("e", 3, Sign.POS).recurrentRegion("i", 2, Sign.NEG).inputRegion("u", 1);
    for (String s : List.of("e", "i")) {
      for (String d : List.of("e", "i")) {
        b.recurrentConnection(s, d);
      }
      b.inputConnection("u", s);
    }
    try (LeakyMRNN dale = b.build(backend)) {
      double[][] intact = weights(dale);
      for (double f : new double[] {-0.5, 2, 0}) {
        try (RecurrentModel l = Lesion.scale("i", "e", f).apply(dale)) {
          double[][] hand = new double[5][5];
          for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
              hand[r][c] = r < 3 && c >= 3 ? intact[r][c] * f : intact[r][c];
            }
          }
          assertSameWeights(hand, weights(l));
          // masks unchanged; signs still -1, 0 or 1 (checked by ModelParameters.of)
          assertArrayEquals(dale.parameters().recurrentMask(), l.parameters().recurrentMask());
          assertTrue(l.recurrentConstrained());
        }
      }
    }
  }

  @Test
  void parsePrintsAndRejects() {
    for (String s : List.of("silence:a", "cut:a->bc", "scale:b->c=0.25", "scale:b->c=-2")) {
      assertEquals(s, Lesion.parse(s).toString());
    }
    assertEquals(Lesion.scale("b", "c", 2), Lesion.parse(" scale : b -> c = 2.0 ".replace(" : ", ":")));
    assertThrows(IllegalArgumentException.class, () -> Lesion.parse("cut:a"));
    assertThrows(IllegalArgumentException.class, () -> Lesion.parse("scale:a->b"));
    assertThrows(IllegalArgumentException.class, () -> Lesion.parse("scale:a->b=NaN"));
    assertThrows(IllegalArgumentException.class, () -> Lesion.parse("scale:a->b=x"));
    assertThrows(IllegalArgumentException.class, () -> Lesion.parse("remove:a"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Lesion.parse("cut:a->zz").apply(model));
    assertTrue(unknown.getMessage().contains("'zz'") && unknown.getMessage().contains("[a, b, c]")
        && unknown.getMessage().contains("bc"), unknown.getMessage());
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
        () -> Lesion.parse("silence:i").apply(model));
    assertTrue(input.getMessage().contains("input region"), input.getMessage());
  }

  @Test
  void allRegionsAllConnectionsAndConnectionsWithoutWeights() {
    ModelBuilder<LeakyMRNN> b = LeakyMRNN.builder().recurrentConstrained(false).seed(1)
        .recurrentRegion("p", 2).recurrentRegion("q", 2).inputRegion("u", 1)
        .recurrentConnection("p", "p").recurrentConnection("p", "q")
        .recurrentConnection("q", "q").inputConnection("u", "p");
    try (LeakyMRNN m = b.build(backend)) {
      assertEquals(List.of(Lesion.silence("p"), Lesion.silence("q")),
          Lesion.allRegions(m.layout()));
      assertEquals(List.of(Lesion.cut("p", "p"), Lesion.cut("p", "q"), Lesion.cut("q", "q")),
          Lesion.allConnections(m));
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> Lesion.cut("q", "p").apply(m));
      assertTrue(none.getMessage().contains("no weights"), none.getMessage());
    }
    assertEquals(9, Lesion.allConnections(model).size());
  }
}
