package org.mrnn4j.analysis.fixedpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

/**
 * Finds the fixed points of a recurrent network at a constant input, the way trained networks are
 * read (Sussillo and Barak 2013; Golub and Sussillo's FixedPointFinder), but with a second-order
 * method on the exact Jacobian instead of gradient descent.
 *
 * <p>From each start, Levenberg-Marquardt drives {@code q(s) = 1/2 |F(s) - s|^2} (the reference's
 * objective, per state, not averaged) to {@link FixedPointOptions#tolQ()}, then Newton steps polish
 * it; starts run in parallel on the host. A second round starts from the midpoints of every pair of
 * stable fixed points found, where the saddles between their basins lie ({@link
 * FixedPointOptions#midpoints()}). Then, as the reference does: converged starts closer than
 * {@link FixedPointOptions#tolUnique()} are merged (keeping the lowest {@code q}), and points far
 * from the starts ({@link FixedPointOptions#outlierDistanceScale()} times their mean distance to
 * their centroid) are set apart as outliers. Starts that stop at a local minimum of {@code q} above
 * the tolerance are reported as slow points, separately. Each unique point gets the
 * eigendecomposition of the map's Jacobian from the backend, in the library's canonical order, its
 * number of unstable modes ({@code |lambda| > 1}) and a {@link Stability}: a fixed point's type
 * from its dominant modes, and {@link Stability#SLOW_POINT} for a slow point (an outlier keeps the
 * label of what it was).
 *
 * <p>Thread-safe; the backend is used only for the final eigendecompositions.
 *
 * <pre>{@code
 * FixedPointSystem system = FixedPointSystems.of(model, Coordinates.PRE_ACTIVATION, input,
 *     List.of(), null);
 * Random rng = new Random(0);
 * List<double[]> visited = StartSampler.flatten(StartSampler.simulate(system, 64, 50, 1.0, rng));
 * List<double[]> starts = StartSampler.sample(visited, 256, 0.5, rng);
 * FixedPointSearch search = new FixedPointFinder(backend).find(system, starts);
 * search.fixedPoints().forEach(p -> System.out.println(p.describe() + ", q = " + p.q()));
 * }</pre>
 */
public final class FixedPointFinder {

  /** Told as starts finish; called from worker threads, with {@code done} increasing. */
  @FunctionalInterface
  public interface ProgressListener {
    /**
     * {@code done} of {@code total} starts have finished.
     *
     * @param done the number of starts finished so far, first and midpoint rounds together
     * @param total the number of starts the search will run (it grows when the midpoint round
     *     begins)
     */
    void progress(int done, int total);
  }

  /** The most midpoint starts of the second round. */
  private static final int MAX_MIDPOINTS = 4096;

  private final Backend backend;
  private final FixedPointOptions options;

  /**
   * A finder with the default options.
   *
   * @param backend the backend that decomposes each point's Jacobian
   */
  public FixedPointFinder(Backend backend) {
    this(backend, FixedPointOptions.defaults());
  }

  /**
   * A finder with the given options.
   *
   * @param backend the backend that decomposes each point's Jacobian
   * @param options the search settings
   */
  public FixedPointFinder(Backend backend, FixedPointOptions options) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** {@return the search settings} */
  public FixedPointOptions options() {
    return options;
  }

  /**
   * {@link #find(FixedPointSystem, List, ProgressListener)} without progress reports.
   *
   * @param system the map
   * @param starts initial states over the included units, in the system's coordinates
   * @return the fixed points, slow points and outliers found, and a record of every start
   * @throws IllegalArgumentException if there is no start or a start has the wrong length
   */
  public FixedPointSearch find(FixedPointSystem system, List<double[]> starts) {
    return find(system, starts, null);
  }

