package org.mrnn4j.cli;

import org.mrnn4j.app.Inputs;
import org.mrnn4j.app.OperatingPoints;
import org.mrnn4j.app.StabilityAnalysis;
import org.mrnn4j.models.io.ModelLoader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mrnn4j.analysis.BatchLinearization;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.cli.report.PointReport;
import org.mrnn4j.cli.report.SpectrumPlot;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
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
 * {@code mrnn4j analyze}: loads a model, picks operating points, linearizes there, prints a table,
 * writes a JSON report and a PNG of the eigenvalue spectra.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Linearize a model at operating points and report the stability of each: spectral radius,"
          + " unstable modes (|lambda| > 1), leading eigenvalues and, for the leaky model, the"
          + " continuous-time eigenvalues (lambda - 1) / dt and time constants. These always come"
          + " from the Jacobian of the network's map (leaky: in x; Elman: in h); --dh adds"
          + " mRNNTorch's partial dh Jacobian, which is not stability.",
      "Prints a table, writes DIR/NAME-analysis.json and draws the spectra with the unit circle in"
          + " DIR/NAME-spectrum.png. More than 8 points (a trajectory from --states, or many"
          + " --steps) are drawn as a sequence: coloured by step or state number, with a panel"
          + " of the spectral radius and the unstable count against time.",
      "",
      "With no FILE it analyses the bundled example network (leaky, tanh, excitatory and"
          + " inhibitory regions, fixed seed)."
    })
final class AnalyzeCommand implements Callable<Integer> {
  /** The value of the analysis report's {@code format} key. */
  static final String FORMAT = "mrnn4j-analysis";

  private static final Logger LOG = LoggerFactory.getLogger(AnalyzeCommand.class);

  private static final int LEADING_FROM = LeadingOptions.LEADING_FROM;
  private static final int DEFAULT_LEADING = LeadingOptions.DEFAULT_COUNT;

  @Spec CommandSpec spec;


  @Mixin ModelOptions modelFiles;

  @Option(names = {"-r", "--regions"}, split = ",", paramLabel = "REGION",
      description = "Linearize over these recurrent (or parent) regions only, comma-separated, in"
          + " any order; the others are held static. Default: all.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--dh",
      description = "Leaky model: also report mRNNTorch's partial dh Jacobian (its"
          + " mLinearization.jacobian with dh=True): d h'/d h with x held fixed,"
          + " diag(act'(x')) alpha W_rec (input: diag(act'(x')) alpha W_inp). It leaves out the"
          + " leak term (1 - alpha) x, so it is not the Jacobian of the network's map and its"
          + " eigenvalues are not stability: they get their own table, JSON keys (partial_dh_*)"
          + " and --npy files (STEM-partial-dh-*.npy), while the stability columns stay those of"
          + " the map. The Elman model's state is h: there --dh changes nothing.")
  boolean dh;

  /** Which of mRNNTorch's two scalings of the partial dh Jacobian {@code --dh} reports. */
  enum DhScaling {
    /** {@code diag(act'(x')) alpha W_rec}: mRNNTorch's {@code alpha_scaling=False}, its default. */
    alpha,
    /** {@code diag(act'(x')) W_rec}, divided by alpha: mRNNTorch's {@code alpha_scaling=True}. */
    none
  }

  @Option(names = "--dh-scaling", paramLabel = "SCALING",
      description = "With --dh, which partial Jacobian: 'alpha' (default) diag(act'(x')) alpha"
          + " W_rec, as mRNNTorch's alpha_scaling=False (its default); 'none' the same divided by"
          + " alpha, diag(act'(x')) W_rec, as alpha_scaling=True. Both input Jacobians follow.")
  DhScaling dhScaling;

  @Option(names = {"-s", "--steps"}, split = ",", paramLabel = "N",
      description = "Operating points: the state after N steps from the initial condition under"
          + " the constant input; 0 is the initial condition (default: 0,200).")
  List<Integer> steps;

