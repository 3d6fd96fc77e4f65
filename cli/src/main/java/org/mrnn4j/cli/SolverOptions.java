package org.mrnn4j.cli;

import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.fixedpoints.FixedPointOptions;
import picocli.CommandLine.Option;

/**
 * The settings of the fixed-point solver that {@code fixed-points} exposes (a picocli mixin): the
 * command-line face of {@link FixedPointOptions}.
 */
final class SolverOptions {
  @Option(names = "--tol-q", paramLabel = "Q", defaultValue = "1e-20",
      description = "A start has converged when q is at most this (or at the float64 rounding"
          + " floor) (default: ${DEFAULT-VALUE}).")
  double tolQ;

  @Option(names = "--tol-step", paramLabel = "D", defaultValue = "1e-13",
      description = "A start stops when its step is shorter than D (1 + |s|)"
          + " (default: ${DEFAULT-VALUE}).")
  double tolStep;

  @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "200",
      description = "Iteration cap per start (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--tol-unique", paramLabel = "D", defaultValue = "1e-3",
      description = "Points closer than this (Euclidean) are one (default: ${DEFAULT-VALUE}).")
  double tolUnique;

  @Option(names = "--outlier-scale", paramLabel = "K", defaultValue = "10",
      description = "Points farther from the starts' centroid than K times the starts' mean"
          + " distance to it are dropped as outliers; 'Infinity' keeps all"
          + " (default: ${DEFAULT-VALUE}).")
  double outlierScale;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Threads for the starts; 0 = all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--leading", paramLabel = "K",
      description = "Classify each fixed point from the K eigenvalues of largest modulus of its"
          + " Jacobian (as many more as it takes to count the unstable modes), by Krylov-Schur"
          + " instead of the whole spectrum. Default: the whole spectrum below "
          + LeadingOptions.LEADING_FROM + " units, the leading " + LeadingOptions.DEFAULT_COUNT
          + " from there on.")
  Integer leading;

  @Option(names = "--full", description = "Decompose each fixed point's whole Jacobian, whatever"
      + " its size.")
  boolean full;

  /**
   * Checks the values, naming the options that are out of range (before the library would,
   * with its parameter names).
   */
  void validate() {
    if (!(tolQ > 0) || !(tolStep > 0) || !(tolUnique > 0) || !(outlierScale > 0)) {
      throw new UserException("--tol-q, --tol-step, --tol-unique and --outlier-scale must be"
          + " positive");
    }
    if (maxIterations < 1) {
      throw new UserException("--max-iterations must be at least 1, got " + maxIterations);
    }
    if (leading != null && leading < 1) {
      throw new UserException("--leading must be 1 or more, got " + leading);
    }
    if (leading != null && full) {
      throw new UserException("give either --leading or --full, not both");
    }
    if (threads < 0) {
      throw new UserException("--threads must be 0 (all cores) or more, got " + threads);
    }
  }

  /** The library's defaults with these settings. */
  FixedPointOptions toOptions() {
    return FixedPointOptions.defaults().withTolQ(tolQ).withTolStep(tolStep)
        .withMaxIterations(maxIterations).withTolUnique(tolUnique)
        .withOutlierDistanceScale(outlierScale).withParallelism(threads)
        .withLeading(full ? FixedPointOptions.FULL
            : leading != null ? leading : FixedPointOptions.AUTO);
  }
}
