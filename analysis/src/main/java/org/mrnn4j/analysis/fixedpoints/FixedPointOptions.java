package org.mrnn4j.analysis.fixedpoints;

import org.mrnn4j.analysis.LeadingOptions;

/**
 * Settings of a {@link FixedPointFinder} search. Immutable; start from {@link #defaults()} and
 * change what you need with the {@code with...} methods.
 *
 * @param tolQ a start has converged when {@code q = 1/2 |F(s) - s|^2} is at most this (or at the
 *     float64 rounding floor of the residual); default {@code 1e-20}
 * @param tolStep a start stops when its Levenberg-Marquardt step is shorter than {@code tolStep *
 *     (1 + |s|)}; default {@code 1e-13}
 * @param tolGradient a start stops at a stationary point of {@code q} when {@code |J^T r|_inf <=
 *     tolGradient * |r|}; default {@code 1e-12}
 * @param maxIterations the most Levenberg-Marquardt iterations per start; default 200
 * @param polishSteps the most pure Newton steps taken after convergence, each kept only if it
 *     lowers {@code q}; default 4
 * @param tolUnique two points are the same when the Euclidean distance between them is at most
 *     this (the reference's rule); default {@code 1e-3}
 * @param outlierDistanceScale points farther from the centroid of the starts than this many times
 *     the starts' mean distance to it are dropped as outliers (the reference's rule); {@code
 *     Double.POSITIVE_INFINITY} keeps them all; default 10
 * @param parallelism threads for the starts: 0 for the common pool, 1 for the calling thread only
 * @param eigenvectors whether to compute the eigenvectors of each point's Jacobian (when the
 *     backend can); default true
 * @param midpoints whether to run a second round of starts at the midpoints of every pair of
 *     stable fixed points found in the first (where the saddles separating their basins lie);
 *     default true
 * @param leading how each point's Jacobian is decomposed: {@link #FULL} (-1) the whole spectrum,
 *     dense; {@code k > 0} its {@code k} leading eigenvalues by modulus, as many more as it takes
 *     to count the unstable modes ({@link org.mrnn4j.analysis.Spectra#stability}); {@link #AUTO}
 *     (0, the default) the whole spectrum below {@value org.mrnn4j.analysis.LeadingOptions#LEADING_FROM} units and the leading
 *     {@value org.mrnn4j.analysis.LeadingOptions#DEFAULT_COUNT} from there on
 */
public record FixedPointOptions(
    double tolQ,
    double tolStep,
    double tolGradient,
    int maxIterations,
    int polishSteps,
    double tolUnique,
    double outlierDistanceScale,
    int parallelism,
    boolean eigenvectors,
    boolean midpoints,
    int leading) {

  /** {@link #leading()}: the whole spectrum, dense. */
  public static final int FULL = -1;
  /** {@link #leading()}: chosen by size. */
  public static final int AUTO = 0;

  /**
   * Validates every setting.
   *
   * @param tolQ the convergence threshold on {@code q}, {@code > 0}
   * @param tolStep the relative step-length threshold, {@code > 0}
   * @param tolGradient the relative gradient threshold, {@code > 0}
   * @param maxIterations the most iterations per start, {@code >= 1}
   * @param polishSteps the most Newton polishing steps, {@code >= 0}
   * @param tolUnique the distance below which two points are one, {@code > 0}
   * @param outlierDistanceScale the outlier cut-off in mean distances, {@code > 0} (infinity keeps
   *     every point)
   * @param parallelism threads for the starts, {@code >= 0} (0: the common pool)
   * @param eigenvectors whether to compute eigenvectors
   * @param midpoints whether to run the midpoint round
   * @param leading {@link #FULL}, {@link #AUTO} or a count {@code >= 1}
   * @throws IllegalArgumentException if a setting is out of its range
   */
  public FixedPointOptions {
    requirePositive(tolQ, "tolQ");
    requirePositive(tolStep, "tolStep");
    requirePositive(tolGradient, "tolGradient");
    requirePositive(tolUnique, "tolUnique");
    requirePositive(outlierDistanceScale, "outlierDistanceScale");
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    if (polishSteps < 0) {
      throw new IllegalArgumentException("polishSteps must be >= 0, got " + polishSteps);
    }
    if (leading < FULL) {
      throw new IllegalArgumentException(
          "leading must be -1 (full), 0 (auto) or a count >= 1, got " + leading);
    }
    if (parallelism < 0) {
      throw new IllegalArgumentException(
          "parallelism must be >= 0 (0 = common pool), got " + parallelism);
    }
  }

  private static void requirePositive(double v, String name) {
    if (!(v > 0)) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  /** {@return the default settings} */
  public static FixedPointOptions defaults() {
    return new FixedPointOptions(1e-20, 1e-13, 1e-12, 200, 4, 1e-3, 10.0, 0, true, true, 0);
  }

  /**
   * These settings with another {@link #tolQ()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withTolQ(double v) {
    return new FixedPointOptions(v, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #tolStep()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withTolStep(double v) {
    return new FixedPointOptions(tolQ, v, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #tolGradient()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withTolGradient(double v) {
    return new FixedPointOptions(tolQ, tolStep, v, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #maxIterations()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withMaxIterations(int v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, v, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #polishSteps()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withPolishSteps(int v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, v, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #tolUnique()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withTolUnique(double v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, v,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #outlierDistanceScale()} (infinity keeps every point).
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withOutlierDistanceScale(double v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        v, parallelism, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with another {@link #parallelism()}.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withParallelism(int v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, v, eigenvectors, midpoints, leading);
  }

  /**
   * These settings with or without eigenvectors.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withEigenvectors(boolean v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, v, midpoints, leading);
  }

  /**
   * These settings with or without the midpoint round.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withMidpoints(boolean v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, v, leading);
  }

  /**
   * These settings with another {@link #leading()}: {@link #FULL}, {@link #AUTO} or a count.
   *
   * @param v the new value
   * @return a copy of these settings with only that value changed
   */
  public FixedPointOptions withLeading(int v) {
    return new FixedPointOptions(tolQ, tolStep, tolGradient, maxIterations, polishSteps, tolUnique,
        outlierDistanceScale, parallelism, eigenvectors, midpoints, v);
  }

  /**
   * The number of leading eigenvalues to compute for a Jacobian of {@code n} units.
   *
   * @param n the number of units (the Jacobian's size)
   * @return the count of leading eigenvalues, or 0 for the whole spectrum
   */
  public int leadingFor(int n) {
    if (leading == FULL) {
      return 0;
    }
    if (leading > 0) {
      return leading;
    }
    return n >= LeadingOptions.LEADING_FROM ? LeadingOptions.DEFAULT_COUNT : 0;
  }
}
