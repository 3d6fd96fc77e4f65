package org.mrnn4j.analysis.flowfields;

/**
 * The grid a flow field is sampled on, in the plane's coordinates: {@code points} values along
 * each axis from {@code centre - offset} to {@code centre + offset}, the centre fixed or, when
 * {@code follow}, each state's own plane coordinates. As mRNNTorch's flow-field finders do, the
 * axis values are PyTorch's {@code linspace} in the model's precision and, when following, each
 * bound is rounded to one decimal (halves to even), so a followed grid is not exactly centred on
 * its state.
 *
 * @param points values along each axis, at least 2
 * @param xOffset half the width along the first axis, positive
 * @param yOffset half the height along the second axis, positive
 * @param xCenter the fixed centre's first coordinate (ignored when following)
 * @param yCenter the fixed centre's second coordinate (ignored when following)
 * @param follow whether each state's grid is centred on the state
 */
public record FlowGrid(int points, double xOffset, double yOffset, double xCenter,
    double yCenter, boolean follow) {

  /**
   * Validates the grid.
   *
   * @param points values along each axis, at least 2
   * @param xOffset half the width along the first axis, positive and finite
   * @param yOffset half the height along the second axis, positive and finite
   * @param xCenter the fixed centre's first coordinate, finite
   * @param yCenter the fixed centre's second coordinate, finite
   * @param follow whether each state's grid is centred on the state
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public FlowGrid {
    if (points < 2) {
      throw new IllegalArgumentException("a flow-field grid needs at least 2 points per axis, got "
          + points);
    }
    if (!(xOffset > 0) || !(yOffset > 0) || !Double.isFinite(xOffset)
        || !Double.isFinite(yOffset)) {
      throw new IllegalArgumentException("the grid's offsets must be positive and finite, got "
          + xOffset + " and " + yOffset);
    }
    if (!Double.isFinite(xCenter) || !Double.isFinite(yCenter)) {
      throw new IllegalArgumentException("the grid's centre must be finite, got (" + xCenter
          + ", " + yCenter + ")");
    }
  }

  /**
   * A grid centred on each state.
   *
   * @param points values along each axis, at least 2
   * @param xOffset half the width along the first axis, positive
   * @param yOffset half the height along the second axis, positive
   * @return the grid
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public static FlowGrid following(int points, double xOffset, double yOffset) {
    return new FlowGrid(points, xOffset, yOffset, 0, 0, true);
  }

  /**
   * A grid around a fixed centre.
   *
   * @param points values along each axis, at least 2
   * @param xOffset half the width along the first axis, positive
   * @param yOffset half the height along the second axis, positive
   * @param xCenter the centre's first plane coordinate
   * @param yCenter the centre's second plane coordinate
   * @return the grid
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public static FlowGrid fixed(int points, double xOffset, double yOffset, double xCenter,
      double yCenter) {
    return new FlowGrid(points, xOffset, yOffset, xCenter, yCenter, false);
  }

  /**
   * The first axis's values for a state at plane coordinates {@code centre}, in float32 when
   * {@code single} (a float32 model, as PyTorch's default dtype would be), else float64.
   */
  double[] xAxis(double[] centre, boolean single) {
    return follow ? axis(round1(centre[0] - xOffset), round1(centre[0] + xOffset), single)
        : axis(xCenter - xOffset, xCenter + xOffset, single);
  }

  /** The second axis's values; see {@link #xAxis}. */
  double[] yAxis(double[] centre, boolean single) {
    return follow ? axis(round1(centre[1] - yOffset), round1(centre[1] + yOffset), single)
        : axis(yCenter - yOffset, yCenter + yOffset, single);
  }

  /** PyTorch's {@code torch.round(v, decimals=1)}: half to even on ten times the value. */
  private static double round1(double v) {
    return Math.rint(v * 10.0) / 10.0;
  }

  /**
   * PyTorch's {@code linspace(lo, hi, points)}: step {@code (hi - lo) / (points - 1)}, the first
   * half counted up from {@code lo}, the second down from {@code hi}, in float or double
   * arithmetic.
   */
  private double[] axis(double lo, double hi, boolean single) {
    int halfway = points / 2;
    double[] out = new double[points];
    if (single) {
      float start = (float) lo;
      float end = (float) hi;
      float step = (end - start) / (points - 1);
      for (int i = 0; i < points; i++) {
        out[i] = i < halfway ? start + step * i : end - step * (points - i - 1);
      }
    } else {
      double step = (hi - lo) / (points - 1);
      for (int i = 0; i < points; i++) {
        out[i] = i < halfway ? lo + step * i : hi - step * (points - i - 1);
      }
    }
    return out;
  }
}
