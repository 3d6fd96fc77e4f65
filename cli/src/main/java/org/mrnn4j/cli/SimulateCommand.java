package org.mrnn4j.cli;

import org.mrnn4j.models.io.ModelLoader;
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
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.models.Layout;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;
import org.mrnn4j.app.InputSequence;
import org.mrnn4j.models.io.ModelArguments;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.models.io.Readout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j simulate}: runs the model over an input sequence (a constant, or a NumPy file) and
 * writes the pre-activations and activations as NumPy arrays, with a JSON report.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate the model from its initial condition (or --x0) under a constant input for --steps"
          + " steps, or under the input sequence of a NumPy file (--inputs), optionally with"
          + " seeded noise, and write the states as NumPy arrays: STEM-xs.npy (pre-activations x)"
          + " and STEM-hs.npy (activations h), shape [B, T, N] (batch first) or [T, B, N]"
          + " (--time-first), B = 1 for a constant input; plus STEM-simulation.json.",
      "xs.npy is what 'mrnn4j analyze --states' reads back.",
      "With no FILE it uses the bundled example network."
    })
final class SimulateCommand implements Callable<Integer> {
  /** The value of the simulation report's {@code format} key. */
  static final String FORMAT = "mrnn4j-simulation";

  @Spec CommandSpec spec;


  @Mixin ModelOptions modelFiles;

  @Option(names = {"-s", "--steps"}, paramLabel = "T", defaultValue = "200",
      description = "Steps under the constant input (default: ${DEFAULT-VALUE}); ignored with"
          + " --inputs, whose length counts.")
  int steps;

  @Mixin ConstantInput input;

  @Option(names = "--inputs", paramLabel = "FILE",
      description = "The input sequence: a .npy of shape [T, I] or [B, T, I] ([T, B, I] with"
          + " --time-first), or an .npz holding it under 'inputs'.")
  Path inputs;

  @Option(names = "--x0", paramLabel = "FILE",
      description = "The initial state, a .npy of shape [N] or [B, N]: x0 for the leaky model"
          + " (pre-activations), h0 for the Elman model. Default: the model's initial condition.")
  Path x0;

  @Option(names = "--noise",
      description = "Add noise at the model's noise levels (its config's noise_level_act and"
          + " noise_level_inp).")
  boolean noise;