  @Mixin ConstantInput input;

  @Option(names = "--states", paramLabel = "FILE",
      description = "Operating points from a file instead: CSV (one state per line: N values,"
          + " optionally followed by the I input values) or JSON ([[...], ...] or"
          + " {\"states\": [[...]], \"inputs\": [[...]]}), or NumPy: .npy of shape [N], [T, N] or"
          + " [B, T, N] (as 'mrnn4j simulate' writes xs.npy), .npz with xs (or states) and"
          + " optionally inputs. States are x (leaky) or h (Elman).")
  Path states;

  @Option(names = "--npy",
      description = "Also write NumPy arrays for Python (np.load), one row per operating point in"
          + " the table's order: STEM-jacobians.npy [P, d, d], STEM-input-jacobians.npy [P, d, I],"
          + " STEM-eigenvalues.npy (complex) [P, k] and, on the full spectrum,"
          + " STEM-eigenvectors.npy (complex) [P, d, d] with eigenvector k in column k.")
  boolean npy;

  @Option(names = {"-k", "--top"}, paramLabel = "K", defaultValue = "3",
      description = "Leading eigenvalues shown per point (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--leading", paramLabel = "K",
      description = "Compute only the K eigenvalues of largest modulus at each point (more if it"
          + " takes more to count the unstable modes), by a Krylov-Schur iteration on"
          + " Jacobian-vector products, never forming the Jacobian. Default: the whole spectrum"
          + " below " + LEADING_FROM + " linearized units, the leading " + DEFAULT_LEADING
          + " from there on.")
  Integer leading;

  @Option(names = "--full",
      description = "Decompose the whole Jacobian (dense path) whatever its size.")
  boolean full;

  /** The number of modes {@code --modes} resolves when given without a value. */
  static final int DEFAULT_MODES = 3;

  @Option(names = "--modes", arity = "0..1", fallbackValue = "" + DEFAULT_MODES,
      paramLabel = "K",
      description = "Resolve the K leading modes (by modulus; default K: " + DEFAULT_MODES
          + ") of each point by region: the right and left participation of each region (its"
          + " share of |v|^2 and |w|^2), the sensitivity of each eigenvalue to the gain of each"
          + " connection between regions (d lambda/d gain, d|lambda|/d gain and its share), the"
          + " condition number, and the Frobenius norms of the weight and Jacobian blocks."
          + " Printed after the table, in the JSON's region_modes block, and with --npy as"
          + " STEM-participation-right.npy, -participation-left.npy, -sensitivity.npy,"
          + " -modulus-sensitivity.npy, -jacobian-block-frobenius.npy,"
          + " -weight-block-frobenius.npy, -mode-eigenvalues.npy. K is at most the eigenvalues"
          + " computed (--leading K on the Krylov path).")
  Integer modes;

  @Mixin OutputOptions output;

