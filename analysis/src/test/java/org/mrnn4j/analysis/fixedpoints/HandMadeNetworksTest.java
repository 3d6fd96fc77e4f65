package org.mrnn4j.analysis.fixedpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
import org.mrnn4j.core.IndexRanges;

/** Networks whose fixed points are known by hand. */
class HandMadeNetworksTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static List<double[]> randomStarts(int count, int n, double scale, long seed) {
    Random rng = new Random(seed);
    List<double[]> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = scale * rng.nextGaussian();
      }
      out.add(s);
    }
    return out;
  }

  /**
   * Linear leaky network x' = x + a(-x + W x + b): the one fixed point solves (I - W) x = b. With
   * W = [[0.5, 0.2], [-0.1, 0.3]], b = [1, 2]: det(I - W) = 0.37, x* = [1.1, 0.9] / 0.37. The map
   * Jacobian 0.5 I + 0.5 W = [[0.75, 0.1], [-0.05, 0.65]] has trace 1.4 and determinant 0.4925, so
   * eigenvalues 0.7 +- 0.05i: a stable focus.
   */
  @Test
  void linearNetworkHasItsOneFixedPoint() {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(new double[][] {{0.5, 0.2}, {-0.1, 0.3}})
        .bias(new double[] {1, 2}).build();
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, randomStarts(16, 2, 3, 1));
    assertEquals(1, search.fixedPoints().size());
    assertEquals(16, search.count(StartStatus.CONVERGED));
    FixedPoint p = search.fixedPoints().get(0);
    assertEquals(1.1 / 0.37, p.state()[0], 1e-14);
    assertEquals(0.9 / 0.37, p.state()[1], 1e-14);
    assertTrue(p.q() < 1e-28, "q = " + p.q());
    assertEquals(0.7, p.eigen().real(0), 1e-14);
    assertEquals(0.05, p.eigen().imag(0), 1e-14);
    assertEquals(-0.05, p.eigen().imag(1), 1e-14);
    assertEquals(Stability.STABLE_FOCUS, p.stability());
    assertEquals(0, p.unstableModes());
    assertEquals(16, p.starts());
    assertTrue(search.slowPoints().isEmpty());
  }

  /** The root of h = tanh(2 h) in (0, 1), by bisection (an independent method). */
  private static double tanhRoot() {
    double lo = 0.5;
    double hi = 1.0;
    for (int k = 0; k < 200; k++) {
      double mid = 0.5 * (lo + hi);
      if (Math.tanh(2 * mid) - mid > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * Two tanh units, W = diag(2, 0.5): unit 1 has the fixed points 0 and +-h* (h* = tanh(2 h*)),
   * unit 2 only 0, so three in all. At 0 the Elman Jacobian is diag(2, 0.5): a saddle with one
   * unstable direction; at (+-h*, 0) it is diag(2 (1 - h*^2), 0.5): stable nodes.
   */
  @Test
  void theLeadingPathClassifiesALargeSaddleAsTheFullSpectrumDoes() {
    int n = 150;
    java.util.Random random = new java.util.Random(31);
    double[][] w = new double[n][n];
    double[] u = new double[n];
    for (int i = 0; i < n; i++) {
      u[i] = random.nextGaussian() / Math.sqrt(n);
    }
    double norm = 0;
    for (double x : u) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        // a bulk of radius 0.5 and one outlier at 3: the map's Jacobian 0.5 I + 0.5 W has one
        // unstable mode (near 2) above a stable bulk around 0.5
        w[i][j] = random.nextGaussian() * 0.5 / Math.sqrt(n) + 3 * u[i] * u[j] / (norm * norm);
      }
    }
    double[] bias = new double[n];
    java.util.Arrays.fill(bias, 0.1);
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(w).bias(bias).build();
    List<double[]> starts = randomStarts(2, n, 1, 5);
    FixedPoint full = new FixedPointFinder(backend,
        FixedPointOptions.defaults().withLeading(FixedPointOptions.FULL)).find(sys, starts)
        .fixedPoints().get(0);
    FixedPoint leading = new FixedPointFinder(backend,
        FixedPointOptions.defaults().withLeading(2)).find(sys, starts).fixedPoints().get(0);
    assertEquals(null, full.leading());
    assertTrue(leading.leading() != null, "the leading path was taken");
    assertEquals(org.mrnn4j.analysis.LeadingSpectrum.Method.KRYLOV, leading.leading().method(),
        leading.leading().describe());
    assertEquals(1, full.unstableModes());
    assertEquals(full.unstableModes(), leading.unstableModes(), leading.leading().describe());
    assertEquals(Stability.SADDLE, leading.stability());
    assertEquals(full.spectralRadius(), leading.spectralRadius(), 1e-10 * n);
    assertEquals(full.eigen().real(0), leading.eigen().real(0), 1e-10 * n);
  }

  @Test
  void twoUnitTanhNetworkHasThreeFixedPoints() {
    double h = tanhRoot();
    double[][] w = {{2, 0}, {0, 0.5}};
    for (Form form : new Form[] {Form.ELMAN, Form.LEAKY_X, Form.LEAKY_H}) {
      FixedPointSystem sys = TestSystems.builder(form).activation(Activation.TANH)
          .alpha(0.2).recurrentWeights(w).build();
      FixedPointSearch search =
          new FixedPointFinder(backend).find(sys, randomStarts(64, 2, 1.5, 7));
      List<FixedPoint> fps = search.fixedPoints();
      assertEquals(3, fps.size(), form + ": " + fps);
      // in x the nonzero fixed points are x = 2 h*
      double star = form == Form.LEAKY_X ? 2 * h : h;
      FixedPoint saddle = fps.get(2);
      assertEquals(Stability.SADDLE, saddle.stability(), form.toString());
      assertEquals(1, saddle.unstableModes());
      assertEquals(0.0, saddle.state()[0], 1e-15);
      assertEquals(0.0, saddle.state()[1], 1e-15);
      double plus = Math.max(fps.get(0).state()[0], fps.get(1).state()[0]);
      double minus = Math.min(fps.get(0).state()[0], fps.get(1).state()[0]);
      assertEquals(star, plus, 1e-14, form.toString());
      assertEquals(-star, minus, 1e-14, form.toString());
      double slope = 2 * (1 - h * h);
      double expectedTop = form == Form.ELMAN ? Math.max(slope, 0.5)
          : Math.max(0.8 + 0.2 * slope, 0.8 + 0.2 * 0.5);
      for (int k = 0; k < 2; k++) {
        FixedPoint p = fps.get(k);
        assertEquals(Stability.STABLE_NODE, p.stability(), form.toString());
        assertEquals(0.0, p.state()[1], 1e-15);
        assertEquals(expectedTop, p.eigen().real(0), 1e-12, form.toString());
        assertTrue(p.q() < 1e-28);
      }
      double saddleTop = form == Form.ELMAN ? 2.0 : 0.8 + 0.2 * 2.0;
      assertEquals(saddleTop, saddle.eigen().real(0), 1e-14);
    }
  }

  /**
   * x' = x + a(-x + W x + b) with W = diag(1, 0.5), b = (1, 0): the first unit drifts at speed a
   * forever, so there is no fixed point; q = a^2/2 (1 + x2^2/4) is smallest on the line x2 = 0,
   * where it is a^2 / 2: every start ends there as a slow point.
   */
  @Test
  void driftingLinearNetworkReportsNoFixedPointButSlowPoints() {
    double a = 0.5;
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(a).recurrentWeights(new double[][] {{1, 0}, {0, 0.5}}).bias(new double[] {1, 0})
        .build();
    FixedPointSearch search = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> new FixedPointFinder(backend).find(sys, randomStarts(32, 2, 2, 3)));
    assertTrue(search.fixedPoints().isEmpty());
    assertEquals(32, search.count(StartStatus.SLOW_POINT));
    for (StartRecord r : search.starts()) {
      assertEquals(a * a / 2, r.q(), 1e-15);
      // located only to where q's decrease drops below its rounding (eps * q): x2^2 ~ 1e-16
      assertEquals(0.0, r.fin()[1], 1e-7);
      // the drifting unit is left where it started: q does not depend on it
      assertEquals(r.initial()[0], r.fin()[0], 1e-12);
    }
    assertTrue(search.slowPoints().size() > 1);
    for (FixedPoint p : search.slowPoints()) {
      // map Jacobian (1 - a) I + a W = diag(1, 0.75): the drift direction is marginal
      assertEquals(1.0, p.eigen().real(0), 1e-15);
      assertEquals(0.75, p.eigen().real(1), 1e-15);
      assertEquals(0, p.unstableModes());
    }
  }

  /**
   * One relu unit, x = 2 relu(x) + 1: for x > 0 it would need x = -1, for x <= 0 it would need
   * x = 1; no fixed point. The leaky dynamics run away. The search must end, reporting none.
   */
  @Test
  void reluNetworkWithoutFixedPointReportsNoneWithoutHanging() {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.RELU)
        .alpha(0.5).recurrentWeights(new double[][] {{2}}).bias(new double[] {1}).build();
    FixedPointSearch search = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> new FixedPointFinder(backend).find(sys, randomStarts(64, 1, 5, 9)));
    assertTrue(search.fixedPoints().isEmpty(), search.fixedPoints().toString());
    assertEquals(0, search.count(StartStatus.CONVERGED));
    for (StartRecord r : search.starts()) {
      // |G(x)| >= 1 everywhere, so q >= a^2 / 2
      assertTrue(r.q() >= 0.125 - 1e-15, "q = " + r.q());
      assertNotEquals(StartStatus.DIVERGED, r.status());
    }
  }

  /**
   * A region subset: unit 0 searched, unit 1 held at v. Linear: x0 = W00 x0 + W01 v + b0, so
   * x0* = (W01 v + b0) / (1 - W00) = (0.4 * 3 + 1) / 0.5 = 4.4.
   */
  @Test
  void excludedUnitsAreHeldAtTheirValues() {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(new double[][] {{0.5, 0.4}, {7, -3}})
        .bias(new double[] {1, 100}).included(IndexRanges.of(0, 1))
        .heldState(new double[] {-9, 3}).build();
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, randomStarts(4, 1, 1, 0));
    assertEquals(1, search.fixedPoints().size());
    FixedPoint p = search.fixedPoints().get(0);
    assertEquals(4.4, p.state()[0], 1e-14);
    assertEquals(4.4, p.fullState()[0], 1e-14);
    assertEquals(3.0, p.fullState()[1], 0.0);
    // map Jacobian of the included block: 0.5 + 0.5 * 0.5
    assertEquals(0.75, p.eigen().real(0), 1e-15);
  }

  /**
   * One linear unit, x* = b / (1 - w) = 100 / 0.5 = 200, searched from starts spread by 0.1 around
   * 0: the point lies about 2500 mean start distances away, so it is set apart as an outlier
   * (the reference's rule, scale 10); with an infinite scale it is kept.
   */
  @Test
  void fixedPointsFarFromTheStartsAreOutliers() {
    FixedPointSystem sys = TestSystems.builder(Form.LEAKY_X).activation(Activation.LINEAR)
        .alpha(0.5).recurrentWeights(new double[][] {{0.5}}).bias(new double[] {100}).build();
    List<double[]> starts = randomStarts(16, 1, 0.1, 2);
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts);
    assertTrue(search.fixedPoints().isEmpty());
    assertEquals(1, search.outliers().size());
    assertEquals(200.0, search.outliers().get(0).state()[0], 1e-12);
    FixedPointSearch kept = new FixedPointFinder(backend,
        FixedPointOptions.defaults().withOutlierDistanceScale(Double.POSITIVE_INFINITY))
        .find(sys, starts);
    assertEquals(1, kept.fixedPoints().size());
    assertTrue(kept.outliers().isEmpty());
  }

  /**
   * One Elman unit h' = tanh(2 h + 0.6), past the fold at c = atanh(1/sqrt 2) - sqrt 2 = 0.533:
   * the pair of fixed points near h = -0.7 has vanished, leaving one fixed point h+ > 0 and a
   * ghost, a local minimum of q above zero, where the dynamics crawl: a slow point, kept apart.
   */
  @Test
  void aGhostOfAFoldIsReportedAsASlowPoint() {
    FixedPointSystem sys = TestSystems.builder(Form.ELMAN).activation(Activation.TANH)
        .recurrentWeights(new double[][] {{2}}).bias(new double[] {0.6}).build();
    List<double[]> starts = new ArrayList<>();
    for (int k = 0; k <= 40; k++) {
      starts.add(new double[] {-1 + 0.05 * k});
    }
    FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts);
    // the fixed point, by bisection on tanh(2h + 0.6) - h over (0.5, 1)
    double lo = 0.5;
    double hi = 1.0;
    for (int k = 0; k < 200; k++) {
      double mid = 0.5 * (lo + hi);
      if (Math.tanh(2 * mid + 0.6) - mid > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    assertEquals(1, search.fixedPoints().size());
    assertEquals(0.5 * (lo + hi), search.fixedPoints().get(0).state()[0], 1e-14);
    assertEquals(1, search.slowPoints().size());
    double g = search.slowPoints().get(0).state()[0];
    assertTrue(g < -0.3 && g > -1, "ghost at " + g);
    // a local minimum of q above zero: q' = 0 (central difference), q'' > 0
    double e = 1e-4;
    double qm = sys.q(new double[] {g - e});
    double q0 = sys.q(new double[] {g});
    double qp = sys.q(new double[] {g + e});
    assertTrue(q0 > 1e-4, "q = " + q0);
    assertEquals(0.0, (qp - qm) / (2 * e), 1e-9);
    assertTrue(qp > q0 && qm > q0);
    assertTrue(search.count(StartStatus.SLOW_POINT) > 0);
  }

  @Test
  void parallelAndSequentialSearchesAgree() {
    double[][] w = {{2, 0.3}, {-0.2, 1.5}};
    FixedPointSystem sys = TestSystems.builder(Form.ELMAN).activation(Activation.TANH)
        .recurrentWeights(w).build();
    List<double[]> starts = randomStarts(64, 2, 1, 4);
    FixedPointSearch seq = new FixedPointFinder(backend,
        FixedPointOptions.defaults().withParallelism(1)).find(sys, starts);
    FixedPointSearch par = new FixedPointFinder(backend,
        FixedPointOptions.defaults().withParallelism(2)).find(sys, starts);
    assertEquals(seq.fixedPoints().size(), par.fixedPoints().size());
    for (int k = 0; k < seq.fixedPoints().size(); k++) {
      assertEquals(seq.fixedPoints().get(k).q(), par.fixedPoints().get(k).q(), 0.0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          seq.fixedPoints().get(k).state(), par.fixedPoints().get(k).state(), 0.0);
    }
  }
}
