package org.mrnn4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mrnn4j.app.InputSequence;
import org.mrnn4j.app.RegionCurrents;
import org.mrnn4j.app.StatesFile;
import org.mrnn4j.cli.report.CurrentsPlot;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.NumpyArrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j currents}: region-to-region currents along a trajectory ({@link RegionCurrents}),
 * written as NumPy arrays, a JSON summary and a PNG.
 */
@Command(
    name = "currents",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Region-to-region currents along a trajectory (CURBD's decomposition, with the network's"
          + " own weights): the pre-activation drive z_t = W_rec h_t + W_inp u_t + b of each"
          + " step (leaky: x_{t+1} = (1 - alpha) x_t + alpha z_t; Elman: h_{t+1} = act(z_t))"
          + " split by source: each recurrent region B (sum over j in B of W_rec[k, j] h_t[j]),"
          + " each input region, and the bias b. The sources sum to z_t.",
      "Entry t is the drive of the step from state s_t under input u_t: along a simulation"
          + " s_0 is the initial condition and entry t produced the simulation's state t;"
          + " with --states it is the drive at each given state.",
      "Writes STEM-currents.npy [T, R, S] (mean over each destination region's units),"
          + " STEM-currents-rms.npy [T, R, S] (root-mean-square over them),"
          + " STEM-unit-currents.npy [T, N, S] (per unit), STEM-currents.json and"
          + " STEM-currents.png; S = R recurrent regions + input regions + 1 (bias), in that"
          + " order.",
      "With no FILE it uses the bundled example network."
    })
final class CurrentsCommand implements Callable<Integer> {
  /** The value of the report's {@code format} key. */
  static final String FORMAT = "mrnn4j-currents";

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelFiles;

  @Option(names = {"-s", "--steps"}, paramLabel = "T", defaultValue = "200",
      description = "Steps of the simulation under the constant input (default:"
          + " ${DEFAULT-VALUE}); ignored with --inputs or --states.")
  int steps;

  @Mixin ConstantInput input;

  @Option(names = "--inputs", paramLabel = "FILE",
      description = "An input sequence instead of the constant input: a .npy of shape [T, I]"
          + " (one sequence; [1, T, I] too), or an .npz holding it under 'inputs'.")
  Path inputs;

  @Option(names = "--states", paramLabel = "FILE",
      description = "The states of a trajectory instead of a simulation (x for the leaky model,"
          + " h for the Elman model), in any form 'analyze --states' reads (for example"
          + " simulate's STEM-xs.npy); each with its own input if the file gives one, else"
          + " --input.")
  Path states;

  @Option(names = "--no-unit-currents",
      description = "Do not write the per-unit currents STEM-unit-currents.npy [T, N, S].")
  boolean noUnits;

  @Option(names = "--model-seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the random initialisation of a config given without weights"
          + " (default: ${DEFAULT-VALUE}).")
  long modelSeed;

  @Mixin OutputOptions output;

  @Option(names = "--no-plot", description = "Do not draw the PNG.")
  boolean noPlot;

