package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * A model run from its initial condition under a constant input, and the operating points along
 * it: what {@code mrnn4j analyze --steps} and {@code mrnn4j sweep} analyse, and where
 * {@code flow-field} draws its fields.
 *
 * @param xs the pre-activations after each step, {@code steps x N} row-major
 * @param hs the activations after each step, likewise
 */
public record ConstantInputRun(double[] xs, double[] hs) {

  /**
   * Runs {@code steps} steps (at least 1) of {@code model} under the constant input {@code u}.
   *
   * @param model the model, from its initial condition
   * @param u the input, one value per input unit
   * @param steps how many steps
   * @return the states after each step
   * @throws IllegalArgumentException if {@code u} does not have one finite value per input unit,
   *     or {@code steps} is below 1
   */
  public static ConstantInputRun simulate(RecurrentModel model, double[] u, int steps) {
    Inputs.requireFits(model, u);
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be 1 or more, got " + steps);
    }
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

  /**
   * The operating points after each of the given step counts (0: the initial condition) under
   * the constant input {@code u}, in the model's natural coordinates: {@code x} with its {@code h}
   * for the leaky model, {@code h} for the Elman model. One simulation, as long as the largest
   * count.
   *
   * @param model the model, from its initial condition
   * @param u the input, one value per input unit
   * @param steps the step counts, 0 or more, in ascending order
   * @return one operating point per count, in that order
   * @throws IllegalArgumentException if {@code u} does not have one finite value per input unit,
   *     or a count is negative
   */
  public static List<OperatingPoint> points(RecurrentModel model, double[] u,
      SortedSet<Integer> steps) {
    Inputs.requireFits(model, u);
    if (steps.isEmpty()) {
      return List.of();
    }
    if (steps.first() < 0) {
      throw new IllegalArgumentException("step counts must be 0 or more, got " + steps.first());
    }
    int n = model.numUnits();
    double[] x0 = model.initialCondition().toArray();
    int horizon = steps.last();
    ConstantInputRun run = horizon > 0 ? simulate(model, u, horizon) : null;
    boolean leaky = model.naturalCoordinates() == Coordinates.PRE_ACTIVATION;
    List<OperatingPoint> points = new ArrayList<>();
    for (int s : steps) {
      if (s == 0) {
        points.add(OperatingPoint.of(x0, u));
        continue;
      }
      double[] x = Arrays.copyOfRange(run.xs(), (s - 1) * n, s * n);
      double[] h = Arrays.copyOfRange(run.hs(), (s - 1) * n, s * n);
      points.add(leaky ? OperatingPoint.of(x, h, u) : OperatingPoint.of(h, u));
    }
    return points;
  }

  /**
   * The operating point after {@code steps} steps from the initial condition under the constant
   * input {@code u} (0: the initial condition): one call from plain arrays.
   *
   * <pre>{@code
   * OperatingPoint p = ConstantInputRun.pointAfter(model, new double[] {1, 0, 0}, 200);
   * double[] x = p.state();
   * }</pre>
   *
   * @param model the model, from its initial condition
   * @param u the input, one value per input unit
   * @param steps how many steps, 0 or more
   * @return the operating point, in the model's natural coordinates
   * @throws IllegalArgumentException if {@code u} does not have one finite value per input unit,
   *     or {@code steps} is negative
   */
  public static OperatingPoint pointAfter(RecurrentModel model, double[] u, int steps) {
    return points(model, u, new TreeSet<>(List.of(steps))).get(0);
  }
}
