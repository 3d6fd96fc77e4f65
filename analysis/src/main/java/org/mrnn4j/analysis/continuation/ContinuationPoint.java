package org.mrnn4j.analysis.continuation;

/**
 * One point of a branch: a fixed point at a parameter value, with its stability.
 *
 * @param parameter the parameter value
 * @param state the fixed point, over the family's state entries
 * @param q {@code 1/2 |r|^2} there (the fixed-point finder's measure)
 * @param unstable the number of eigenvalues of the map's Jacobian with {@code |lambda| > 1}
 *     (counted among the leading ones above the dense limit)
 * @param eigenReal the real parts of the leading eigenvalues, by decreasing modulus
 * @param eigenImag their imaginary parts
 * @param tangentParameter the parameter component of the unit tangent there
 */
public record ContinuationPoint(double parameter, double[] state, double q, int unstable,
    double[] eigenReal, double[] eigenImag, double tangentParameter) {

  /** {@return whether every eigenvalue of the map lies inside the unit circle} */
  public boolean stable() {
    return unstable == 0;
  }
}
