package org.mrnn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EigendecompositionTest {

  @Test
  void sortsByModulusThenRealThenImaginaryPart() {
    // moduli: 1, 5, 5, 5, 3, 5 (the pair 3+-4i), 2
    double[] re = {1, -5, 3, 5, 0, 3, -2};
    double[] im = {0, 0, -4, 0, 3, 4, 0};
    Eigendecomposition e = Eigendecomposition.of(re, im, null, null);
    assertArrayEquals(new double[] {5, 3, 3, -5, 0, -2, 1}, e.realParts());
    assertArrayEquals(new double[] {0, 4, -4, 0, 3, 0, 0}, e.imagParts());
    assertEquals(5.0, e.spectralRadius());
    assertEquals(7, e.size());
    assertEquals(5.0, e.modulus(1), 1e-15);
    assertFalse(e.hasVectors());
  }

  @Test
  void keepsEachVectorWithItsEigenvalue() {
    double[][] vr = {{1, 0}, {0, 2}};
    Eigendecomposition e = Eigendecomposition.of(new double[] {1, -3}, new double[2], vr, null);
    assertTrue(e.hasVectors());
    assertArrayEquals(new double[] {-3, 1}, e.realParts());
    assertArrayEquals(new double[] {0, 1}, e.vectorReal(0)); // scaled to unit norm
    assertArrayEquals(new double[] {1, 0}, e.vectorReal(1));
    assertArrayEquals(new double[] {0, 0}, e.vectorImag(0));
  }

  @Test
  void normalisesToUnitNormWithTheLargestComponentRealAndPositive() {
    // v = (1 + i, -2i, 0.5): largest component -2i, |v|^2 = 2 + 4 + 0.25
    double[][] vr = {{1, 0, 0.5}};
    double[][] vi = {{1, -2, 0}};
    Eigendecomposition e = Eigendecomposition.of(new double[] {1}, new double[] {1}, vr, vi);
    // multiplied by conj(-2i) / (2 |v|) = i / |v|
    double norm = Math.sqrt(6.25);
    assertArrayEquals(new double[] {-1 / norm, 2 / norm, 0}, e.vectorReal(0), 1e-15);
    assertArrayEquals(new double[] {1 / norm, 0, 0.5 / norm}, e.vectorImag(0), 1e-15);
    assertEquals(0.0, e.vectorImag(0)[1], 0.0, "the largest component is exactly real");
  }

  @Test
  void negativeRealVectorsFlipSign() {
    double[][] vr = {{-4, 3}};
    Eigendecomposition e = Eigendecomposition.of(new double[] {2}, new double[] {0}, vr, null);
    assertArrayEquals(new double[] {0.8, -0.6}, e.vectorReal(0), 1e-15);
    assertArrayEquals(new double[] {0, 0}, e.vectorImag(0), 0.0);
  }

  @Test
  void ofTheFirstOfEqualLargestComponentsIsMadeRealPositive() {
    double[][] vr = {{-1, 1}};
    Eigendecomposition e = Eigendecomposition.of(new double[] {2}, new double[] {0}, vr, null);
    double h = Math.sqrt(0.5);
    assertArrayEquals(new double[] {h, -h}, e.vectorReal(0), 1e-15);
  }

  @Test
  void zeroVectorsAreLeftAlone() {
    double[][] vr = {{0, 0}};
    Eigendecomposition e = Eigendecomposition.of(new double[] {0}, new double[] {0}, vr, null);
    assertArrayEquals(new double[] {0, 0}, e.vectorReal(0));
  }

  @Test
  void copiesInputsAndOutputs() {
    double[] re = {2, 1};
    double[][] vr = {{1, 0}, {0, 1}};
    Eigendecomposition e = Eigendecomposition.of(re, new double[2], vr, null);
    re[0] = 100;
    vr[0][0] = 100;
    assertEquals(2.0, e.real(0));
    assertArrayEquals(new double[] {1, 0}, e.vectorReal(0));
    e.realParts()[0] = 7;
    e.vectorReal(0)[0] = 7;
    assertEquals(2.0, e.real(0));
    assertArrayEquals(new double[] {1, 0}, e.vectorReal(0));
  }

  @Test
  void refusesVectorsWhenNoneWereComputed() {
    Eigendecomposition e = Eigendecomposition.of(new double[] {1}, new double[] {0}, null, null);
    IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.vectorReal(0));
    assertTrue(x.getMessage().contains("eigenvalues only"));
    assertThrows(IllegalStateException.class, () -> e.vectorImag(0));
  }

  @Test
  void rejectsMismatchedParts() {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> Eigendecomposition.of(new double[2], new double[3], null, null));
    assertTrue(x.getMessage().contains("2") && x.getMessage().contains("3"), x.getMessage());
  }

  @Test
  void emptyDecomposition() {
    Eigendecomposition e = Eigendecomposition.of(new double[0], new double[0], null, null);
    assertEquals(0, e.size());
    assertEquals(0.0, e.spectralRadius());
  }

  @Test
  void printsTheLeadingEigenvalues() {
    Eigendecomposition e = Eigendecomposition.of(new double[] {1, 0.5, 0.5}, new double[] {0, 2, -2},
        null, null);
    assertEquals("Eigendecomposition[0.5+2.0i, 0.5-2.0i, 1.0]", e.toString());
  }

  @Test
  void componentsThatTieToRoundingMakeTheFirstOneReal() {
    // LAPACK returns the rotation's eigenvector (1, -i)/sqrt 2 with moduli a last ulp apart;
    // the first component must be the real one whichever of the two is larger in floating point
    double lo = Math.sqrt(0.4999999999999999);
    double hi = Math.sqrt(0.5000000000000001);
    Eigendecomposition e = Eigendecomposition.of(new double[] {0}, new double[] {1},
        new double[][] {{0, 0}}, new double[][] {{lo, -hi}});
    assertEquals(0.0, e.vectorImag(0)[0]);
    assertTrue(e.vectorReal(0)[0] > 0.7071);
    // (i lo, -i hi) times -i is (lo, -hi): both real, the first positive
    assertEquals(-0.70710678118654752, e.vectorReal(0)[1], 1e-15);
    assertEquals(0.0, e.vectorImag(0)[1], 1e-15);
  }
}
