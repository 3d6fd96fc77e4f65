package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.analysis.flowfields.GridBounds;
import org.mrnn4j.models.RecurrentModel;

/**
 * One plane of {@link FlowFieldAnalysis}, fitted (or given) once, that computes the fields of one
 * window at one state: what an interactive front end (the browser viewer) asks for on every pan
 * or zoom. {@link FlowFieldAnalysis#run} lays out its plane, trajectory and default grid with this
 * class, so a window asked for here gives exactly the values of {@code mrnn4j flow-field} for the
 * same plane, window and grid. Immutable and safe to share between threads.
 */
public final class FlowPlane {
  private final RecurrentModel model;
  private final List<String> regions;
  private final boolean cancelOthers;
  private final Pca plane;
  private final FlowFieldAnalysis.Through through;
  private final double[] anchor;
  private final double[][] path;
  private final double[] lo;
  private final double[] hi;
  private final FlowFieldFinder probe;
  private final double[][] trajectory;

  private FlowPlane(RecurrentModel model, List<String> regions, boolean cancelOthers, Pca plane,
      FlowFieldAnalysis.Through through, double[] anchor, double[][] trajectory,
      FlowFieldFinder probe) {
    this.model = model;
    this.regions = List.copyOf(regions);
    this.cancelOthers = cancelOthers;
    this.plane = plane;
    this.through = through;
    this.anchor = anchor == null ? null : anchor.clone();
    this.probe = probe;
    // the caller's rows copied: this plane stays as it was made
    this.trajectory = new double[trajectory.length][];
    for (int t = 0; t < trajectory.length; t++) {
      this.trajectory[t] = trajectory[t].clone();
    }
    path = new double[trajectory.length][];
    for (int t = 0; t < path.length; t++) {
      path[t] = probe.project(this.trajectory[t]);
    }
    List<double[]> extent = new ArrayList<>(Arrays.asList(path));
    if (anchor != null) {
      extent.add(probe.project(anchor)); // the grid also covers the chosen fixed point
    }
    lo = new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    hi = new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (double[] c : extent) {
      for (int a = 0; a < 2; a++) {
        lo[a] = Math.min(lo[a], c[a]);
        hi[a] = Math.max(hi[a], c[a]);
      }
    }
  }

  /**
   * A plane over the {@code regions}' units.
   *
   * @param model the model
   * @param trajectory the trajectory: drawn on the plane, giving the default grid's extent, and
   *     (without {@code plane}) the states the PCA is fitted on
   * @param regions the plane's regions (empty: all)
   * @param cancelOthers whether the other regions are silenced
   * @param plane a given plane (an eigen-plane or one read from a file), or null to fit the PCA
   *     of the trajectory
   * @param through where the plane passes
   * @param anchor the fixed point the plane passes through ({@link
   *     FlowFieldAnalysis.Through#FIXED_POINT}) or whose eigen-plane it is; the default grid
   *     also covers it; or null
   * @return the plane
   * @throws IllegalArgumentException naming what is wrong: an unknown region, a PCA on fewer
   *     than 2 states, a plane of the wrong dimension, no anchor to pass through
   */
  public static FlowPlane of(RecurrentModel model, double[][] trajectory, List<String> regions,
      boolean cancelOthers, Pca plane, FlowFieldAnalysis.Through through, double[] anchor) {
    List<String> r = regions == null ? List.of() : regions;
    FlowFieldFinder.Builder builder = FlowFieldFinder.on(model).regions(r)
        .cancelOtherRegions(cancelOthers);
    if (plane != null) {
      builder.plane(plane);
    } else {
      if (trajectory.length < 2) {
        throw new IllegalArgumentException("fitting the plane needs at least 2 states; the states"
            + " file gave " + trajectory.length + " (or give a plane)");
      }
      builder.planeFittedOn(trajectory);
    }
    if (through == FlowFieldAnalysis.Through.FIXED_POINT && anchor == null) {
      throw new IllegalArgumentException("a plane through a fixed point needs the point");
    }
    // a first build just to project (and, for PCA, to fit the plane once)
    FlowFieldFinder probe = builder.grid(FlowGrid.following(2, 1, 1)).build();
    if (plane == null && !moves(probe.plane())) {
      // every state equal: the PCA's axes would be arbitrary directions, not principal components
      throw new IllegalArgumentException("the trajectory does not move on the plane's units (all "
          + trajectory.length + " states are equal), so it has no principal components to span"
          + " a plane; simulate under another input, give states that differ, or span the plane"
          + " by a fixed point's eigenvectors (" + "--plane eigen:K" + ")");
    }
    return new FlowPlane(model, r, cancelOthers, probe.plane(), through, anchor, trajectory,
        probe);
  }

