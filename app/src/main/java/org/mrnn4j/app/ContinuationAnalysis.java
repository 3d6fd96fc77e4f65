package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationFamily;
import org.mrnn4j.analysis.continuation.ContinuationOptions;
import org.mrnn4j.analysis.continuation.ContinuationPoint;
import org.mrnn4j.analysis.continuation.PseudoArclength;
import org.mrnn4j.analysis.continuation.StopReason;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.models.RecurrentModel;

/**
 * Continuation of every fixed point of a model in one parameter, the one implementation every
 * front end calls ({@code mrnn4j continue}): the fixed-point finder (with {@code fixed-points}'
 * defaults and a seed) at the start value, one branch followed from each point found there
 * towards the end value (a point another branch already reached is not followed twice), and
 * optionally the same from the points found at the end value that no branch reached.
 *
 * <pre>{@code
 * ContinuationAnalysis.Result r = ContinuationAnalysis.run(model, new ContinuationAnalysis.Request(
 *     ContinuationParameter.input(new double[3], new double[] {1, 0, 0}), 0, 0.5, true, 7, null));
 * for (Branch b : r.branches()) { ... b.points(), b.bifurcations(), b.stop() ... }
 * }</pre>
 */
public final class ContinuationAnalysis {
  private ContinuationAnalysis() {}

  /**
   * What to continue.
   *
   * @param parameter what moves
   * @param from the start value of the parameter (branches start at the fixed points found here)
   * @param to the end value
   * @param alsoFromEnd whether to also start branches at the fixed points found at {@code to}
   *     that no branch from {@code from} reached
   * @param seed the seed of the fixed-point searches' starts
   * @param options the continuation's settings, or null for {@link ContinuationOptions#over}
   *     the range
   */
  public record Request(ContinuationParameter parameter, double from, double to,
      boolean alsoFromEnd, long seed, ContinuationOptions options) {
    /**
     * Checks the request.
     *
     * @param parameter what moves
     * @param from the start value
     * @param to the end value, different from the start
     * @param alsoFromEnd whether to also start branches at the end value
     * @param seed the seed of the searches' starts
     * @param options the settings, or null for the defaults
     * @throws IllegalArgumentException if the range is empty or not finite
     */
    public Request {
      Objects.requireNonNull(parameter, "parameter");
      if (!Double.isFinite(from) || !Double.isFinite(to) || from == to) {
        throw new IllegalArgumentException("the range needs two different finite values, got "
            + from + " and " + to);
      }
    }
  }

  /**
   * Where a branch started.
   *
   * @param atEnd whether it started at the end value (else at the start value)
   * @param point the index of its start among the fixed points found there
   */
  public record Origin(boolean atEnd, int point) {}

  /**
   * What became of one fixed point at the start value at the end value.
   *
   * @param startPoint its index among the fixed points found at the start value
   * @param branch the index of the branch through it
   * @param endPoint the index of its partner among the fixed points found at the end value, or -1
   * @param note what happened, in words (the partner, or the fold that turned the branch back)
   */
  public record Pairing(int startPoint, int branch, int endPoint, String note) {}

  /**
   * The result.
   *
   * @param family the family continued
   * @param options the settings used
   * @param branches the branches, in the order followed
   * @param origins where each branch started (same order)
   * @param atStart the fixed-point search at the start value
   * @param atEnd the search at the end value, or null when not asked for
   * @param pairings the start value's fixed points and their partners at the end value (only when
   *     the end value was searched)
   * @param seconds the time taken
   */
  public record Result(ContinuationFamily family, ContinuationOptions options,
      List<Branch> branches, List<Origin> origins, FixedPointSearch atStart,
      FixedPointSearch atEnd, List<Pairing> pairings, double seconds) {

    /**
     * {@return how many times the branches cross (or touch) the parameter value {@code v}}
     *
     * @param v a parameter value
     */
    public int crossings(double v) {
      return ContinuationAnalysis.crossings(branches, v);
    }
  }

  /**
   * The first principal component of all the branches' points (the diagrams' default
   * coordinate), as a function of a state.
   *
   * @param branches the branches
   * @return the state's coordinate along PC1 of the branch points (its sign a convention), or
   *     0 for every state when there are fewer than 2 points
   */
  public static java.util.function.ToDoubleFunction<double[]> branchPc1(List<Branch> branches) {
    List<double[]> all = new ArrayList<>();
    branches.forEach(br -> br.points().forEach(pt -> all.add(pt.state())));
    if (all.size() < 2) {
      return x -> 0;
    }
    org.mrnn4j.analysis.Pca pca = org.mrnn4j.analysis.Pca.fit(all, 1);
    return x -> pca.project(x)[0];
  }