  /**
   * Searches from every start.
   *
   * @param system the map
   * @param starts initial states over the included units, in the system's coordinates
   * @param listener told as starts finish, or null
   * @return the fixed points, slow points and outliers found, and a record of every start
   * @throws IllegalArgumentException if there is no start or a start has the wrong length
   */
  public FixedPointSearch find(
      FixedPointSystem system, List<double[]> starts, ProgressListener listener) {
    Objects.requireNonNull(system, "system");
    if (starts == null || starts.isEmpty()) {
      throw new IllegalArgumentException("the search needs at least one initial state");
    }
    int n = system.dimension();
    for (int i = 0; i < starts.size(); i++) {
      if (starts.get(i).length != n) {
        throw new IllegalArgumentException(
            "initial state " + i + " has " + starts.get(i).length + " entries, expected " + n
                + " (one per included unit)");
      }
    }
    long t0 = System.nanoTime();
    List<StartRecord> records = solveAll(system, starts, 0, listener, starts.size());

    double[] centroid = new double[n];
    for (double[] s : starts) {
      for (int i = 0; i < n; i++) {
        centroid[i] += s[i] / starts.size();
      }
    }
    double meanDistance =
        starts.stream().mapToDouble(s -> Dense.distance(s, centroid)).average().orElse(0);

    if (options.midpoints()) {
      List<Cluster> first = new ArrayList<>();
      for (Cluster c : unique(records, StartStatus.CONVERGED, List.of())) {
        if (!isOutlier(c, centroid, meanDistance)) {
          first.add(c);
        }
      }
      List<double[]> stable = analyse(system, first).stream()
          .filter(p -> p.stability().isStable())
          .map(FixedPoint::state)
          .toList();
      List<double[]> mids = new ArrayList<>();
      for (int a = 0; a < stable.size() && mids.size() < MAX_MIDPOINTS; a++) {
        for (int b = a + 1; b < stable.size() && mids.size() < MAX_MIDPOINTS; b++) {
          double[] m = new double[n];
          for (int i = 0; i < n; i++) {
            m[i] = 0.5 * (stable.get(a)[i] + stable.get(b)[i]);
          }
          mids.add(m);
        }
      }
      if (!mids.isEmpty()) {
        List<StartRecord> all = new ArrayList<>(records);
        all.addAll(solveAll(system, mids, starts.size(), listener, starts.size() + mids.size()));
        records = all;
      }
    }

    List<Cluster> fixed = unique(records, StartStatus.CONVERGED, List.of());
    List<Cluster> slow = unique(records, StartStatus.SLOW_POINT, fixed);
    List<Cluster> keptFixed = new ArrayList<>();
    List<Cluster> keptSlow = new ArrayList<>();
    List<Cluster> outliers = new ArrayList<>();
    for (Cluster c : fixed) {
      (isOutlier(c, centroid, meanDistance) ? outliers : keptFixed).add(c);
    }
    for (Cluster c : slow) {
      (isOutlier(c, centroid, meanDistance) ? outliers : keptSlow).add(c);
    }
    List<FixedPoint> fps = analyse(system, keptFixed);
    List<FixedPoint> sps = analyse(system, keptSlow);
    List<FixedPoint> out = analyse(system, outliers);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new FixedPointSearch(sort(fps), sort(sps), out, List.copyOf(records), seconds);
  }

  /**
   * The linear analysis of the map at one state (a fixed point found elsewhere, for example):
   * {@code q}, Jacobian, eigendecomposition and classification.
   *
   * @param system the map
   * @param state a state over the included units, in the system's coordinates
   * @return the point's {@code q}, Jacobian, spectrum and stability
   */
  public FixedPoint analyse(FixedPointSystem system, double[] state) {
    Cluster c = new Cluster(new StartRecord(-1, state, state.clone(), system.q(state), 0,
        StartStatus.CONVERGED));
    return analyse(system, List.of(c)).get(0);
  }

  private List<StartRecord> solveAll(FixedPointSystem system, List<double[]> starts, int offset,
      ProgressListener listener, int total) {
    AtomicInteger done = new AtomicInteger(offset);
    StartRecord[] out = new StartRecord[starts.size()];
    IntStream indices = IntStream.range(0, starts.size());
    Runnable work = () -> (options.parallelism() == 1 ? indices : indices.parallel())
        .forEach(i -> {
          out[i] = LevenbergMarquardt.solve(system, starts.get(i), offset + i, options);
          int d = done.incrementAndGet();
          if (listener != null) {
            listener.progress(d, total);
          }
        });
    if (options.parallelism() <= 1) {
      work.run();
    } else {
      // a parallel stream started inside a pool runs in that pool
      ForkJoinPool pool = new ForkJoinPool(options.parallelism());
      try {
        pool.submit(work).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the fixed-point search was interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException("a fixed-point search failed", cause);
      } finally {
        pool.shutdown();
      }
    }
    return List.of(out);
  }

