package org.mrnn4j.cli;

import java.util.List;
import org.mrnn4j.app.Inputs;
import picocli.CommandLine.Option;

/**
 * The {@code --input} option shared by the commands (a picocli mixin): a constant input to the
 * model.
 */
final class ConstantInput {
  @Option(names = {"-u", "--input"}, split = ",", paramLabel = "VALUE",
      description = "The constant input: one value for every input unit, or one per input unit,"
          + " comma-separated (default: 0).")
  List<Double> values;

  /**
   * The input vector from the option's values ({@link Inputs#constant}).
   *
   * @throws IllegalArgumentException naming {@code --input} if its count fits neither
   */
  double[] vector(int inputs) {
    return Inputs.constant(values, inputs, "--input");
  }

  /** For example {@code zero on all 3 input units} or {@code [0.5, -1]}. */
  static String describe(double[] u) {
    return Inputs.describe(u);
  }
}
