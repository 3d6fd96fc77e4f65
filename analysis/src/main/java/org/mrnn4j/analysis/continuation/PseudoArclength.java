package org.mrnn4j.analysis.continuation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.HostMap;

/**
 * Pseudo-arclength continuation of the fixed points of a {@link ContinuationFamily}, as MatCont
 * does it: on {@code y = (x, p)}, a tangent predictor {@code y + h t}, a Newton corrector on the
 * bordered system {@code [r_x r_p; t^T]} (the exact Jacobians of the model kind and the family's
 * exact {@code dr/dp}; chord iterations with the matrix factored at the previous point, and Newton
 * iterations if they do not converge), the step grown after a corrector that converged in few
 * iterations, shrunk after one that needed many and halved after a failure, down to a minimum.
 *
 * <p>Test functions are evaluated at every point and a sign change between two points is located
 * by bisection in arclength, each trial point corrected onto the branch:
 *
 * <ul>
 *   <li>fold: the parameter component of the tangent;
 *   <li>branch point: the sign of {@code det [r_x r_p; t^T]};
 *   <li>period doubling: the parity of the number of real eigenvalues of the map below -1;
 *   <li>Neimark-Sacker: the parity of the number of complex pairs outside the unit circle;
 *   <li>continuous-time Hopf (maps that are Euler steps, {@link
 *       ContinuationFamily#continuousTimeStep()}): the parity of the complex pairs with real part
 *       above 1.
 * </ul>
 *
 * A change of an eigenvalue parity that, once located, shows no eigenvalue on the crossing (a
 * complex pair becoming two reals, say) is not a bifurcation and is not reported. A located
 * bifurcation lies within {@link ContinuationOptions#locateTolerance()} in arclength (so in the
 * parameter) of the point given; one whose bisection failed is reported with its bracket only.
 * Eigenvalues come from the dense decomposition below {@link ContinuationOptions#denseBelow()}
 * entries and from the Krylov-Schur leading part above.
 */
public final class PseudoArclength {
  private static final double MAX_TURN_COSINE = 0.9;
  private static final double CROSSING_TOLERANCE = 1e-6;
  private final Backend backend;
  private final ContinuationOptions options;

  /**
   * A continuation.
   *
   * @param backend computes the eigenvalues
   * @param options the range, steps, budget and tolerances
   */
  public PseudoArclength(Backend backend, ContinuationOptions options) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** {@return the options} */
  public ContinuationOptions options() {
    return options;
  }

  /** A point on the branch with what the step and the tests need. */
  private final class Node {
    final double[] y;
    final double[] t;
    final int detSign;
    final Eigendecomposition eig;
    final int unstable;
    final double q;
    Lu lu;

    Node(double[] y, double[] t, int detSign, Eigendecomposition eig, int unstable, double q) {
      this.y = y;
      this.t = t;
      this.detSign = detSign;
      this.eig = eig;
      this.unstable = unstable;
      this.q = q;
    }

    double p() {
      return y[y.length - 1];
    }

    int test(BifurcationKind kind) {
      switch (kind) {
        case FOLD:
          return t[t.length - 1] > 0 ? 1 : t[t.length - 1] < 0 ? -1 : 0;
        case BRANCH_POINT:
          return detSign;
        case PERIOD_DOUBLING:
          return parity(eig, k -> isReal(eig, k) && eig.real(k) < -1);
        case NEIMARK_SACKER:
          return parity(eig, k -> eig.imag(k) > 0 && !isReal(eig, k) && eig.modulus(k) > 1);
        case HOPF_CONTINUOUS:
          return parity(eig, k -> eig.imag(k) > 0 && !isReal(eig, k) && eig.real(k) > 1);
        default:
          throw new AssertionError(kind);
      }
    }

    ContinuationPoint point() {
      int n = y.length - 1;
      double[] x = java.util.Arrays.copyOf(y, n);
      int k = Math.min(options.leadingCount(), eig == null ? 0 : eig.size());
      double[] re = new double[k];
      double[] im = new double[k];
      for (int i = 0; i < k; i++) {
        re[i] = eig.real(i);
        im[i] = eig.imag(i);
      }
      return new ContinuationPoint(p(), x, q, unstable, re, im, t[n]);
    }
  }

  private interface Pick {
    boolean test(int k);
  }

  private static int parity(Eigendecomposition e, Pick pick) {
    if (e == null) {
      return 0;
    }
    int c = 0;
    for (int k = 0; k < e.size(); k++) {
      if (pick.test(k)) {
        c++;
      }
    }
    return (c & 1) == 0 ? 1 : -1;
  }

