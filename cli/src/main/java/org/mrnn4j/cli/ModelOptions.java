package org.mrnn4j.cli;

import org.mrnn4j.models.io.ModelLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mrnn4j.core.Backend;
import picocli.CommandLine.Option;

/**
 * The options that name the model's files, shared by {@code analyze} and {@code fixed-points}
 * (a picocli mixin). The positional FILE, {@code --backend} and {@code --seed} stay with each
 * command: their help says what they mean for that command.
 */
final class ModelOptions {
  @Option(names = "--config", paramLabel = "JSON",
      description = "The mRNNTorch JSON config (or saved mrnn4j model); same as giving it as FILE.")
  Path config;

  @Option(names = {"-c", "--checkpoint"}, paramLabel = "PTH",
      description = "The PyTorch checkpoint (torch.save(model.state_dict())) holding the weights.")
  Path checkpoint;

  @Option(names = "--prefix", paramLabel = "KEY",
      description = "Key prefix of the weights in the checkpoint, e.g. 'rnn.' (default: detected).")
  String prefix;

  /**
   * Loads the model these options and the positional {@code files} describe (see
   * {@link ModelSource#load}).
   *
   * @param seed the seed for a config given without weights
   */
  /**
   * The backend {@code name} asks for, or by default the best one for the model these files
   * describe: a network under {@link org.mrnn4j.core.BackendSelector#NATIVE_FROM} units gets a
   * backend that loads no native code (its start-up would cost more than the work).
   */
  Backend backend(String name, List<Path> files) {
    return Plugins.selector().select(name, org.mrnn4j.core.spi.BackendOptions.none(),
        ModelSource.units(config, files, checkpoint));
  }

  ModelLoader.Loaded load(List<Path> files, long seed, Backend backend) throws IOException {
    return ModelSource.load(config, files, checkpoint, prefix, seed, backend);
  }
}
