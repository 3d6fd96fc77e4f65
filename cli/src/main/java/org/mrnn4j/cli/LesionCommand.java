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
import java.util.function.Function;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.app.LesionAnalysis;
import org.mrnn4j.app.OperatingPoints;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.Lesion;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j lesion}: the fixed points (and optionally the stability at operating points) of a
 * network and of lesioned copies of it, side by side ({@link LesionAnalysis} does the work).
 */
@Command(
    name = "lesion",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lesion a network and compare it with the intact one: silence a region (silence:REGION:"
          + " all its outgoing recurrent weights, self included, set to 0; its units still run but"
          + " drive nothing), cut a connection (cut:SRC->DST: the block W[DST, SRC] set to 0) or"
          + " scale one (scale:SRC->DST=F). Parent regions stand for their children.",
      "For the intact network and each lesion: the fixed points at the constant input (as"
          + " 'fixed-points' finds them, same starts from --seed) with their stability, and with"
          + " --steps or --states the spectral radius at those operating points. Each intact fixed"
          + " point is also used as a start in the lesioned network: where that start converged"
          + " (how far the point moved, its stability before and after), or that it found no fixed"
          + " point from there (not proof that none exists); lesioned fixed points no intact start"
          + " reached are 'new'.",
      "Prints one row per lesion (and the point-by-point comparison for a single lesion), writes"
          + " DIR/NAME-lesions.json.",
      "",
      "With no FILE it lesions the bundled example network."
    })
final class LesionCommand implements Callable<Integer> {
  /** The value of the report's {@code format} key. */
  static final String FORMAT = "mrnn4j-lesions";

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelFiles;

  /** Which lesions: given one by one, or all of one kind. */
  static final class Which {
    @Option(names = "--lesion", paramLabel = "SPEC",
        description = "A lesion: silence:REGION, cut:SRC->DST or scale:SRC->DST=F (repeatable;"
            + " each analysed on its own).")
    List<String> lesions;

    @Option(names = "--lesions", paramLabel = "SET",
        description = "Every lesion of a kind, one analysis each: all-regions (silence each leaf"
            + " region) or all-connections (cut each region-to-region connection that has"
            + " weights, self-connections included).")
    String set;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  @Mixin ConstantInput input;

  @Option(names = {"-s", "--steps"}, split = ",", paramLabel = "N",
      description = "Also the stability at operating points: the state after N steps from each"
          + " network's own initial condition under the constant input (0 is the initial"
          + " condition).")
  List<Integer> steps;

