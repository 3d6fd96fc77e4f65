package org.mrnn4j.analysis.continuation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The short labels of the diagrams: AUTO's and MatCont's names of the bifurcations. */
class BifurcationKindTest {
  @Test
  void eachKindHasItsDiagramLabel() {
    assertEquals("LP", BifurcationKind.FOLD.shortLabel());
    assertEquals("BP", BifurcationKind.BRANCH_POINT.shortLabel());
    assertEquals("PD", BifurcationKind.PERIOD_DOUBLING.shortLabel());
    assertEquals("NS", BifurcationKind.NEIMARK_SACKER.shortLabel());
    assertEquals("H", BifurcationKind.HOPF_CONTINUOUS.shortLabel());
  }
}
