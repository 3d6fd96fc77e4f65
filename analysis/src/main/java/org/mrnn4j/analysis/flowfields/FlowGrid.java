package org.mrnn4j.analysis.flowfields;

/**
 * The grid a flow field is sampled on, in the plane's coordinates: {@code points} values along
 * each axis from {@code centre - offset} to {@code centre + offset}, the centre fixed or, when
 * {@code follow}, each state's own plane coordinates. With {@link GridBounds#EXACT} (the
 * default) the grid is exactly that, at any scale; {@link GridBounds#MRNNTORCH_ROUNDED}
 * reproduces mRNNTorch's flow-field finders (float32 {@code linspace}, followed bounds rounded to
 * one decimal), for the conformance cases only.
 *
 * @param points values along each axis, at least 2
 * @param xOffset half the width along the first axis, positive
 * @param yOffset half the height along the second axis, positive
 * @param xCenter the fixed centre's first coordinate (ignored when following)
 * @param yCenter the fixed centre's second coordinate (ignored when following)
 * @param follow whether each state's grid is centred on the state
 * @param bounds how the axis values are laid out: exactly, or as mRNNTorch rounds them
 */
public record FlowGrid(int points, double xOffset, double yOffset, double xCenter,
    double yCenter, boolean follow, GridBounds bounds) {

  /**
   * Validates the grid.
   *
   * @param points values along each axis, at least 2
   * @param xOffset half the width along the first axis, positive and finite
   * @param yOffset half the height along the second axis, positive and finite
   * @param xCenter the fixed centre's first coordinate, finite
   * @param yCenter the fixed centre's second coordinate, finite
   * @param follow whether each state's grid is centred on the state
   * @param bounds how the axis values are laid out, not null
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public FlowGrid {
    java.util.Objects.requireNonNull(bounds, "bounds");
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
   * An exact grid ({@link GridBounds#EXACT}).
   *
   * @param points values along each axis, at least 2
   * @param xOffset half the width along the first axis, positive and finite
   * @param yOffset half the height along the second axis, positive and finite
   * @param xCenter the fixed centre's first coordinate, finite
   * @param yCenter the fixed centre's second coordinate, finite
   * @param follow whether each state's grid is centred on the state
   * @throws IllegalArgumentException naming the field when a value is out of range
   */
  public FlowGrid(int points, double xOffset, double yOffset, double xCenter, double yCenter,
      boolean follow) {
    this(points, xOffset, yOffset, xCenter, yCenter, follow, GridBounds.EXACT);
  }

  /**
   * {@return this grid with its axis values laid out as {@code bounds} says}
   *
   * @param bounds {@link GridBounds#EXACT} or {@link GridBounds#MRNNTORCH_ROUNDED}
   */
  public FlowGrid withBounds(GridBounds bounds) {
    return new FlowGrid(points, xOffset, yOffset, xCenter, yCenter, follow, bounds);
  }

  /**
   * An exact grid centred on each state.
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
   * An exact grid around a fixed centre.
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
   * {@return the first axis's values for a state at plane coordinates {@code centre}}
   *
   * @param centre the state's plane coordinates (used when following)
   * @param single whether the model computes in float32 (used by
   *     {@link GridBounds#MRNNTORCH_ROUNDED} only, as PyTorch's default dtype would be)
   */
  public double[] xAxis(double[] centre, boolean single) {
    return axisAbout(follow ? centre[0] : xCenter, xOffset, single);
  }

  /**
   * {@return the second axis's values; see {@link #xAxis}}
   *
   * @param centre the state's plane coordinates (used when following)
   * @param single whether the model computes in float32 ({@link GridBounds#MRNNTORCH_ROUNDED})
   */
  public double[] yAxis(double[] centre, boolean single) {
    return axisAbout(follow ? centre[1] : yCenter, yOffset, single);
  }

  private double[] axisAbout(double c, double offset, boolean single) {
    if (bounds == GridBounds.EXACT) {
      // c + offset * t_i with t_i = (2i - (P - 1)) / (P - 1): integer numerators, so t is exactly
      // antisymmetric, t_0 = -1, t_{P-1} = 1, and t = 0 in the middle of an odd grid
      double[] out = new double[points];
      double last = points - 1;
      for (int i = 0; i < points; i++) {
        out[i] = c + offset * ((2.0 * i - last) / last);
      }
      return out;
    }
    return follow ? axis(round1(c - offset), round1(c + offset), single)
        : axis(c - offset, c + offset, single);
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
