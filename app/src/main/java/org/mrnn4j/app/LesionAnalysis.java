package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointOptions;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.StartRecord;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.analysis.fixedpoints.StartStatus;
import org.mrnn4j.models.Lesion;
import org.mrnn4j.models.RecurrentModel;

/**
 * Lesion studies: the fixed points (with their stability) and the stability at operating points
 * of the intact network and of each lesioned one ({@link Lesion}), side by side, as
 * {@code mrnn4j lesion} reports them.
 *
 * <p>For each lesion the lesioned network is searched as {@link FixedPoints#find} searches any
 * network (the same default starts from the same seed), and once more from each intact fixed
 * point. Each intact point is then reported for what its start did in the lesioned network:
 * converged to a fixed point (which one, how far the point moved, its stability before and
 * after) or not ({@link StartStatus}: at a slow point, at the iteration cap, diverged), which is
 * an observation about one start, not a proof that the point vanished. A fixed point reached
 * only from an intact point's start is added to the lesioned network's points (flagged
 * {@link Network#fromIntactOnly}); a lesioned fixed point that no intact start reached is "new".
 * Points are compared in the model's natural coordinates over all units, by Euclidean distance;
 * two points closer than the search's uniqueness tolerance ({@link FixedPointOptions#tolUnique()})
 * are the same point.
 *
 * <pre>{@code
 * LesionAnalysis.Result r = LesionAnalysis.run(model, u, Lesion.allConnections(model), 1, null,
 *     null);
 * for (LesionAnalysis.Network n : r.lesioned()) { ... n.fixedPoints(), n.matches() ... }
 * }</pre>
 */
public final class LesionAnalysis {
  private LesionAnalysis() {}

  /**
   * What happened to one intact fixed point in a lesioned network: where the search started at it
   * ended.
   *
   * @param intact the intact point's index among the intact fixed points
   * @param status how that start ended ({@link StartStatus#CONVERGED}: at a fixed point)
   * @param q {@code q} where it ended
   * @param lesioned the index of the lesioned fixed point it reached, or -1 when it did not
   *     converge
   * @param distance how far the point moved: from the intact point to the lesioned one (NaN when
   *     the start did not converge)
   * @param before the intact point's stability label
   * @param unstableBefore the intact point's unstable modes
   * @param after the lesioned point's stability label, or null
   * @param unstableAfter the lesioned point's unstable modes, or -1
   */
  public record Match(int intact, StartStatus status, double q, int lesioned, double distance,
      String before, int unstableBefore, String after, int unstableAfter) {

    /** {@return whether the start converged to a fixed point of the lesioned network} */
    public boolean found() {
      return status == StartStatus.CONVERGED;
    }

    /**
     * {@return whether it converged to a point farther than the uniqueness tolerance from the
     *     intact one}
     *
     * @param tolerance the distance below which two points are the same
     */
    public boolean moved(double tolerance) {
      return found() && distance > tolerance;
    }

    /** {@return whether it converged to a point with another unstable-mode count or label} */
    public boolean stabilityChanged() {
      return found() && (unstableBefore != unstableAfter || !before.equals(after));
    }
  }

  /**
   * One network's analysis: the intact one, or one lesion's.
   *
   * @param lesion the lesion, or null for the intact network
   * @param fixedPoints the fixed points: the search's, then those reached only from intact
   *     points' starts
   * @param fromIntactOnly how many of {@code fixedPoints} (the last ones) were reached only from
   *     an intact point's start
   * @param search the search from the default starts
   * @param operating the stability at each operating point (empty when none were asked)
   * @param matches for a lesion, one per intact fixed point; empty for the intact network
   * @param newPoints for a lesion, the indices of the fixed points no intact start reached
   */
  public record Network(Lesion lesion, List<FixedPoint> fixedPoints, int fromIntactOnly,
      FixedPointSearch search, List<StabilitySummary> operating, List<Match> matches,
      List<Integer> newPoints) {

    /** {@return {@code intact}, or the lesion in its syntax} */
    public String label() {
      return lesion == null ? "intact" : lesion.toString();
    }

    /** {@return the number of fixed points with no unstable mode} */
    public long stableCount() {
      return fixedPoints.stream().filter(p -> p.stability().isStable()).count();
    }

    /** {@return the number of saddles: some but not all modes unstable} */
    public long saddleCount() {
      return fixedPoints.stream().filter(p -> p.stability().isSaddle()).count();
    }

    /** {@return how many intact points' starts converged to a point farther than tolerance} */
    public long movedCount() {
      return matches.stream().filter(m -> m.moved(TOLERANCE)).count();
    }

    /** {@return how many intact points' starts did not converge to a fixed point} */
    public long notFoundCount() {
      return matches.stream().filter(m -> !m.found()).count();
    }

    /** {@return how many intact points' starts reached a point of another stability} */
    public long stabilityChangedCount() {
      return matches.stream().filter(Match::stabilityChanged).count();
    }
  }

  /**
   * The whole study.
   *
   * @param intact the intact network's analysis
   * @param lesioned one per lesion, in the order given
   * @param operatingLabels the operating points' labels (empty when none were asked)
   * @param tolerance the distance below which two points are the same point
   */
  public record Result(Network intact, List<Network> lesioned, List<String> operatingLabels,
      double tolerance) {}

  /** The distance below which two points are the same: the search's uniqueness tolerance. */
  public static final double TOLERANCE = FixedPointOptions.defaults().tolUnique();

