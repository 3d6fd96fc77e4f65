package org.mrnn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.models.RecurrentModel;

/**
 * The {@code --steps} option of {@code analyze}, {@code flow-field} and {@code view}: the asked step
 * counts, and the states they pick.
 */
final class StepsOption {
  private StepsOption() {}

  /**
   * The asked steps, sorted and without repeats ({@code defaults} when none are asked).
   *
   * @throws UserException naming {@code --steps} for a negative step
   */
  static TreeSet<Integer> steps(List<Integer> asked, List<Integer> defaults) {
    TreeSet<Integer> sorted = new TreeSet<>();
    for (int s : asked == null || asked.isEmpty() ? defaults : asked) {
      if (s < 0) {
        throw new UserException("--steps must be 0 or more, got " + s);
      }
      sorted.add(s);
    }
    return sorted;
  }

  /**
   * The states of {@code flow-field} and {@code view}: those of {@code --states FILE}, else the
   * states after the asked steps of a simulation under {@code u}.
   *
   * @param model the model
   * @param u the constant input
   * @param asked the asked steps, or null
   * @param file the states file, or null
   * @param defaults the steps when neither is given
   * @throws UserException if both are given, or a step is negative
   * @throws IOException if the file is missing or malformed (naming it)
   */
  static FlowFieldAnalysis.States states(RecurrentModel model, double[] u, List<Integer> asked,
      Path file, List<Integer> defaults) throws IOException {
    if (file != null && asked != null && !asked.isEmpty()) {
      throw new UserException("give either --steps or --states, not both");
    }
    return file != null
        ? FlowFieldAnalysis.States.fromFile(model, file, u)
        : FlowFieldAnalysis.States.simulated(model, u, steps(asked, defaults));
  }
}
