package org.mrnn4j.analysis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointOptions;
import org.mrnn4j.analysis.fixedpoints.FixedPointPlot;
import org.mrnn4j.analysis.fixedpoints.FixedPointReport;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem.Form;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.analysis.fixedpoints.StartStatus;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j fixed-points}: loads a model as {@code analyze} does, finds its fixed points at a
 * constant input, prints a table, writes a JSON report and a PNG of the points on the first two
 * principal components of the visited states.
 */
@Command(
    name = "fixed-points",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Find the fixed points of a model at a constant input: Levenberg-Marquardt and Newton steps"
          + " on the exact Jacobian from many starts (sampled from simulated trajectories, plus"
          + " any given), then duplicates merged, outliers dropped, and each point classified by"
          + " the eigenvalues of its Jacobian (stable node/focus, saddle with k unstable modes,"
          + " unstable). Starts that stop at a local minimum of q above the tolerance are listed"
          + " apart as slow points.",
      "q = 1/2 |F(s) - s|^2 (F one step of the network), as mRNNTorch reports it.",
      "Prints a table, writes DIR/NAME-fixed-points.json and DIR/NAME-fixed-points.png.",
      "",
      "With no FILE it searches the bundled example network."
    })
final class FixedPointsCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(FixedPointsCommand.class);

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..2",
      paramLabel = "FILE",
      description = {
        "The model, as for 'analyze': an mRNNTorch JSON config and optionally its PyTorch .pth"
            + " checkpoint, in any order; a checkpoint alone uses the .json of the same name"
            + " beside it; or a model saved by mrnn4j. Default: the bundled example."
      })
  List<Path> files = new ArrayList<>();

  @Option(names = "--config", paramLabel = "JSON",
      description = "The mRNNTorch JSON config (or saved mrnn4j model); same as giving it as FILE.")
  Path config;

  @Option(names = {"-c", "--checkpoint"}, paramLabel = "PTH",
      description = "The PyTorch checkpoint (torch.save(model.state_dict())) holding the weights.")
  Path checkpoint;

  @Option(names = "--prefix", paramLabel = "KEY",
      description = "Key prefix of the weights in the checkpoint, e.g. 'rnn.' (default: detected).")
  String prefix;

  @Option(names = {"-b", "--backend"}, paramLabel = "NAME",
      description = "Compute backend for the eigendecompositions (see 'mrnn4j backends');"
          + " default: the best available. The searches run on the host's cores.")
  String backend;

  @Option(names = {"-u", "--input"}, split = ",", paramLabel = "VALUE",
      description = "The constant input: one value for every input unit, or one per input unit,"
          + " comma-separated (default: 0).")
  List<Double> input;

  @Option(names = {"-r", "--regions"}, split = ",", paramLabel = "REGION",
      description = "Search over these recurrent (or parent) regions only, comma-separated; the"
          + " others are held at --held. Default: all.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--held", split = ",", paramLabel = "VALUE",
      description = "With --regions: a full state (one value per unit, x or h as searched) whose"
          + " entries at the excluded units are held fixed (default: 0).")
  List<Double> held;

  @Option(names = "--dh",
      description = "Leaky model: search in the activations h instead of the pre-activations x"
          + " (the same points, h = act(x)).")
  boolean dh;

  @Option(names = {"-n", "--starts"}, paramLabel = "N", defaultValue = "256",
      description = "Starts sampled from simulated trajectories (default: ${DEFAULT-VALUE});"
          + " 0 with --initial-states uses only those.")
  int starts;

  @Option(names = "--initial-states", paramLabel = "FILE",
      description = "Starts from a file, added to the sampled ones: CSV (one state per line) or"
          + " JSON ([[...], ...]), over the searched units, in the searched coordinates.")
  Path initialStates;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the trajectories and the sampling (and of the random initialisation"
          + " of a config given without weights) (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--trajectories", paramLabel = "N", defaultValue = "64",
      description = "Simulated trajectories the starts are sampled from, from random initial"
          + " states (default: ${DEFAULT-VALUE}).")
  int trajectories;

  @Option(names = "--steps", paramLabel = "T", defaultValue = "50",
      description = "Steps per trajectory (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--init-scale", paramLabel = "S", defaultValue = "1.0",
      description = "Standard deviation of the trajectories' random initial states"
          + " (default: ${DEFAULT-VALUE}).")
  double initScale;

  @Option(names = "--noise", paramLabel = "S", defaultValue = "0.5",
      description = "Standard deviation of the Gaussian noise added to the sampled starts; 0 for"
          + " none (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--tol-q", paramLabel = "Q", defaultValue = "1e-20",
      description = "A start has converged when q is at most this (or at the float64 rounding"
          + " floor) (default: ${DEFAULT-VALUE}).")
  double tolQ;

  @Option(names = "--tol-step", paramLabel = "D", defaultValue = "1e-13",
      description = "A start stops when its step is shorter than D (1 + |s|)"
          + " (default: ${DEFAULT-VALUE}).")
  double tolStep;

  @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "200",
      description = "Iteration cap per start (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--tol-unique", paramLabel = "D", defaultValue = "1e-3",
      description = "Points closer than this (Euclidean) are one (default: ${DEFAULT-VALUE}).")
  double tolUnique;

  @Option(names = "--outlier-scale", paramLabel = "K", defaultValue = "10",
      description = "Points farther from the starts' centroid than K times the starts' mean"
          + " distance to it are dropped as outliers; 'Infinity' keeps all"
          + " (default: ${DEFAULT-VALUE}).")
  double outlierScale;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Threads for the starts; 0 = all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--eigenvectors",
      description = "Also write each point's eigenvectors to the JSON report (N x N complex"
          + " values per point).")
  boolean eigenvectors;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "mrnn4j-out",
      description = "Directory for the report and the plot (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Stem of the output files (default: the model file's name, or 'example').")
  String name;

  @Option(names = "--no-plot", description = "Do not draw the PNG.")
  boolean noPlot;

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = Backends.select(backend)) {
      LOG.info("backend {}", b.name());
      ModelSource.Loaded loaded = ModelSource.load(config, files, checkpoint, prefix, seed, b);
      try (RecurrentModel model = loaded.model()) {
        return search(stdout, b, loaded, model);
      }
    }
  }

  private int search(PrintWriter stdout, Backend b, ModelSource.Loaded loaded,
      RecurrentModel model) throws IOException {
    if (dh && model.kind() == ModelKind.ELMAN) {
      throw new UserException("--dh applies to the leaky model only; an Elman model is always"
          + " searched in h");
    }
    Form form = model.kind() == ModelKind.ELMAN ? Form.ELMAN : dh ? Form.LEAKY_H : Form.LEAKY_X;
    double[] u = ConstantInput.parse(input, model.numInputs());
    FixedPointSystem system =
        FixedPointSystems.of(model, form, u, regions, heldState(model.numUnits()));

    Random rng = new Random(seed);
    List<double[][]> trajs = StartSampler.simulate(system, trajectories, steps, initScale, rng);
    List<double[]> startStates = new ArrayList<>();
    if (starts > 0) {
      startStates.addAll(StartSampler.sample(StartSampler.flatten(trajs), starts, noise, rng));
    }
    if (initialStates != null) {
      for (StatesFile.Entry e : StatesFile.read(initialStates, system.dimension(), 0)) {
        startStates.add(e.state());
      }
    }
    FixedPointOptions options = FixedPointOptions.defaults().withTolQ(tolQ).withTolStep(tolStep)
        .withMaxIterations(maxIterations).withTolUnique(tolUnique)
        .withOutlierDistanceScale(outlierScale).withParallelism(threads);
    // A line rewritten in place only makes sense on a terminal; in a pipe or log it stays quiet.
    Progress progress =
        System.console() != null ? new Progress(spec.commandLine().getErr()) : null;
    FixedPointSearch search = new FixedPointFinder(b, options).find(system, startStates, progress);
    if (progress != null) {
      progress.finish();
    }

    printHeader(stdout, b, loaded, model, system, u);
    printTable(stdout, search, startStates.size());

    String stem = name != null ? name : loaded.baseName();
    ObjectNode report = FixedPointReport.toJson(search, system, eigenvectors);
    ObjectNode m = report.putObject("model");
    m.put("source", loaded.description());
    m.put("checkpoint", loaded.checkpoint());
    m.put("weights", loaded.weights());
    m.put("kind", model.kind().label());
    m.put("activation", model.activation().label());
    m.put("units", model.numUnits());
    m.put("inputs", model.numInputs());
    if (model instanceof LeakyMRNN leaky) {
      m.put("dt", leaky.dt());
      m.put("tau", leaky.tau());
    }
    report.put("backend", b.name());
    ArrayNode in = report.putArray("input");
    Arrays.stream(u).forEach(in::add);
    ArrayNode rs = report.putArray("regions");
    regions.forEach(rs::add);
    ObjectNode sampling = report.putObject("sampling");
    sampling.put("seed", seed);
    sampling.put("trajectories", trajectories);
    sampling.put("steps", steps);
    sampling.put("init_scale", initScale);
    sampling.put("starts", starts);
    sampling.put("noise", noise);
    sampling.put("initial_states", initialStates == null ? null : initialStates.toString());
    Path json = out.resolve(stem + "-fixed-points.json");
    FixedPointReport.write(report, json);
    stdout.println();
    stdout.println("wrote " + json);
    if (!noPlot) {
      Path png = out.resolve(stem + "-fixed-points.png");
      boolean zero = Arrays.stream(u).allMatch(v -> v == 0);
      FixedPointPlot.write(png, "Fixed points of " + stem + ", "
          + (zero ? "zero input" : "input " + ConstantInput.describe(u)), search, trajs);
      stdout.println("wrote " + png);
    }
    stdout.flush();
    return 0;
  }

  private void validate() {
    if (starts < 0 || (starts == 0 && initialStates == null)) {
      throw new UserException("--starts must be at least 1 (or 0 with --initial-states), got "
          + starts);
    }
    if (trajectories < 1) {
      throw new UserException("--trajectories must be at least 1, got " + trajectories);
    }
    if (steps < 0) {
      throw new UserException("--steps must be 0 or more, got " + steps);
    }
    if (!(noise >= 0) || !(initScale >= 0)) {
      throw new UserException("--noise and --init-scale must be 0 or more, got " + noise + " and "
          + initScale);
    }
    if (!(tolQ > 0) || !(tolStep > 0) || !(tolUnique > 0) || !(outlierScale > 0)) {
      throw new UserException("--tol-q, --tol-step, --tol-unique and --outlier-scale must be"
          + " positive");
    }
    if (maxIterations < 1) {
      throw new UserException("--max-iterations must be at least 1, got " + maxIterations);
    }
    if (threads < 0) {
      throw new UserException("--threads must be 0 (all cores) or more, got " + threads);
    }
    if (held != null && !held.isEmpty() && regions.isEmpty()) {
      throw new UserException("--held needs --regions: it gives the values of the units left out"
          + " of the search");
    }
  }

  private double[] heldState(int units) {
    if (held == null || held.isEmpty()) {
      return null;
    }
    if (held.size() != units) {
      throw new UserException("--held has " + held.size() + " values; the model has " + units
          + " units: give the full state (the searched units' values are ignored)");
    }
    return held.stream().mapToDouble(Double::doubleValue).toArray();
  }

  // ------------------------------------------------------------------ printing

  private void printHeader(PrintWriter o, Backend b, ModelSource.Loaded loaded,
      RecurrentModel model, FixedPointSystem system, double[] u) {
    o.printf(Locale.ROOT, "model        %s%n", loaded.description());
    o.printf(Locale.ROOT, "             %s mRNN, %s, %d units, %d inputs%n",
        model.kind().label(), model.activation().label(), model.numUnits(), model.numInputs());
    o.printf(Locale.ROOT, "weights      %s%n", loaded.weights());
    o.printf(Locale.ROOT, "backend      %s%n", b.name());
    o.printf(Locale.ROOT, "searched     %s, in %s%n",
        regions.isEmpty() ? "all units (" + system.dimension() + ")"
            : "regions " + String.join(", ", regions) + " (" + system.dimension()
                + " units; the others held " + (held == null || held.isEmpty() ? "at 0"
                    : "at --held") + ")",
        system.form() == Form.LEAKY_X ? "pre-activations x"
            : system.form() == Form.LEAKY_H ? "activations h (--dh)" : "h");
    o.printf(Locale.ROOT, "input        %s%n", ConstantInput.describe(u));
    o.println();
  }

  private static void printTable(PrintWriter o, FixedPointSearch search, int given) {
    int midpoints = search.starts().size() - given;
    o.printf(Locale.ROOT, "starts       %d%s, searched in %.2f s%n", search.starts().size(),
        midpoints == 0 ? "" : " (" + given + " + " + midpoints + " midway between stable points)",
        search.seconds());
    o.printf(Locale.ROOT, "             %d converged, %d at slow points, %d at the iteration cap,"
            + " %d diverged%n", search.count(StartStatus.CONVERGED),
        search.count(StartStatus.SLOW_POINT), search.count(StartStatus.MAX_ITERATIONS),
        search.count(StartStatus.DIVERGED));
    o.println();
    String row = "%4s  %-22s  %8s  %15s  %10s  %6s%n";
    o.printf(Locale.ROOT, row, "#", "TYPE", "UNSTABLE", "SPECTRAL RADIUS", "Q", "STARTS");
    int k = 1;
    for (FixedPoint p : search.fixedPoints()) {
      o.printf(Locale.ROOT, row, k++, p.describe(), p.unstableModes(),
          AnalyzeCommand.num(p.spectralRadius()), String.format(Locale.ROOT, "%.2e", p.q()),
          p.starts());
    }
    if (!search.slowPoints().isEmpty()) {
      o.println();
      o.println("slow points (local minima of q above the tolerance; not fixed points):");
      for (FixedPoint p : search.slowPoints()) {
        o.printf(Locale.ROOT, row, k++, "slow point", p.unstableModes(),
            AnalyzeCommand.num(p.spectralRadius()), String.format(Locale.ROOT, "%.2e", p.q()),
            p.starts());
      }
    }
    o.println();
    long stable = search.stableCount();
    o.printf(Locale.ROOT, "%s (%d stable, %d with unstable modes), max q %.2e; %s; %s"
            + " dropped%n", count(search.fixedPoints().size(), "fixed point"), stable,
        search.fixedPoints().size() - stable, search.maxQ(),
        count(search.slowPoints().size(), "slow point"),
        count(search.outliers().size(), "outlier"));
    if (search.fixedPoints().isEmpty()) {
      o.println("no fixed point found" + (search.slowPoints().isEmpty() ? ""
          : "; the slow points are where the dynamics come closest to stopping"));
    }
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * A progress line on standard error, rewritten in place, shown only once a search has run half
   * a second (short searches print nothing).
   */
  private static final class Progress implements FixedPointFinder.ProgressListener {
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long last;
    private boolean shown;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public synchronized void progress(int done, int total) {
      long now = System.nanoTime();
      if (now - start < 500_000_000L || (now - last < 100_000_000L && done < total)) {
        return;
      }
      last = now;
      shown = true;
      err.printf(Locale.ROOT, "\rfixed points: %d/%d starts", done, total);
      err.flush();
    }

    synchronized void finish() {
      if (shown) {
        err.println();
        err.flush();
      }
    }
  }
}