  @Option(names = "--no-plot", description = "Do not draw the spectrum PNG.")
  boolean noPlot;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the random initialisation of a config given without weights"
          + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    if (top < 0) {
      throw new UserException("--top must be 0 or more, got " + top);
    }
    if (leading != null && leading < 1) {
      throw new UserException("--leading must be 1 or more, got " + leading);
    }
    if (leading != null && full) {
      throw new UserException("give either --leading or --full, not both");
    }
    if (modes != null && modes < 1) {
      throw new UserException("--modes must be 1 or more, got " + modes);
    }
    if (modes != null && leading != null && modes > leading) {
      throw new UserException("--modes " + modes + " exceeds the " + leading + " leading"
          + " eigenvalues computed (--leading " + leading + "): ask for at most " + leading
          + " modes, or more leading eigenvalues");
    }
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      LOG.info("backend {}", b.name());
      ModelLoader.Loaded loaded = modelFiles.load(seed, b);
      try (RecurrentModel model = loaded.model()) {
        return analyze(stdout, b, loaded, model);
      }
    }
  }

  private int analyze(PrintWriter stdout, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model) throws IOException {
    checkPartialDhOptions();
    double[] u = input.vector(model.numInputs());
    OperatingPoints op = states != null
        ? OperatingPoints.fromFile(model, states, u, input.values != null
            && !input.values.isEmpty())
        : OperatingPoints.simulated(model, u, StepsOption.steps(steps, List.of(0, 200)));
    List<String> labels = op.labels();
    List<OperatingPoint> points = op.points();
    StabilityAnalysis.Request request = new StabilityAnalysis.Request(regions, leading, full,
        npy, !dh ? StabilityAnalysis.PartialDh.NONE : scaling() == DhScaling.none
            ? StabilityAnalysis.PartialDh.DIVIDED_BY_ALPHA : StabilityAnalysis.PartialDh.WITH_ALPHA);
    StabilityAnalysis.Result result;
    int size = regions == null || regions.isEmpty() ? model.numUnits()
        : model.layout().recurrentIndices(regions).size();
    boolean krylov = leading != null || !full && size >= LEADING_FROM;
    if (modes != null) {
      int most = krylov ? (leading != null ? leading : DEFAULT_LEADING) : size;
      if (modes > most) {
        throw new UserException("--modes " + modes + " exceeds the " + most + " eigenvalues"
            + " computed (" + (krylov ? "the leading ones; raise --leading" : "the linearized"
            + " units") + ")");
      }
      request = request.withModes(modes);
    }
    try (TerminalProgress progress = TerminalProgress.start("leading eigenvalues",
        krylov ? points.size() : 0)) {
      result = StabilityAnalysis.run(model, points, request, progress::update);
    }
    // the stability always comes from the map's Jacobian, in the model's natural coordinates
    Coordinates coordinates = model.naturalCoordinates();
    Linearization lin = result.linearization();
    Linearization partialDh = result.partialDh();
    double dt = model.continuousTimeStep(coordinates);
    boolean partial = result.leadingOnly();
    List<StabilitySummary> summaries = result.summaries();
    List<LeadingSpectrum> leadings = result.leadings();
    List<Eigendecomposition> partialEigen = result.partialDhEigenvalues();
    List<Double> partialRadius = partialEigen.stream()
        .map(Eigendecomposition::spectralRadius).toList();
    List<Path> npyFiles = new ArrayList<>();
    if (npy) {
      String stem = output.stem(loaded);
      npyFiles.addAll(NumpyReports.writeAnalysis(output, stem, result.jacobians(),
          result.eigendecompositions(), !partial));
      if (partialDh != null) {
        npyFiles.addAll(NumpyReports.writeAnalysis(output, stem + "-partial-dh",
            result.partialDhJacobians(), partialEigen, false));
      }
      if (!result.regionModes().isEmpty()) {
        npyFiles.addAll(RegionModesReport.npy(output, stem, result.regionModes(),
            result.weightBlockFrobenius()));
      }
    }

    printHeader(stdout, b, loaded, model, lin, op.inputs());
    if (partial) {
      stdout.printf(Locale.ROOT, "eigenvalues  the leading %d by modulus per point (more where"
          + " needed to count the unstable modes), by Krylov-Schur on Jacobian-vector products;"
          + " --full for all %d%n%n", leading != null ? leading : DEFAULT_LEADING, lin.size());
    }
    printTable(stdout, labels, summaries, partial ? leadings : null, dt);
    if (partialDh != null) {
      printPartialDh(stdout, labels, partialRadius, partialEigen);
    }
    RegionModesReport.print(stdout, labels, result.regionModes());
    if (op.simulated()) {
      printUnmoved(stdout, labels, points);
    }

    String stem = output.stem(loaded);
    // one step of the map, whatever the coordinates: dt of an Euler-discretised ODE, else a step
    double naturalDt = model.continuousTimeStep(model.naturalCoordinates());
    double stepTime = Double.isNaN(naturalDt) ? 1 : naturalDt;
    List<PointReport> reports = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      PointReport r = partial
          ? PointReport.of(labels.get(i), leadings.get(i), summaries.get(i), stepTime,
              points.get(i).state(), points.get(i).input())
          : PointReport.of(labels.get(i), summaries.get(i), stepTime, points.get(i).state(),
              points.get(i).input());
      reports.add(partialDh == null ? r
          : r.withPartialDh(partialRadius.get(i), partialEigen.get(i)));
    }
    ObjectNode report = Reports.header(FORMAT, loaded, model, b);
    // the coordinates of the map's Jacobian that every stability key describes
    report.put("coordinates", coordinates == Coordinates.PRE_ACTIVATION ? "x" : "h");
    if (partialDh != null) {
      ObjectNode pd = report.putObject("partial_dh");
      pd.put("jacobian", partialDhFormula());
      pd.put("scaling", scaling().name());
      pd.put("mrnntorch", "mLinearization.jacobian(..., dh=True, alpha_scaling="
          + (scaling() == DhScaling.none ? "True" : "False") + ")");
      pd.put("note", "not stability: holding x fixed drops the leak term (1 - alpha) x, so this"
          + " is not the Jacobian of the network's map");
    } else {
      report.putNull("partial_dh");
    }
    report.set("regions", Reports.MAPPER.valueToTree(lin.regions()));
    report.set("excluded_regions", Reports.MAPPER.valueToTree(lin.excludedRegions()));
    report.set("points", Reports.MAPPER.valueToTree(reports));
    if (!result.regionModes().isEmpty()) {
      RegionModesReport.json(report, labels, result.regionModes(),
          result.weightBlockFrobenius());
    }
    Path json = output.file(stem, "-analysis.json");
    Reports.write(report, json);
    stdout.println();
    stdout.println("wrote " + json);
    for (Path f : npyFiles) {
      stdout.println("wrote " + f);
    }
    if (!noPlot) {
      SpectrumPlot plot = new SpectrumPlot("Eigenvalues of the map's Jacobian: " + stem
          + (lin.excludedRegions().isEmpty() ? "" : " (" + String.join(", ", lin.regions()) + ")"));
      // a long sequence is coloured by its time: the step of a simulation, a state's number in
      // its file
      List<Integer> stepList = states == null
          ? new ArrayList<>(StepsOption.steps(steps, List.of(0, 200))) : null;
      plot.timeAxis(states == null ? "step" : "state number in " + states.getFileName());
      for (int i = 0; i < points.size(); i++) {
        double time = stepList != null && stepList.size() == points.size() ? stepList.get(i)
            : i + 1;
        StabilitySummary s = summaries.get(i);
        if (partial) {
          LeadingSpectrum l = leadings.get(i);
          plot.add(labels.get(i), time, s.eigenvalues(), l.spectralRadius(), l.unstableModes(),
              switch (l.unstableCertainty()) {
                case EXACT -> SpectrumPlot.Count.EXACT;
                case BULK_ESTIMATE -> SpectrumPlot.Count.ESTIMATE;
                case LOWER_BOUND -> SpectrumPlot.Count.LOWER_BOUND;
              });
        } else {
          plot.add(labels.get(i), time, s.eigenvalues(), s.spectralRadius(), s.unstableModes(),
              SpectrumPlot.Count.EXACT);
        }
      }
      Path png = output.file(stem, "-spectrum.png");
      plot.writePng(png);
      stdout.println("wrote " + png);
      for (Path f : RegionModesReport.plots(output, stem, labels, result.regionModes(),
          result.weightBlockFrobenius())) {
        stdout.println("wrote " + f);
      }
    }
    stdout.flush();
    return 0;
  }

  /**
   * Says which simulated points are the state of the point before them (to rounding): their rows
   * and their eigenvalues in the plot coincide, and the reason is worth knowing (a fixed point).
   */
  private static void printUnmoved(PrintWriter out, List<String> labels,
      List<OperatingPoint> points) {
    for (int i = 1; i < points.size(); i++) {
      double[] a = points.get(i - 1).state();
      double[] b = points.get(i).state();
      double diff = 0;
      double scale = 1;
      for (int k = 0; k < a.length; k++) {
        diff = Math.max(diff, Math.abs(a[k] - b[k]));
        scale = Math.max(scale, Math.abs(a[k]));
      }
      if (diff <= 1e-12 * scale) {
        out.printf(Locale.ROOT, "%s: the state has not moved since %s (max |difference| %.1e):"
            + " %s%n", labels.get(i), i == 1 && labels.get(0).equals("initial condition")
                ? "the initial condition" : labels.get(i - 1), diff, i == 1 && labels.get(0)
                .equals("initial condition") ? "the initial condition is a fixed point under"
                + " this input" : "a fixed point under this input");
      }
    }
  }

  // ------------------------------------------------------------------ operating points

  // ------------------------------------------------------------------ printing

  private void printHeader(PrintWriter out, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model, Linearization lin, String inputs) {
    String regionList = model.layout().recurrentRegionNames().stream()
        .map(r -> r + " " + model.layout().recurrentRange(r).size())
        .collect(Collectors.joining(", "));
    String inputList = model.layout().inputRegionNames().stream()
        .map(r -> r + " " + model.layout().inputRange(r).size())
        .collect(Collectors.joining(", "));
    out.printf(Locale.ROOT, "model        %s%n", loaded.description());
    out.printf(Locale.ROOT, "             %s mRNN, %s, %d units (%s), %d inputs (%s)%n",
        model.kind().label(), model.activation().label(), model.numUnits(), regionList,
        model.numInputs(), inputList);
    out.printf(Locale.ROOT, "weights      %s%n", loaded.weights());
    if (!Double.isNaN(model.continuousTimeStep(model.naturalCoordinates()))) {
      out.printf(Locale.ROOT, "dynamics     dt %s, tau %s, alpha %s%n", num(model.spec().dt()),
          num(model.spec().tau()), num(model.spec().alpha()));
    }
    for (String warning : model.spec().warnings()) {
      out.printf(Locale.ROOT, "warning      %s%n", warning);
    }
    out.printf(Locale.ROOT, "backend      %s%n", b.name());
    out.printf(Locale.ROOT, "linearized   %s, %s%n",
        lin.excludedRegions().isEmpty() ? "all regions (" + lin.size() + " units)"
            : "regions " + String.join(", ", lin.regions()) + " (" + lin.size()
                + " units; held static: " + String.join(", ", lin.excludedRegions()) + ")",
        lin.coordinates() == Coordinates.PRE_ACTIVATION
            ? "stability from the map's Jacobian in pre-activation coordinates x"
            : "stability from the map's Jacobian in h");
    if (dh && lin.coordinates() == Coordinates.PRE_ACTIVATION) {
      out.printf(Locale.ROOT, "             and mRNNTorch's partial dh Jacobian %s (--dh-scaling"
          + " %s), not stability%n", partialDhFormula(), scaling().name());
    }
    out.printf(Locale.ROOT, "input        %s%n", inputs);
    out.println();
  }

  /** {@return the scaling of the partial dh Jacobian asked for} */
  private DhScaling scaling() {
    return dhScaling == null ? DhScaling.alpha : dhScaling;
  }

  /** {@return the partial dh Jacobian in symbols, for the header and the report} */
  private String partialDhFormula() {
    return "d h'/d h with x held fixed = diag(act'(x'))" + (scaling() == DhScaling.alpha
        ? " alpha W_rec" : " W_rec (divided by alpha)");
  }

  /** The rules of {@code --dh} and {@code --dh-scaling} between themselves. */
  private void checkPartialDhOptions() {
    if (dhScaling != null && !dh) {
      throw new UserException("--dh-scaling needs --dh: it picks the scaling of the partial dh"
          + " Jacobian");
    }
  }


  private static void printPartialDh(PrintWriter out, List<String> labels, List<Double> radius,
      List<Eigendecomposition> eigen) {
    int labelWidth = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(0));
    String row = "%-" + labelWidth + "s  %-17s  %s%n";
    out.println();
    out.println("mRNNTorch's partial dh Jacobian (x held fixed): not the Jacobian of the network's"
        + " map; its eigenvalues are not stability");
    out.printf(Locale.ROOT, row, "POINT", "PARTIAL DH RADIUS", "PARTIAL DH EIGENVALUES"
        + " (by modulus)");
    for (int i = 0; i < labels.size(); i++) {
      out.printf(Locale.ROOT, row, labels.get(i),
          Double.isNaN(radius.get(i)) ? "?" : num(radius.get(i)), leading(eigen.get(i), 3));
    }
  }

  private void printTable(PrintWriter out, List<String> labels, List<StabilitySummary> summaries,
      List<LeadingSpectrum> leadings, double dt) {
    boolean ct = !Double.isNaN(dt);
    int labelWidth = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(0));
    String head = "%-" + labelWidth + "s  %-15s  %-10s  %s%s%n";
    out.printf(Locale.ROOT, head, "POINT", "SPECTRAL RADIUS", "UNSTABLE",
        ct ? String.format(Locale.ROOT, "%-16s  ", "SLOWEST TAU") : "",
        "LEADING EIGENVALUES (by modulus)");
    for (int i = 0; i < summaries.size(); i++) {
      StabilitySummary s = summaries.get(i);
      LeadingSpectrum l = leadings == null ? null : leadings.get(i);
      String unstable = s.unstableModes() + " of " + s.size();
      String radius = num(s.spectralRadius());
      if (l != null) {
        unstable = switch (l.unstableCertainty()) {
          case EXACT -> "";
          case BULK_ESTIMATE -> "~";
          case LOWER_BOUND -> ">=";
        } + l.unstableModes() + " of " + l.dimension();
        radius = Double.isNaN(l.spectralRadius()) ? "?" : num(l.spectralRadius());
      }
      String tau = "";
      if (ct) {
        double slowest = s.slowestTimeConstant();
        tau = String.format(Locale.ROOT, "%-16s  ", l != null ? "(--full)"
            : Double.isNaN(slowest) ? "-" : Double.isInfinite(slowest) ? "inf" : num(slowest));
      }
      out.printf(Locale.ROOT, head, labels.get(i), radius, unstable, tau,
          leading(s.eigenvalues(), top));
    }
    if (leadings != null) {
      out.println();
      for (int i = 0; i < leadings.size(); i++) {
        out.printf(Locale.ROOT, "%-" + labelWidth + "s  %s%n", labels.get(i),
            leadings.get(i).describe());
      }
      out.printf(Locale.ROOT, "UNSTABLE: ~ rests on the Ritz values of an unconverged bulk inside"
          + " |lambda| < %s; >= is a lower bound.%n", num(Spectra.BULK_MARGIN));
    }
    if (ct && leadings != null) {
      out.printf(Locale.ROOT, "SLOWEST TAU needs the whole spectrum: --full.%n");
    } else if (ct) {
      out.printf(Locale.ROOT, "%nSLOWEST TAU: the largest time constant -1/Re((lambda - 1)/dt)"
          + " of a decaying mode, in the units of dt.%n");
    }
  }

  private static String leading(Eigendecomposition e, int k) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(k, e.size()); i++) {
      parts.add(complex(e.real(i), e.imag(i)));
    }
    if (e.size() > k && k > 0) {
      parts.add("...");
    }
    return String.join(", ", parts);
  }

  static String complex(double re, double im) {
    if (im == 0.0) {
      return num(re);
    }
    return num(re) + (im < 0 ? " - " : " + ") + num(Math.abs(im)) + "i";
  }

  static String num(double v) {
    return Inputs.number(v);
  }
}