  @Option(names = "--states", paramLabel = "FILE",
      description = "Also the stability at the states of a file (as 'analyze --states'), the"
          + " same states for every network.")
  Path states;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the fixed-point starts, the same for every network (and of the"
          + " random initialisation of a config given without weights) (default:"
          + " ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-n", "--starts"}, paramLabel = "N",
      defaultValue = "" + org.mrnn4j.analysis.fixedpoints.StartSampler.DEFAULT_STARTS,
      description = "Starts sampled per network, as 'fixed-points --starts' (default:"
          + " ${DEFAULT-VALUE}); fewer make a sweep over many lesions quicker and may miss fixed"
          + " points.")
  int starts;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws IOException {
    if (starts < 1) {
      throw new UserException("--starts must be at least 1, got " + starts);
    }
    if (states != null && steps != null && !steps.isEmpty()) {
      throw new UserException("give either --steps or --states, not both");
    }
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      ModelLoader.Loaded loaded = modelFiles.load(seed, b);
      try (RecurrentModel model = loaded.model()) {
        return run(stdout, b, loaded, model);
      }
    }
  }

  private List<Lesion> lesions(RecurrentModel model) {
    if (which.set != null) {
      return switch (which.set) {
        case "all-regions" -> Lesion.allRegions(model.layout());
        case "all-connections" -> Lesion.allConnections(model);
        default -> throw new UserException("--lesions: expected all-regions or all-connections,"
            + " got '" + which.set + "'");
      };
    }
    List<Lesion> out = new ArrayList<>();
    for (String s : which.lesions) {
      try {
        out.add(Lesion.parse(s));
      } catch (IllegalArgumentException e) {
        throw new UserException("--lesion: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private int run(PrintWriter o, Backend b, ModelLoader.Loaded loaded, RecurrentModel model)
      throws IOException {
    double[] u = input.vector(model.numInputs());
    List<Lesion> lesions = lesions(model);
    if (lesions.isEmpty()) {
      throw new UserException("--lesions " + which.set + ": the network has no such lesion");
    }
    boolean inputGiven = input.values != null && !input.values.isEmpty();
    Function<RecurrentModel, OperatingPoints> points = null;
    String pointsText = "none (give --steps or --states)";
    if (states != null) {
      // read once: a lesion changes no unit or input count, so every network takes these states
      OperatingPoints fromFile = OperatingPoints.fromFile(model, states, u, inputGiven);
      points = m -> fromFile;
      pointsText = "the states of " + states + ", the same for every network";
    } else if (steps != null && !steps.isEmpty()) {
      var sorted = StepsOption.steps(steps, List.of());
      points = m -> OperatingPoints.simulated(m, u, sorted);
      pointsText = "after " + sorted + " steps from each network's initial condition";
    }
    LesionAnalysis.Result r;
    try (TerminalProgress progress = TerminalProgress.start("networks", lesions.size() + 1)) {
      r = LesionAnalysis.run(model, u, lesions, seed, starts, points, progress::update);
    }

    o.printf(Locale.ROOT, "model        %s%n", loaded.description());
    o.printf(Locale.ROOT, "             %s mRNN, %s, %d units, %d inputs%n",
        model.kind().label(), model.activation().label(), model.numUnits(), model.numInputs());
    o.printf(Locale.ROOT, "weights      %s%n", loaded.weights());
    o.printf(Locale.ROOT, "backend      %s%n", b.name());
    o.printf(Locale.ROOT, "input        %s%n", ConstantInput.describe(u));
    o.printf(Locale.ROOT, "fixed points all units, in %s, %d starts from seed %d%n",
        coordinates(model), starts, seed);
    o.printf(Locale.ROOT, "op. points   %s%n", pointsText);
    o.printf(Locale.ROOT, "lesions      %d; silence:R sets R's outgoing weights to 0 (its units"
        + " still run); moved: an intact point's start converged more than %s away%n",
        lesions.size(), AnalyzeCommand.num(r.tolerance()));
    o.println();
    String row = "%-28s  %5s  %6s  %7s  %5s  %9s  %3s  %9s  %s%n";
    o.printf(Locale.ROOT, row, "LESION", "FOUND", "STABLE", "SADDLES", "MOVED", "NOT FOUND",
        "NEW", "STABILITY", points == null ? "" : "RADIUS AT OP. POINTS");
    o.printf(Locale.ROOT, row, "", "", "", "", "", "", "", "CHANGED", "");
    printRow(o, row, r.intact(), points != null);
    for (LesionAnalysis.Network n : r.lesioned()) {
      printRow(o, row, n, points != null);
    }
    o.println();
    o.println("FOUND: fixed points found (from the default starts, plus any reached only from an"
        + " intact point); MOVED, NOT FOUND, STABILITY CHANGED: of the "
        + r.intact().fixedPoints().size() + " intact points, by where their start ended; NEW: no"
        + " intact start reached it.");
    if (r.lesioned().size() == 1) {
      printComparison(o, r.intact(), r.lesioned().get(0));
    }

    String stem = output.stem(loaded);
    ObjectNode report = Reports.header(FORMAT, loaded, model, b);
    ArrayNode in = report.putArray("input");
    Arrays.stream(u).forEach(in::add);
    report.put("seed", seed);
    report.put("starts", starts);
    report.put("coordinates", model.naturalCoordinates()
        == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION ? "x" : "h");
    report.put("same_point_tolerance", r.tolerance());
    ObjectNode op = report.putObject("operating_points");
    op.put("source", points == null ? null : pointsText);
    ArrayNode labels = op.putArray("labels");
    r.operatingLabels().forEach(labels::add);
    report.set("intact", network(r.intact()));
    ArrayNode ls = report.putArray("lesions");
    for (LesionAnalysis.Network n : r.lesioned()) {
      ls.add(network(n));
    }
    Path json = output.file(stem, "-lesions.json");
    Reports.write(report, json);
    o.println();
    o.println("wrote " + json);
    o.flush();
    return 0;
  }

  private static String coordinates(RecurrentModel model) {
    return model.naturalCoordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION
        ? "pre-activations x" : "h";
  }

  private static void printRow(PrintWriter o, String row, LesionAnalysis.Network n,
      boolean operating) {
    boolean intact = n.lesion() == null;
    o.printf(Locale.ROOT, row, n.label(), n.fixedPoints().size(), n.stableCount(),
        n.saddleCount(), intact ? "-" : n.movedCount(), intact ? "-" : n.notFoundCount(),
        intact ? "-" : n.newPoints().size(), intact ? "-" : n.stabilityChangedCount(),
        operating ? radii(n.operating()) : "");
  }

  private static String radii(List<StabilitySummary> s) {
    if (s.size() <= 4) {
      return String.join(", ", s.stream()
          .map(x -> AnalyzeCommand.num(x.spectralRadius())).toList());
    }
    double lo = s.stream().mapToDouble(StabilitySummary::spectralRadius).min().orElse(0);
    double hi = s.stream().mapToDouble(StabilitySummary::spectralRadius).max().orElse(0);
    return AnalyzeCommand.num(lo) + " to " + AnalyzeCommand.num(hi) + " (" + s.size()
        + " points)";
  }

  private static void printComparison(PrintWriter o, LesionAnalysis.Network intact,
      LesionAnalysis.Network n) {
    o.println();
    o.println("intact fixed points in the lesioned network (" + n.label() + "):");
    String row = "%4s  %-26s  %-32s  %10s  %-26s%n";
    o.printf(Locale.ROOT, row, "#", "INTACT", "START FROM IT", "MOVED BY", "LESIONED");
    for (LesionAnalysis.Match m : n.matches()) {
      if (m.found()) {
        o.printf(Locale.ROOT, row, m.intact() + 1, m.before(),
            "converged to lesioned #" + (m.lesioned() + 1), AnalyzeCommand.num(m.distance()),
            m.after() + (m.stabilityChanged() ? " (changed)" : ""));
      } else {
        o.printf(Locale.ROOT, row, m.intact() + 1, m.before(),
            "not found from it (" + status(m) + ")", "-", "-");
      }
    }
    if (!n.newPoints().isEmpty()) {
      o.println();
      o.println("new fixed points (reached by no intact point's start):");
      for (int k : n.newPoints()) {
        FixedPoint p = n.fixedPoints().get(k);
        o.printf(Locale.ROOT, "%4d  %s%n", k + 1, p.describe());
      }
    }
  }

  private static String status(LesionAnalysis.Match m) {
    return switch (m.status()) {
      case SLOW_POINT -> String.format(Locale.ROOT, "slow point, q %.1e", m.q());
      case MAX_ITERATIONS -> String.format(Locale.ROOT, "iteration cap, q %.1e", m.q());
      case DIVERGED -> "diverged";
      case CONVERGED -> "converged";
    };
  }

  private static ObjectNode network(LesionAnalysis.Network n) {
    ObjectNode out = Reports.MAPPER.createObjectNode();
    out.put("lesion", n.lesion() == null ? null : n.lesion().toString());
    if (n.lesion() != null) {
      out.put("kind", n.lesion().kind().label());
      out.put("source", n.lesion().source());
      out.put("destination", n.lesion().destination());
      out.put("factor", n.lesion().factor());
    }
    ObjectNode summary = out.putObject("summary");
    summary.put("fixed_points", n.fixedPoints().size());
    summary.put("stable", n.stableCount());
    summary.put("saddles", n.saddleCount());
    summary.put("from_intact_only", n.fromIntactOnly());
    if (n.lesion() != null) {
      summary.put("moved", n.movedCount());
      summary.put("not_found", n.notFoundCount());
      summary.put("new", n.newPoints().size());
      summary.put("stability_changed", n.stabilityChangedCount());
    }
    summary.put("search_seconds", n.search().seconds());
    ArrayNode fps = out.putArray("fixed_points");
    for (int i = 0; i < n.fixedPoints().size(); i++) {
      FixedPoint p = n.fixedPoints().get(i);
      ObjectNode f = fps.addObject();
      f.put("type", p.describe());
      f.put("unstable_modes", p.unstableModes());
      Reports.putFinite(f, "spectral_radius", p.spectralRadius());
      f.put("q", p.q());
      f.put("from_intact_only", i >= n.fixedPoints().size() - n.fromIntactOnly());
      ArrayNode s = f.putArray("state");
      Arrays.stream(p.fullState()).forEach(s::add);
    }
    ArrayNode op = out.putArray("operating_points");
    for (StabilitySummary s : n.operating()) {
      ObjectNode e = op.addObject();
      Reports.putFinite(e, "spectral_radius", s.spectralRadius());
      e.put("unstable_modes", s.unstableModes());
    }
    if (n.lesion() != null) {
      ArrayNode ms = out.putArray("intact_points");
      for (LesionAnalysis.Match m : n.matches()) {
        ObjectNode e = ms.addObject();
        e.put("intact", m.intact());
        e.put("start_ended", m.status().name().toLowerCase(Locale.ROOT));
        Reports.putFinite(e, "q", m.q());
        if (m.found()) {
          e.put("lesioned", m.lesioned());
          e.put("distance", m.distance());
        } else {
          e.putNull("lesioned");
          e.putNull("distance");
        }
        e.put("before", m.before());
        e.put("unstable_before", m.unstableBefore());
        e.put("after", m.after());
        if (m.found()) {
          e.put("unstable_after", m.unstableAfter());
        } else {
          e.putNull("unstable_after");
        }
        e.put("stability_changed", m.stabilityChanged());
      }
      ArrayNode fresh = out.putArray("new_points");
      n.newPoints().forEach(fresh::add);
    }
    return out;
  }
}
