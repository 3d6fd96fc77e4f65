package org.mrnn4j.analysis.fixedpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.fixedpoints.TestSystems.Form;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;

/**
 * The labels of fixed points come from their dominant modes (README, "Fixed-point labels"), on
 * networks whose map Jacobian at the fixed point is chosen by hand: with alpha = 0.5 the leaky map's
 * Jacobian is {@code J = 0.5 I + 0.5 W diag(act'(x))}, so {@code W = 2 J - I} for a linear network
 * (or a tanh network at its fixed point 0, where act' = 1). Each J below is block-diagonal: a real
 * eigenvalue {@code r} and a pair {@code a +- b i} from the block {@code [[a, b], [-b, a]]}.
 */
class StabilityLabelsTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** {@code W = 2 J - I} for {@code J = diag(r, [[a, b], [-b, a]])}. */
  private static double[][] weights(double r, double a, double b) {
    return new double[][] {
      {2 * r - 1, 0, 0},
      {0, 2 * a - 1, 2 * b},
      {0, -2 * b, 2 * a - 1}
    };
  }

  private static List<double[]> starts(int n, long seed) {
    Random rng = new Random(seed);
    List<double[]> out = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = rng.nextGaussian();
      }
      out.add(s);
    }
    return out;
  }

  /** The one fixed point of the linear leaky network with these weights and bias (1, -1, 0.5). */
  private static FixedPoint linearFixedPoint(double r, double a, double b) {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(weights(r, a, b)).bias(new double[] {1, -1, 0.5}).build();
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts(3, 11));
    assertEquals(1, search.fixedPoints().size(), search.fixedPoints().toString());
    FixedPoint p = search.fixedPoints().get(0);
    assertTrue(p.q() < 1e-24, "q = " + p.q());
    return p;
  }

  /** The trap: the slowest mode is real (0.9287), a faster complex pair exists. */
  @Test
  void aStablePointWhoseSlowestModeIsRealIsANodeWhateverItsFasterModes() {
    FixedPoint p = linearFixedPoint(0.9287, 0.6, 0.3);
    assertEquals(0.9287, p.eigen().real(0), 1e-13);
    assertEquals(0.0, p.eigen().imag(0), 0.0);
    assertEquals(0.3, Math.abs(p.eigen().imag(1)), 1e-13); // the faster pair is there
    assertEquals(Stability.STABLE_NODE, p.stability());
    assertEquals("stable node", p.describe());
    assertTrue(p.stability().isStable());
  }

  @Test
  void aStablePointWhoseSlowestModeIsNegativeIsAFlipNode() {
    FixedPoint p = linearFixedPoint(-0.9, 0.6, 0.3);
    assertEquals(-0.9, p.eigen().real(0), 1e-13);
    assertEquals(Stability.STABLE_FLIP_NODE, p.stability());
    assertEquals("stable flip node", p.describe());
    assertTrue(p.stability().isStable());
  }

  @Test
  void aStablePointWhoseSlowestModesAreAComplexPairIsAFocus() {
    // |0.9 +- 0.3i| = 0.949 > 0.5
    FixedPoint p = linearFixedPoint(0.5, 0.9, 0.3);
    assertEquals(Stability.STABLE_FOCUS, p.stability());
    assertEquals("stable focus", p.describe());
  }

  /** A real eigenvalue and a complex pair of the same modulus: 0.8 and 0.64 +- 0.48i. */
  @Test
  void aTieBetweenARealModeAndAComplexPairIsAFocus() {
    FixedPoint p = linearFixedPoint(0.8, 0.64, 0.48);
    assertEquals(0.8, p.eigen().modulus(0), 1e-13);
    assertEquals(0.8, p.eigen().modulus(2), 1e-13);
    assertEquals(Stability.STABLE_FOCUS, p.stability());
  }

  @Test
  void saddlesAreNamedByTheirUnstableCountAndTheirFastestGrowingModes() {
    FixedPoint real = linearFixedPoint(1.2, 0.6, 0.3);
    assertEquals(1, real.unstableModes());
    assertEquals(Stability.SADDLE, real.stability());
    assertEquals("saddle (1 unstable)", real.describe());
    assertFalse(real.stability().isStable());

    // |1 +- 0.5i| = 1.118: two unstable modes, a complex pair
    FixedPoint focus = linearFixedPoint(0.5, 1.0, 0.5);
    assertEquals(2, focus.unstableModes());
    assertEquals(Stability.SADDLE_FOCUS, focus.stability());
    assertEquals("saddle focus (2 unstable)", focus.describe());

    FixedPoint flip = linearFixedPoint(-1.3, 0.6, 0.3);
    assertEquals(Stability.FLIP_SADDLE, flip.stability());
    assertEquals("flip saddle (1 unstable)", flip.describe());

    // the real unstable mode grows fastest (1.5 > |1.1 +- 0.2i| = 1.118): not a focus
    FixedPoint realFirst = linearFixedPoint(1.5, 1.1, 0.2);
    assertEquals(3, realFirst.unstableModes());
    assertEquals(Stability.UNSTABLE_NODE, realFirst.stability());
    assertEquals("unstable node", realFirst.describe());
    assertEquals(Stability.UNSTABLE_FOCUS, linearFixedPoint(1.1, 1.5, 0.2).stability());
  }

  /**
   * The same saddle and node in a tanh network, searched in x and in h (fixed-points --dh): at the
   * fixed point 0 of a network without bias act' = 1, so the map's Jacobian in x is
   * {@code 0.5 I + 0.5 W} and in h {@code 0.5 I + 0.5 diag(act'(x)) W}, the same matrix here.
   */
  @Test
  void theLabelIsTheSameInXAndInH() {
    for (Form form : new Form[] {Form.LEAKY_X, Form.LEAKY_H}) {
      FixedPointSystem node = TestSystems.builder(form).activation(Activation.TANH).alpha(0.5)
          .recurrentWeights(weights(0.9287, 0.6, 0.3)).build();
      FixedPoint p = new FixedPointFinder(backend).analyse(node, new double[3]);
      assertEquals(Stability.STABLE_NODE, p.stability(), form.toString());

      FixedPointSystem saddle = TestSystems.builder(form).activation(Activation.TANH).alpha(0.5)
          .recurrentWeights(weights(1.2, 0.6, 0.3)).build();
      FixedPoint s = new FixedPointFinder(backend).analyse(saddle, new double[3]);
      assertEquals(Stability.SADDLE, s.stability(), form.toString());
      assertEquals(1, s.unstableModes());
    }
  }

  /**
   * x' = x + a(-x + W x + b) with W = diag(1, 0.5), b = (1, 0) has no fixed point; every start
   * stops on the line x2 = 0 as a slow point, where the map's Jacobian diag(1, 0.75) has no
   * eigenvalue above 1: before, that earned them the label of a stable node.
   */
  @Test
  void slowPointsGetNoFixedPointLabel() {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(new double[][] {{1, 0}, {0, 0.5}})
        .bias(new double[] {1, 0}).build();
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts(2, 3));
    assertTrue(search.fixedPoints().isEmpty());
    assertFalse(search.slowPoints().isEmpty());
    for (FixedPoint p : search.slowPoints()) {
      assertEquals(0, p.unstableModes());
      assertEquals(Stability.SLOW_POINT, p.stability());
      assertEquals("slow point", p.describe());
      assertTrue(p.isSlowPoint());
      assertFalse(p.stability().isStable());
      assertFalse(p.stability().isFixedPoint());
    }
    assertEquals(0, search.stableCount());
  }

  @Test
  void classifyByHand() {
    // complex pair faster than the real slowest mode: a node (the bug labelled it a focus)
    assertEquals(Stability.STABLE_NODE, Stability.classify(0, 3,
        new double[] {0.9287, 0.5, 0.5}, new double[] {0, 0.3, -0.3}));
    // moduli 0.8 and 0.8 (1 - 1e-5): not tied, the real one leads
    double m = 0.8 * (1 - 1e-5);
    assertEquals(Stability.STABLE_NODE, Stability.classify(0, 3,
        new double[] {0.8, m * 0.6, m * 0.6}, new double[] {0, m * 0.8, -m * 0.8}));
    // within the tie tolerance: a focus
    double t = 0.8 * (1 - 1e-7);
    assertEquals(Stability.STABLE_FOCUS, Stability.classify(0, 3,
        new double[] {0.8, t * 0.6, t * 0.6}, new double[] {0, t * 0.8, -t * 0.8}));
    // a double real eigenvalue split by rounding into 0.9 +- 1e-9 i is still real
    assertEquals(Stability.STABLE_NODE, Stability.classify(0, 2,
        new double[] {0.9, 0.9}, new double[] {1e-9, -1e-9}));
    // tied +-0.9: one of the slowest modes alternates
    assertEquals(Stability.STABLE_FLIP_NODE, Stability.classify(0, 2,
        new double[] {0.9, -0.9}, new double[] {0, 0}));
    // dominant modes unknown (a leading search whose first pair did not converge)
    assertEquals(Stability.STABLE, Stability.classify(0, 5, new double[0], new double[0]));
    assertEquals(Stability.SADDLE, Stability.classify(2, 5, new double[0], new double[0]));
    assertEquals(Stability.UNSTABLE, Stability.classify(5, 5, new double[0], new double[0]));
    assertThrows(IllegalArgumentException.class,
        () -> Stability.classify(4, 3, new double[] {2}, new double[] {0}));
  }
}
