package org.mrnn4j.analysis.flowfields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.Sign;

/**
 * The traps of issue 26 (item 3), each on a network built here: a followed grid off its state or
 * collapsed by mRNNTorch's rounding of the bounds, a linear field that does not vanish at a fixed
 * point because the plane misses it, fixed points drawn as if they lay on a plane they are far
 * from, and a field with no motion drawn as one at rest.
 */
class FlowFieldPlaneAndGridTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** A leaky network of 6 units in regions a (4) and b (2); with no bias, 0 is a fixed point. */
  private static LeakyMRNN network(String activation, double dt, long seed) {
    return ModelBuilder.leaky().activation(activation).dt(dt).tau(40)
        .recurrentConstrained(false).inputConstrained(false).seed(seed)
        .recurrentRegion("a", 4, Sign.POS).recurrentRegion("b", 2, Sign.POS)
        .inputRegion("u", 2)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("u", "a").inputConnection("u", "b")
        .build(backend);
  }

  /** Orthonormal c0, c1 and a unit normal to both, in {@code d} dimensions, from a seed. */
  private static double[][] frame(int d, long seed) {
    Random r = new Random(seed);
    double[][] v = new double[3][d];
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < d; i++) {
        v[k][i] = r.nextGaussian();
      }
      for (int m = 0; m < k; m++) {
        double p = dot(v[k], v[m]);
        for (int i = 0; i < d; i++) {
          v[k][i] -= p * v[m][i];
        }
      }
      double n = Math.sqrt(dot(v[k], v[k]));
      for (int i = 0; i < d; i++) {
        v[k][i] /= n;
      }
    }
    return v;
  }

  /** {@code a * x + b * y + c * z}. */
  private static double[] combine(double a, double[] x, double b, double[] y, double c,
      double[] z) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = a * x[i] + b * y[i] + c * z[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  // -------------------------------------------------------------------- the grid

  @Test
  void aFollowedGridIsCentredOnTheStateWithTheHalfWidthsAskedAtAnyScale() {
    try (LeakyMRNN model = network("tanh", 10, 3)) {
      double[][] f = frame(6, 1);
      Pca plane = Pca.of(new double[6], new double[][] {f[0], f[1]});
      double[][] u = {{0.2, -0.1}};
      // the two cases (a state near 0 with half-width 0.04; a state at 1.37 with 0.5),
      // then very small and very large scales
      double[][] cases = {{0.002, -0.013, 0.04}, {1.37, 0.6, 0.5}, {3e-9, -2e-9, 1e-10},
          {2.5e5, -1e5, 1e-3}};
      for (double[] c : cases) {
        double[] state = combine(c[0], f[0], c[1], f[1], 0, f[2]);
        FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
            .grid(FlowGrid.following(5, c[2], c[2])).build();
        FlowField field = finder.nonlinear(new double[][] {state}, u).get(0);
        double[] centre = field.center();
        assertEquals(c[0], centre[0], 1e-12 * Math.abs(c[0]) + 1e-15);
        for (int a = 0; a < 2; a++) {
          double[] axis = a == 0 ? field.xAxis() : field.yAxis();
          String at = "axis " + a + " of the grid around " + centre[a] + " +- " + c[2];
          assertEquals(centre[a], axis[2], 0.0, at + ": the middle point is the state");
          assertEquals(centre[a] - c[2], axis[0], Math.ulp(centre[a]) + Math.ulp(c[2]), at);
          assertEquals(centre[a] + c[2], axis[4], Math.ulp(centre[a]) + Math.ulp(c[2]), at);
          for (int i = 0; i < 5; i++) {
            // symmetric about the state to the last bit
            assertEquals(axis[i] - centre[a], centre[a] - axis[4 - i], 2 * Math.ulp(centre[a]),
                at + " point " + i);
          }
        }
        assertTrue(field.blankReason().isEmpty(), "" + field.blankReason());
      }
    }
  }

  @Test
  void theReferenceRoundingIsANamedOptionAndCanCollapseTheGrid() {
    try (LeakyMRNN model = network("tanh", 10, 3)) {
      double[][] f = frame(6, 1);
      Pca plane = Pca.of(new double[6], new double[][] {f[0], f[1]});
      double[][] u = {{0.2, -0.1}};
      // a state at (1.37, 0.002): mRNNTorch rounds the bounds 0.87, 1.87 to 0.9, 1.9
      double[] state = combine(1.37, f[0], 0.002, f[1], 0, f[2]);
      FlowGrid grid = FlowGrid.following(5, 0.5, 0.04);
      assertEquals(GridBounds.EXACT, grid.bounds(), "exact is the default");
      FlowField rounded = FlowFieldFinder.on(model).plane(plane)
          .grid(grid.withBounds(GridBounds.MRNNTORCH_ROUNDED)).build()
          .nonlinear(new double[][] {state}, u).get(0);
      assertEquals(0.9, rounded.xAxis()[0], 1e-15);
      assertEquals(1.9, rounded.xAxis()[4], 1e-15);
      assertEquals(1.4, rounded.xAxis()[2], 1e-15, "0.03 off the state");
      // y: -0.038 and 0.042 both round to 0: every grid value the same
      for (double y : rounded.yAxis()) {
        assertEquals(0.0, y, 0.0);
      }
      assertTrue(rounded.blankReason().orElse("").contains("zero width along axis 2"),
          "" + rounded.blankReason());
    }
  }

  // -------------------------------------------------------------------- the plane

  @Test
  void onThePlaneThroughAFixedPointBothFieldsVanishThere() {
    // tanh, no bias, no input: the origin is a fixed point; the plane's mean lies 1.84 off it
    try (LeakyMRNN model = network("tanh", 10, 5)) {
      double[][] f = frame(6, 2);
      double[] mean = combine(0.3, f[0], -0.2, f[1], 1.84, f[2]);
      Pca plane = Pca.of(mean, new double[][] {f[0], f[1]});
      double[][] origin = {new double[6]};
      double[][] u = {new double[2]};
      FlowGrid grid = FlowGrid.following(5, 0.2, 0.2);

      // the trap: through the plane's mean, the grid point at the state's coordinates is not the
      // state, and the linear field "at the state" does not vanish there
      FlowFieldFinder throughMean = FlowFieldFinder.on(model).plane(plane).grid(grid).build();
      FlowField lin = throughMean.linear(origin, u, null, null).get(0);
      assertEquals(1.84, lin.offPlane(), 1e-12);
      assertTrue(Math.hypot(lin.xVelocity()[2][2], lin.yVelocity()[2][2]) > 1e-3,
          "through the mean the field at the state's projection is that of another point");

      FlowFieldFinder throughState = FlowFieldFinder.on(model).plane(plane).grid(grid)
          .planeThroughEachState().build();
      FlowFieldFinder throughPoint = FlowFieldFinder.on(model).plane(plane).grid(grid)
          .planeThrough(new double[6]).build();
      for (FlowFieldFinder finder : List.of(throughState, throughPoint)) {
        FlowField l = finder.linear(origin, u, null, null).get(0);
        FlowField n = finder.nonlinear(origin, u).get(0);
        assertEquals(0.0, l.offPlane(), 1e-15);
        assertEquals(0.0, l.xVelocity()[2][2], 1e-15);
        assertEquals(0.0, l.yVelocity()[2][2], 1e-15);
        assertEquals(0.0, n.xVelocity()[2][2], 1e-15);
        assertEquals(0.0, n.yVelocity()[2][2], 1e-15);
        // and the linear field is the nonlinear one's first-order part: tanh is odd, so the gap
        // one grid step away is third order in the step (0.1): far below the field itself
        double gap = Math.hypot(n.xVelocity()[3][2] - l.xVelocity()[3][2],
            n.yVelocity()[3][2] - l.yVelocity()[3][2]);
        double speed = Math.hypot(l.xVelocity()[3][2], l.yVelocity()[3][2]);
        assertTrue(gap < 0.05 * speed, "gap " + gap + " against |v| " + speed);
      }
    }
  }

  @Test
  void thePlaneThroughEachStateIsTheGivenPlaneMovedToContainIt() {
    // a linear network, so that one step from any point is known in closed form
    try (LeakyMRNN model = network("linear", 10, 7)) {
      int n = 6;
      double alpha = model.alpha();
      double[][] w = model.recurrentWeights().toMatrix();
      double[][] win = model.inputWeights().toMatrix();
      double[] b = model.tonicInput().toArray();
      double[][] f = frame(n, 3);
      Pca plane = Pca.of(combine(0.1, f[0], 0.2, f[1], -0.7, f[2]),
          new double[][] {f[0], f[1]});
      double[] state = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25};
      double[] u = {0.5, -1};
      FlowFieldFinder finder = FlowFieldFinder.on(model).plane(plane)
          .grid(FlowGrid.following(3, 0.3, 0.2)).planeThroughEachState().build();
      FlowField nl = finder.nonlinear(new double[][] {state}, new double[][] {u}).get(0);
      FlowField lin = finder.linear(new double[][] {state}, new double[][] {u}, null, null)
          .get(0);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          // the grid point: the state moved within the plane by the grid offset
          double dx = nl.xAxis()[i] - nl.center()[0];
          double dy = nl.yAxis()[j] - nl.center()[1];
          double[] s = combine(1, state, dx, f[0], dy, f[1]);
          double[] move = new double[n];
          for (int r = 0; r < n; r++) {
            double z = b[r] + win[r][0] * u[0] + win[r][1] * u[1];
            for (int c = 0; c < n; c++) {
              z += w[r][c] * s[c];
            }
            move[r] = alpha * (z - s[r]);
          }
          assertEquals(dot(f[0], move), nl.xVelocity()[i][j], 1e-14, "x at " + i + "," + j);
          assertEquals(dot(f[1], move), nl.yVelocity()[i][j], 1e-14, "y at " + i + "," + j);
          assertEquals(dot(f[0], move), lin.xVelocity()[i][j], 1e-14, "linear x");
          assertEquals(dot(f[1], move), lin.yVelocity()[i][j], 1e-14, "linear y");
        }
      }
    }
  }

  @Test
  void aPointsDistanceFromTheSliceCountsThePlaneAndTheHeldUnits() {
    try (LeakyMRNN model = network("tanh", 10, 8)) {
      double[][] f = frame(4, 4); // region a's 4 units span the plane; b's 2 are held
      Pca plane = Pca.of(combine(0.2, f[0], 0.1, f[1], 0.9, f[2]), new double[][] {f[0], f[1]});
      double[] state = {0.1, 0.2, -0.3, 0.4, 0.5, -0.6};
      double[] point = {-0.2, 0.7, 0.1, 0.3, 0.2, 0.1};
      double[] pa = {point[0], point[1], point[2], point[3]};
      double[] sa = {state[0], state[1], state[2], state[3]};
      double[] m = plane.mean();
      // independent: the normal component of (p - m) (through the mean), of (p - s) (through
      // the state), plus the held units' difference (or the point's own, silenced)
      double[] pm = combine(1, pa, -1, m, 0, m);
      double[] ps = combine(1, pa, -1, sa, 0, sa);
      double normalMean = normal(pm, f);
      double normalState = normal(ps, f);
      double held = Math.hypot(point[4] - state[4], point[5] - state[5]);
      double silenced = Math.hypot(point[4], point[5]);
      FlowFieldFinder.Builder b = FlowFieldFinder.on(model).regions("a").plane(plane);
      assertEquals(Math.hypot(normalMean, held), b.build().distanceFromSlice(point, state),
          1e-14);
      assertEquals(Math.hypot(normalState, held),
          b.planeThroughEachState().build().distanceFromSlice(point, state), 1e-14);
      assertEquals(Math.hypot(normalState, silenced),
          b.cancelOtherRegions(true).build().distanceFromSlice(point, state), 1e-14);
      assertEquals(0.0, b.cancelOtherRegions(false).build().distanceFromSlice(state, state),
          1e-15);
    }
  }

  /** The norm of {@code v}'s component normal to {@code f[0]}, {@code f[1]}. */
  private static double normal(double[] v, double[][] f) {
    double[] r = combine(1, v, -dot(v, f[0]), f[0], -dot(v, f[1]), f[1]);
    return Math.sqrt(dot(r, r));
  }

  @Test
  void theEigenPlaneIsInvariantUnderTheJacobianAndCarriesItsLeadingEigenvalues() {
    try (LeakyMRNN model = network("tanh", 10, 11)) {
      double alpha = model.alpha();
      double[][] w = model.recurrentWeights().toMatrix();
      // at the origin tanh' = 1: J = (1 - alpha) I + alpha W
      double[][] j = new double[6][6];
      for (int r = 0; r < 6; r++) {
        for (int c = 0; c < 6; c++) {
          j[r][c] = alpha * w[r][c] + (r == c ? 1 - alpha : 0);
        }
      }
      EigenPlane ep = EigenPlane.at(model, List.of(), new double[6], new double[2]);
      double[] c0 = ep.plane().component(0);
      double[] c1 = ep.plane().component(1);
      assertEquals(1.0, dot(c0, c0), 1e-12);
      assertEquals(1.0, dot(c1, c1), 1e-12);
      assertEquals(0.0, dot(c0, c1), 1e-12);
      assertEquals(0.0, Math.sqrt(dot(ep.plane().mean(), ep.plane().mean())), 0.0);
      // J maps the plane into itself; restricted to it, its trace and determinant are those of
      // the two eigenvalues
      double[][] restricted = new double[2][2];
      double[][] basis = {c0, c1};
      for (int a = 0; a < 2; a++) {
        double[] jv = new double[6];
        for (int r = 0; r < 6; r++) {
          jv[r] = dot(j[r], basis[a]);
        }
        assertEquals(0.0, normal(jv, new double[][] {c0, c1}), 1e-10, "J c" + a + " leaves it");
        restricted[0][a] = dot(c0, jv);
        restricted[1][a] = dot(c1, jv);
      }
      double[] re = ep.real();
      double[] im = ep.imag();
      assertEquals(re[0] + re[1], restricted[0][0] + restricted[1][1], 1e-10);
      assertEquals(re[0] * re[1] - im[0] * im[1], restricted[0][0] * restricted[1][1]
          - restricted[0][1] * restricted[1][0], 1e-10);
      // the linear field on it, through the fixed point, is (J_2 - I) g: zero at the point
      FlowField lin = FlowFieldFinder.on(model).plane(ep.plane())
          .grid(FlowGrid.fixed(3, 0.1, 0.1, 0, 0)).build()
          .linear(new double[][] {new double[6]}, new double[][] {new double[2]}, null, null)
          .get(0);
      assertEquals(0.0, lin.xVelocity()[1][1], 1e-15);
      assertEquals((restricted[0][0] - 1) * 0.1, lin.xVelocity()[2][1], 1e-14);
      assertEquals(restricted[1][0] * 0.1, lin.yVelocity()[2][1], 1e-14);
    }
  }

  @Test
  void aPlaneFittedOnTwoStatesHasOrthonormalDirections() {
    // two states have one direction of variance; the plane's second direction is then any unit
    // vector orthogonal to it (it was a unit axis or rounding noise, not orthogonal to the first)
    for (double[][] two : new double[][][] {
        {{0.3, -0.2, 0.1, 0.4, -0.1, 0.2}, {0.1, 0.1, 0, 0, 0, 0}},
        {{1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}}) {
      Pca p = Pca.fit(List.of(two), 2);
      double[] c0 = p.component(0);
      double[] c1 = p.component(1);
      assertEquals(1.0, dot(c0, c0), 1e-12);
      assertEquals(1.0, dot(c1, c1), 1e-12);
      assertEquals(0.0, dot(c0, c1), 1e-12);
      double[] d = combine(1, two[0], -1, two[1], 0, two[1]);
      assertEquals(Math.sqrt(dot(d, d)), Math.abs(dot(c0, d)), 1e-12, "c0 along the states");
    }
  }

  // -------------------------------------------------------------------- a blank field

  @Test
  void aFieldWithoutVisibleMotionSaysWhyItIsBlank() {
    double[] state = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25};
    double[][] f = frame(6, 6);
    Pca plane = Pca.of(state, new double[][] {f[0], f[1]});
    // dt / tau = 1e-14 / 40: a step moves no point by more than ~1e-15
    for (double dt : new double[] {1e-14, 10}) {
      try (LeakyMRNN model = network("tanh", dt, 12)) {
        FlowField nl = FlowFieldFinder.on(model).plane(plane)
            .grid(FlowGrid.following(5, 0.5, 0.5)).build()
            .nonlinear(new double[][] {state}, new double[][] {{1, 0}}).get(0);
        assertEquals(0.5, nl.scale(), 0.0);
        if (dt < 1) {
          assertTrue(nl.maxSpeed() < 1e-12 * 0.5, "max |v| " + nl.maxSpeed());
          assertTrue(nl.blankReason().orElse("").contains("below 1e-12 x the state's scale"),
              "" + nl.blankReason());
        } else {
          assertTrue(nl.blankReason().isEmpty(), "" + nl.blankReason());
        }
      }
    }
  }
}
