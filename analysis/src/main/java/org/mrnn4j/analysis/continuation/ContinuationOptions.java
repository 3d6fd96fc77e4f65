package org.mrnn4j.analysis.continuation;

/**
 * The settings of a continuation.
 *
 * @param minParameter the lower end of the parameter range (the branch stops on it)
 * @param maxParameter the upper end
 * @param initialStep the first arclength step
 * @param minStep the smallest step: a corrector failing at it stops the branch
 * @param maxStep the largest step
 * @param maxPoints the budget of points per branch
 * @param maxCorrectorIterations the Newton iterations allowed per step
 * @param residualTolerance the corrector's tolerance on {@code max |r_i|}
 * @param locateTolerance the tolerance, in the parameter and in arclength, a bifurcation is
 *     located to
 * @param detect whether to detect and locate bifurcations
 * @param denseBelow states of fewer entries use the dense eigendecomposition, others the Krylov
 *     leading part
 * @param leadingCount how many leading eigenvalues each point keeps
 */
public record ContinuationOptions(double minParameter, double maxParameter, double initialStep,
    double minStep, double maxStep, int maxPoints, int maxCorrectorIterations,
    double residualTolerance, double locateTolerance, boolean detect, int denseBelow,
    int leadingCount) {

  /**
   * Checks the settings.
   *
   * @param minParameter the lower end of the parameter range
   * @param maxParameter the upper end, above the lower
   * @param initialStep the first step, between the smallest and the largest
   * @param minStep the smallest step, positive
   * @param maxStep the largest step
   * @param maxPoints the budget of points per branch, at least 2
   * @param maxCorrectorIterations the Newton iterations per step, at least 1
   * @param residualTolerance the corrector's tolerance, positive
   * @param locateTolerance the location tolerance, positive
   * @param detect whether to detect bifurcations
   * @param denseBelow the dense eigendecomposition's size limit
   * @param leadingCount the leading eigenvalues kept per point, at least 1
   * @throws IllegalArgumentException if a setting is out of its range
   */
  public ContinuationOptions {
    if (!(minParameter < maxParameter)) {
      throw new IllegalArgumentException("the parameter range must be increasing and finite, got ["
          + minParameter + ", " + maxParameter + "]");
    }
    if (!(minStep > 0 && minStep <= initialStep && initialStep <= maxStep)) {
      throw new IllegalArgumentException("steps must satisfy 0 < minStep <= initialStep <= maxStep,"
          + " got " + minStep + ", " + initialStep + ", " + maxStep);
    }
    if (maxPoints < 2 || maxCorrectorIterations < 1 || leadingCount < 1) {
      throw new IllegalArgumentException("maxPoints must be >= 2, maxCorrectorIterations and"
          + " leadingCount >= 1");
    }
    if (!(residualTolerance > 0) || !(locateTolerance > 0)) {
      throw new IllegalArgumentException("tolerances must be positive");
    }
  }

  /**
   * {@return defaults over a range: steps from 1e-8 to a twentieth of the range (first a
   *     hundredth), 2000 points, 12 corrector iterations, residual tolerance 1e-11, bifurcations
   *     located to 1e-10, dense eigenvalues below 1024 entries, 6 leading eigenvalues kept}
   *
   * @param min the lower end of the parameter range
   * @param max the upper end
   */
  public static ContinuationOptions over(double min, double max) {
    double span = max - min;
    return new ContinuationOptions(min, max, span / 100, 1e-8 * Math.max(1, span), span / 20,
        2000, 12, 1e-11, 1e-10, true, 1024, 6);
  }

  /**
   * {@return these options with another step range}
   *
   * @param initial the first step
   * @param min the smallest
   * @param max the largest
   */
  public ContinuationOptions withSteps(double initial, double min, double max) {
    return new ContinuationOptions(minParameter, maxParameter, initial, min, max, maxPoints,
        maxCorrectorIterations, residualTolerance, locateTolerance, detect, denseBelow,
        leadingCount);
  }

  /**
   * {@return these options with another budget of points}
   *
   * @param points the budget per branch
   */
  public ContinuationOptions withMaxPoints(int points) {
    return new ContinuationOptions(minParameter, maxParameter, initialStep, minStep, maxStep,
        points, maxCorrectorIterations, residualTolerance, locateTolerance, detect, denseBelow,
        leadingCount);
  }

  /**
   * {@return these options with detection on or off}
   *
   * @param on whether to detect bifurcations
   */
  public ContinuationOptions withDetection(boolean on) {
    return new ContinuationOptions(minParameter, maxParameter, initialStep, minStep, maxStep,
        maxPoints, maxCorrectorIterations, residualTolerance, locateTolerance, on, denseBelow,
        leadingCount);
  }

  /**
   * {@return these options with another location tolerance}
   *
   * @param tolerance the tolerance bifurcations are located to
   */
  public ContinuationOptions withLocateTolerance(double tolerance) {
    return new ContinuationOptions(minParameter, maxParameter, initialStep, minStep, maxStep,
        maxPoints, maxCorrectorIterations, residualTolerance, tolerance, detect, denseBelow,
        leadingCount);
  }

  /**
   * {@return these options with another size limit of the dense eigendecomposition}
   *
   * @param units states of fewer entries are decomposed densely, others by the Krylov leading
   *     part
   */
  public ContinuationOptions withDenseBelow(int units) {
    return new ContinuationOptions(minParameter, maxParameter, initialStep, minStep, maxStep,
        maxPoints, maxCorrectorIterations, residualTolerance, locateTolerance, detect, units,
        leadingCount);
  }
}
