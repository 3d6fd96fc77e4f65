package org.mrnn4j.cli;

import org.mrnn4j.analysis.OperatingPoint;

import org.mrnn4j.app.StabilityAnalysis;

import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.models.io.Readout;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.cli.report.FixedPointPlot;
import org.mrnn4j.cli.report.FixedPointReport;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.fixedpoints.StartStatus;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.RecurrentModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + " the eigenvalues of the map's Jacobian there: stable, saddle (with its count of"
          + " unstable modes, |lambda| > 1) or unstable, and node, flip node or focus by its"
          + " dominant modes (largest |lambda|: real positive, real negative, complex pair)."
          + " Starts that stop at a local minimum of q above the tolerance are listed apart as"
          + " slow points, with no stability label.",
      "q = 1/2 |F(s) - s|^2 (F one step of the network), as mRNNTorch reports it.",
      "Prints a table, writes DIR/NAME-fixed-points.json and DIR/NAME-fixed-points.png.",
      "",
      "With no FILE it searches the bundled example network."
    })
final class FixedPointsCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(FixedPointsCommand.class);

  @Spec CommandSpec spec;


  @Mixin ModelOptions modelFiles;

  @Mixin ConstantInput input;

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
          + " (the same points, h = act(x)). The Jacobian is then the map's in h,"
          + " (1 - alpha) I + alpha diag(act'(x)) W_rec, with the same eigenvalues as in x, so"
          + " the same labels; not mRNNTorch's partial dh Jacobian (see 'analyze --dh').")
  boolean dh;

  @Mixin StartOptions start;

  @Mixin SolverOptions solver;

  @Option(names = "--eigenvectors",
      description = "Also write each point's eigenvectors to the JSON report (N x N complex"
          + " values per point).")
  boolean eigenvectors;

  @Option(names = "--npy",
      description = "Also write NumPy arrays, one row per fixed point in the table's order:"
          + " STEM-fixed-points.npy [F, N] (every unit's state), STEM-fixed-point-jacobians.npy"
          + " [F, d, d] and STEM-fixed-point-eigenvalues.npy (complex) [F, k].")
  boolean npy;

  @Option(names = "--modes", arity = "0..1", fallbackValue = "" + AnalyzeCommand.DEFAULT_MODES,
      paramLabel = "K",
      description = "Resolve the K leading modes (default K: " + AnalyzeCommand.DEFAULT_MODES
          + ") of each fixed point by region, as 'analyze --modes' does: participation,"
          + " connection sensitivities, condition number, block Frobenius norms; printed after"
          + " the table, in the JSON's region_modes block and with --npy as"
          + " STEM-fixed-point-participation-right.npy etc. Not with --dh (the modes are those of"
          + " the map's Jacobian in the model's natural coordinates).")
  Integer modes;

  @Mixin OutputOptions output;

  @Option(names = "--no-plot", description = "Do not draw the PNG.")
  boolean noPlot;

  @Override
  public Integer call() throws IOException {
    validate();
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      LOG.info("backend {}", b.name());
      ModelLoader.Loaded loaded = modelFiles.load(start.seed, b);
      try (RecurrentModel model = loaded.model()) {
        return search(stdout, b, loaded, model);
      }
    }
  }

  private int search(PrintWriter stdout, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model) throws IOException {
    Coordinates coordinates = dh ? Coordinates.ACTIVATION : model.naturalCoordinates();
    if (!model.coordinates().contains(coordinates)) {
      throw new UserException("--dh: the " + model.describe() + " offers only "
          + model.coordinates() + " coordinates");
    }
    double[] u = input.vector(model.numInputs());
    FixedPointSystem system =
        FixedPointSystems.of(model, coordinates, u, regions, heldState(model.numUnits()));

    StartSampler.Starts starts = start.draw(system);
    FixedPointSearch search;
    try (TerminalProgress progress = TerminalProgress.start("fixed points",
        starts.states().size())) {
      search = new FixedPointFinder(b, solver.toOptions()).find(system, starts.states(),
          progress::update);
    }

    printHeader(stdout, b, loaded, model, system, u);
    Readout readout = loaded.readout();
    boolean pre = system.coordinates() == Coordinates.PRE_ACTIVATION;
    java.util.function.Function<FixedPoint, double[]> out = readout == null ? null
        : p -> readout.at(model, p.fullState(), pre);
    printTable(stdout, search, starts.states().size(), out);
    StabilityAnalysis.ModesByPoint byRegion = null;
    List<String> fpLabels = new ArrayList<>();
    if (modes != null && !search.fixedPoints().isEmpty()) {
      List<OperatingPoint> points = new ArrayList<>();
      for (int i = 0; i < search.fixedPoints().size(); i++) {
        points.add(OperatingPoint.of(search.fixedPoints().get(i).fullState(), u));
        fpLabels.add("fixed point " + (i + 1));
      }
      try {
        byRegion = StabilityAnalysis.regionModes(model, points, regions, modes);
      } catch (IllegalArgumentException e) {
        throw new UserException("--modes: " + e.getMessage());
      }
      RegionModesReport.print(stdout, fpLabels, byRegion.modes());
    }

    String stem = output.stem(loaded);
    ObjectNode report = FixedPointReport.fill(
        Reports.header(FixedPointReport.FORMAT, loaded, model, b), search, system, eigenvectors);
    ArrayNode in = report.putArray("input");
    Arrays.stream(u).forEach(in::add);
    ArrayNode rs = report.putArray("regions");
    regions.forEach(rs::add);
    start.writeTo(report.putObject("sampling"));
    if (out != null) {
      addOutputs((ArrayNode) report.get("fixed_points"), search.fixedPoints(), out);
      addOutputs((ArrayNode) report.get("slow_points"), search.slowPoints(), out);
      addOutputs((ArrayNode) report.get("outliers"), search.outliers(), out);
    }
    if (byRegion != null) {
      RegionModesReport.json(report, fpLabels, byRegion.modes(), byRegion.weightBlockFrobenius());
    }
    Path json = output.file(stem, "-fixed-points.json");
    Reports.write(report, json);
    stdout.println();
    stdout.println("wrote " + json);
    if (npy) {
      for (Path f : NumpyReports.writeFixedPoints(output, stem, search.fixedPoints(),
          model.numUnits(), system.units().length)) {
        stdout.println("wrote " + f);
      }
      if (out != null) {
        int f = search.fixedPoints().size();
        int o = readout.outputs();
        double[] ys = new double[f * o];
        for (int k = 0; k < f; k++) {
          System.arraycopy(out.apply(search.fixedPoints().get(k)), 0, ys, k * o, o);
        }
        Path file = output.file(stem, "-fixed-point-outputs.npy");
        NumpyArrays.writeNpy(file, new int[] {f, o}, ys);
        stdout.println("wrote " + file);
      }
      if (byRegion != null) {
        for (Path f : RegionModesReport.npy(output, stem + "-fixed-point", byRegion.modes(),
            byRegion.weightBlockFrobenius())) {
          stdout.println("wrote " + f);
        }
      }
    }
    if (!noPlot && byRegion != null) {
      for (Path f : RegionModesReport.plots(output, stem + "-fixed-point", fpLabels,
          byRegion.modes(), byRegion.weightBlockFrobenius())) {
        stdout.println("wrote " + f);
      }
    }
    if (!noPlot) {
      Path png = output.file(stem, "-fixed-points.png");
      boolean zero = Arrays.stream(u).allMatch(v -> v == 0);
      FixedPointPlot.write(png, "Fixed points of " + stem + ", "
          + (zero ? "zero input" : "input " + ConstantInput.describe(u)), search,
          starts.trajectories());
      stdout.println("wrote " + png);
    }
    stdout.flush();
    return 0;
  }

  private void validate() {
    start.validate();
    solver.validate();
    if (modes != null && modes < 1) {
      throw new UserException("--modes must be 1 or more, got " + modes);
    }
    if (modes != null && dh) {
      throw new UserException("--modes resolves the modes of the map's Jacobian in the model's"
          + " natural coordinates; leave out --dh");
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

  private void printHeader(PrintWriter o, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model, FixedPointSystem system, double[] u) {
    o.printf(Locale.ROOT, "model        %s%n", loaded.description());
    for (String warning : loaded.model().spec().warnings()) {
      o.printf(Locale.ROOT, "warning      %s%n", warning);
    }
    o.printf(Locale.ROOT, "             %s mRNN, %s, %d units, %d inputs%n",
        model.kind().label(), model.activation().label(), model.numUnits(), model.numInputs());
    o.printf(Locale.ROOT, "weights      %s%n", loaded.weights());
    if (loaded.readout() != null) {
      o.printf(Locale.ROOT, "readout      %d outputs from %s, of h = act(x)%n",
          loaded.readout().outputs(), loaded.readout().source());
    }
    o.printf(Locale.ROOT, "backend      %s%n", b.name());
    o.printf(Locale.ROOT, "searched     %s, in %s%n",
        regions.isEmpty() ? "all units (" + system.dimension() + ")"
            : "regions " + String.join(", ", regions) + " (" + system.dimension()
                + " units; the others held " + (held == null || held.isEmpty() ? "at 0"
                    : "at --held") + ")",
        system.coordinates() == Coordinates.PRE_ACTIVATION ? "pre-activations x"
            : dh ? "activations h (--dh; the map's Jacobian in h, same eigenvalues as in x)"
                : "h");
    o.printf(Locale.ROOT, "input        %s%n", ConstantInput.describe(u));
    o.println();
  }

  /** Adds each point's readout value, {@code output}, to its JSON object (same order). */
  private static void addOutputs(ArrayNode nodes, List<FixedPoint> points,
      java.util.function.Function<FixedPoint, double[]> out) {
    for (int k = 0; k < points.size(); k++) {
      ArrayNode a = ((ObjectNode) nodes.get(k)).putArray("output");
      Arrays.stream(out.apply(points.get(k))).forEach(a::add);
    }
  }

  private static void printTable(PrintWriter o, FixedPointSearch search, int given,
      java.util.function.Function<FixedPoint, double[]> out) {
    int midpoints = search.starts().size() - given;
    o.printf(Locale.ROOT, "starts       %d%s, searched in %.2f s%n", search.starts().size(),
        midpoints == 0 ? "" : " (" + given + " + " + midpoints + " midway between stable points)",
        search.seconds());
    o.printf(Locale.ROOT, "             %d converged, %d at slow points, %d at the iteration cap,"
            + " %d diverged%n", search.count(StartStatus.CONVERGED),
        search.count(StartStatus.SLOW_POINT), search.count(StartStatus.MAX_ITERATIONS),
        search.count(StartStatus.DIVERGED));
    o.println();
    // the TYPE column as wide as its longest label ("saddle focus (12 unstable)")
    int typeWidth = Math.max(22, search.fixedPoints().stream()
        .mapToInt(p -> p.describe().length()).max().orElse(0));
    String row = "%4s  %-" + typeWidth + "s  %8s  %15s  %10s  %6s%s%n";
    o.printf(Locale.ROOT, row, "#", "TYPE", "UNSTABLE", "SPECTRAL RADIUS", "Q", "STARTS",
        out == null ? "" : "  OUTPUT");
    int k = 1;
    for (FixedPoint p : search.fixedPoints()) {
      o.printf(Locale.ROOT, row, k++, p.describe(), p.unstableModesLabel(),
          Double.isNaN(p.spectralRadius()) ? "?" : AnalyzeCommand.num(p.spectralRadius()),
          String.format(Locale.ROOT, "%.2e", p.q()), p.starts(),
          out == null ? "" : "  " + Readout.format(out.apply(p)));
    }
    if (!search.slowPoints().isEmpty()) {
      o.println();
      o.println("slow points (local minima of q above the tolerance; not fixed points):");
      for (FixedPoint p : search.slowPoints()) {
        o.printf(Locale.ROOT, row, k++, "slow point", p.unstableModesLabel(),
            Double.isNaN(p.spectralRadius()) ? "?" : AnalyzeCommand.num(p.spectralRadius()),
            String.format(Locale.ROOT, "%.2e", p.q()), p.starts(),
            out == null ? "" : "  " + Readout.format(out.apply(p)));
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
}
