package org.mrnn4j.cli;

import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.models.io.ModelLoader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.cli.report.FlowFieldPlot;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.analysis.flowfields.EigenPlane;
import org.mrnn4j.analysis.flowfields.GridBounds;
import org.mrnn4j.core.Backend;
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
 * {@code mrnn4j flow-field}: loads a model as {@code analyze} does, computes the nonlinear and
 * linear flow fields on a plane through state space at chosen states, prints a table, writes a
 * JSON report and one PNG per state.
 */
@Command(
    name = "flow-field",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Flow fields on a 2-D plane through state space (mRNNTorch's mFlowFieldFinder and"
          + " emFlowFieldFinder): where one step of the network (nonlinear) and of its"
          + " linearization at the state (linear) moves each point of a grid on the plane.",
      "The plane is the first two principal components of the trajectory (the simulated one, or"
          + " the states of --states), over the --regions' units, or the two leading"
          + " eigen-directions at a fixed point (--plane eigen:K), or one given in a file; it"
          + " passes through its mean unless --plane-through moves it to each state or a fixed"
          + " point.",
      "The grid is centred exactly on the state (--follow) or the centre, with exactly the"
          + " half-widths of --offset; --grid-rounding mrnntorch lays it out as mRNNTorch does.",
      "Fixed points are marked on each panel with their distance from the slice the field is"
          + " drawn on; those off it by more than 5%% of the grid's smaller half-width are drawn"
          + " grey, labelled 'off plane by D'.",
      "Prints a table, writes DIR/NAME-flow-field.json and one DIR/NAME-flow-field-LABEL.png per"
          + " state. A field whose every velocity is below 1e-12 x the state's scale (or whose"
          + " grid has zero width) is not drawn: the JSON is written, the reason printed, and the"
          + " command exits with status 2.",
      "",
      "With no FILE it uses the bundled example network."
    })
final class FlowFieldCommand implements Callable<Integer> {
  /** The value of the flow-field report's {@code format} key. */
  static final String FORMAT = "mrnn4j-flow-field";

  private static final Logger LOG = LoggerFactory.getLogger(FlowFieldCommand.class);

  @Spec CommandSpec spec;


  @Mixin ModelOptions modelFiles;

  @Mixin ConstantInput input;

  @Option(names = {"-s", "--steps"}, split = ",", paramLabel = "N",
      description = "The states: after N steps of the simulation from the model's initial"
          + " condition under the constant input; 0 is the initial condition (default: 0,20,200)."
          + " The trajectory runs to the largest N.")
  List<Integer> steps;

  @Option(names = "--states", paramLabel = "FILE",
      description = "The states from a file instead, in order (they are also the trajectory"
          + " drawn and, without --plane, the states the plane is fitted on): CSV (N values per"
          + " line, optionally followed by the I input values) or JSON ([[...], ...] or"
          + " {\"states\": [[...]], \"inputs\": [[...]]}); x (leaky) or h (Elman).")
  Path states;

  @Option(names = {"-r", "--regions"}, split = ",", paramLabel = "REGION",
      description = "The plane spans these recurrent (or parent) regions' units; the others are"
          + " held at each state's values (or silenced with --cancel-others). Default: all.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--cancel-others",
      description = "With --regions: silence the other regions (zero) instead of holding them.")
  boolean cancelOthers;

  @Option(names = {"-g", "--grid"}, paramLabel = "P", defaultValue = "20",
      description = "Grid points per axis (default: ${DEFAULT-VALUE}).")
  int grid;

  @Option(names = "--offset", split = ",", paramLabel = "D",
      description = "Half-widths of the grid along the two axes (one value for both, or two);"
          + " default: the trajectory's half-extent plus 20%%.")
  List<Double> offset;

  @Option(names = "--center", split = ",", paramLabel = "C",
      description = "A fixed grid centred at these two plane coordinates (default: the centre"
          + " of the trajectory's extent).")
  List<Double> center;

