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
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Region helpers on a network whose effective weights are W[r][c] = 10 r + c (unconstrained, all
 * connected), so every block can be written down: regions a [0,1), b [1,3) and c [3,4), b and c
 * children of parent "bc"; inputs i [0,1), j [1,3).
 */
class RegionHelpersTest {
  private static Backend backend;
  private static RecurrentModel model;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
    double[][] w = new double[4][4];
    double[][] ones = new double[4][4];
    double[][] wi = new double[4][3];
    double[][] onesI = new double[4][3];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        w[r][c] = 10 * r + c;
        ones[r][c] = 1;
      }
      for (int c = 0; c < 3; c++) {
        wi[r][c] = 100 + 10 * r + c;
        onesI[r][c] = 1;
      }
    }
    ModelBuilder<LeakyMRNN> b = LeakyMRNN.builder().recurrentConstrained(false)
        .inputConstrained(false)
        .recurrentRegion("a", 1)
        .recurrentRegion(RecurrentRegion.of("b", 2).parent("bc"))
        .recurrentRegion(RecurrentRegion.of("c", 1).parent("bc"))
        .inputRegion("i", 1).inputRegion("j", 2);
    for (String s : List.of("a", "b", "c")) {
      for (String d : List.of("a", "b", "c")) {
        b.recurrentConnection(s, d);
      }
      b.inputConnection("i", s).inputConnection("j", s);
    }
    model = b.parameters(ModelParameters.of(w, ones, ones, wi, onesI, onesI, DType.FLOAT64))
        .build(backend);
  }

  @AfterAll
  static void close() {
    model.close();
    backend.close();
  }

  @Test
  void indicesAndSizes() {
    RegionLayout l = model.layout();
    assertEquals(List.of("a", "b", "c"), l.recurrentRegionNames());
    assertEquals(List.of("i", "j"), l.inputRegionNames());
    assertEquals(List.of("bc"), l.parentRegionNames());
    assertEquals(new IndexRange(1, 3), l.recurrentRange("b"));
    assertEquals(new IndexRange(1, 3), l.inputRange("j"));
    assertEquals(new IndexRange(1, 3), model.regionIndices("j"));
    assertEquals(3, model.regionSize("bc"));
    assertEquals(IndexRanges.of(1, 4), l.recurrentIndices(List.of("c", "bc")));
    assertEquals(IndexRanges.of(List.of(new IndexRange(0, 1), new IndexRange(3, 4))),
        l.recurrentIndices(List.of("c", "a")));
    assertEquals(IndexRanges.all(4), l.recurrentIndices(List.of()));
    assertEquals(List.of("a", "c"), l.expandRegions(List.of("c", "a", "c")));
    assertEquals(List.of("b", "c"), model.excludedRegions(List.of("a")));
    assertEquals(List.of("a"), model.excludedRegions(List.of("bc")));
    assertEquals(List.of(), model.excludedRegions(List.of()));
  }

  @Test
  void unknownNamesAreNamedWithTheKnownOnes() {
    RegionLayout l = model.layout();
    String msg = assertThrows(IllegalArgumentException.class,
        () -> l.recurrentIndices(List.of("a", "thal"))).getMessage();
    assertTrue(msg.contains("unknown region 'thal'") && msg.contains("[a, b, c, bc]"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> l.recurrentRange("bc")).getMessage();
    assertTrue(msg.contains("'bc' is a parent region"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> l.recurrentIndices(List.of("j")))
        .getMessage();
    assertTrue(msg.contains("'j' is an input region"), msg);
  }

  @Test
  void weightSubsetIsTheSquareBlockInModelOrder() {
    try (Tensor w = model.weightSubset(List.of("c", "a"))) {
      // rows/cols {0, 3}
      assertArrayEquals(new double[] {0, 3, 30, 33}, w.toArray(), 0.0);
    }
    try (Tensor w = model.weightSubset(List.of())) {
      assertArrayEquals(new int[] {4, 4}, w.shape());
    }
  }

  @Test
  void projectionsWithParentsOnBothSidesAndInputSenders() {
    try (TensorScope s = new TensorScope()) {
      Tensor p = s.track(model.projection("a", "bc")); // the reference rejects a parent sender
      assertArrayEquals(new int[] {1, 3}, p.shape());
      assertArrayEquals(new double[] {1, 2, 3}, p.toArray(), 0.0);
      p = s.track(model.projection("bc", "a"));
      assertArrayEquals(new double[] {10, 20, 30}, p.toArray(), 0.0);
      p = s.track(model.projection("bc", "j"));
      assertArrayEquals(new double[] {111, 112, 121, 122, 131, 132}, p.toArray(), 0.0);
    }
  }

  @Test
  void regionActivityKeepsTheGivenOrderAndExpandsParents() {
    try (TensorScope s = new TensorScope()) {
      // act [2, 1, 4]: unit k holds 10 t + k
      Tensor act = s.track(backend.fromArray(new double[] {0, 1, 2, 3, 10, 11, 12, 13}, 2, 1, 4));
      Tensor r = s.track(model.regionActivity(act, List.of("c", "a")));
      assertArrayEquals(new int[] {2, 1, 2}, r.shape());
      assertArrayEquals(new double[] {3, 0, 13, 10}, r.toArray(), 0.0);
      r = s.track(model.regionActivity(act, List.of("bc", "a")));
      assertArrayEquals(new double[] {1, 2, 3, 0, 11, 12, 13, 10}, r.toArray(), 0.0);
      Tensor bad = s.track(backend.zeros(2, 3));
      assertThrows(IllegalArgumentException.class, () -> model.regionActivity(bad, List.of("a")));
    }
  }

  @Test
  void combineStatesPutsEachRegionBack() {
    try (TensorScope s = new TensorScope()) {
      Tensor a = s.track(backend.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)); // b, c
      Tensor b = s.track(backend.fromArray(new double[] {-1, -2}, 2, 1)); // a
      Tensor full = s.track(model.combineStates(a, List.of("bc"), b, List.of("a")));
      assertArrayEquals(new double[] {-1, 1, 2, 3, -2, 4, 5, 6}, full.toArray(), 0.0);
      String msg = assertThrows(IllegalArgumentException.class,
          () -> model.combineStates(a, List.of("bc"), b, List.of("b"))).getMessage();
      assertTrue(msg.contains("'b' is in both"), msg);
    }
  }
}