  private static boolean isReal(Eigendecomposition e, int k) {
    return Math.abs(e.imag(k)) <= 1e-12 * Math.max(1, e.modulus(k));
  }

  /**
   * Follows the branch through a fixed point.
   *
   * @param family the family
   * @param p0 the parameter value at the start
   * @param x0 a fixed point (or a state close to one) at {@code p0}
   * @param direction +1 to set off towards larger parameter values, -1 towards smaller
   * @return the branch, with why it stopped and the bifurcations found
   * @throws IllegalArgumentException if the start has the wrong length, lies outside the range,
   *     or the family's {@code dr/dp} disagrees with a central difference of its residual
   */
  public Branch follow(ContinuationFamily family, double p0, double[] x0, int direction) {
    Objects.requireNonNull(family, "family");
    int n = family.dimension();
    if (x0.length != n) {
      throw new IllegalArgumentException("the start has " + x0.length + " entries, the family "
          + n);
    }
    if (direction != 1 && direction != -1) {
      throw new IllegalArgumentException("direction must be +1 or -1, got " + direction);
    }
    if (p0 < options.minParameter() || p0 > options.maxParameter()) {
      throw new IllegalArgumentException("the start " + family.parameterName() + " = " + p0
          + " lies outside the range [" + options.minParameter() + ", "
          + options.maxParameter() + "]");
    }
    checkDerivative(family, p0, x0);
    List<ContinuationPoint> points = new ArrayList<>();
    List<Bifurcation> found = new ArrayList<>();
    double[] xs = newton(family, p0, x0);
    if (xs == null) {
      double[] r = new double[n];
      family.at(p0).residual(x0, r);
      points.add(new ContinuationPoint(p0, x0.clone(), 0.5 * dot(r, r), -1, new double[0],
          new double[0], Double.NaN));
      return new Branch(p0, direction, points, found, StopReason.START_NOT_CONVERGED,
          String.format(Locale.ROOT, "Newton at fixed %s = %s did not converge from the start"
              + " (max |r| %.2e)", family.parameterName(), num(p0), maxAbs(r)));
    }
    double[] y0 = new double[n + 1];
    System.arraycopy(xs, 0, y0, 0, n);
    y0[n] = p0;
    double[] row = new double[n + 1];
    row[n] = 1;
    double[] t0 = tangent(family, y0, row);
    if (t0 == null) {
      // at a fold already: the null direction of r_x, found with a generic row
      java.util.Random rnd = new java.util.Random(1);
      for (int i = 0; i <= n; i++) {
        row[i] = rnd.nextGaussian();
      }
      t0 = tangent(family, y0, row);
    }
    Frame f0 = t0 == null ? null : frame(family, y0, t0);
    if (f0 == null) {
      points.add(new ContinuationPoint(p0, xs, 0, -1, new double[0], new double[0],
          Double.NaN));
      return new Branch(p0, direction, points, found, StopReason.STEP_BELOW_MINIMUM,
          String.format(Locale.ROOT, "no tangent at the start %s = %s: the bordered Jacobian is"
              + " singular there (a singular point of the branch)", family.parameterName(),
              num(p0)));
    }
    if (t0[n] * direction < 0 || (t0[n] == 0 && direction < 0)) {
      scale(t0, -1);
      f0 = frame(family, y0, t0);
    }
    Node current = node(family, y0, f0);
    points.add(current.point());
    Node first = current;
    double h = options.initialStep();
    StopReason stop = StopReason.BUDGET;
    String detail = null;
    while (true) {
      if (points.size() >= options.maxPoints()) {
        stop = StopReason.BUDGET;
        detail = String.format(Locale.ROOT, "budget of %d points reached at %s = %s",
            options.maxPoints(), family.parameterName(), num(current.p()));
        break;
      }
      double[] pred = axpy(current.y, h, current.t);
      Corrected c = correct(family, pred, current.t, current.lu);
      Frame fNew = c == null ? null : frame(family, c.y, current.t);
      double[] tNew = fNew == null ? null : fNew.t();
      if (c == null || tNew == null || dot(tNew, current.t) < MAX_TURN_COSINE) {
        if (h <= options.minStep()) {
          stop = StopReason.STEP_BELOW_MINIMUM;
          detail = String.format(Locale.ROOT, "the corrector failed at the minimum step %.2e"
                  + " from %s = %s (%s)", h, family.parameterName(), num(current.p()),
              c == null ? "Newton did not converge" : tNew == null ? "singular bordered system"
                  : "the tangent turned too sharply");
          break;
        }
        h = Math.max(options.minStep(), h / 2);
        continue;
      }
      double pNew = c.y[n];
      boolean out = pNew > options.maxParameter() || pNew < options.minParameter();
      Node next;
      if (out) {
        double bound = pNew > options.maxParameter() ? options.maxParameter()
            : options.minParameter();
        double f = (bound - current.p()) / (pNew - current.p());
        double[] guess = new double[n];
        for (int i = 0; i < n; i++) {
          guess[i] = current.y[i] + f * (c.y[i] - current.y[i]);
        }
        double[] xb = newton(family, bound, guess);
        if (xb == null) {
          stop = StopReason.END_OF_RANGE;
          detail = String.format(Locale.ROOT, "left the range after %s = %s (the point on the"
              + " bound %s did not converge)", family.parameterName(), num(current.p()),
              num(bound));
          break;
        }
        double[] yb = new double[n + 1];
        System.arraycopy(xb, 0, yb, 0, n);
        yb[n] = bound;
        Frame fb = frame(family, yb, current.t);
        next = fb != null ? node(family, yb, fb)
            : node(family, yb, new Frame(null, 0, current.t));
      } else {
        next = node(family, c.y, fNew);
      }
      if (options.detect()) {
        detect(family, current, next, points.size() - 1, found);
      }
      points.add(next.point());
      current = next;
      if (out) {
        stop = StopReason.END_OF_RANGE;
        detail = String.format(Locale.ROOT, "reached %s = %s, the end of the range",
            family.parameterName(), num(current.p()));
        break;
      }
      if (points.size() > 10 && distance(current.y, first.y) < h) {
        stop = StopReason.CLOSED_LOOP;
        detail = String.format(Locale.ROOT, "came back to its start at %s = %s after %d"
            + " points", family.parameterName(), num(current.p()), points.size());
        break;
      }
      // the chord corrector converges linearly: a few more iterations than Newton's are normal
      if (c.iterations <= 4) {
        h = Math.min(options.maxStep(), h * 1.3);
      } else if (c.iterations >= 8) {
        h = Math.max(options.minStep(), h * 0.7);
      }
    }
    return new Branch(p0, direction, List.copyOf(points), List.copyOf(found), stop, detail);
  }