  /**
   * Merges the records of one status closer than tolUnique, lowest q first; skips any near
   * {@code taken}.
   */
  private List<Cluster> unique(List<StartRecord> records, StartStatus status, List<Cluster> taken) {
    List<StartRecord> sorted = records.stream()
        .filter(r -> r.status() == status)
        .sorted(Comparator.comparingDouble(StartRecord::q).thenComparingInt(StartRecord::index))
        .toList();
    List<Cluster> clusters = new ArrayList<>();
    for (StartRecord r : sorted) {
      double[] point = r.fin();
      if (near(taken, point) != null) {
        continue;
      }
      Cluster c = near(clusters, point);
      if (c == null) {
        clusters.add(new Cluster(r));
      } else {
        c.members++;
      }
    }
    return clusters;
  }

  private Cluster near(List<Cluster> clusters, double[] s) {
    for (Cluster c : clusters) {
      if (Dense.distance(c.point, s) <= options.tolUnique()) {
        return c;
      }
    }
    return null;
  }

  private boolean isOutlier(Cluster c, double[] centroid, double meanDistance) {
    // identical starts give no scale to judge distance by: keep everything
    return meanDistance > 0
        && Dense.distance(c.point, centroid) / meanDistance
            >= options.outlierDistanceScale();
  }

  private List<FixedPoint> analyse(FixedPointSystem system, List<Cluster> clusters) {
    if (clusters.isEmpty()) {
      return List.of();
    }
    int n = system.dimension();
    int k = clusters.size();
    double[][][] jacobians = new double[k][][];
    double[] flat = new double[k * n * n];
    for (int c = 0; c < k; c++) {
      jacobians[c] = system.mapJacobian(clusters.get(c).point);
      for (int i = 0; i < n; i++) {
        System.arraycopy(jacobians[c][i], 0, flat, (c * n + i) * n, n);
      }
    }
    boolean vectors = options.eigenvectors() && backend.supports(Capability.EIGENVECTORS);
    int leadingCount = options.leadingFor(n);
    List<Eigendecomposition> eigs = new ArrayList<>(k);
    List<LeadingSpectrum> leadings = new ArrayList<>(k);
    try (Tensor batch = backend.fromArray(flat, k, n, n)) {
      if (leadingCount == 0) {
        // the analysis' one eigen path: the backend's kernel, then the defective-cluster refinement
        eigs = Spectra.eigBatch(batch, vectors);
      } else {
        // the leading part by Krylov-Schur on the map's Jacobian (products with it, no O(n^3))
        LeadingOptions lo = LeadingOptions.largestModulus(leadingCount).withVectors(vectors);
        for (int c = 0; c < k; c++) {
          try (Tensor j = backend.at(batch, c)) {
            LeadingSpectrum l = Spectra.stability(JacobianSpec.builder(j).build(), lo);
            leadings.add(l);
            eigs.add(l.eigenvalues());
          }
        }
      }
    }
    List<FixedPoint> out = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      Cluster cl = clusters.get(c);
      Eigendecomposition e = eigs.get(c);
      LeadingSpectrum leading = leadingCount == 0 ? null : leadings.get(c);
      int unstable = leading != null ? leading.unstableModes()
          : StabilitySummary.of(e).unstableModes();
      Stability type;
      if (cl.best.status() == StartStatus.SLOW_POINT) {
        type = Stability.SLOW_POINT; // not a fixed point: no stability type
      } else if (leading != null && Double.isNaN(leading.spectralRadius())) {
        // the dominant pair did not converge: the listed eigenvalues are not the dominant ones
        type = Stability.classify(unstable, n, new double[0], new double[0]);
      } else {
        type = Stability.classify(unstable, n, e);
      }
      double[] s = cl.point;
      out.add(new FixedPoint(s.clone(), system.embed(s), cl.best.q(), jacobians[c], e, unstable,
          type, cl.members, cl.best.index(), cl.best.iterations(), leading));
    }
    return out;
  }

  private static List<FixedPoint> sort(List<FixedPoint> points) {
    return points.stream()
        .sorted(Comparator.comparingInt(FixedPoint::unstableModes)
            .thenComparingDouble(FixedPoint::q))
        .toList();
  }

  private static final class Cluster {
    final StartRecord best;
    final double[] point;
    int members = 1;

    Cluster(StartRecord best) {
      this.best = best;
      this.point = best.fin();
    }
  }
}