  /**
   * Runs a continuation.
   *
   * @param model the model (at {@code s = 0} for a checkpoint interpolation)
   * @param request what to continue
   * @return the branches, their bifurcations, and the searches they started from
   * @throws IllegalArgumentException if the parameter does not fit the model
   */
  public static Result run(RecurrentModel model, Request request) {
    long t0 = System.nanoTime();
    ContinuationFamily family = request.parameter().family(model);
    double lo = Math.min(request.from(), request.to());
    double hi = Math.max(request.from(), request.to());
    ContinuationOptions options = request.options() != null ? request.options()
        : ContinuationOptions.over(lo, hi);
    if (options.minParameter() != lo || options.maxParameter() != hi) {
      options = new ContinuationOptions(lo, hi, options.initialStep(), options.minStep(),
          options.maxStep(), options.maxPoints(), options.maxCorrectorIterations(),
          options.residualTolerance(), options.locateTolerance(), options.detect(),
          options.denseBelow(), options.leadingCount());
    }
    PseudoArclength engine = new PseudoArclength(model.backend(), options);
    int direction = request.to() > request.from() ? 1 : -1;
    FixedPointSearch atStart = search(model, family, request.from(), request.seed());
    FixedPointSearch atEnd = request.alsoFromEnd()
        ? search(model, family, request.to(), request.seed()) : null;
    List<Branch> branches = new ArrayList<>();
    List<Origin> origins = new ArrayList<>();
    follow(engine, family, atStart, request.from(), direction, false, branches, origins);
    if (atEnd != null) {
      follow(engine, family, atEnd, request.to(), -direction, true, branches, origins);
    }
    List<Pairing> pairings = atEnd == null ? List.of()
        : pair(branches, origins, atStart, atEnd, request);
    return new Result(family, options, List.copyOf(branches), List.copyOf(origins), atStart,
        atEnd, pairings, (System.nanoTime() - t0) / 1e9);
  }

  private static FixedPointSearch search(RecurrentModel model, ContinuationFamily family,
      double p, long seed) {
    return FixedPoints.find(model, new FixedPointSystem(family.at(p)), seed, null);
  }

  private static void follow(PseudoArclength engine, ContinuationFamily family,
      FixedPointSearch search, double p, int direction, boolean atEnd, List<Branch> branches,
      List<Origin> origins) {
    List<FixedPoint> points = search.fixedPoints();
    for (int i = 0; i < points.size(); i++) {
      double[] x = points.get(i).state();
      if (reached(branches, p, x)) {
        continue;
      }
      branches.add(engine.follow(family, p, x, direction));
      origins.add(new Origin(atEnd, i));
    }
  }

