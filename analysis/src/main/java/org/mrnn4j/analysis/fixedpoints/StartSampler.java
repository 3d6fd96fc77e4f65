package org.mrnn4j.analysis.fixedpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Initial states for a fixed-point search, sampled from states the network visits, as the
 * reference's {@code sample_states} does: pick visited states at random and add i.i.d. Gaussian
 * noise.
 */
public final class StartSampler {
  /** Default number of starts sampled from the trajectories. */
  public static final int DEFAULT_STARTS = 256;
  /** Default number of simulated trajectories the starts are sampled from. */
  public static final int DEFAULT_TRAJECTORIES = 64;
  /** Default length of each trajectory, in steps. */
  public static final int DEFAULT_STEPS = 50;
  /** Default standard deviation of the trajectories' random initial states. */
  public static final double DEFAULT_INIT_SCALE = 1.0;
  /** Default standard deviation of the Gaussian noise added to the sampled starts. */
  public static final double DEFAULT_NOISE = 0.5;

  private StartSampler() {}

  /**
   * The trajectories and the starts drawn from them.
   *
   * @param trajectories the simulated trajectories, as {@link #simulate} returns them
   * @param states the starts sampled from them
   */
  public record Starts(List<double[][]> trajectories, List<double[]> states) {}

  /**
   * Simulates {@code trajectories} trajectories and samples {@code starts} starts from them, all
   * from one seed: what {@code mrnn4j fixed-points} and {@code mrnn4j sweep} search from.
   *
   * @param system the map whose input and held units the trajectories use
   * @param starts the number of starts, {@code >= 0}
   * @param trajectories the number of trajectories, {@code >= 1}
   * @param steps the length of each trajectory
   * @param initialScale the standard deviation of the random initial states
   * @param noise the standard deviation of the noise added to the starts
   * @param seed the seed of everything random here
   * @return the trajectories and the starts
   */
  public static Starts draw(FixedPointSystem system, int starts, int trajectories, int steps,
      double initialScale, double noise, long seed) {
    Random rng = new Random(seed);
    List<double[][]> trajs = simulate(system, trajectories, steps, initialScale, rng);
    List<double[]> states = new ArrayList<>();
    if (starts > 0) {
      states.addAll(sample(flatten(trajs), starts, noise, rng));
    }
    return new Starts(trajs, states);
  }

  /**
   * {@link #draw} with the default counts, lengths and scales.
   *
   * @param system the map whose input and held units the trajectories use
   * @param seed the seed of everything random here
   * @return the trajectories and the starts
   */
  public static Starts draw(FixedPointSystem system, long seed) {
    return draw(system, DEFAULT_STARTS, DEFAULT_TRAJECTORIES, DEFAULT_STEPS, DEFAULT_INIT_SCALE,
        DEFAULT_NOISE, seed);
  }

  /**
   * Trajectories of the network's own dynamics at the system's input, from {@code count} random
   * model states ({@code x} for the leaky model, {@code h} for Elman; i.i.d. {@code N(0,
   * initialScale^2)} per included unit), each {@code steps} steps long; states in the system's
   * coordinates.
   *
   * @param system the map whose input and held units the trajectories use
   * @param count the number of trajectories, {@code >= 1}
   * @param steps the length of each trajectory, in steps
   * @param initialScale the standard deviation of the random initial states, {@code >= 0}
   * @param rng the source of the initial states
   * @return {@code count} trajectories of {@code steps + 1} states each
   * @throws IllegalArgumentException if {@code count < 1} or {@code initialScale < 0}
   */
  public static List<double[][]> simulate(
      FixedPointSystem system, int count, int steps, double initialScale, Random rng) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(rng, "rng");
    if (count < 1) {
      throw new IllegalArgumentException("the number of trajectories must be >= 1, got " + count);
    }
    if (!(initialScale >= 0)) {
      throw new IllegalArgumentException("initialScale must be >= 0, got " + initialScale);
    }
    int n = system.dimension();
    List<double[][]> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      double[] x0 = new double[n];
      for (int i = 0; i < n; i++) {
        x0[i] = initialScale * rng.nextGaussian();
      }
      out.add(system.trajectory(x0, steps));
    }
    return out;
  }

  /**
   * {@code count} states drawn uniformly (with replacement) from {@code visited}, each plus i.i.d.
   * {@code N(0, noise^2)} noise.
   *
   * @param visited the states to draw from (not modified)
   * @param count the number of starts, {@code >= 1}
   * @param noise the standard deviation of the added noise, {@code >= 0}
   * @param rng the source of the draws and the noise
   * @return {@code count} new arrays, the starts
   * @throws IllegalArgumentException if {@code visited} is empty, {@code count < 1} or {@code
   *     noise < 0}
   */
  public static List<double[]> sample(List<double[]> visited, int count, double noise, Random rng) {
    Objects.requireNonNull(rng, "rng");
    if (visited == null || visited.isEmpty()) {
      throw new IllegalArgumentException("there are no visited states to sample starts from");
    }
    if (count < 1) {
      throw new IllegalArgumentException("the number of starts must be >= 1, got " + count);
    }
    if (!(noise >= 0)) {
      throw new IllegalArgumentException("the noise must be >= 0, got " + noise);
    }
    List<double[]> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      double[] s = visited.get(rng.nextInt(visited.size())).clone();
      if (noise > 0) {
        for (int i = 0; i < s.length; i++) {
          s[i] += noise * rng.nextGaussian();
        }
      }
      out.add(s);
    }
    return out;
  }

  /**
   * {@return every state of the given trajectories, in order (the arrays themselves, not copies)}
   *
   * @param trajectories trajectories as {@link #simulate} returns them
   */
  public static List<double[]> flatten(List<double[][]> trajectories) {
    List<double[]> out = new ArrayList<>();
    for (double[][] t : trajectories) {
      for (double[] s : t) {
        out.add(s);
      }
    }
    return out;
  }
}
