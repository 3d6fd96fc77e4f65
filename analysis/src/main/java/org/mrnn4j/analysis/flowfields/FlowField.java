package org.mrnn4j.analysis.flowfields;

import java.util.Locale;
import java.util.Optional;

/**
 * A flow field on a plane through state space at one state: where one step of the network (or of
 * its linearization) moves each point of a grid. Point {@code [i][j]} of the grid has plane
 * coordinates {@code (xAxis[i], yAxis[j])} (mRNNTorch's {@code meshgrid(..., indexing="ij")}).
 *
 * @param state the index of the state (in the sequence given to the finder)
 * @param center the state's own plane coordinates
 * @param xAxis the grid's first-axis values
 * @param yAxis the grid's second-axis values
 * @param xVelocity {@code [i][j]}: the step's displacement along the first axis
 * @param yVelocity {@code [i][j]}: along the second axis
 * @param speed {@code [i][j]}: {@code sqrt(vx^2 + vy^2)} divided by its maximum over the grid;
 *     0 everywhere where every velocity is 0 (the reference divides 0 by 0 there)
 * @param offPlane the state's distance in state space from the slice the field is drawn on
 *     ({@link FlowFieldFinder#distanceFromSlice}): 0 when the plane passes through the state
 * @param scale the state's scale: the largest absolute value of its units, or the grid's larger
 *     half-width if that is larger; {@link #blankReason} measures the velocities against it
 */
public record FlowField(int state, double[] center, double[] xAxis, double[] yAxis,
    double[][] xVelocity, double[][] yVelocity, double[][] speed, double offPlane,
    double scale) {

  /**
   * Velocities below this fraction of the state's {@link #scale} are rounding, not motion: a
   * field whose every velocity is below it is blank ({@link #blankReason}).
   */
  public static final double NEGLIGIBLE = 1e-12;

  /** {@return the grid's points per axis} */
  public int points() {
    return xAxis.length;
  }

  /** {@return the largest unnormalised speed {@code sqrt(vx^2 + vy^2)} on the grid} */
  public double maxSpeed() {
    double max = 0;
    for (int i = 0; i < xVelocity.length; i++) {
      for (int j = 0; j < xVelocity[i].length; j++) {
        max = Math.max(max, Math.hypot(xVelocity[i][j], yVelocity[i][j]));
      }
    }
    return max;
  }

  /**
   * Why this field shows nothing, if it does not: every velocity below {@link #NEGLIGIBLE} times
   * the state's {@link #scale} (the dynamics do not move on this plane at this resolution, or
   * the differences are rounding), or a grid of zero width along an axis (its values all equal).
   * A front end should not draw such a field as arrows: it would look like a field at rest.
   *
   * @return the reason, one clause starting in lower case; empty when the field can be drawn
   */
  public Optional<String> blankReason() {
    for (int a = 0; a < 2; a++) {
      double[] axis = a == 0 ? xAxis : yAxis;
      if (!(axis[axis.length - 1] > axis[0])) {
        return Optional.of(String.format(Locale.ROOT, "the grid has zero width along axis %d"
            + " (every value %.6g)", a + 1, axis[0]));
      }
    }
    double max = maxSpeed();
    if (!(max >= NEGLIGIBLE * scale)) {
      return Optional.of(String.format(Locale.ROOT, "every velocity on the grid is below %.0e"
          + " x the state's scale (max |v| %.3g, scale %.3g)", NEGLIGIBLE, max, scale));
    }
    return Optional.empty();
  }

  /** Speeds normalised by their maximum; zeros where every velocity is zero. */
  static double[][] speeds(double[][] vx, double[][] vy) {
    int p = vx.length;
    double[][] s = new double[p][];
    double max = 0;
    for (int i = 0; i < p; i++) {
      s[i] = new double[vx[i].length];
      for (int j = 0; j < vx[i].length; j++) {
        s[i][j] = Math.sqrt(vx[i][j] * vx[i][j] + vy[i][j] * vy[i][j]);
        max = Math.max(max, s[i][j]);
      }
    }
    if (max > 0) {
      for (double[] row : s) {
        for (int j = 0; j < row.length; j++) {
          row[j] /= max;
        }
      }
    }
    return s;
  }
}