  /** Whether a branch already passes through {@code x} at parameter {@code p}. */
  private static boolean reached(List<Branch> branches, double p, double[] x) {
    for (Branch b : branches) {
      for (ContinuationPoint pt : List.of(b.start(), b.end())) {
        if (pt.parameter() == p && close(pt.state(), x)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Same point, to well within the finder's merging distance. */
  static boolean close(double[] a, double[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
      n = Math.max(n, Math.abs(a[i]));
    }
    return d <= 1e-5 * (1 + n);
  }

  private static List<Pairing> pair(List<Branch> branches, List<Origin> origins,
      FixedPointSearch atStart, FixedPointSearch atEnd, Request request) {
    List<Pairing> out = new ArrayList<>();
    String s = request.parameter().name();
    for (int i = 0; i < atStart.fixedPoints().size(); i++) {
      double[] x = atStart.fixedPoints().get(i).state();
      int branch = -1;
      boolean fromStart = true;
      for (int k = 0; k < branches.size() && branch < 0; k++) {
        Branch b = branches.get(k);
        if (b.start().parameter() == request.from() && close(b.start().state(), x)) {
          branch = k;
        } else if (b.end().parameter() == request.from() && close(b.end().state(), x)) {
          branch = k;
          fromStart = false;
        }
      }
      if (branch < 0) {
        out.add(new Pairing(i, -1, -1, "no branch through it"));
        continue;
      }
      Branch b = branches.get(branch);
      // the branch's other end
      ContinuationPoint other = fromStart ? b.end() : b.start();
      int j = -1;
      if (other.parameter() == request.to()) {
        for (int k = 0; k < atEnd.fixedPoints().size() && j < 0; k++) {
          if (close(atEnd.fixedPoints().get(k).state(), other.state())) {
            j = k;
          }
        }
      }
      String note;
      if (j >= 0) {
        note = String.format(Locale.ROOT, "continues to fixed point %d at %s = %s", j + 1, s,
            Inputs.number(request.to()));
      } else if (other.parameter() == request.from()) {
        note = String.format(Locale.ROOT, "no partner: the branch folded and returned to %s = %s"
            + " (fixed point %d there)", s, Inputs.number(request.from()),
            indexOf(atStart, other.state()) + 1);
      } else if (other.parameter() == request.to()) {
        note = "reaches " + s + " = " + Inputs.number(request.to())
            + " at a point the search there did not find";
      } else {
        note = "no partner: its branch stopped at " + s + " = "
            + String.format(Locale.ROOT, "%.6g", other.parameter()) + " ("
            + (b.stop() == StopReason.END_OF_RANGE ? "end of range" : b.stopDetail()) + ")";
      }
      out.add(new Pairing(i, branch, j, note));
    }
    return out;
  }

  private static int indexOf(FixedPointSearch search, double[] x) {
    for (int k = 0; k < search.fixedPoints().size(); k++) {
      if (close(search.fixedPoints().get(k).state(), x)) {
        return k;
      }
    }
    return -1;
  }

  /**
   * {@return how many times the branches cross (or touch) the parameter value {@code v}: the
   *     segments whose ends lie on either side of it, or on it}
   *
   * @param branches the branches
   * @param v a parameter value
   */
  public static int crossings(List<Branch> branches, double v) {
    int count = 0;
    for (Branch b : branches) {
      List<ContinuationPoint> pts = b.points();
      for (int i = 0; i < pts.size(); i++) {
        double p = pts.get(i).parameter();
        if (p == v) {
          // a point on v: counted once (not again as the end of the next segment)
          count++;
          continue;
        }
        if (i + 1 < pts.size()) {
          double q = pts.get(i + 1).parameter();
          if (q != v && (p - v) * (q - v) < 0) {
            count++;
          }
        }
      }
    }
    return count;
  }

  /**
   * {@return the state on a branch where it crosses {@code v}, linearly interpolated between the
   *     two points around it, for each crossing}
   *
   * @param b the branch
   * @param v a parameter value
   */
  public static List<double[]> statesAt(Branch b, double v) {
    List<double[]> out = new ArrayList<>();
    List<ContinuationPoint> pts = b.points();
    for (int i = 0; i < pts.size(); i++) {
      double p = pts.get(i).parameter();
      if (p == v) {
        out.add(pts.get(i).state().clone());
        continue;
      }
      if (i + 1 < pts.size()) {
        double q = pts.get(i + 1).parameter();
        if (q != v && (p - v) * (q - v) < 0) {
          double f = (v - p) / (q - p);
          double[] a = pts.get(i).state();
          double[] c = pts.get(i + 1).state();
          double[] x = new double[a.length];
          for (int k = 0; k < x.length; k++) {
            x[k] = a[k] + f * (c[k] - a[k]);
          }
          out.add(x);
        }
      }
    }
    return out;
  }

  /**
   * {@return the activity {@code h} of a branch state: {@code act(x)} for a model whose natural
   *     coordinates are pre-activations (leaky), the state itself otherwise (Elman)}
   *
   * @param model the model
   * @param state a state in the model's natural coordinates
   */
  public static double[] activity(RecurrentModel model, double[] state) {
    if (model.naturalCoordinates() != org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION) {
      return state.clone();
    }
    double[] h = new double[state.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = model.activation().apply(state[i], model.softplusBeta());
    }
    return h;
  }

  /**
   * The readout's value at every point of a branch: {@code y = W_out h + b_out} with {@code h} the
   * point's activity ({@link #activity}).
   *
   * @param model the model
   * @param branch the branch
   * @param readout the readout (as {@code ModelLoader} reads it beside the model)
   * @return {@code [P][O]}: the outputs at each point
   * @throws IllegalArgumentException if the readout does not have one column per unit
   */
  public static double[][] outputs(RecurrentModel model, Branch branch,
      org.mrnn4j.models.io.Readout readout) {
    boolean pre = model.naturalCoordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION;
    double[][] out = new double[branch.points().size()][];
    for (int p = 0; p < out.length; p++) {
      out[p] = readout.at(model, branch.points().get(p).state(), pre);
    }
    return out;
  }
}
