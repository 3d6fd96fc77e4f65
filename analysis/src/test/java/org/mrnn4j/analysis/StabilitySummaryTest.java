package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Eigendecomposition;

/** The stability summary on hand-chosen spectra (a diagonal / block-diagonal Jacobian). */
class StabilitySummaryTest {

  /** Eigenvalues of diag(0.5, -1.2, [[0.9, -0.3], [0.3, 0.9]], 1.0): 0.5, -1.2, 0.9 +- 0.3i, 1. */
  private static Eigendecomposition spectrum() {
    return Eigendecomposition.of(
        new double[] {0.5, -1.2, 0.9, 0.9, 1.0},
        new double[] {0.0, 0.0, 0.3, -0.3, 0.0}, null, null);
  }

  @Test
  void discreteTime() {
    StabilitySummary s = StabilitySummary.of(spectrum());
    assertEquals(1.2, s.spectralRadius(), 0.0);
    assertEquals(-1.2, s.leadingReal(), 0.0);
    assertEquals(0.0, s.leadingImag(), 0.0);
    // |-1.2| > 1 only; |0.9 +- 0.3i| = 0.9487 and |1.0| = 1 are not unstable
    assertEquals(1, s.unstableModes());
    assertFalse(s.isStable());
    assertFalse(s.hasContinuousTime());
    assertThrows(IllegalStateException.class, s::timeConstants);
  }

  @Test
  void continuousTime() {
    double dt = 0.5;
    StabilitySummary s = StabilitySummary.of(spectrum(), dt);
    // canonical order: -1.2, 1.0, 0.9+0.3i, 0.9-0.3i, 0.5
    assertArrayEquals(new double[] {-1.2, 1.0, 0.9, 0.9, 0.5}, s.eigenvalues().realParts(), 0.0);
    // mu = (lambda - 1) / dt
    assertArrayEquals(new double[] {-4.4, 0.0, -0.2, -0.2, -1.0}, s.continuousReal(), 1e-15);
    assertArrayEquals(new double[] {0.0, 0.0, 0.6, -0.6, 0.0}, s.continuousImag(), 1e-15);
    // tau = -1 / Re(mu) = dt / (1 - Re(lambda))
    double[] tau = s.timeConstants();
    assertEquals(1 / 4.4, tau[0], 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, tau[1]);
    assertEquals(5.0, tau[2], 1e-14);
    assertEquals(5.0, tau[3], 1e-14);
    assertEquals(1.0, tau[4], 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, s.slowestTimeConstant());
    assertEquals(dt, s.dt().getAsDouble(), 0.0);
  }

  @Test
  void growingModeHasNegativeTimeConstant() {
    StabilitySummary s = StabilitySummary.of(
        Eigendecomposition.of(new double[] {1.1, 0.8}, new double[] {0, 0}, null, null), 2.0);
    assertEquals(1, s.unstableModes());
    // mu = 0.05 for 1.1: grows e-fold in 20 time units
    assertArrayEquals(new double[] {-20.0, 10.0}, s.timeConstants(), 1e-12);
    assertEquals(10.0, s.slowestTimeConstant(), 1e-12);
  }

  @Test
  void stableSpectrum() {
    StabilitySummary s = StabilitySummary.of(
        Eigendecomposition.of(new double[] {0.2, -0.3}, new double[] {0.4, 0}, null, null));
    assertTrue(s.isStable());
    assertEquals(0, s.unstableModes());
    assertEquals(Math.hypot(0.2, 0.4), s.spectralRadius(), 1e-16);
  }

  @Test
  void rejectsBadTimeStep() {
    assertThrows(IllegalArgumentException.class, () -> StabilitySummary.of(spectrum(), 0.0));
    assertThrows(IllegalArgumentException.class, () -> StabilitySummary.of(spectrum(), Double.NaN));
  }
}