  // ---------------------------------------------------------------------------------- detection

  private static final BifurcationKind[] ALWAYS = {BifurcationKind.FOLD,
      BifurcationKind.BRANCH_POINT, BifurcationKind.PERIOD_DOUBLING,
      BifurcationKind.NEIMARK_SACKER};

  private void detect(ContinuationFamily family, Node a, Node b, int index,
      List<Bifurcation> found) {
    List<BifurcationKind> kinds = new ArrayList<>(List.of(ALWAYS));
    if (Double.isFinite(family.continuousTimeStep())) {
      kinds.add(BifurcationKind.HOPF_CONTINUOUS);
    }
    for (BifurcationKind kind : kinds) {
      int ta = a.test(kind);
      int tb = b.test(kind);
      if (ta == 0 || tb == 0 || ta == tb) {
        continue;
      }
      Bifurcation bif = locate(family, kind, a, b, index);
      if (bif != null) {
        found.add(bif);
      }
    }
  }

  private Bifurcation locate(ContinuationFamily family, BifurcationKind kind, Node a, Node b,
      int index) {
    int n = a.y.length - 1;
    int sa = a.test(kind);
    double lo = 0;
    double hi = distanceAlong(a, b);
    Node left = a;
    Node right = b;
    String failure = null;
    int steps = 0;
    while (hi - lo > options.locateTolerance() / 10 && steps < 200) {
      steps++;
      double mid = 0.5 * (lo + hi);
      double[] pred = axpy(a.y, mid, a.t);
      Corrected c = correct(family, pred, a.t, a.lu);
      Frame fm = c == null ? null : frame(family, c.y, a.t);
      if (c == null || fm == null) {
        failure = "the corrector failed at a trial point";
        break;
      }
      Node m = node(family, c.y, fm);
      int s = m.test(kind);
      if (s == 0) {
        left = m;
        right = m;
        lo = mid;
        hi = mid;
        break;
      }
      if (s == sa) {
        left = m;
        lo = mid;
      } else {
        right = m;
        hi = mid;
      }
    }
    double pLo = Math.min(left.p(), right.p());
    double pHi = Math.max(left.p(), right.p());
    boolean located = failure == null && hi - lo <= options.locateTolerance()
        && pHi - pLo <= options.locateTolerance();
    Node at = located ? (left.eig != null ? left : right) : right;
    double[][] crossing = crossing(kind, at.eig);
    if (located && kind != BifurcationKind.FOLD && kind != BifurcationKind.BRANCH_POINT
        && (crossing == null || crossing[2][0] > CROSSING_TOLERANCE)) {
      // a parity change with nothing on the crossing: a collision of eigenvalues, no bifurcation
      return null;
    }
    double[] re = crossing == null ? new double[0] : crossing[0];
    double[] im = crossing == null ? new double[0] : crossing[1];
    if (!located) {
      String why = failure != null ? failure : "the bisection did not narrow the bracket to "
          + options.locateTolerance();
      return new Bifurcation(kind, false, Double.NaN, null, Math.min(a.p(), b.p()),
          Math.max(a.p(), b.p()), re, im, index,
          String.format(Locale.ROOT, "%s bracketed in %s in [%.8g, %.8g], not located: %s",
              kind.label(), family.parameterName(), Math.min(a.p(), b.p()),
              Math.max(a.p(), b.p()), why));
    }
    double p = 0.5 * (left.p() + right.p());
    double[] x = java.util.Arrays.copyOf(at.y, n);
    return new Bifurcation(kind, true, p, x, pLo, pHi, re, im, index,
        String.format(Locale.ROOT, "%s at %s = %.10g (bracket width %.1e)%s", kind.label(),
            family.parameterName(), p, pHi - pLo, describe(re, im)));
  }

