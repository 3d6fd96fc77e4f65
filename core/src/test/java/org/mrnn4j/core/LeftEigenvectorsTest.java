package org.mrnn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeftEigenvectorsTest {

  /**
   * Right vectors of eigenvalues 2, 1 + i, 1 - i: v0 real, v1 = x + i y, v2 = conj(v1). Left
   * vectors are defined by w_k^H v_j = 0 for j != k, which the test checks by hand sums.
   */
  private static Eigendecomposition sample() {
    double[] re = {2, 1, 1};
    double[] im = {0, 1, -1};
    double[][] vr = {{1, 0.5, -0.25}, {0.2, 1, 0.3}, {0.2, 1, 0.3}};
    double[][] vi = {{0, 0, 0}, {0.7, -0.1, 0.4}, {-0.7, 0.1, -0.4}};
    return Eigendecomposition.of(re, im, vr, vi);
  }

  private static void assertBiorthogonal(Eigendecomposition e) {
    assertTrue(e.hasLeftVectors());
    for (int k = 0; k < 3; k++) {
      double[] wr = e.leftVectorReal(k);
      double[] wi = e.leftVectorImag(k);
      double norm = 0;
      for (int i = 0; i < 3; i++) {
        norm += wr[i] * wr[i] + wi[i] * wi[i];
      }
      assertEquals(1.0, norm, 1e-13, "unit norm of left vector " + k);
      for (int j = 0; j < 3; j++) {
        double[] vr = e.vectorReal(j);
        double[] vi = e.vectorImag(j);
        double pr = 0;
        double pi = 0;
        for (int i = 0; i < 3; i++) {
          pr += wr[i] * vr[i] + wi[i] * vi[i];
          pi += wr[i] * vi[i] - wi[i] * vr[i];
        }
        if (j == k) {
          assertTrue(pr > 0.1, "w^H v real and positive, got " + pr);
          assertEquals(0.0, pi, 1e-14);
        } else {
          assertEquals(0.0, Math.hypot(pr, pi), 1e-14, "w_" + k + "^H v_" + j);
        }
      }
    }
  }

  @Test
  void realBasisAndComplexPathsGiveBiorthogonalLeftVectors() {
    Eigendecomposition real = LeftEigenvectors.attach(sample());
    Eigendecomposition complex = LeftEigenvectors.attach(sample(), true, null);
    assertBiorthogonal(real);
    assertBiorthogonal(complex);
    for (int k = 0; k < 3; k++) {
      double[] a = real.leftVectorReal(k);
      double[] b = complex.leftVectorReal(k);
      double[] c = real.leftVectorImag(k);
      double[] d = complex.leftVectorImag(k);
      for (int i = 0; i < 3; i++) {
        assertEquals(b[i], a[i], 1e-13);
        assertEquals(d[i], c[i], 1e-13);
      }
    }
  }

  @Test
  void leftVectorsNeedRightOnes() {
    Eigendecomposition values = Eigendecomposition.of(new double[] {1}, new double[1], null, null);
    assertFalse(values.hasLeftVectors());
    assertThrows(IllegalStateException.class, () -> values.leftVectorReal(0));
    assertThrows(IllegalArgumentException.class, () -> LeftEigenvectors.attach(values));
    assertThrows(
        IllegalArgumentException.class,
        () -> Eigendecomposition.of(
            new double[] {1}, new double[1], null, null, new double[][] {{1}}, null));
  }
}
