package org.mrnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mrnn4j.app.ModelFilesResolver;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.io.ModelArguments;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.MrnnConfig;
import org.mrnn4j.models.io.Readout;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The options that name the model's files and its constructor arguments, shared by every command
 * that loads a model (a picocli mixin). The constructor arguments are named after mRNNTorch's
 * ({@code mRNN(activation=..., dt=..., tau=..., rec_constrained=..., inp_constrained=...,
 * softplus_beta=...)}): its JSON configs hold regions and connections only, so these come from
 * the config's {@code model} block or from these options, and a missing one is refused unless
 * {@code --mrnntorch-defaults} (see {@link ModelArguments}); also the positional FILE and
 * {@code --backend}. {@code --seed} stays with each command: what it seeds differs.
 */
final class ModelOptions {
  /** Each required constructor argument's option, by its config key. */
  static final Map<String, String> OPTION_OF = Map.of(
      "type", "--kind", "activation", "--activation", "softplus_beta", "--softplus-beta",
      "dt", "--dt", "tau", "--tau", "rec_constrained", "--rec-constrained",
      "inp_constrained", "--inp-constrained");

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Parameters(arity = "0..2", paramLabel = "FILE",
      description = "The model: an mRNNTorch JSON config and optionally its PyTorch .pth"
          + " checkpoint, in any order (a checkpoint alone uses the .json of the same name"
          + " beside it), or a model saved by mrnn4j. The model's constructor arguments come from"
          + " the config's \"model\" block or the options below. Default: the bundled example.")
  List<Path> files = new ArrayList<>();

  @Option(names = {"-b", "--backend"}, paramLabel = "NAME",
      description = "Compute backend (see 'mrnn4j backends'); default: the best available for"
          + " the model's size.")
  String backend;

  @Option(names = "--config", paramLabel = "JSON",
      description = "The mRNNTorch JSON config (or saved mrnn4j model); same as giving it as FILE.")
  Path config;

  @Option(names = {"-c", "--checkpoint"}, paramLabel = "PTH",
      description = "The PyTorch checkpoint (torch.save(model.state_dict())) holding the weights.")
  Path checkpoint;

  @Option(names = "--prefix", paramLabel = "KEY",
      description = "Key prefix of the weights in the checkpoint, e.g. 'rnn.' (default: detected).")
  String prefix;

  @Option(names = "--readout", paramLabel = "KEY|FILE",
      description = "A linear readout y = W h + b beside the mRNN, applied to the activations h"
          + " of all N units: the key prefix of a Linear in the checkpoint (out_layer takes"
          + " out_layer.weight [O, N] and, if present, out_layer.bias [O]), or a .npy of the"
          + " weights [O, N], or an .npz with 'weight' and optionally 'bias'. Default:"
          + " readout.weight and readout.bias when the checkpoint holds them; none otherwise."
          + " Fixed points, simulations and flow-field markers then carry the output.")
  String readout;

  @Option(names = "--kind", paramLabel = "leaky|elman",
      description = "The model: leaky (mRNNTorch's mRNN) or elman (ElmanmRNN). Overrides the"
          + " config's model.type.")
  String kind;

  @Option(names = "--activation", paramLabel = "NAME",
      description = "mRNNTorch's activation argument: relu, tanh, sigmoid, softplus or linear."
          + " Overrides the config's model.activation.")
  String activation;

  @Option(names = "--softplus-beta", paramLabel = "BETA",
      description = "mRNNTorch's softplus_beta (softplus only): log(1 + exp(BETA x)) / BETA.")
  Double softplusBeta;

  @Option(names = "--dt", paramLabel = "DT",
      description = "mRNNTorch's dt (leaky model): the Euler step; alpha = dt / tau.")
  Double dt;

  @Option(names = "--tau", paramLabel = "TAU",
      description = "mRNNTorch's tau (leaky model): the time constant.")
  Double tau;

  @Option(names = "--rec-constrained", paramLabel = "true|false", arity = "1",
      description = "mRNNTorch's rec_constrained: Dale's law on the recurrent weights (effective"
          + " weights mask * |W| * sign when true, W * mask when false).")
  Boolean recurrentConstrained;

  @Option(names = "--inp-constrained", paramLabel = "true|false", arity = "1",
      description = "mRNNTorch's inp_constrained: Dale's law on the input weights.")
  Boolean inputConstrained;

