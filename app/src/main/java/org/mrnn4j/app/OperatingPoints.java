package org.mrnn4j.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.models.RecurrentModel;

/**
 * The operating points an analysis runs at, with their labels and how their inputs were chosen:
 * the states of a simulation from the initial condition under a constant input, or the states
 * (and optional per-state inputs) of a file in any form {@link StatesFile} reads.
 *
 * @param labels one label per point ({@code initial condition}, {@code after 200 steps},
 *     {@code state 3 of trial.npz})
 * @param points the points
 * @param inputs how the inputs were chosen, for reports ({@code zero on all 3 input units},
 *     {@code per state, from trial.npz (40 inputs)})
 * @param simulated whether the points are states of a simulation (successive states)
 */
public record OperatingPoints(List<String> labels, List<OperatingPoint> points, String inputs,
    boolean simulated) {

  /**
   * @param labels one label per point
   * @param points the points
   * @param inputs how the inputs were chosen
   * @param simulated whether the points are states of a simulation
   */
  public OperatingPoints {
    labels = List.copyOf(labels);
    points = List.copyOf(points);
  }

  /**
   * The states after each of the given step counts (0: the initial condition) under the constant
   * input {@code u} ({@link ConstantInputRun#points}).
   *
   * @param model the model, from its initial condition
   * @param u the input, one value per input unit
   * @param steps the step counts, ascending
   * @return the points, labelled {@code initial condition} and {@code after N steps}
   * @throws IllegalArgumentException if {@code u} does not fit the model or a count is negative
   */
  public static OperatingPoints simulated(RecurrentModel model, double[] u,
      SortedSet<Integer> steps) {
    List<String> labels = new ArrayList<>();
    for (int s : steps) {
      labels.add(s == 0 ? "initial condition" : "after " + s + " steps");
    }
    return new OperatingPoints(labels, ConstantInputRun.points(model, u, steps),
        Inputs.describe(u), true);
  }

  /**
   * The states of a file, each with its own input where the file gives one, else {@code u}.
   *
   * @param model the model the states belong to
   * @param file the states ({@link StatesFile}: CSV, JSON, {@code .npy} {@code [N]},
   *     {@code [T, N]} or {@code [B, T, N]}, {@code .npz} with optional inputs)
   * @param u the constant input for states without their own
   * @param inputGiven whether {@code u} was given explicitly (then a file with its own inputs is
   *     refused rather than one of the two silently ignored)
   * @return the points, labelled {@code state K of FILE}
   * @throws IOException if the file is missing, unreadable or malformed (naming it)
   * @throws IllegalArgumentException if the file holds inputs and {@code inputGiven}
   */
  public static OperatingPoints fromFile(RecurrentModel model, Path file, double[] u,
      boolean inputGiven) throws IOException {
    List<StatesFile.Entry> entries = StatesFile.read(file, model.numUnits(), model.numInputs());
    String name = file.getFileName().toString();
    long withInputs = entries.stream().filter(e -> e.input() != null).count();
    if (withInputs > 0 && inputGiven) {
      throw new IllegalArgumentException(file + " holds an input for each state; give the"
          + " inputs either there or as the constant input, not both");
    }
    List<String> labels = new ArrayList<>();
    List<OperatingPoint> points = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      StatesFile.Entry e = entries.get(i);
      labels.add("state " + (i + 1) + " of " + name);
      points.add(OperatingPoint.of(e.state(), e.input() != null ? e.input() : u));
    }
    String inputs = withInputs == 0 ? Inputs.describe(u) : withInputs == entries.size()
        ? "per state, from " + name + " (" + withInputs + " inputs)"
        : "per state from " + name + " for " + withInputs + " of " + entries.size()
            + " states, else " + Inputs.describe(u);
    return new OperatingPoints(labels, points, inputs, false);
  }
}