  @Option(names = "--follow",
      description = "Centre the grid on each state instead (mRNNTorch's follow_traj), exactly.")
  boolean follow;

  @Option(names = "--grid-rounding", paramLabel = "MODE", defaultValue = "exact",
      description = "exact (default): the grid centred exactly where asked with exactly the"
          + " half-widths asked, at any scale. mrnntorch: as mRNNTorch lays it out (linspace in"
          + " the model's precision; with --follow each bound rounded to one decimal, so the grid"
          + " is off the state and one narrower than 0.1 can collapse); for comparing with the"
          + " reference only.")
  String gridRounding;

  @Option(names = "--linear", description = "Only the linear field.")
  boolean linearOnly;

  @Option(names = "--nonlinear", description = "Only the nonlinear field.")
  boolean nonlinearOnly;

  @Option(names = "--plane", paramLabel = "PLANE", defaultValue = "pca",
      description = "pca (default): the trajectory's first two principal components, through its"
          + " mean. eigen:K: through fixed point K (numbered as in the table; implies"
          + " --fixed-points), spanned by the two leading eigen-directions of the Jacobian there"
          + " over the --regions' units (a complex pair: the real and imaginary parts of its"
          + " eigenvector; else the two leading real eigenvectors), orthonormalised; K has plane"
          + " coordinates (0, 0). FILE: a JSON file {\"mean\": [...], \"components\": [[...],"
          + " [...]]} over the --regions' units (in the model's order); orthonormal directions.")
  String planeSpec;

  @Option(names = "--plane-through", paramLabel = "WHERE", defaultValue = "mean",
      description = "Where the plane passes: mean (default; the plane's own mean, as mRNNTorch:"
          + " a state off the plane is drawn at its projection, and the grid point there is not"
          + " the state), state (the plane moved, keeping its directions and coordinates, to"
          + " pass through each state: the grid point at the state is the state, and at a fixed"
          + " point both fields vanish there), or fp:K (through fixed point K; implies"
          + " --fixed-points).")
  String planeThrough;

  @Option(names = "--fixed-points",
      description = "Also find the network's fixed points at the constant input (over all"
          + " units, 256 starts sampled as 'fixed-points' does) and mark them on the plane.")
  boolean fixedPoints;

  @Option(names = "--npy",
      description = "Also write NumPy arrays, one row per state: STEM-flow-axes.npy [S, 2, P]"
          + " (the grid's x and y axis values), STEM-flow-nonlinear.npy and STEM-flow-linear.npy"
          + " [S, 2, P, P] (the x and y velocities at (x_axis[i], y_axis[j]) in [s, :, i, j]).")
  boolean npy;

  @Mixin OutputOptions output;