  @Option(names = "--mrnntorch-defaults",
      description = "Let mRNNTorch's constructor defaults fill the arguments that neither the"
          + " config's model block nor an option gives (leaky, relu, dt 10, tau 100, Dale's law"
          + " on both weights, softplus_beta 1); which were assumed is said on standard error"
          + " and in the report. Without it a missing argument is an error.")
  boolean mrnntorchDefaults;

  /**
   * The backend {@code --backend} asks for, or by default the best one for the model these files
   * describe: a network under {@link org.mrnn4j.core.BackendSelector#NATIVE_FROM} units gets a
   * backend that loads no native code (its start-up would cost more than the work).
   */
  Backend backend() {
    return Plugins.selector().select(backend, org.mrnn4j.core.spi.BackendOptions.none(),
        ModelFilesResolver.units(config, files, checkpoint));
  }

  /** The constructor arguments these options give (unset ones null). */
  MrnnConfig.ModelOptions arguments() {
    ModelKind k;
    Activation a;
    try {
      k = kind == null ? null : ModelKind.fromName(kind);
    } catch (IllegalArgumentException e) {
      throw new UserException("--kind: " + e.getMessage());
    }
    try {
      a = activation == null ? null : Activation.fromName(activation);
    } catch (IllegalArgumentException e) {
      throw new UserException("--activation: " + e.getMessage());
    }
    positive("--softplus-beta", softplusBeta);
    positive("--dt", dt);
    positive("--tau", tau);
    return new MrnnConfig.ModelOptions(k, a, softplusBeta, recurrentConstrained,
        inputConstrained, null, dt, tau, null, null, null);
  }

  private static void positive(String option, Double v) {
    if (v != null && !(v > 0 && Double.isFinite(v))) {
      throw new UserException(option + ": expected a positive number, got " + v);
    }
  }

  /**
   * Loads the model these options and the positional {@code files} describe (see
   * {@link ModelFilesResolver#load}), saying on standard error which constructor arguments were assumed
   * and which checkpoint keys the model does not use.
   *
   * @param seed the seed for a config given without weights
   */
  ModelLoader.Loaded load(long seed, Backend on) throws IOException {
    ModelLoader.Request request =
        new ModelLoader.Request(arguments(), mrnntorchDefaults, prefix, seed, readout);
    ModelLoader.Loaded loaded;
    try {
      loaded = ModelFilesResolver.load(config, files, checkpoint, request, on);
    } catch (ModelArguments.MissingModelArgumentsException e) {
      throw new UserException(missingMessage(e));
    }
    PrintWriter err = command == null ? null : command.commandLine().getErr();
    if (err != null) {
      if (!loaded.arguments().assumed().isEmpty()) {
        ModelKind k = loaded.arguments().options().kind();
        err.println("mrnn4j: --mrnntorch-defaults: assumed " + loaded.arguments().assumed()
            .stream().map(key -> ModelArguments.describeDefault(key, k))
            .collect(Collectors.joining(", ")));
      }
      if (!loaded.unusedKeys().isEmpty()) {
        err.println("mrnn4j: note: checkpoint keys the model does not use: "
            + String.join(", ", loaded.unusedKeys()));
      }
      if (loaded.readoutHint() != null) {
        err.println("mrnn4j: note: " + readoutHint(loaded.readoutHint()));
      }
      if (loaded.readout() != null) {
        err.println("mrnn4j: readout: " + loaded.readout().outputs() + " outputs from "
            + loaded.readout().source() + ", applied to " + Readout.APPLIED_TO);
      }
      err.flush();
    }
    return loaded;
  }

  /**
   * {@return the note on unused keys that look like a readout}
   *
   * @param prefix the Linear's key prefix
   */
  static String readoutHint(String prefix) {
    return prefix + ".weight and " + prefix + ".bias look like a linear readout (a Linear"
        + " reading all units); it is not applied unasked: pass --readout " + prefix
        + " to see the outputs";
  }

  /** The refusal, naming each missing argument with the option that gives it. */
  static String missingMessage(ModelArguments.MissingModelArgumentsException e) {
    String list = e.missing().stream().map(k -> k + " (" + OPTION_OF.get(k) + ")")
        .collect(Collectors.joining(", "));
    return (e.file() == null ? "" : e.file() + ": ") + "missing model parameters: " + list
        + ". mRNNTorch takes them as arguments of mRNN(...) / ElmanmRNN(...), not from its"
        + " config: give the options, or set them in the config's \"model\" block, or pass"
        + " --mrnntorch-defaults to assume mRNNTorch's defaults";
  }
}
