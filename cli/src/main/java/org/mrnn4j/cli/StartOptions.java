package org.mrnn4j.cli;

import org.mrnn4j.app.StatesFile;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import picocli.CommandLine.Option;

/**
 * Where {@code fixed-points} starts its searches (a picocli mixin): states sampled from simulated
 * trajectories, plus any from a file.
 */
final class StartOptions {
  @Option(names = {"-n", "--starts"}, paramLabel = "N", defaultValue = "" + StartSampler.DEFAULT_STARTS,
      description = "Starts sampled from simulated trajectories (default: ${DEFAULT-VALUE});"
          + " 0 with --initial-states uses only those.")
  int starts;

  @Option(names = "--initial-states", paramLabel = "FILE",
      description = "Starts from a file, added to the sampled ones: CSV (one state per line) or"
          + " JSON ([[...], ...]), over the searched units, in the searched coordinates.")
  Path initialStates;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the trajectories and the sampling (and of the random initialisation"
          + " of a config given without weights) (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--trajectories", paramLabel = "N", defaultValue = "" + StartSampler.DEFAULT_TRAJECTORIES,
      description = "Simulated trajectories the starts are sampled from, from random initial"
          + " states (default: ${DEFAULT-VALUE}).")
  int trajectories;

  @Option(names = "--steps", paramLabel = "T", defaultValue = "" + StartSampler.DEFAULT_STEPS,
      description = "Steps per trajectory (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--init-scale", paramLabel = "S", defaultValue = "" + StartSampler.DEFAULT_INIT_SCALE,
      description = "Standard deviation of the trajectories' random initial states"
          + " (default: ${DEFAULT-VALUE}).")
  double initScale;

  @Option(names = "--noise", paramLabel = "S", defaultValue = "" + StartSampler.DEFAULT_NOISE,
      description = "Standard deviation of the Gaussian noise added to the sampled starts; 0 for"
          + " none (default: ${DEFAULT-VALUE}).")
  double noise;

  /** Checks the values, naming the option that is out of range. */
  void validate() {
    if (starts < 0 || (starts == 0 && initialStates == null)) {
      throw new UserException("--starts must be at least 1 (or 0 with --initial-states), got "
          + starts);
    }
    if (trajectories < 1) {
      throw new UserException("--trajectories must be at least 1, got " + trajectories);
    }
    if (steps < 0) {
      throw new UserException("--steps must be 0 or more, got " + steps);
    }
    if (!(noise >= 0) || !(initScale >= 0)) {
      throw new UserException("--noise and --init-scale must be 0 or more, got " + noise + " and "
          + initScale);
    }
  }

  /** Simulates the trajectories and draws the starts, all from {@code --seed}. */
  StartSampler.Starts draw(FixedPointSystem system) throws IOException {
    StartSampler.Starts drawn = StartSampler.draw(system, starts, trajectories, steps, initScale,
        noise, seed);
    List<double[][]> trajs = drawn.trajectories();
    List<double[]> states = new ArrayList<>(drawn.states());
    if (initialStates != null) {
      for (StatesFile.Entry e : StatesFile.read(initialStates, system.dimension(), 0)) {
        states.add(e.state());
      }
    }
    return new StartSampler.Starts(trajs, states);
  }

  /** These settings, as the report's {@code sampling} block. */
  void writeTo(ObjectNode sampling) {
    sampling.put("seed", seed);
    sampling.put("trajectories", trajectories);
    sampling.put("steps", steps);
    sampling.put("init_scale", initScale);
    sampling.put("starts", starts);
    sampling.put("noise", noise);
    sampling.put("initial_states", initialStates == null ? null : initialStates.toString());
  }
}