  @Option(names = "--noise-levels", split = ",", paramLabel = "ACT,INP",
      description = "Add noise at these levels instead (mRNNTorch's noise_level_act,"
          + " noise_level_inp).")
  double[] noiseLevels;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the noise (default: ${DEFAULT-VALUE}); the same seed gives the same"
          + " states.")
  long seed;

  @Option(names = "--time-first",
      description = "Time-first layout for --inputs and the written states: [T, B, ...]"
          + " (mRNNTorch's batch_first=False). Default: the model's batch_first (its config's"
          + " model block), else batch first [B, T, ...], mRNNTorch's default.")
  boolean timeFirstOption;

  @Option(names = "--batch-first",
      description = "Batch-first layout for --inputs and the written states: [B, T, ...].")
  boolean batchFirstOption;

  /** The layout in use, resolved in {@link #call()}. */
  private boolean timeFirst;

  @Option(names = "--model-seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the random initialisation of a config given without weights"
          + " (default: ${DEFAULT-VALUE}).")
  long modelSeed;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws IOException {
    if (inputs == null && steps < 1) {
      throw new UserException("--steps must be 1 or more, got " + steps);
    }
    if (noiseLevels != null && noiseLevels.length != 2) {
      throw new UserException("--noise-levels takes two values, ACT,INP; got "
          + noiseLevels.length);
    }
    if (noise && noiseLevels != null) {
      throw new UserException("give either --noise or --noise-levels, not both");
    }
    if (timeFirstOption && batchFirstOption) {
      throw new UserException("give either --time-first or --batch-first, not both");
    }
    output.requireWritable();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      ModelLoader.Loaded loaded = modelFiles.load(modelSeed, b);
      try (RecurrentModel model = loaded.model(); TensorScope scope = new TensorScope()) {
        return run(stdout, b, loaded, model, scope);
      }
    }
  }

  /** Whether the model's noise levels were given (config or option), not left at defaults. */
  private static boolean noiseLevelsGiven(ModelLoader.Loaded loaded) {
    var a = loaded.arguments();
    return a.source("noise_level_act") != ModelArguments.Source.MRNNTORCH_DEFAULT
        && a.source("noise_level_inp") != ModelArguments.Source.MRNNTORCH_DEFAULT;
  }

  private int run(PrintWriter stdout, Backend b, ModelLoader.Loaded loaded, RecurrentModel model,
      TensorScope scope) throws IOException {
    // the layout: an option, else the model's batch_first, else mRNNTorch's default (batch first)
    Boolean modelBatchFirst = loaded.arguments().options().batchFirst();
    String layoutFrom;
    if (timeFirstOption || batchFirstOption) {
      timeFirst = timeFirstOption;
      layoutFrom = timeFirstOption ? "--time-first" : "--batch-first";
    } else if (modelBatchFirst != null) {
      timeFirst = !modelBatchFirst;
      layoutFrom = "the model's batch_first = " + modelBatchFirst;
    } else {
      timeFirst = false;
      layoutFrom = "mRNNTorch's default batch_first = true";
    }
    if (modelBatchFirst != null && (timeFirstOption || batchFirstOption)
        && modelBatchFirst == timeFirst) {
      layoutFrom += ", which overrides the model's batch_first = " + modelBatchFirst;
    }
    PrintWriter err = spec.commandLine().getErr();
    if (noise && !noiseLevelsGiven(loaded)) {
      err.printf(Locale.ROOT, "mrnn4j: --mrnntorch-defaults: assumed noise levels act %s, inp"
          + " %s%n", AnalyzeCommand.num(model.spec().noiseLevelAct()),
          AnalyzeCommand.num(model.spec().noiseLevelInp()));
    }
    if (noise && !noiseLevelsGiven(loaded) && !modelFiles.mrnntorchDefaults) {
      throw new UserException("--noise: the model's noise levels (noise_level_act,"
          + " noise_level_inp) are not given; give them with --noise-levels ACT,INP or in the"
          + " config's model block, or pass --mrnntorch-defaults to use mRNNTorch's 0.01");
    }
    int n = model.numUnits();
    int in = model.numInputs();
    if (inputs == null) {
      requireRoom(1, steps, n, in, 2);
    }
    Tensor u;
    int batch;
    int length;
    if (inputs != null) {
      InputSequence a = InputSequence.read(inputs, in, timeFirst);
      int[] s = a.shape();
      batch = a.batch();
      length = a.steps();
      requireRoom(batch, length, n, in, 1);
      if (s.length == 3) {
        // a [4, 100, 2] array is 4 sequences of 100 steps or 100 of 4: say which was assumed
        err.printf(Locale.ROOT, "mrnn4j: reading %s %s as %d sequence%s of %d step%s (%s, from"
            + " %s)%n", inputs.getFileName(), a.shapeText(), batch, batch == 1 ? "" : "s", length,
            length == 1 ? "" : "s", timeFirst ? "time first [T, B, I]" : "batch first [B, T, I]",
            layoutFrom);
        err.flush();
        u = scope.track(b.fromArray(a.data(), s[0], s[1], in));
      } else {
        // [T, I] is one sequence either way
        u = scope.track(timeFirst ? b.fromArray(a.data(), length, 1, in)
            : b.fromArray(a.data(), 1, length, in));
      }
    } else {
      double[] c = input.vector(in);
      batch = 1;
      length = steps;
      double[] seq = new double[length * in];
      for (int t = 0; t < length; t++) {
        System.arraycopy(c, 0, seq, t * in, in);
      }
      u = scope.track(timeFirst ? b.fromArray(seq, length, 1, in) : b.fromArray(seq, 1, length,
          in));
    }
    Simulation sim = Simulation.of(u).layout(timeFirst ? Layout.TIME_FIRST : Layout.BATCH_FIRST);
    if (x0 != null) {
      NumpyArrays.NdArray a = NumpyArrays.readNpy(x0);
      int[] s = a.shape();
      if (!(s.length == 1 && s[0] == n) && !(s.length == 2 && s[1] == n && s[0] == batch)) {
        throw new ModelFormatException(x0, "shape", "is " + a.shapeText() + "; expected [" + n
            + "] or [" + batch + ", " + n + "] (one state per batch row; B = " + batch + " with"
            + " the inputs read " + (timeFirst ? "time first" : "batch first") + ", from "
            + layoutFrom + ")");
      }
      Tensor state = scope.track(s.length == 1 ? b.fromArray(a.data(), n)
          : b.fromArray(a.data(), batch, n));
      sim = model.kind() == ModelKind.ELMAN ? sim.h0(state) : sim.x0(state);
    }
    if (noise) {
      sim = sim.noise(seed);
    } else if (noiseLevels != null) {
      sim = sim.noise(noiseLevels[0], noiseLevels[1], seed);
    }
    String stem = output.stem(loaded);
    Path xsFile = output.file(stem, "-xs.npy");
    Path hsFile = output.file(stem, "-hs.npy");
    int[] shape = timeFirst ? new int[] {length, batch, n} : new int[] {batch, length, n};
    Readout readout = loaded.readout();
    Path ysFile = readout == null ? null : output.file(stem, "-ys.npy");
    int[] yShape = readout == null ? null : new int[] {shape[0], shape[1], readout.outputs()};
    try (Trajectory t = model.simulate(sim)) {
      NumpyArrays.writeNpy(xsFile, shape, t.xs().toArray());
      double[] hs = t.hs().toArray();
      NumpyArrays.writeNpy(hsFile, shape, hs);
      if (readout != null) {
        // the readout of each row's activations, in the states' layout
        int o = readout.outputs();
        int rows = hs.length / n;
        double[] ys = new double[rows * o];
        double[] h = new double[n];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(hs, r * n, h, 0, n);
          System.arraycopy(readout.apply(h), 0, ys, r * o, o);
        }
        NumpyArrays.writeNpy(ysFile, yShape, ys);
      }
    }

    ObjectNode report = Reports.header(FORMAT, loaded, model, b);
    report.put("layout", timeFirst ? "time-first" : "batch-first");
    report.put("layout_from", layoutFrom);
    report.put("batch", batch);
    report.put("steps", length);
    if (inputs != null) {
      report.put("inputs", inputs.toString());
    } else {
      ArrayNode c = report.putArray("input");
      Arrays.stream(input.vector(in)).forEach(c::add);
    }
    report.put("x0", x0 == null ? null : x0.toString());
    ObjectNode noiseNode = report.putObject("noise");
    noiseNode.put("on", noise || noiseLevels != null);
    noiseNode.put("level_act", noiseLevels != null ? noiseLevels[0]
        : noise ? model.spec().noiseLevelAct() : 0);
    noiseNode.put("level_inp", noiseLevels != null ? noiseLevels[1]
        : noise ? model.spec().noiseLevelInp() : 0);
    noiseNode.put("seed", seed);
    ObjectNode written = report.putObject("files");
    written.put("xs", xsFile.getFileName().toString());
    written.put("hs", hsFile.getFileName().toString());
    if (ysFile != null) {
      written.put("ys", ysFile.getFileName().toString());
      report.set("ys_shape", Reports.MAPPER.valueToTree(yShape));
      report.put("ys", "the readout's outputs W h + b at each step's activations h");
    }
    report.set("shape", Reports.MAPPER.valueToTree(shape));
    Path json = output.file(stem, "-simulation.json");
    Reports.write(report, json);

    stdout.printf("simulated %d step%s of %s%s%s%n", length, length == 1 ? "" : "s",
        model.describe(), batch > 1 ? " for " + batch + " sequences" : "",
        noise || noiseLevels != null ? ", with noise (seed " + seed + ")" : "");
    stdout.println("wrote " + xsFile + "  " + shapeText(shape) + " pre-activations x");
    stdout.println("wrote " + hsFile + "  " + shapeText(shape) + " activations h");
    if (ysFile != null) {
      stdout.println("wrote " + ysFile + "  " + shapeText(yShape) + " readout outputs y = W h + b");
    }
    stdout.println("wrote " + json);
    stdout.flush();
    return 0;
  }

  /**
   * Refuses a simulation whose arrays cannot fit the heap, before any is allocated: the input
   * sequence ({@code inputCopies} of it still to be made) and the trajectories x and h, each held
   * as a tensor and copied out once to be written.
   */
  private static void requireRoom(int batch, long length, int n, int in, int inputCopies) {
    long cells = batch * length;
    MemoryGuard.requireHeap(String.format(Locale.ROOT, "simulate: %d x %d steps of a %d-unit"
        + " network", batch, length, n), cells * (4L * n + (long) inputCopies * in) * Double.BYTES,
        String.format(Locale.ROOT, "x and h of %d x %d x %d float64, each twice, and the inputs",
            batch, length, n),
        "give fewer --steps (or a shorter --inputs sequence), or a larger heap:"
            + " MRNN4J_JAVA_OPTS=-Xmx...");
  }

  /** The input array of {@code file}: a .npy, or the {@code inputs} array of an .npz. */
  private static String shapeText(int[] shape) {
    return Arrays.toString(shape);
  }
}
