package org.mrnn4j.cli;

import java.util.List;
import java.util.TreeSet;

/** The {@code --steps} option of {@code analyze} and {@code flow-field}: the asked step counts. */
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
}
