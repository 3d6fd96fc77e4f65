package org.mrnn4j.cli;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
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
   * The input vector from the option's values: none for zeros, one value for every input unit, or
   * one per input unit.
   *
   * @throws UserException naming {@code --input} if its count fits neither
   */
  double[] vector(int inputs) {
    double[] u = new double[inputs];
    if (values == null || values.isEmpty()) {
      return u;
    }
    if (values.size() == 1) {
      Arrays.fill(u, values.get(0));
    } else if (values.size() == inputs) {
      for (int k = 0; k < inputs; k++) {
        u[k] = values.get(k);
      }
    } else {
      throw new UserException("--input has " + values.size() + " values; the model has " + inputs
          + " input units: give one value for all, or " + inputs);
    }
    return u;
  }

  /** For example {@code zero on all 3 input units} or {@code [0.5, -1]}. */
  static String describe(double[] u) {
    if (u.length == 0) {
      return "(none)";
    }
    boolean same = Arrays.stream(u).allMatch(v -> v == u[0]);
    if (same) {
      return (u[0] == 0 ? "zero" : AnalyzeCommand.num(u[0])) + " on all " + u.length
          + " input units";
    }
    return Arrays.stream(u).mapToObj(AnalyzeCommand::num)
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
