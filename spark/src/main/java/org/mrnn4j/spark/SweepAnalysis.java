package org.mrnn4j.spark;

import org.mrnn4j.models.Lesion;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mrnn4j.app.ConstantInputRun;
import org.mrnn4j.app.Failures;
import org.mrnn4j.app.FixedPoints;
import org.mrnn4j.app.Inputs;
import org.mrnn4j.app.OperatingPoints;
import org.mrnn4j.app.StabilityAnalysis;
import org.mrnn4j.models.io.MrnnConfig;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;

/**
 * What one sweep task computes, with no Spark in it: the function each Spark task calls, and the
 * single-machine API ({@link #run}). A task is a pure function of its fields (fixed seeds, no
 * clock), so a retried or speculated task gives the same rows; a task that fails (a missing file,
 * a bad field, a time-out) gives one row whose {@code error} says why, and never fails the job.
 *
 * <p>Per JVM (per Spark executor) each backend is created once and each model loaded once, by
 * path, modification time, size and seed, however many tasks use it; both are shared by the
 * executor's task threads (backends and models are thread-safe). Beyond {@value #MODELS_KEPT}
 * models, the least recently used one no task holds is closed.
 *
 * @serial exclude
 */
public final class SweepAnalysis implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The analyses a task can ask for. */
  public static final List<String> ANALYSES = List.of("summary", "spectrum", "fixed_points");
  /** Leading eigenvalues reported per row, largest modulus first (as {@code analyze --top}). */
  public static final int LEADING = 3;

  private static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();
  /** Models kept per executor beyond those in use: the least recently used are closed. */
  static final int MODELS_KEPT = 8;
  static final ModelCache MODELS = new ModelCache(MODELS_KEPT);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      MODELS.closeAll();
      BACKENDS.values().forEach(Backend::close);
    }, "mrnn4j-sweep-close"));
  }

  private final String backend;
  private final long timeLimitSeconds;

  /**
   * @param backend the backend every task computes on (null for the default: the system property
   *     or environment, else the best available for the model's size, falling back to ejml when a
   *     native backend fails its self-test)
   * @param timeLimitSeconds the most one task may take; a task that takes longer gives an error
   *     row (its thread is interrupted, and its result dropped)
   */
  public SweepAnalysis(String backend, long timeLimitSeconds) {
    if (timeLimitSeconds < 1) {
      throw new IllegalArgumentException("the time limit must be at least 1 s, got "
          + timeLimitSeconds);
    }
    this.backend = backend == null || backend.isBlank() ? null : backend;
    this.timeLimitSeconds = timeLimitSeconds;
  }

  /**
   * The rows of every task, in task order: the single-machine sweep.
   *
   * @param tasks the tasks
   * @return their rows
   */
  public List<SweepResult> run(List<SweepTask> tasks) {
    List<SweepResult> out = new ArrayList<>();
    for (SweepTask t : tasks) {
      out.addAll(apply(t));
    }
    return out;
  }

  /**
   * The rows of one task, within the time limit, using every core; one error row when it cannot
   * run.
   *
   * @param task the task
   * @return its rows
   */
  public List<SweepResult> apply(SweepTask task) {
    return apply(task, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The rows of one task, within the time limit, on at most {@code threads} threads (a Spark task
   * gets {@code spark.task.cpus}: the executor's other cores run other tasks); one error row
   * when it cannot run.
   *
   * @param task the task
   * @param threads the cores the task may use, at least 1
   * @return its rows
   */
  public List<SweepResult> apply(SweepTask task, int threads) {
    if (task.getError() != null) {
      return List.of(error(task, task.getError()));
    }
    // the task runs in a pool of its own: the parallel work inside it (a batch's
    // eigendecompositions) stays within that pool's threads instead of the shared common pool
    ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
    Future<List<SweepResult>> f = pool.submit(() -> {
      try {
        return compute(task);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // ForkJoinPool would wrap it in a bare RuntimeException
      }
    });
    try {
      return f.get(timeLimitSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return List.of(error(task, "the task took longer than its time limit of "
          + timeLimitSeconds + " s"));
    } catch (ExecutionException e) {
      return List.of(error(task, describe(e.getCause())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while task " + task.getId() + " ran", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private List<SweepResult> compute(SweepTask task) throws IOException {
    String analysis = task.getAnalysis() == null ? "summary" : task.getAnalysis();
    if (!ANALYSES.contains(analysis)) {
      throw new IllegalArgumentException("analysis: expected one of " + ANALYSES + ", got '"
          + analysis + "'");
    }
    if (task.getModel() == null || task.getModel().isBlank()) {
      throw new IllegalArgumentException("model: missing (a config, a .pth with its .json"
          + " beside it, or a saved mrnn4j model)");
    }
    Path file = Path.of(task.getModel());
    long seed = task.getSeed() == null ? 0 : task.getSeed();
    // the model's size picks the default backend; a named backend needs no look at the config
    Backend b = backend(backend == null ? ModelLoader.units(file) : -1);
    try (ModelCache.Lease lease = model(file, request(task, seed), b)) {
      RecurrentModel model = lease.loaded().model();
      if (task.getLesion() == null || task.getLesion().isEmpty()) {
        return compute(task, analysis, model, b, seed);
      }
      List<Lesion> lesions = task.getLesion().stream().map(Lesion::parse).toList();
      // the cached model stays intact: the lesioned copy is this task's own
      try (RecurrentModel lesioned = Lesion.apply(model, lesions)) {
        List<SweepResult> rows = compute(task, analysis, lesioned, b, seed);
        String label = Lesion.describe(lesions);
        rows.forEach(r -> r.setLesion(label));
        return rows;
      }
    }
  }

  private List<SweepResult> compute(SweepTask task, String analysis, RecurrentModel model,
      Backend b, long seed) throws IOException {
    double[] u = input(task, model.numInputs());
    List<String> regions = task.getRegions() == null ? List.of() : task.getRegions();
    if (analysis.equals("fixed_points")) {
      return fixedPoints(task, model, b, u, regions, seed);
    }
    List<OperatingPoint> points = points(task, model, u);
    boolean spectrum = analysis.equals("spectrum");
    // as analyze: every eigenvalue for a spectrum, else the size-aware path
    StabilityAnalysis.Result result = StabilityAnalysis.run(model, points,
        new StabilityAnalysis.Request(regions, null, spectrum, false,
            StabilityAnalysis.PartialDh.NONE), done -> { });
    Linearization lin = result.linearization();
    List<StabilitySummary> summaries = result.summaries();
    List<SweepResult> rows = new ArrayList<>();
    for (int i = 0; i < summaries.size(); i++) {
      StabilitySummary s = summaries.get(i);
      SweepResult r = row(task, analysis, b);
      r.setState(i);
      r.setUnits(lin.size());
      r.setSpectralRadius(s.spectralRadius());
      r.setUnstableModes(s.unstableModes());
      leading(r, s.eigenvalues());
      if (spectrum) {
        r.setEigenvaluesReal(list(s.eigenvalues().realParts()));
        r.setEigenvaluesImag(list(s.eigenvalues().imagParts()));
      }
      rows.add(r);
    }
    return rows;
  }

  private List<SweepResult> fixedPoints(SweepTask task, RecurrentModel model, Backend b,
      double[] u, List<String> regions, long seed) {
    FixedPointSystem system = FixedPoints.system(model, u, regions);
    FixedPointSearch search = FixedPoints.find(model, system, seed, null);
    List<SweepResult> rows = new ArrayList<>();
    List<FixedPoint> points = search.fixedPoints();
    for (int i = 0; i < points.size(); i++) {
      FixedPoint p = points.get(i);
      SweepResult r = row(task, "fixed_points", b);
      r.setState(i);
      r.setUnits(system.dimension());
      r.setQ(p.q());
      r.setSpectralRadius(p.spectralRadius());
      r.setUnstableModes(p.unstableModes());
      r.setStable(p.unstableModes() == 0);
      if (p.eigen() != null) {
        leading(r, p.eigen());
      }
      rows.add(r);
    }
    if (rows.isEmpty()) {
      // one row still, so the task is seen to have run: no state, no figures, no error
      SweepResult r = row(task, "fixed_points", b);
      r.setUnits(system.dimension());
      rows.add(r);
    }
    return rows;
  }

  private static List<OperatingPoint> points(SweepTask task, RecurrentModel model, double[] u)
      throws IOException {
    if (task.getStates() != null && task.getSteps() != null) {
      throw new IllegalArgumentException("give either steps or states, not both");
    }
    if (task.getStates() != null) {
      // every form analyze --states reads: .npy [N], [T, N], [B, T, N], .npz, CSV, JSON
      return OperatingPoints.fromFile(model, Path.of(task.getStates()), u,
          task.getInput() != null && !task.getInput().isEmpty()).points();
    }
    int steps = task.getSteps() == null ? 0 : task.getSteps();
    if (steps < 0) {
      throw new IllegalArgumentException("steps: must be 0 or more, got " + steps);
    }
    TreeSet<Integer> all = new TreeSet<>();
    for (int s = 0; s <= steps; s++) {
      all.add(s);
    }
    return ConstantInputRun.points(model, u, all);
  }

  private static double[] input(SweepTask task, int inputs) {
    return Inputs.constant(task.getInput(), inputs, "input");
  }


  private Backend backend(int units) {
    String key = backend != null ? backend : "default:" + (units > 0
        && units < org.mrnn4j.core.BackendSelector.NATIVE_FROM ? "small" : "large");
    return BACKENDS.computeIfAbsent(key, k -> backend != null ? Backends.select(backend)
        : Backends.select(null, units));
  }

  /** What the task says about its model beyond the file: constructor arguments, seed. */
  private static ModelLoader.Request request(SweepTask task, long seed) throws IOException {
    MrnnConfig.ModelOptions arguments = task.getModelArguments() == null ? null
        : MrnnConfig.ModelOptions.fromJson(
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(task.getModelArguments()),
            "task " + task.getId(), "model_arguments");
    return new ModelLoader.Request(arguments, Boolean.TRUE.equals(task.getMrnntorchDefaults()),
        null, seed);
  }

  private static ModelCache.Lease model(Path file, ModelLoader.Request request, Backend b)
      throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    // the file's identity, so that a checkpoint rewritten during a sweep is loaded again, and
    // everything else the model depends on
    String key = abs + "|" + java.nio.file.Files.getLastModifiedTime(abs).toMillis() + "|"
        + java.nio.file.Files.size(abs) + "|" + request + "|" + b.name();
    return MODELS.acquire(key, () -> ModelLoader.load(abs, request, b));
  }

  private static SweepResult row(SweepTask task, String analysis, Backend b) {
    SweepResult r = new SweepResult();
    r.setId(task.getId());
    r.setAnalysis(analysis);
    r.setBackend(b.name());
    return r;
  }

  private static SweepResult error(SweepTask task, String message) {
    SweepResult r = new SweepResult();
    if (task.getLesion() != null && !task.getLesion().isEmpty()) {
      r.setLesion(String.join(" + ", task.getLesion()));
    }
    r.setId(task.getId());
    r.setAnalysis(task.getAnalysis());
    r.setError(message);
    return r;
  }

  private static void leading(SweepResult r, Eigendecomposition e) {
    int k = Math.min(LEADING, e.size());
    r.setLeadingReal(list(Arrays.copyOf(e.realParts(), k)));
    r.setLeadingImag(list(Arrays.copyOf(e.imagParts(), k)));
  }

  private static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return out;
  }

  /** One line: the loaders' own messages name the file and the field. */
  static String describe(Throwable t) {
    return Failures.describe(t);
  }

}
