package org.mrnn4j.cli;

import java.util.List;
import java.util.TreeSet;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * The simulation behind {@code --steps} in {@code analyze} and {@code flow-field}: the model
 * from its initial condition under a constant input.
 *
 * @param xs the pre-activations after each step, {@code steps x N} row-major
 * @param hs the activations after each step, likewise
 */
record ConstantInputRun(double[] xs, double[] hs) {

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

  /** {@code steps >= 1} steps of {@code model} under the constant input {@code u}. */
  static ConstantInputRun simulate(RecurrentModel model, double[] u, int steps) {
    int inputs = model.numInputs();
    double[] seq = new double[steps * inputs];
    for (int t = 0; t < steps; t++) {
      System.arraycopy(u, 0, seq, t * inputs, inputs);
    }
    try (Tensor in = model.backend().fromArray(seq, 1, steps, inputs);
        Trajectory tr = model.simulate(Simulation.of(in))) {
      return new ConstantInputRun(tr.xs().toArray(), tr.hs().toArray());
    }
  }
}
