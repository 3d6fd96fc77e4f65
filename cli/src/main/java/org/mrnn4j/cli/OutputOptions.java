package org.mrnn4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command writes its report and plot: {@code -o/--out} and {@code --name}, shared by
 * {@code analyze} and {@code fixed-points} (a picocli mixin).
 */
final class OutputOptions {
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "mrnn4j-out",
      description = "Directory for the report and the plot (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Stem of the output files (default: the model file's name, or 'example').")
  String name;

  /** The stem of the output files: {@code --name}, or else the model's base name. */
  String stem(ModelSource.Loaded loaded) {
    return name != null ? name : loaded.baseName();
  }

  /** The output file {@code DIR/STEM SUFFIX}. */
  Path file(String stem, String suffix) {
    return out.resolve(stem + suffix);
  }
}