  /**
   * Whether a fitted trajectory spreads beyond rounding: its root total variance above 1e-12 of
   * its mean's size (identical states leave only the rounding of their mean, about 1e-17).
   */
  private static boolean moves(Pca fitted) {
    double scale = 0;
    for (double m : fitted.mean()) {
      scale = Math.max(scale, Math.abs(m));
    }
    return Math.sqrt(fitted.totalVariance()) > 1e-12 * Math.max(scale, Double.MIN_NORMAL);
  }

  /** {@return the plane's mean and directions, over its units} */
  public Pca plane() {
    return plane;
  }

  /** {@return the trajectory on the plane, {@code [T][2]}} */
  public double[][] path() {
    double[][] copy = new double[path.length][];
    for (int t = 0; t < path.length; t++) {
      copy[t] = path[t].clone();
    }
    return copy;
  }

  /**
   * {@return the fraction of the trajectory's variance (over the plane's units) along each plane
   * axis: the PCA's own for a fitted plane, else the projected variance over the total; NaN
   * where it cannot be told}
   */
  public double[] explained() {
    return FlowFieldAnalysis.explained(plane, trajectory, path, probe);
  }

  /**
   * {@return the plane coordinates of a full state}
   *
   * @param fullState a state over all units
   */
  public double[] project(double[] fullState) {
    return probe.project(fullState);
  }

  /**
   * The grid's default centre: the centre of the trajectory's extent on the plane (and of the
   * anchor's), as {@code flow-field} without {@code --center}.
   *
   * @return {@code [cx, cy]}
   */
  public double[] defaultCenter() {
    return new double[] {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2};
  }

  /**
   * The grid's default half-widths: the trajectory's half-extent plus 20% (at least 5% of its
   * larger bound, or 0.05), as {@code flow-field} without {@code --offset}.
   *
   * @return {@code [hx, hy]}
   */
  public double[] defaultHalf() {
    double[] half = new double[2];
    for (int a = 0; a < 2; a++) {
      half[a] = Math.max(0.6 * (hi[a] - lo[a]), 0.05 * Math.max(Math.abs(hi[a]), 1.0));
    }
    return half;
  }

  /**
   * The grid {@code flow-field} lays out for these options.
   *
   * @param points grid points per axis, at least 2
   * @param offset one or two half-widths, or null for {@link #defaultHalf}
   * @param center the centre, or null for {@link #defaultCenter}
   * @param follow whether the grid is centred on each state
   * @param bounds the grid's layout
   * @return the grid
   */
  public FlowGrid grid(int points, List<Double> offset, List<Double> center, boolean follow,
      GridBounds bounds) {
    double[] half = defaultHalf();
    if (offset != null) {
      for (int a = 0; a < 2; a++) {
        half[a] = offset.get(Math.min(a, offset.size() - 1));
      }
    }
    double[] c = center != null ? new double[] {center.get(0), center.get(1)} : defaultCenter();
    return (follow ? FlowGrid.following(points, half[0], half[1])
        : FlowGrid.fixed(points, half[0], half[1], c[0], c[1])).withBounds(bounds);
  }

