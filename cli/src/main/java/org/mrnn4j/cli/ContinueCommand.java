package org.mrnn4j.cli;

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
import java.util.function.ToDoubleFunction;
import org.mrnn4j.analysis.continuation.Bifurcation;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationOptions;
import org.mrnn4j.analysis.continuation.ContinuationPoint;
import org.mrnn4j.app.ContinuationAnalysis;
import org.mrnn4j.app.ContinuationParameter;
import org.mrnn4j.app.Inputs;
import org.mrnn4j.cli.report.ContinuationPlot;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.NumpyArrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j continue}: follows every fixed point of a model as one parameter changes (an
 * input, a block's gain, the interpolation to a second checkpoint), through
 * {@link ContinuationAnalysis}; prints the branches and bifurcations, writes a JSON report
 * ({@value #FORMAT}), NumPy arrays per branch and a bifurcation diagram.
 */
@Command(
    name = "continue",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Numerical continuation: follow every fixed point of a model as a parameter changes, and"
          + " find where fixed points appear and vanish (folds), where branches cross (branch"
          + " points) and where they lose stability (an eigenvalue of the map crossing -1: period"
          + " doubling; a complex pair crossing the unit circle: Neimark-Sacker; for the leaky"
          + " model also the ODE's Hopf, a complex pair of (lambda - 1)/dt crossing the imaginary"
          + " axis).",
      "Branches start at the fixed points the finder finds at --from (and, with --also-from-end,"
          + " at --to); pseudo-arclength continuation with the exact Jacobians; bifurcations"
          + " located by bisection to 1e-10 in the parameter, or reported with their bracket.",
      "Prints a table, writes DIR/NAME-continuation.json and DIR/NAME-continuation.png.",
      "",
      "With no FILE it uses the bundled example network."
    })
final class ContinueCommand implements Callable<Integer> {
  static final String FORMAT = "mrnn4j-continuation";

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelFiles;

  @Option(names = {"-p", "--parameter"}, required = true, paramLabel = "P",
      description = "What changes: 'input' (u = u0 + s d, u0 from --input, d from --direction,"
          + " or u = (1 - s) u0 + s u1 with --input-end), 'gain:SRC->DST' (W[DST <- SRC] ->"
          + " g W[DST <- SRC]; 'gain:A->A' for a region's self-connection) or"
          + " 'checkpoint:OTHER_FILE' (every weight (1 - s) W0 + s W1 between FILE and OTHER_FILE,"
          + " same architecture).")
  String parameter;

  @Mixin ConstantInput input;

  @Option(names = "--direction", split = ",", paramLabel = "VALUE",
      description = "With --parameter input: the direction d, one value for all input units or"
          + " one per unit (default: 1 on every input).")
  List<Double> direction;

  @Option(names = "--input-end", split = ",", paramLabel = "VALUE",
      description = "With --parameter input: the input u1 at s = 1, instead of --direction.")
  List<Double> inputEnd;

  @Option(names = "--from", paramLabel = "VALUE",
      description = "The parameter's start value (default: 0 for input and checkpoint, 1 for a"
          + " gain).")
  Double from;

  @Option(names = "--to", paramLabel = "VALUE",
      description = "The parameter's end value (default: 1 for input and checkpoint, 0 for a"
          + " gain).")
  Double to;

  @Option(names = "--also-from-end",
      description = "Also start branches at the fixed points found at --to that no branch"
          + " reached (always on for checkpoint interpolation, to pair the two checkpoints'"
          + " points).")
  boolean alsoFromEnd;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the fixed-point searches' starts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-points", paramLabel = "N", defaultValue = "2000",
      description = "Budget of points per branch (default: ${DEFAULT-VALUE}).")
  int maxPoints;

  @Option(names = "--max-step", paramLabel = "H",
      description = "Largest arclength step (default: a twentieth of the range).")
  Double maxStep;

  @Option(names = "--coordinate", paramLabel = "pc1|region:NAME|output:K", defaultValue = "pc1",
      description = "The diagram's vertical axis: the first principal component of all branch"
          + " points (pc1), a region's mean activity h (region:NAME), or output K (from 1) of"
          + " the readout (output:K, with --readout or a checkpoint's readout.*). Default: pc1.")
  String coordinate;

  @Option(names = "--npy",
      description = "Also write NumPy arrays per branch K: STEM-branch-K-parameter.npy [P],"
          + " -states.npy [P, N], -unstable.npy [P] (count of |lambda| > 1, -1 unknown) and"
          + " -eigenvalues.npy (complex) [P, k] (leading eigenvalues of the map) and, with a"
          + " readout (--readout), -outputs.npy [P, O], its value at each point.")
  boolean npy;

  @Mixin OutputOptions output;

  @Option(names = "--no-plot", description = "Do not draw the PNG.")
  boolean noPlot;

  @Override
  public Integer call() throws IOException {
    output.requireWritable();
    if (maxPoints < 2) {
      throw new UserException("--max-points must be at least 2, got " + maxPoints);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      ModelLoader.Loaded loaded = modelFiles.load(seed, b);
      try (RecurrentModel model = loaded.model()) {
        RecurrentModel other = null;
        try {
          ContinuationParameter p;
          double[] u = input.vector(model.numInputs());
          if (parameter.equals("input")) {
            p = inputParameter(model, u);
          } else if (parameter.startsWith("gain:")) {
            String[] ends = parameter.substring(5).split("->", -1);
            if (ends.length != 2 || ends[0].isBlank() || ends[1].isBlank()) {
              throw new UserException("--parameter " + parameter + ": expected gain:SRC->DST,"
                  + " for example gain:exc->inhib");
            }
            p = ContinuationParameter.gain(ends[0].trim(), ends[1].trim(), u);
          } else if (parameter.startsWith("checkpoint:")) {
            Path file = Path.of(parameter.substring("checkpoint:".length()));
            other = ModelLoader.load(file, seed, b).model();
            p = ContinuationParameter.checkpoint(other, file.getFileName().toString(), u);
          } else {
            throw new UserException("--parameter " + parameter + ": expected input,"
                + " gain:SRC->DST or checkpoint:OTHER_FILE");
          }
          return run(stdout, b, loaded, model, p);
        } finally {
          if (other != null) {
            other.close();
          }
        }
      }
    }
  }

  private ContinuationParameter inputParameter(RecurrentModel model, double[] u) {
    if (inputEnd != null && !inputEnd.isEmpty()) {
      if (direction != null && !direction.isEmpty()) {
        throw new UserException("give --direction or --input-end, not both");
      }
      return ContinuationParameter.inputs(u,
          Inputs.constant(inputEnd, model.numInputs(), "--input-end"));
    }
    double[] d = direction == null || direction.isEmpty() ? ones(model.numInputs())
        : Inputs.constant(direction, model.numInputs(), "--direction");
    return ContinuationParameter.input(u, d);
  }

  private static double[] ones(int n) {
    double[] d = new double[n];
    Arrays.fill(d, 1);
    return d;
  }

  private int run(PrintWriter o, Backend b, ModelLoader.Loaded loaded, RecurrentModel model,
      ContinuationParameter p) throws IOException {
    boolean gain = p.kind() == ContinuationParameter.Kind.GAIN;
    double start = from != null ? from : gain ? 1 : 0;
    double end = to != null ? to : gain ? 0 : 1;
    if (start == end) {
      throw new UserException("--from and --to are both " + start + ": give a range");
    }
    double lo = Math.min(start, end);
    double hi = Math.max(start, end);
    ContinuationOptions options = ContinuationOptions.over(lo, hi).withMaxPoints(maxPoints);
    if (maxStep != null) {
      if (!(maxStep > 0)) {
        throw new UserException("--max-step must be positive, got " + maxStep);
      }
      options = options.withSteps(Math.min(options.initialStep(), maxStep),
          Math.min(options.minStep(), maxStep), maxStep);
    }
    boolean fromEnd = alsoFromEnd || p.kind() == ContinuationParameter.Kind.CHECKPOINT;
    ContinuationAnalysis.Result r = ContinuationAnalysis.run(model,
        new ContinuationAnalysis.Request(p, start, end, fromEnd, seed, options));
    String s = p.name();

    o.printf(Locale.ROOT, "model        %s%n", loaded.description());
    o.printf(Locale.ROOT, "             %s mRNN, %s, %d units, %d inputs%n",
        model.kind().label(), model.activation().label(), model.numUnits(), model.numInputs());
    o.printf(Locale.ROOT, "parameter    %s, from %s = %s to %s%n", p.description(), s,
        Inputs.number(start), Inputs.number(end));
    o.printf(Locale.ROOT, "start points %d fixed points at %s = %s%s%n",
        r.atStart().fixedPoints().size(), s, Inputs.number(start), r.atEnd() == null ? ""
            : String.format(Locale.ROOT, "; %d at %s = %s", r.atEnd().fixedPoints().size(), s,
                Inputs.number(end)));
    o.printf(Locale.ROOT, "time         %.2f s%n", r.seconds());
    o.println();
    String row = "%4s  %-18s  %-12s  %-12s  %6s  %-9s  %s%n";
    o.printf(Locale.ROOT, row, "#", "STARTS AT", "FROM " + s, "TO " + s, "POINTS", "STABLE",
        "STOP");
    for (int k = 0; k < r.branches().size(); k++) {
      Branch br = r.branches().get(k);
      ContinuationAnalysis.Origin origin = r.origins().get(k);
      long stable = br.points().stream().filter(ContinuationPoint::stable).count();
      o.printf(Locale.ROOT, row, k + 1, "point " + (origin.point() + 1) + " at " + s + "="
              + Inputs.number(origin.atEnd() ? end : start),
          fmt(br.start().parameter()), fmt(br.end().parameter()), br.points().size(),
          stable == br.points().size() ? "all" : stable == 0 ? "none" : stable + "/"
              + br.points().size(), br.stop().label());
    }
    o.println();
    int count = 0;
    for (int k = 0; k < r.branches().size(); k++) {
      for (Bifurcation f : r.branches().get(k).bifurcations()) {
        if (count++ == 0) {
          o.println("bifurcations:");
        }
        o.printf(Locale.ROOT, "  branch %d: %s%n", k + 1, f.note());
      }
    }
    if (count == 0) {
      o.println("no bifurcation found in the range");
    }
    if (!r.pairings().isEmpty() && p.kind() == ContinuationParameter.Kind.CHECKPOINT) {
      o.println();
      o.println("pairing of the fixed points at s = " + Inputs.number(start) + " with those at s = "
          + Inputs.number(end) + ":");
      for (ContinuationAnalysis.Pairing pr : r.pairings()) {
        o.printf(Locale.ROOT, "  point %d: %s%n", pr.startPoint() + 1, pr.note());
      }
    }

    String stem = output.stem(loaded);
    ObjectNode report = Reports.header(FORMAT, loaded, model, b);
    fill(report, p, start, end, r);
    Path json = output.file(stem, "-continuation.json");
    Reports.write(report, json);
    o.println();
    o.println("wrote " + json);
    if (npy) {
      for (int k = 0; k < r.branches().size(); k++) {
        for (Path f : writeNpy(stem, k + 1, r.branches().get(k), model.numUnits())) {
          o.println("wrote " + f);
        }
        if (loaded.readout() != null) {
          double[][] y = ContinuationAnalysis.outputs(model, r.branches().get(k),
              loaded.readout());
          int outs = loaded.readout().outputs();
          double[] flat = new double[y.length * outs];
          for (int i = 0; i < y.length; i++) {
            System.arraycopy(y[i], 0, flat, i * outs, outs);
          }
          Path f = output.file(stem, "-branch-" + (k + 1) + "-outputs.npy");
          NumpyArrays.writeNpy(f, new int[] {y.length, outs}, flat);
          o.println("wrote " + f);
        }
      }
    }
    if (!noPlot && !r.branches().isEmpty()) {
      Path png = output.file(stem, "-continuation.png");
      String[] axis = new String[1];
      ToDoubleFunction<double[]> c = coordinate(model, loaded.readout(), r.branches(), axis);
      ContinuationPlot.write(png, "Bifurcation diagram of " + stem, s + ": " + p.description(),
          axis[0], c, r.branches());
      o.println("wrote " + png);
    }
    o.flush();
    return 0;
  }

  private static String fmt(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.6g", v);
  }

  private ToDoubleFunction<double[]> coordinate(RecurrentModel model,
      org.mrnn4j.models.io.Readout readout, List<Branch> branches, String[] axis) {
    if (coordinate.startsWith("output:")) {
      if (readout == null) {
        throw new UserException("--coordinate " + coordinate + ": the model has no readout;"
            + " give one with --readout KEY|FILE");
      }
      int k;
      try {
        k = Integer.parseInt(coordinate.substring("output:".length()));
      } catch (NumberFormatException e) {
        k = 0;
      }
      if (k < 1 || k > readout.outputs()) {
        throw new UserException("--coordinate " + coordinate + ": expected output:K with K from"
            + " 1 to " + readout.outputs() + " (the readout's outputs)");
      }
      int index = k - 1;
      boolean pre = model.naturalCoordinates()
          == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION;
      axis[0] = "output " + k + " of the readout (" + readout.source() + ")";
      return x -> readout.at(model, x, pre)[index];
    }
    if (coordinate.equals("pc1")) {
      axis[0] = "PC1 of the branch points (" + (model.naturalCoordinates()
          == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION ? "x" : "h") + ")";
      return ContinuationAnalysis.branchPc1(branches);
    }
    if (coordinate.startsWith("region:")) {
      String name = coordinate.substring("region:".length());
      IndexRanges units;
      try {
        units = model.layout().recurrentIndices(List.of(name));
      } catch (IllegalArgumentException e) {
        throw new UserException("--coordinate " + coordinate + ": no recurrent region '" + name
            + "' (the model has " + String.join(", ", model.layout().recurrentRegionNames())
            + ")");
      }
      int[] idx = units.toIndices();
      axis[0] = "mean activity h of region " + name;
      return x -> {
        double[] h = ContinuationAnalysis.activity(model, x);
        double sum = 0;
        for (int i : idx) {
          sum += h[i];
        }
        return sum / idx.length;
      };
    }
    throw new UserException("--coordinate " + coordinate + ": expected pc1, region:NAME or"
        + " output:K");
  }

  private List<Path> writeNpy(String stem, int k, Branch br, int n) throws IOException {
    int count = br.points().size();
    double[] par = new double[count];
    double[] states = new double[count * n];
    double[] unstable = new double[count];
    int kk = br.points().stream().mapToInt(pt -> pt.eigenReal().length).max().orElse(0);
    double[] re = new double[count * kk];
    double[] im = new double[count * kk];
    Arrays.fill(re, Double.NaN);
    Arrays.fill(im, Double.NaN);
    for (int i = 0; i < count; i++) {
      ContinuationPoint pt = br.points().get(i);
      par[i] = pt.parameter();
      System.arraycopy(pt.state(), 0, states, i * n, n);
      unstable[i] = pt.unstable();
      System.arraycopy(pt.eigenReal(), 0, re, i * kk, pt.eigenReal().length);
      System.arraycopy(pt.eigenImag(), 0, im, i * kk, pt.eigenImag().length);
    }
    String base = "-branch-" + k;
    List<Path> files = new ArrayList<>();
    Path f = output.file(stem, base + "-parameter.npy");
    NumpyArrays.writeNpy(f, new int[] {count}, par);
    files.add(f);
    f = output.file(stem, base + "-states.npy");
    NumpyArrays.writeNpy(f, new int[] {count, n}, states);
    files.add(f);
    f = output.file(stem, base + "-unstable.npy");
    NumpyArrays.writeNpy(f, new int[] {count}, unstable);
    files.add(f);
    f = output.file(stem, base + "-eigenvalues.npy");
    NumpyArrays.writeComplexNpy(f, new int[] {count, kk}, re, im);
    files.add(f);
    return files;
  }

  private static void fill(ObjectNode root, ContinuationParameter p, double start, double end,
      ContinuationAnalysis.Result r) {
    ObjectNode par = root.putObject("parameter");
    par.put("name", p.name());
    par.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    par.put("description", p.description());
    par.put("from", start);
    par.put("to", end);
    ObjectNode opt = root.putObject("options");
    opt.put("min_step", r.options().minStep());
    opt.put("max_step", r.options().maxStep());
    opt.put("max_points", r.options().maxPoints());
    opt.put("residual_tolerance", r.options().residualTolerance());
    opt.put("locate_tolerance", r.options().locateTolerance());
    opt.put("continuous_time_step", Double.isNaN(r.family().continuousTimeStep()) ? null
        : r.family().continuousTimeStep());
    root.put("fixed_points_at_start", r.atStart().fixedPoints().size());
    if (r.atEnd() != null) {
      root.put("fixed_points_at_end", r.atEnd().fixedPoints().size());
    }
    root.put("seconds", r.seconds());
    ArrayNode branches = root.putArray("branches");
    ArrayNode bifs = root.putArray("bifurcations");
    for (int k = 0; k < r.branches().size(); k++) {
      Branch br = r.branches().get(k);
      ObjectNode b = branches.addObject();
      b.put("branch", k + 1);
      b.put("started_at", r.origins().get(k).atEnd() ? "end" : "start");
      b.put("start_point", r.origins().get(k).point() + 1);
      b.put("direction", br.direction());
      b.put("points", br.points().size());
      point(b.putObject("start"), br.start());
      point(b.putObject("end"), br.end());
      b.put("stop_reason", br.stop().name().toLowerCase(Locale.ROOT));
      b.put("stop_detail", br.stopDetail());
      for (Bifurcation f : br.bifurcations()) {
        ObjectNode o = bifs.addObject();
        o.put("branch", k + 1);
        o.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        o.put("label", f.kind().label());
        o.put("located", f.located());
        if (f.located()) {
          o.put("parameter", f.parameter());
          ArrayNode st = o.putArray("state");
          Arrays.stream(f.state()).forEach(st::add);
        } else {
          o.putNull("parameter");
          o.putNull("state");
        }
        ArrayNode br2 = o.putArray("bracket");
        br2.add(f.bracketLow());
        br2.add(f.bracketHigh());
        ArrayNode ev = o.putArray("eigenvalues");
        for (int i = 0; i < f.eigenReal().length; i++) {
          ArrayNode z = ev.addArray();
          z.add(f.eigenReal()[i]);
          z.add(f.eigenImag()[i]);
        }
        o.put("after_point", f.afterPoint());
        o.put("note", f.note());
      }
    }
    if (!r.pairings().isEmpty()) {
      ArrayNode pairs = root.putArray("pairings");
      for (ContinuationAnalysis.Pairing pr : r.pairings()) {
        ObjectNode o = pairs.addObject();
        o.put("start_point", pr.startPoint() + 1);
        o.put("branch", pr.branch() + 1);
        if (pr.endPoint() >= 0) {
          o.put("end_point", pr.endPoint() + 1);
        } else {
          o.putNull("end_point");
        }
        o.put("note", pr.note());
      }
    }
  }

  private static void point(ObjectNode o, ContinuationPoint pt) {
    o.put("parameter", pt.parameter());
    o.put("q", pt.q());
    o.put("unstable_modes", pt.unstable());
    ArrayNode st = o.putArray("state");
    Arrays.stream(pt.state()).forEach(st::add);
  }
}