  private static String describe(double[] re, double[] im) {
    if (re.length == 0) {
      return "";
    }
    StringBuilder s = new StringBuilder(", eigenvalue ");
    s.append(String.format(Locale.ROOT, "%.6f", re[0]));
    if (im[0] != 0) {
      s.append(String.format(Locale.ROOT, " %s %.6fi", im[0] < 0 ? "-" : "+", Math.abs(im[0])));
      s.append(String.format(Locale.ROOT, " (|lambda| %.6f)", Math.hypot(re[0], im[0])));
    }
    return s.toString();
  }

  /**
   * The eigenvalue(s) on the crossing of this kind: {re[], im[], {distance}}, or null when none
   * fits.
   */
  private static double[][] crossing(BifurcationKind kind, Eigendecomposition e) {
    if (e == null) {
      return null;
    }
    int best = -1;
    double bestD = Double.POSITIVE_INFINITY;
    for (int k = 0; k < e.size(); k++) {
      boolean real = isReal(e, k);
      double d;
      switch (kind) {
        case FOLD:
        case BRANCH_POINT:
          d = real ? Math.abs(e.real(k) - 1) : Double.POSITIVE_INFINITY;
          break;
        case PERIOD_DOUBLING:
          d = real ? Math.abs(e.real(k) + 1) : Double.POSITIVE_INFINITY;
          break;
        case NEIMARK_SACKER:
          d = !real && e.imag(k) > 0 ? Math.abs(e.modulus(k) - 1) : Double.POSITIVE_INFINITY;
          break;
        default:
          d = !real && e.imag(k) > 0 ? Math.abs(e.real(k) - 1) : Double.POSITIVE_INFINITY;
      }
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (best < 0) {
      return null;
    }
    boolean pair = !isReal(e, best);
    double[] re = pair ? new double[] {e.real(best), e.real(best)} : new double[] {e.real(best)};
    double[] im = pair ? new double[] {e.imag(best), -e.imag(best)} : new double[] {0};
    return new double[][] {re, im, {bestD}};
  }

  private static double distanceAlong(Node a, Node b) {
    double[] d = new double[a.y.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = b.y[i] - a.y[i];
    }
    return dot(d, a.t);
  }

  // ---------------------------------------------------------------------------------- algebra

  private Node node(ContinuationFamily family, double[] y, Frame frame) {
    int n = y.length - 1;
    double[] x = java.util.Arrays.copyOf(y, n);
    HostMap map = family.at(y[n]);
    double[] t = frame.t();
    int det = frame.det();
    double[] r = new double[n];
    map.residual(x, r);
    Eigendecomposition eig = null;
    int unstable = -1;
    {
      double[][] jac = map.mapJacobian(x);
      if (n < options.denseBelow()) {
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
          System.arraycopy(jac[i], 0, flat, i * n, n);
        }
        try (Tensor j = backend.fromArray(flat, n, n)) {
          eig = Spectra.eig(j, false);
        }
        unstable = 0;
        for (int k = 0; k < eig.size(); k++) {
          if (eig.modulus(k) > 1) {
            unstable++;
          }
        }
      } else {
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
          System.arraycopy(jac[i], 0, flat, i * n, n);
        }
        try (Tensor j = backend.fromArray(flat, n, n)) {
          LeadingSpectrum s = Spectra.stability(JacobianSpec.builder(j).build(),
              LeadingOptions.largestModulus(options.leadingCount()));
          eig = s.eigenvalues();
          unstable = s.unstableModes();
        }
      }
    }
    Node node = new Node(y, t, det, eig, unstable, 0.5 * dot(r, r));
    node.lu = frame.lu();
    return node;
  }

  private static double[] bordered(ContinuationFamily family, HostMap map, double[] y,
      double[] row) {
    int n = y.length - 1;
    int m = n + 1;
    double[] x = java.util.Arrays.copyOf(y, n);
    double[] jac = new double[n * n];
    map.residualJacobian(x, jac);
    double[] rp = new double[n];
    family.parameterDerivative(map, y[n], x, rp);
    double[] a = new double[m * m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(jac, i * n, a, i * m, n);
      a[i * m + n] = rp[i];
    }
    System.arraycopy(row, 0, a, n * m, m);
    return a;
  }

  /**
   * The bordered matrix {@code [r_x r_p; row]} at a point, factored: its determinant's sign (the
   * branch-point test) and the unit tangent, oriented so that {@code row . t > 0}.
   */
  private record Frame(Lu lu, int det, double[] t) {}

  /** The frame at {@code y}; null if the bordered matrix is singular. */
  private static Frame frame(ContinuationFamily family, double[] y, double[] row) {
    int n = y.length - 1;
    Lu lu = Lu.factor(bordered(family, family.at(y[n]), y, row), n + 1);
    if (lu.singular()) {
      return null;
    }
    double[] t = new double[n + 1];
    t[n] = 1;
    lu.solve(t);
    double norm = Math.sqrt(dot(t, t));
    if (!(norm > 0) || !Double.isFinite(norm)) {
      return null;
    }
    scale(t, 1 / norm);
    return new Frame(lu, lu.determinantSign(), t);
  }

  /** The unit tangent at {@code y}, oriented so that {@code row . t > 0}; null if singular. */
  private static double[] tangent(ContinuationFamily family, double[] y, double[] row) {
    Frame f = frame(family, y, row);
    return f == null ? null : f.t();
  }

  private record Corrected(double[] y, int iterations) {}

  /**
   * The corrector: chord iterations with {@code chord} (the bordered matrix factored at the
   * previous point), then, if they do not converge, Newton from the predictor.
   */
  private Corrected correct(ContinuationFamily family, double[] pred, double[] t, Lu chord) {
    if (chord != null) {
      Corrected c = chord(family, pred, t, chord);
      if (c != null) {
        return c;
      }
    }
    return newton(family, pred, t);
  }

  /** Chord iterations on {@code [r(y); t . (y - pred)] = 0} with a fixed factored matrix. */
  private Corrected chord(ContinuationFamily family, double[] pred, double[] t, Lu lu) {
    int n = pred.length - 1;
    double[] y = pred.clone();
    double[] r = new double[n];
    double previous = Double.POSITIVE_INFINITY;
    for (int it = 1; it <= options.maxCorrectorIterations(); it++) {
      family.at(y[n]).residual(java.util.Arrays.copyOf(y, n), r);
      double res = maxAbs(r);
      if (!Double.isFinite(res)) {
        return null;
      }
      double[] rhs = borderedRhs(r, t, y, pred);
      lu.solve(rhs);
      double step = maxAbs(rhs);
      if (!(step < 0.5 * previous) && it > 1) {
        return null;
      }
      previous = step;
      for (int i = 0; i <= n; i++) {
        y[i] += rhs[i];
      }
      if (step <= 1e-10 * (1 + maxAbs(y))) {
        family.at(y[n]).residual(java.util.Arrays.copyOf(y, n), r);
        if (maxAbs(r) <= options.residualTolerance()) {
          return new Corrected(y, it);
        }
      }
    }
    return null;
  }

  /** The corrector's right-hand side {@code -[r; t . (y - pred)]}, for chord and Newton. */
  private static double[] borderedRhs(double[] r, double[] t, double[] y, double[] pred) {
    int n = r.length;
    double[] rhs = new double[n + 1];
    double g = 0;
    for (int i = 0; i <= n; i++) {
      g += t[i] * (y[i] - pred[i]);
    }
    for (int i = 0; i < n; i++) {
      rhs[i] = -r[i];
    }
    rhs[n] = -g;
    return rhs;
  }

  /** Newton on {@code [r(y); t . (y - pred)] = 0}; null if it does not converge. */
  private Corrected newton(ContinuationFamily family, double[] pred, double[] t) {
    int n = pred.length - 1;
    double[] y = pred.clone();
    double[] r = new double[n];
    double first = Double.NaN;
    for (int it = 1; it <= options.maxCorrectorIterations(); it++) {
      HostMap map = family.at(y[n]);
      double[] x = java.util.Arrays.copyOf(y, n);
      map.residual(x, r);
      double res = maxAbs(r);
      if (Double.isNaN(first)) {
        first = res;
      }
      if (!Double.isFinite(res) || res > 1e6 * Math.max(first, 1e-8)) {
        return null;
      }
      Lu lu = Lu.factor(bordered(family, map, y, t), n + 1);
      if (lu.singular()) {
        return null;
      }
      double[] rhs = borderedRhs(r, t, y, pred);
      lu.solve(rhs);
      double step = maxAbs(rhs);
      for (int i = 0; i <= n; i++) {
        y[i] += rhs[i];
      }
      if (step <= 1e-10 * (1 + maxAbs(y)) && res <= options.residualTolerance()) {
        return new Corrected(y, it);
      }
      if (step <= 1e-13 * (1 + maxAbs(y))) {
        family.at(y[n]).residual(java.util.Arrays.copyOf(y, n), r);
        return maxAbs(r) <= options.residualTolerance() ? new Corrected(y, it) : null;
      }
    }
    family.at(y[n]).residual(java.util.Arrays.copyOf(y, n), r);
    return maxAbs(r) <= options.residualTolerance() ? new Corrected(y, options
        .maxCorrectorIterations()) : null;
  }

  /** Newton on {@code r(x, p) = 0} at fixed {@code p}; null if it does not converge. */
  private double[] newton(ContinuationFamily family, double p, double[] x0) {
    int n = x0.length;
    HostMap map = family.at(p);
    double[] x = x0.clone();
    double[] r = new double[n];
    double[] jac = new double[n * n];
    for (int it = 0; it < 4 * options.maxCorrectorIterations(); it++) {
      map.residual(x, r);
      double res = maxAbs(r);
      if (!Double.isFinite(res)) {
        return null;
      }
      map.residualJacobian(x, jac);
      Lu lu = Lu.factor(jac, n);
      if (lu.singular()) {
        return res <= options.residualTolerance() ? x : null;
      }
      double[] d = r.clone();
      lu.solve(d);
      for (int i = 0; i < n; i++) {
        x[i] -= d[i];
      }
      if (maxAbs(d) <= 1e-12 * (1 + maxAbs(x)) || (res <= options.residualTolerance() * 1e-3)) {
        map.residual(x, r);
        return maxAbs(r) <= options.residualTolerance() ? x : null;
      }
    }
    map.residual(x, r);
    return maxAbs(r) <= options.residualTolerance() ? x : null;
  }

  private static void checkDerivative(ContinuationFamily family, double p, double[] x) {
    int n = x.length;
    double[] exact = new double[n];
    HostMap map = family.at(p);
    family.parameterDerivative(map, p, x, exact);
    double h = 1e-5 * Math.max(1, Math.abs(p));
    double[] rp = new double[n];
    double[] rm = new double[n];
    family.at(p + h).residual(x, rp);
    family.at(p - h).residual(x, rm);
    double scale = 1e-12;
    double err = 0;
    for (int i = 0; i < n; i++) {
      double fd = (rp[i] - rm[i]) / (2 * h);
      err = Math.max(err, Math.abs(fd - exact[i]));
      scale = Math.max(scale, Math.abs(exact[i]));
    }
    if (err > 1e-5 * scale + 1e-9) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the family's dr/d%s"
              + " disagrees with a central difference of its residual at %s = %.6g (max error"
              + " %.2e against max |dr/dp| %.2e): its derivative does not fit its maps",
          family.parameterName(), family.parameterName(), p, err, scale));
    }
  }

  private static String num(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static double[] axpy(double[] y, double h, double[] t) {
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i] + h * t[i];
    }
    return out;
  }

  private static void scale(double[] v, double f) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= f;
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double d : v) {
      m = Math.max(m, Math.abs(d));
    }
    return m;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }
}
