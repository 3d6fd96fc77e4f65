package org.mrnn4j.analysis.flowfields;

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
 */
public record FlowField(int state, double[] center, double[] xAxis, double[] yAxis,
    double[][] xVelocity, double[][] yVelocity, double[][] speed) {

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