  /**
   * Analyses the intact network and each lesion.
   *
   * @param model the intact network (left unchanged)
   * @param u the constant input of the fixed-point searches
   * @param lesions the lesions, each analysed on its own
   * @param seed the seed of the searches' starts (the same for every network)
   * @param operatingPoints the operating points of a network (called once per network: the
   *     states of a file are the same for all, simulated states are each network's own), or null
   *     for none
   * @param progress told the number of networks done (the intact one first), or null
   * @return the analyses
   * @throws IllegalArgumentException if {@code u} does not fit the model, or a lesion does not
   *     fit it (an unknown region, a connection without weights)
   */
  public static Result run(RecurrentModel model, double[] u, List<Lesion> lesions, long seed,
      Function<RecurrentModel, OperatingPoints> operatingPoints, IntConsumer progress) {
    return run(model, u, lesions, seed, StartSampler.DEFAULT_STARTS, operatingPoints, progress);
  }

  /**
   * {@link #run(RecurrentModel, double[], List, long, Function, IntConsumer)} with another number
   * of default starts per network (sampled as {@link StartSampler#draw(FixedPointSystem, long)}
   * samples them, from the same trajectories): fewer starts make a sweep over many lesions
   * quicker and may miss fixed points that more starts would find.
   *
   * @param model the intact network (left unchanged)
   * @param u the constant input of the fixed-point searches
   * @param lesions the lesions, each analysed on its own
   * @param seed the seed of the searches' starts
   * @param starts the number of sampled starts per network, at least 1
   * @param operatingPoints the operating points of a network, or null for none
   * @param progress told the number of networks done, or null
   * @return the analyses
   * @throws IllegalArgumentException if {@code starts < 1}, or as the other {@code run}
   */
  public static Result run(RecurrentModel model, double[] u, List<Lesion> lesions, long seed,
      int starts, Function<RecurrentModel, OperatingPoints> operatingPoints,
      IntConsumer progress) {
    Objects.requireNonNull(model, "model");
    if (starts < 1) {
      throw new IllegalArgumentException("the number of starts must be at least 1, got "
          + starts);
    }
    Inputs.requireFits(model, u);
    for (Lesion l : lesions) {
      l.validate(model); // every lesion checked before any work
    }
    List<String> labels = new ArrayList<>();
    Network intact = analyse(model, null, u, seed, starts, operatingPoints, labels, null);
    if (progress != null) {
      progress.accept(1);
    }
    List<Network> out = new ArrayList<>();
    for (Lesion l : lesions) {
      try (RecurrentModel lesioned = l.apply(model)) {
        out.add(analyse(lesioned, l, u, seed, starts, operatingPoints, new ArrayList<>(),
            intact));
      }
      if (progress != null) {
        progress.accept(out.size() + 1);
      }
    }
    return new Result(intact, List.copyOf(out), List.copyOf(labels), TOLERANCE);
  }

  /**
   * One network's analysis; with {@code intact}, also the search from its fixed points and the
   * comparison with them.
   */
  private static Network analyse(RecurrentModel m, Lesion lesion, double[] u, long seed,
      int starts, Function<RecurrentModel, OperatingPoints> operatingPoints, List<String> labels,
      Network intact) {
    FixedPointSystem system = FixedPoints.system(m, u, List.of());
    FixedPointSearch search = FixedPoints.find(m, system, seed, starts, null);
    List<StabilitySummary> operating = List.of();
    if (operatingPoints != null) {
      OperatingPoints op = operatingPoints.apply(m);
      labels.addAll(op.labels());
      operating = StabilityAnalysis.run(m, op.points(), StabilityAnalysis.Request.defaults(),
          done -> { }).summaries();
    }
    List<FixedPoint> points = new ArrayList<>(search.fixedPoints());
    if (intact == null || intact.fixedPoints().isEmpty()) {
      return new Network(lesion, List.copyOf(points), 0, search, operating, List.of(),
          intact == null ? List.of() : range(points.size()));
    }
    FixedPointFinder finder = new FixedPointFinder(m.backend(),
        FixedPointOptions.defaults().withMidpoints(false));
    List<double[]> fromIntact = new ArrayList<>();
    for (FixedPoint p : intact.fixedPoints()) {
      fromIntact.add(system.restrict(p.fullState()));
    }
    // the records of the starts at the intact points: where each one ended
    List<StartRecord> records = finder.find(system, fromIntact).starts();
    int searched = points.size();
    boolean[] reached = new boolean[searched];
    List<Match> matches = new ArrayList<>();
    for (int i = 0; i < fromIntact.size(); i++) {
      StartRecord rec = records.get(i);
      FixedPoint before = intact.fixedPoints().get(i);
      if (!rec.converged()) {
        matches.add(new Match(i, rec.status(), rec.q(), -1, Double.NaN,
            before.describe(), before.unstableModes(), null, -1));
        continue;
      }
      double[] end = system.embed(rec.fin());
      int nearest = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int k = 0; k < points.size(); k++) {
        double d = distance(points.get(k).fullState(), end);
        if (d < best) {
          best = d;
          nearest = k;
        }
      }
      if (nearest < 0 || best > TOLERANCE) {
        points.add(finder.analyse(system, rec.fin()));
        nearest = points.size() - 1;
      }
      if (nearest < searched) {
        reached[nearest] = true;
      }
      FixedPoint after = points.get(nearest);
      matches.add(new Match(i, rec.status(), rec.q(), nearest,
          distance(before.fullState(), after.fullState()), before.describe(),
          before.unstableModes(), after.describe(), after.unstableModes()));
    }
    List<Integer> fresh = new ArrayList<>();
    for (int k = 0; k < searched; k++) {
      if (!reached[k]) {
        fresh.add(k);
      }
    }
    return new Network(lesion, List.copyOf(points), points.size() - searched, search, operating,
        List.copyOf(matches), List.copyOf(fresh));
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