  @Option(names = "--no-plot", description = "Do not draw the PNGs.")
  boolean noPlot;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the fixed-point starts and of the random initialisation of a config"
          + " given without weights (default: ${DEFAULT-VALUE}).")
  long seed;

  /** {@link FlowFieldAnalysis#ON_PLANE_FRACTION}, for the help text. */
  static final double ON_PLANE_FRACTION = FlowFieldAnalysis.ON_PLANE_FRACTION;

  /** The parsed --plane: null file and fixed point for PCA. */
  private record PlaneChoice(Path file, int eigenPoint) {}

  @Override
  public Integer call() throws IOException {
    validate();
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      LOG.info("backend {}", b.name());
      ModelLoader.Loaded loaded = modelFiles.load(seed, b);
      try (RecurrentModel model = loaded.model()) {
        return run(stdout, b, loaded, model);
      }
    }
  }

  private void validate() {
    if (grid < 2) {
      throw new UserException("--grid must be at least 2 points per axis, got " + grid);
    }
    if (linearOnly && nonlinearOnly) {
      throw new UserException("--linear and --nonlinear each ask for one field only; give"
          + " neither for both");
    }
    if (follow && center != null) {
      throw new UserException("--center fixes the grid; --follow centres it on each state:"
          + " give one");
    }
    if (center != null && center.size() != 2) {
      throw new UserException("--center takes two plane coordinates, got " + center.size());
    }
    if (offset != null && (offset.isEmpty() || offset.size() > 2
        || offset.stream().anyMatch(v -> !(v > 0) || Double.isInfinite(v)))) {
      throw new UserException("--offset takes one or two positive half-widths, got " + offset);
    }
    if (cancelOthers && regions.isEmpty()) {
      throw new UserException("--cancel-others needs --regions: without them no region is"
          + " left out of the plane");
    }
    if (!gridRounding.equals("exact") && !gridRounding.equals("mrnntorch")) {
      throw new UserException("--grid-rounding takes exact or mrnntorch, got '" + gridRounding
          + "'");
    }
    plane();
    throughPoint();
  }

  /** The parsed --plane. */
  private PlaneChoice plane() {
    if (planeSpec.equals("pca")) {
      return new PlaneChoice(null, 0);
    }
    if (planeSpec.startsWith("eigen:")) {
      return new PlaneChoice(null, fixedPointNumber("--plane", planeSpec.substring(6)));
    }
    return new PlaneChoice(Path.of(planeSpec), 0);
  }

  /** The fixed point of --plane-through fp:K, 0 for mean or state. */
  private int throughPoint() {
    if (planeThrough.equals("mean") || planeThrough.equals("state")) {
      return 0;
    }
    if (planeThrough.startsWith("fp:")) {
      return fixedPointNumber("--plane-through", planeThrough.substring(3));
    }
    throw new UserException("--plane-through takes mean, state or fp:K (K a fixed point's number"
        + " in the table), got '" + planeThrough + "'");
  }

  private static int fixedPointNumber(String option, String text) {
    try {
      int k = Integer.parseInt(text);
      if (k >= 1) {
        return k;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UserException(option + ": a fixed point is numbered from 1 as in the table, got '"
        + text + "'");
  }

  private int run(PrintWriter stdout, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model) throws IOException {
    double[] u = input.vector(model.numInputs());
    FlowFieldAnalysis.States picked = StepsOption.states(model, u, steps, states,
        List.of(0, 20, 200));
    PlaneChoice choice = plane();
    int throughK = throughPoint();
    FlowFieldAnalysis.Request request = new FlowFieldAnalysis.Request(regions, cancelOthers,
        choice.file(), choice.eigenPoint(), planeThrough.equals("state")
            ? FlowFieldAnalysis.Through.STATE : throughK > 0 ? FlowFieldAnalysis.Through.FIXED_POINT
            : FlowFieldAnalysis.Through.MEAN, throughK, grid, offset, center, follow,
        gridRounding.equals("mrnntorch") ? GridBounds.MRNNTORCH_ROUNDED : GridBounds.EXACT,
        !linearOnly, !nonlinearOnly, fixedPoints, seed,
        List.of("--plane " + planeSpec, "--plane-through " + planeThrough));
    FlowFieldAnalysis.Result result;
    try (TerminalProgress progress = TerminalProgress.start("fixed points",
        request.needsFixedPoints() ? StartSampler.DEFAULT_STARTS : 0)) {
      result = FlowFieldAnalysis.run(model, b, picked, u, request, progress::update);
    }
    boolean findPoints = request.needsFixedPoints();
    List<FixedPoint> points = result.fixedPoints();
    FlowFieldFinder finder = result.finder();
    FlowGrid flowGrid = result.grid();
    double[][] path = result.path();
    EigenPlane eigenPlane = result.eigenPlane();
    List<FlowField> nonlinear = result.nonlinear();
    List<FlowField> linear = result.linear();
    double seconds = result.seconds();
    double tolerance = result.tolerance();
    // the readout's value at each fixed point (numbered from 1), or none without a readout
    org.mrnn4j.models.io.Readout readout = loaded.readout();
    boolean pre = model.naturalCoordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION;
    List<double[]> outputs = readout == null ? null
        : points.stream().map(p -> readout.at(model, p.fullState(), pre)).toList();
    List<List<FlowFieldPlot.MarkedPoint>> marked = result.marked().stream()
        .map(atState -> atState.stream().map(m -> new FlowFieldPlot.MarkedPoint(m.number(),
            m.x(), m.y(), m.stable(), m.offPlane(), tolerance, outputs == null ? null
                : org.mrnn4j.models.io.Readout.format(outputs.get(m.number() - 1)))).toList())
        .toList();
    double[] explained = result.explained();
    printHeader(stdout, b, loaded, model, finder, u, explained, choice, eigenPlane, tolerance);
    printTable(stdout, picked, nonlinear, linear, seconds);
    if (findPoints) {
      printFixedPoints(stdout, points, marked, outputs);
    }

    String stem = output.stem(loaded);
    ObjectNode report = report(loaded, model, b, u, finder, explained, picked, path, nonlinear,
        linear, points, marked, choice, eigenPlane, tolerance, findPoints);
    if (findPoints && outputs != null) {
      ArrayNode fps = (ArrayNode) report.get("fixed_points");
      for (int k = 0; k < outputs.size(); k++) {
        putArray(((ObjectNode) fps.get(k)).putArray("output"), outputs.get(k));
      }
    }
    Path json = output.file(stem, "-flow-field.json");
    Reports.write(report, json);
    stdout.println();
    stdout.println("wrote " + json);
    if (npy) {
      for (Path f : NumpyReports.writeFlowFields(output, stem, nonlinear, linear)) {
        stdout.println("wrote " + f);
      }
    }
    // fields that would show nothing are not drawn (they would look like a field at rest)
    List<String> blank = new ArrayList<>();
    for (int k = 0; k < picked.states().length; k++) {
      for (String kind : new String[] {"nonlinear", "linear"}) {
        List<FlowField> fields = kind.equals("linear") ? linear : nonlinear;
        if (fields != null && fields.get(k).blankReason().isPresent()) {
          String what = "the " + kind + " field at " + picked.labels().get(k) + ": "
              + fields.get(k).blankReason().get();
          blank.add(what);
          stdout.println("not drawn: " + what);
        }
      }
    }
    if (!noPlot) {
      String[] names = axisNames(choice);
      String xLabel = axisLabel(names[0], explained[0]);
      String yLabel = axisLabel(names[1], explained[1]);
      for (int k = 0; k < picked.states().length; k++) {
        List<FlowFieldPlot.Panel> panels = new ArrayList<>();
        if (nonlinear != null && nonlinear.get(k).blankReason().isEmpty()) {
          panels.add(new FlowFieldPlot.Panel("nonlinear", nonlinear.get(k)));
        }
        if (linear != null && linear.get(k).blankReason().isEmpty()) {
          panels.add(new FlowFieldPlot.Panel("linear at the state", linear.get(k)));
        }
        if (panels.isEmpty()) {
          continue;
        }
        FlowField any = panels.get(0).field();
        String title = stem + ", " + picked.labels().get(k)
            + (any.offPlane() > tolerance ? String.format(Locale.ROOT,
                " (state off this plane by %.3g)", any.offPlane()) : "");
        Path png = output.file(stem, "-flow-field-" + picked.fileLabels().get(k) + ".png");
        FlowFieldPlot.write(png, title, xLabel, yLabel, panels, path, marked.get(k));
        stdout.println("wrote " + png);
      }
    }
    stdout.flush();
    if (!blank.isEmpty() && !noPlot) {
      throw new UserException(blank.size() + " field" + (blank.size() == 1 ? " was" : "s were")
          + " not drawn, " + blank.get(0) + (blank.size() > 1 ? " (and more, listed above)" : "")
          + "; try a wider --offset, another --plane or --plane-through, or another state"
          + (gridRounding.equals("mrnntorch") ? ", or --grid-rounding exact" : "")
          + " (the values are in " + json + ")");
    }
    return 0;
  }

  private String[] axisNames(PlaneChoice choice) {
    if (choice.eigenPoint() > 0) {
      return new String[] {"eigen-direction 1 at fixed point " + choice.eigenPoint(),
          "eigen-direction 2 at fixed point " + choice.eigenPoint()};
    }
    return choice.file() == null ? new String[] {"PC1", "PC2"}
        : new String[] {"plane axis 1", "plane axis 2"};
  }

  private static String axisLabel(String name, double fraction) {
    return Double.isNaN(fraction) ? name
        : String.format(Locale.ROOT, "%s (%.1f%% of the trajectory's variance)", name,
            100 * fraction);
  }

  // ------------------------------------------------------------------ printing

  private void printHeader(PrintWriter o, Backend b, ModelLoader.Loaded loaded,
      RecurrentModel model, FlowFieldFinder finder, double[] u, double[] explained,
      PlaneChoice choice, EigenPlane eigenPlane, double tolerance) {
    o.printf(Locale.ROOT, "model        %s%n", loaded.description());
    for (String warning : loaded.model().spec().warnings()) {
      o.printf(Locale.ROOT, "warning      %s%n", warning);
    }
    o.printf(Locale.ROOT, "             %s mRNN, %s, %d units, %d inputs%n",
        model.kind().label(), model.activation().label(), model.numUnits(), model.numInputs());
    o.printf(Locale.ROOT, "weights      %s%n", loaded.weights());
    o.printf(Locale.ROOT, "backend      %s%n", b.name());
    o.printf(Locale.ROOT, "plane        %s over %s%s%n",
        planeSource(choice, eigenPlane),
        regions.isEmpty() ? "all units (" + finder.units().size() + ")"
            : "regions " + String.join(", ", regions) + " (" + finder.units().size()
                + " units; the others " + (cancelOthers ? "silenced" : "held at each state's"
                    + " values") + ")",
        Double.isNaN(explained[0]) ? "" : String.format(Locale.ROOT,
            "; explains %.1f%% + %.1f%% of its variance", 100 * explained[0],
            100 * explained[1]));
    o.printf(Locale.ROOT, "through      %s%n", throughDescription());
    FlowGrid g = finder.grid();
    o.printf(Locale.ROOT, "grid         %d x %d, half-widths %s x %s, %s%s%n", g.points(),
        g.points(), AnalyzeCommand.num(g.xOffset()), AnalyzeCommand.num(g.yOffset()),
        g.follow() ? "centred on each state" : "centred at (" + AnalyzeCommand.num(g.xCenter())
            + ", " + AnalyzeCommand.num(g.yCenter()) + ")",
        g.bounds() == GridBounds.MRNNTORCH_ROUNDED ? ", laid out as mRNNTorch does"
            + (g.follow() ? " (bounds rounded to one decimal: not exactly centred)" : "") : "");
    if (fixedPoints || choice.eigenPoint() > 0 || throughPoint() > 0) {
      o.printf(Locale.ROOT, "on plane     fixed points within %s of a field's slice (5%% of the"
          + " smaller half-width); farther ones drawn grey%n", AnalyzeCommand.num(tolerance));
    }
    o.printf(Locale.ROOT, "input        %s%n", ConstantInput.describe(u));
    o.println();
  }

  private String planeSource(PlaneChoice choice, EigenPlane eigenPlane) {
    if (eigenPlane != null) {
      return "leading eigen-directions at fixed point " + choice.eigenPoint() + " (eigenvalues "
          + eigenPlane.describeEigenvalues() + ")";
    }
    return choice.file() == null ? "PCA of the trajectory" : "from " + choice.file();
  }

  private String throughDescription() {
    if (planeThrough.equals("state")) {
      return "each state (the plane moved along its normal directions to contain it)";
    }
    if (planeThrough.startsWith("fp:")) {
      return "fixed point " + throughPoint() + " (the plane moved along its normal directions"
          + " to contain it)";
    }
    return plane().eigenPoint() > 0 ? "fixed point " + plane().eigenPoint()
        : "the plane's mean (states off the plane are drawn at their projections)";
  }

  private static void printTable(PrintWriter o, FlowFieldAnalysis.States picked, List<FlowField> nonlinear,
      List<FlowField> linear, double seconds) {
    String row = "%-28s  %11s  %11s  %11s  %15s  %15s%n";
    o.printf(Locale.ROOT, row, "STATE", "AXIS 1", "AXIS 2", "OFF PLANE", "MAX |V| NONLIN",
        "MAX |V| LINEAR");
    for (int k = 0; k < picked.states().length; k++) {
      FlowField any = nonlinear != null ? nonlinear.get(k) : linear.get(k);
      o.printf(Locale.ROOT, row, picked.labels().get(k), AnalyzeCommand.num(any.center()[0]),
          AnalyzeCommand.num(any.center()[1]), AnalyzeCommand.num(any.offPlane()),
          nonlinear == null ? "-" : AnalyzeCommand.num(nonlinear.get(k).maxSpeed()),
          linear == null ? "-" : AnalyzeCommand.num(linear.get(k).maxSpeed()));
    }
    o.printf(Locale.ROOT, "%nfields computed in %.3f s (|v|: plane displacement per step)%n",
        seconds);
  }

  private static void printFixedPoints(PrintWriter o, List<FixedPoint> points,
      List<List<FlowFieldPlot.MarkedPoint>> marked, List<double[]> outputs) {
    o.println();
    if (points.isEmpty()) {
      o.println("no fixed point found at this input");
      return;
    }
    String row = "%4s  %-22s  %8s  %11s  %11s  %s%s%n";
    o.printf(Locale.ROOT, row, "#", "FIXED POINT", "UNSTABLE", "AXIS 1", "AXIS 2",
        "OFF PLANE (at each state)", outputs == null ? "" : "  OUTPUT");
    for (int k = 0; k < points.size(); k++) {
      List<String> off = new ArrayList<>();
      for (List<FlowFieldPlot.MarkedPoint> atState : marked) {
        off.add(AnalyzeCommand.num(atState.get(k).offPlane()));
      }
      FlowFieldPlot.MarkedPoint m = marked.get(0).get(k);
      o.printf(Locale.ROOT, row, k + 1, points.get(k).describe(), points.get(k).unstableModes(),
          AnalyzeCommand.num(m.x()), AnalyzeCommand.num(m.y()), String.join(", ", off),
          outputs == null ? "" : "  " + org.mrnn4j.models.io.Readout.format(outputs.get(k)));
    }
  }

  // ------------------------------------------------------------------ report

  private ObjectNode report(ModelLoader.Loaded loaded, RecurrentModel model, Backend b,
      double[] u, FlowFieldFinder finder, double[] explained, FlowFieldAnalysis.States picked, double[][] path,
      List<FlowField> nonlinear, List<FlowField> linear, List<FixedPoint> points,
      List<List<FlowFieldPlot.MarkedPoint>> marked, PlaneChoice choice, EigenPlane eigenPlane,
      double tolerance, boolean withPoints) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = Reports.header(FORMAT, loaded, model, b);
    ArrayNode in = root.putArray("input");
    Arrays.stream(u).forEach(in::add);
    ArrayNode rs = root.putArray("regions");
    finder.regions().forEach(rs::add);
    root.put("cancel_other_regions", cancelOthers);
    ObjectNode plane = root.putObject("plane");
    plane.put("source", eigenPlane != null ? "eigen:" + choice.eigenPoint()
        : choice.file() == null ? "pca of the trajectory" : choice.file().toString());
    plane.put("through", planeThrough.equals("state") ? "state"
        : throughPoint() > 0 ? "fixed point " + throughPoint()
        : eigenPlane != null ? "fixed point " + choice.eigenPoint() : "mean");
    if (eigenPlane != null) {
      ArrayNode ev = plane.putArray("eigenvalues");
      for (int m = 0; m < 2; m++) {
        putArray(ev.addArray(), new double[] {eigenPlane.real()[m], eigenPlane.imag()[m]});
      }
    }
    putArray(plane.putArray("mean"), finder.plane().mean());
    ArrayNode comps = plane.putArray("components");
    putArray(comps.addArray(), finder.plane().component(0));
    putArray(comps.addArray(), finder.plane().component(1));
    putArray(plane.putArray("explained_variance_ratio"), explained);
    FlowGrid g = finder.grid();
    ObjectNode gn = root.putObject("grid");
    gn.put("points", g.points());
    gn.put("x_offset", g.xOffset());
    gn.put("y_offset", g.yOffset());
    gn.put("follow", g.follow());
    gn.put("rounding", g.bounds() == GridBounds.MRNNTORCH_ROUNDED ? "mrnntorch" : "exact");
    gn.put("on_plane_tolerance", tolerance);
    if (!g.follow()) {
      gn.put("x_center", g.xCenter());
      gn.put("y_center", g.yCenter());
    }
    ArrayNode traj = root.putArray("trajectory");
    for (double[] c : path) {
      putArray(traj.addArray(), c);
    }
    ArrayNode list = root.putArray("states");
    for (int k = 0; k < picked.states().length; k++) {
      ObjectNode s = list.addObject();
      s.put("label", picked.labels().get(k));
      putArray(s.putArray("input"), picked.inputs()[k]);
      FlowField any = nonlinear != null ? nonlinear.get(k) : linear.get(k);
      putArray(s.putArray("center"), any.center());
      s.put("off_plane", any.offPlane());
      putArray(s.putArray("x_axis"), any.xAxis());
      putArray(s.putArray("y_axis"), any.yAxis());
      if (nonlinear != null) {
        field(s.putObject("nonlinear"), nonlinear.get(k));
      }
      if (linear != null) {
        field(s.putObject("linear"), linear.get(k));
      }
    }
    if (withPoints) {
      ArrayNode fps = root.putArray("fixed_points");
      for (int k = 0; k < points.size(); k++) {
        ObjectNode p = fps.addObject();
        p.put("number", k + 1);
        p.put("type", points.get(k).describe());
        p.put("unstable_modes", points.get(k).unstableModes());
        p.put("q", points.get(k).q());
        FlowFieldPlot.MarkedPoint m = marked.get(0).get(k);
        putArray(p.putArray("plane"), new double[] {m.x(), m.y()});
        ArrayNode off = p.putArray("off_plane");
        ArrayNode on = p.putArray("on_plane");
        for (List<FlowFieldPlot.MarkedPoint> atState : marked) {
          off.add(atState.get(k).offPlane());
          on.add(atState.get(k).onPlane());
        }
        putArray(p.putArray("state"), points.get(k).fullState());
      }
    }
    return root;
  }

  private static void field(ObjectNode node, FlowField f) {
    node.put("max_speed", f.maxSpeed());
    if (f.blankReason().isPresent()) {
      node.put("blank", f.blankReason().get());
    } else {
      node.putNull("blank");
    }
    putMatrix(node.putArray("x_vels"), f.xVelocity());
    putMatrix(node.putArray("y_vels"), f.yVelocity());
    putMatrix(node.putArray("speeds"), f.speed());
  }

  private static void putMatrix(ArrayNode a, double[][] m) {
    for (double[] row : m) {
      putArray(a.addArray(), row);
    }
  }

  private static void putArray(ArrayNode a, double[] v) {
    for (double x : v) {
      if (Double.isFinite(x)) {
        a.add(x);
      } else {
        a.addNull();
      }
    }
  }
}