  @Override
  public Integer call() throws IOException {
    if (inputs != null && states != null) {
      throw new UserException("give either --inputs (a simulation) or --states (a trajectory),"
          + " not both");
    }
    if (inputs == null && states == null && steps < 1) {
      throw new UserException("--steps must be 1 or more, got " + steps);
    }
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      ModelLoader.Loaded loaded = modelFiles.load(modelSeed, b);
      try (RecurrentModel model = loaded.model()) {
        return run(stdout, b, loaded, model);
      }
    }
  }

  private int run(PrintWriter stdout, Backend b, ModelLoader.Loaded loaded, RecurrentModel model)
      throws IOException {
    int n = model.numUnits();
    int in = model.numInputs();
    RegionCurrents c;
    String along;
    if (states != null) {
      List<StatesFile.Entry> entries = StatesFile.read(states, n, in);
      double[] u = input.vector(in);
      double[][] s = new double[entries.size()][];
      double[][] us = new double[entries.size()][];
      for (int t = 0; t < s.length; t++) {
        s[t] = entries.get(t).state();
        us[t] = entries.get(t).input() != null ? entries.get(t).input() : u;
      }
      c = RegionCurrents.of(model, s, us, !noUnits);
      along = "the " + s.length + " states of " + states;
    } else if (inputs != null) {
      InputSequence seq = InputSequence.read(inputs, in, false);
      if (seq.batch() != 1) {
        throw new UserException(inputs + " holds " + seq.batch() + " sequences (" + seq.shapeText()
            + "); currents follow one: give a [T, " + in + "] array");
      }
      c = RegionCurrents.simulate(model, seq.data(), seq.steps(), !noUnits);
      along = "a simulation of " + seq.steps() + " steps under " + inputs;
    } else {
      double[] u = input.vector(in);
      double[] seq = new double[steps * in];
      for (int t = 0; t < steps; t++) {
        System.arraycopy(u, 0, seq, t * in, in);
      }
      c = RegionCurrents.simulate(model, seq, steps, !noUnits);
      along = "a simulation of " + steps + " steps under the constant input "
          + ConstantInput.describe(u);
    }
    int t = c.steps();
    int r = c.destinations().size();
    int s = c.numSources();
    String stem = output.stem(loaded);
    Path meanFile = output.file(stem, "-currents.npy");
    Path rmsFile = output.file(stem, "-currents-rms.npy");
    NumpyArrays.writeNpy(meanFile, new int[] {t, r, s}, c.mean());
    NumpyArrays.writeNpy(rmsFile, new int[] {t, r, s}, c.rms());
    Path unitFile = null;
    if (c.unit() != null) {
      unitFile = output.file(stem, "-unit-currents.npy");
      NumpyArrays.writeNpy(unitFile, new int[] {t, n, s}, c.unit());
    }

    ObjectNode report = Reports.header(FORMAT, loaded, model, b);
    report.put("along", along);
    report.put("steps", t);
    ArrayNode dst = report.putArray("destinations");
    c.destinations().forEach(dst::add);
    ArrayNode src = report.putArray("sources");
    c.sources().forEach(src::add);
    boolean pre = model.naturalCoordinates() == Coordinates.PRE_ACTIVATION;
    ObjectNode def = report.putObject("definitions");
    def.put("drive", "z_t = W_rec h_t + W_inp u_t + b, h_t = " + (pre ? "act(x_t)" : "the state")
        + "; " + (pre ? "x_{t+1} = (1 - alpha) x_t + alpha z_t" : "h_{t+1} = act(z_t)"));
    def.put("time", "entry t is the drive of the step from state s_t under input u_t to s_{t+1}"
        + (states == null ? "; s_0 is the initial condition, so entry t produced the"
            + " simulation's state t (0-based)" : "; s_t is the file's state t"));
    def.put("current", "from recurrent region B to unit k: sum over j in B of W_rec[k, j] h_t[j];"
        + " from input region C: sum over m in C of W_inp[k, m] u_t[m]; from bias: b[k]");
    def.put("currents", "mean over the destination region's units [T, R, S]; summed over"
        + " sources it is the region-mean drive");
    def.put("currents_rms", "root-mean-square over the destination region's units [T, R, S]");
    def.put("unit_currents", "per destination unit [T, N, S]");
    ArrayNode avg = report.putArray("average_rms");
    for (double[] row : c.averageRms()) {
      ArrayNode a = avg.addArray();
      for (double v : row) {
        a.add(v);
      }
    }
    ObjectNode files = report.putObject("files");
    files.put("currents", meanFile.getFileName().toString());
    files.put("currents_rms", rmsFile.getFileName().toString());
    files.put("unit_currents", unitFile == null ? null : unitFile.getFileName().toString());
    Path json = output.file(stem, "-currents.json");
    Path png = noPlot ? null : output.file(stem, "-currents.png");
    files.put("plot", png == null ? null : png.getFileName().toString());
    Reports.write(report, json);

    stdout.printf(Locale.ROOT, "currents along %s%n", along);
    stdout.println();
    stdout.println("time-averaged RMS current (rows: destination, columns: source)");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-12s", ""));
    c.sources().forEach(x -> head.append(String.format(Locale.ROOT, " %12s", x)));
    stdout.println(head);
    double[][] a = c.averageRms();
    for (int k = 0; k < r; k++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s",
          c.destinations().get(k)));
      for (double v : a[k]) {
        line.append(String.format(Locale.ROOT, " %12.4g", v));
      }
      stdout.println(line);
    }
    stdout.println();
    stdout.println("wrote " + meanFile + "  [" + t + ", " + r + ", " + s + "] region-mean currents");
    stdout.println("wrote " + rmsFile + "  [" + t + ", " + r + ", " + s + "] RMS currents");
    if (unitFile != null) {
      stdout.println("wrote " + unitFile + "  [" + t + ", " + n + ", " + s + "] unit currents");
    }
    stdout.println("wrote " + json);
    if (png != null) {
      CurrentsPlot.write(png, stem, c);
      stdout.println("wrote " + png);
    }
    stdout.flush();
    return 0;
  }
}