  /**
   * A finder on this plane with this grid.
   *
   * @param grid the grid
   * @return the finder
   */
  public FlowFieldFinder finder(FlowGrid grid) {
    FlowFieldFinder.Builder builder = FlowFieldFinder.on(model).regions(regions)
        .cancelOtherRegions(cancelOthers).plane(plane).grid(grid);
    if (through == FlowFieldAnalysis.Through.STATE) {
      builder.planeThroughEachState();
    } else if (through == FlowFieldAnalysis.Through.FIXED_POINT) {
      builder.planeThrough(anchor);
    }
    return builder.build();
  }

  /**
   * The fields of one window at one state.
   *
   * @param state the state, over all units
   * @param u its input
   * @param grid the window and grid ({@link #grid})
   * @param nonlinear whether to compute the nonlinear field
   * @param linear whether to compute the linear field (at the state)
   * @return the fields (null where not asked for)
   */
  public Window window(double[] state, double[] u, FlowGrid grid, boolean nonlinear,
      boolean linear) {
    FlowFieldFinder finder = finder(grid);
    double[][] s = {state};
    double[][] in = {u};
    return new Window(finder, nonlinear ? finder.nonlinear(s, in).get(0) : null,
        linear ? finder.linear(s, in, null, null).get(0) : null);
  }

  /**
   * The memory a window's fields take while computed: about {@code 4 P^2 N + 6 P^2} doubles
   * (every grid point's full state and step, and the fields).
   *
   * @param points grid points per axis
   * @param units the model's units
   * @return bytes
   */
  public static long windowBytes(int points, int units) {
    long cells = (long) points * points;
    return (cells * 4L * units + cells * 2 * 3) * Double.BYTES;
  }

  /**
   * The largest grid (points per axis, at least 2) whose window takes at most {@code bytes}
   * ({@link #windowBytes}).
   *
   * @param bytes the memory allowed
   * @param units the model's units
   * @return points per axis
   */
  public static int largestGrid(long bytes, int units) {
    int p = (int) Math.max(2, Math.floor(Math.sqrt(bytes / (Double.BYTES * (4.0 * units + 6)))));
    while (p > 2 && windowBytes(p, units) > bytes) {
      p--;
    }
    return p;
  }

  /**
   * A mode's eigenvector on this plane: the eigenvector (over the plane's units) of the
   * decomposition's eigenvalue nearest {@code re + i im}, normalised to unit length, its real
   * and imaginary parts projected on the plane's two directions.
   *
   * @param decomposition the decomposition of the Jacobian over the plane's units, with vectors
   * @param re the mode's eigenvalue, real part
   * @param im its imaginary part
   * @return {@code {{re_x, re_y}, {im_x, im_y}}}, or null when the decomposition has no vectors
   *     or another number of units than the plane
   */
  public double[][] modeOnPlane(org.mrnn4j.core.Eigendecomposition decomposition, double re,
      double im) {
    int best = -1;
    double dist = Double.POSITIVE_INFINITY;
    for (int q = 0; q < decomposition.size(); q++) {
      double d = Math.hypot(decomposition.real(q) - re, decomposition.imag(q) - im);
      if (d < dist) {
        dist = d;
        best = q;
      }
    }
    if (best < 0 || !decomposition.hasVectors()) {
      return null;
    }
    double[] vr = decomposition.vectorReal(best);
    double[] vi = decomposition.vectorImag(best);
    if (vr.length != plane.mean().length) {
      return null;
    }
    double norm = 0;
    for (int a = 0; a < vr.length; a++) {
      norm += vr[a] * vr[a] + vi[a] * vi[a];
    }
    norm = Math.sqrt(norm);
    double[][] out = new double[2][2];
    for (int c = 0; c < 2; c++) {
      double[] dir = plane.component(c);
      double sr = 0;
      double si = 0;
      for (int a = 0; a < dir.length; a++) {
        sr += dir[a] * vr[a];
        si += dir[a] * vi[a];
      }
      out[0][c] = sr / norm;
      out[1][c] = si / norm;
    }
    return out;
  }

  /**
   * One window's fields.
   *
   * @param finder the finder used
   * @param nonlinear the nonlinear field, or null
   * @param linear the linear field at the state, or null
   */
  public record Window(FlowFieldFinder finder, FlowField nonlinear, FlowField linear) {}
}
