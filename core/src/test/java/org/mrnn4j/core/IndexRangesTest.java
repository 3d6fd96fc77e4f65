package org.mrnn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexRangesTest {

  private static IndexRanges of(int... bounds) {
    IndexRange[] r = new IndexRange[bounds.length / 2];
    for (int i = 0; i < r.length; i++) {
      r[i] = new IndexRange(bounds[2 * i], bounds[2 * i + 1]);
    }
    return IndexRanges.of(List.of(r));
  }

  @Test
  void rangeValidatesItsBounds() {
    assertEquals(3, new IndexRange(2, 5).size());
    assertEquals(0, new IndexRange(4, 4).size());
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> new IndexRange(3, 2));
    assertTrue(x.getMessage().contains("[3, 2)"), x.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new IndexRange(-1, 2));
    assertEquals("[2, 5)", new IndexRange(2, 5).toString());
  }

  @Test
  void sizeEndAndIndices() {
    IndexRanges r = of(1, 3, 5, 6, 8, 10);
    assertEquals(5, r.size());
    assertEquals(10, r.end());
    assertFalse(r.isEmpty());
    assertArrayEquals(new int[] {1, 2, 5, 8, 9}, r.toIndices());
    assertEquals(3, r.ranges().size());
    assertEquals("[[1, 3), [5, 6), [8, 10)]", r.toString());
  }

  @Test
  void allAndSingle() {
    assertArrayEquals(new int[] {0, 1, 2}, IndexRanges.all(3).toIndices());
    assertTrue(IndexRanges.all(3).isAll(3));
    assertFalse(IndexRanges.all(3).isAll(4));
    assertFalse(IndexRanges.of(1, 3).isAll(3));
    assertTrue(of(0, 2, 2, 3).isAll(3), "adjacent ranges covering [0, 3)");
    assertFalse(of(0, 1, 2, 3).isAll(3));
    assertArrayEquals(new int[] {4, 5}, IndexRanges.of(4, 6).toIndices());
  }

  @Test
  void emptySelections() {
    IndexRanges none = IndexRanges.of(List.of());
    assertTrue(none.isEmpty());
    assertEquals(0, none.size());
    assertEquals(0, none.end());
    assertArrayEquals(new int[0], none.toIndices());
    assertEquals(IndexRanges.all(4), none.complement(4));
    assertTrue(IndexRanges.of(2, 2).isEmpty());
  }

  @Test
  void rejectsOverlappingOrDescendingRanges() {
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> of(0, 3, 2, 5));
    assertTrue(x.getMessage().contains("ascending and disjoint"), x.getMessage());
    assertTrue(x.getMessage().contains("[2, 5)"), x.getMessage());
    assertThrows(IllegalArgumentException.class, () -> of(4, 6, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> IndexRanges.of(3, 1));
    // adjacent is fine
    assertEquals(4, of(0, 2, 2, 4).size());
  }

  @Test
  void complementWithinN() {
    assertEquals(of(0, 1, 3, 5, 6, 8), of(1, 3, 5, 6).complement(8));
    assertEquals(of(2, 4), of(0, 2).complement(4));
    assertEquals(of(0, 2), of(2, 4).complement(4));
    assertTrue(IndexRanges.all(5).complement(5).isEmpty());
    // indices at or beyond n are ignored
    assertEquals(of(0, 2), of(2, 9).complement(4));
    assertEquals(of(0, 1, 3, 4), of(1, 3, 6, 8).complement(4));
    // complement of the complement
    IndexRanges r = of(1, 2, 4, 7);
    assertEquals(r, r.complement(9).complement(9));
    assertArrayEquals(new int[] {0, 2, 3, 7, 8}, r.complement(9).toIndices());
  }

  @Test
  void equalityIsByRanges() {
    assertEquals(of(1, 3), IndexRanges.of(1, 3));
    assertEquals(of(1, 3).hashCode(), IndexRanges.of(1, 3).hashCode());
    assertNotEquals(of(1, 3), of(1, 2, 2, 3), "the same indices split differently");
    assertNotEquals(of(1, 3), "[1, 3)");
  }
}
