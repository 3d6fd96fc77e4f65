package org.mrnn4j.analysis.flowfields;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.core.dynamics.RecurrentDynamics;

/**
 * Flow fields on a 2-D plane through state space: mRNNTorch's flow-field finders
 * ({@code mFlowFieldFinder} for the leaky model, {@code emFlowFieldFinder} for Elman), for any
 * model kind of the model SPI.
 *
 * <pre>{@code
 * FlowFieldFinder finder = FlowFieldFinder.on(model)
 *     .regions("exc")                       // the plane spans these regions; none: all
 *     .planeFittedOn(trajectoryStates)      // or .plane(Pca.of(mean, components))
 *     .grid(FlowGrid.following(50, 1.0, 1.0))
 *     .build();
 * List<FlowField> nonlinear = finder.nonlinear(states, inputs);
 * List<FlowField> linear = finder.linear(states, inputs, null, null);
 * }</pre>
 *
 * <p>States are in the model's natural coordinates (leaky: pre-activations {@code x}; Elman:
 * activations {@code h}), one row of {@code N} per state, with one input row of {@code I} each.
 * The plane spans the included regions' units, in the model's order (mRNNTorch fits and projects
 * in the order regions are given, which its linearizations do not; this uses one order
 * everywhere); the excluded regions are held at each state's values, or at zero with
 * {@link Builder#cancelOtherRegions}.
 *
 * <ul>
 *   <li><b>Nonlinear</b>: one noise-free step of the network from every grid point (leaky:
 *       {@code x0} the grid state, {@code h0 = act(x0)}), with the state's input and the optional
 *       stimulus row, optionally with a replacement recurrent weight matrix (a lesion); the next
 *       state of the plane's units, projected. The whole grid is one batched call on the
 *       backend, {@link RecurrentDynamics#projectedStep}: only the next states' plane coordinates
 *       are formed, which the leaky model computes without the {@code [grid^2, N] x [N, N]}
 *       product (O(grid^2 N) per state instead of O(grid^2 N^2)).
 *   <li><b>Linear</b>: the first-order prediction of the linearization at the state ({@link
 *       LinearizationResult#predict}) for the perturbation {@code grid point - state} of the
 *       plane's units, with input and excluded-unit perturbations. It is affine in the two grid
 *       coordinates: the Jacobian is applied to the plane's two directions and one offset, so a
 *       state costs O(n^2) whatever the grid size.
 * </ul>
 *
 * Velocities are the projected next state minus the grid point. The grid lies on the plane
 * through its mean (mRNNTorch's choice), or moved along its normal directions to pass through
 * each state or a chosen point ({@link PlaneOrigin}); {@link #distanceFromSlice} says how far a
 * point (a fixed point, say) is from where a field is drawn, and each {@link FlowField} how far
 * its state is ({@link FlowField#offPlane}). The grid is exact by default
 * ({@link GridBounds}). Immutable and thread-safe.
 */
public final class FlowFieldFinder {
  private final RecurrentDynamics model;
  private final Linearization linearization;
  private final IndexRanges units;
  private final int[] unitIndex;
  private final boolean cancel;
  private final Pca plane;
  private final FlowGrid grid;
  private final double[][] stimulus;
  private final double[][] lesion;
  private final PlaneOrigin origin;
  private final double[] originPoint;
  private final int blocks;

  private FlowFieldFinder(Builder b, Pca plane) {
    this.model = b.model;
    this.linearization = Linearization.of(b.model, b.model.naturalCoordinates(), b.regions);
    this.units = linearization.units();
    this.unitIndex = indices(units);
    this.cancel = b.cancel;
    this.plane = plane;
    this.grid = b.grid;
    this.stimulus = b.stimulus;
    this.lesion = b.lesion;
    this.origin = b.origin;
    this.originPoint = b.originPoint == null ? null : restrict(b.originPoint);
    this.blocks = b.blocks;
  }

  /**
   * Where the plane a field is drawn on passes through. The plane's directions are the same in
   * every case, and so are the plane coordinates (a point's projection onto the directions,
   * relative to the plane's mean): what changes is the affine plane the grid lies on, which is
   * the given plane moved along the directions orthogonal to it until it contains the chosen
   * point.
   */
  public enum PlaneOrigin {
    /**
     * The plane as given, through its mean (mRNNTorch's choice): a state off the plane is drawn
     * at its projection, and the grid point there is not the state.
     */
    PLANE_MEAN,
    /**
     * Through each state: the field at a state is drawn on the plane through that state, so its
     * grid point at the state's coordinates is the state itself (at a fixed point, both fields
     * vanish there).
     */
    EACH_STATE,
    /** Through one given point (for example a fixed point), for every state. */
    POINT
  }

  /**
   * A finder for {@code model}: set the plane and grid on the builder.
   *
   * @param model any model kind
   * @return a builder with the defaults (all regions, the default grid, no stimulus or lesion)
   */
  public static Builder on(RecurrentDynamics model) {
    return new Builder(Objects.requireNonNull(model, "model"));
  }

  /** {@return the plane, over the included units in the model's order} */
  public Pca plane() {
    return plane;
  }

  /** {@return the included leaf regions, in the model's order} */
  public List<String> regions() {
    return linearization.regions();
  }

  /** {@return the excluded leaf regions, in the model's order} */
  public List<String> excludedRegions() {
    return linearization.excludedRegions();
  }

  /** {@return the included units: the plane's coordinates} */
  public IndexRanges units() {
    return units;
  }

  /** {@return the grid} */
  public FlowGrid grid() {
    return grid;
  }

  /** {@return where the plane the fields are drawn on passes through} */
  public PlaneOrigin planeOrigin() {
    return origin;
  }

  /**
   * The distance in state space (all units, the model's natural coordinates) from {@code point}
   * to the slice the field at {@code state} is drawn on: the states whose plane units lie on the
   * plane (through the plane's mean, the state, or the chosen point; see {@link PlaneOrigin})
   * and whose other units are held at the state's values (or at zero with
   * {@link Builder#cancelOtherRegions}). It is {@code sqrt(a^2 + b^2)}, with {@code a} the
   * distance of the plane units from the plane and {@code b} that of the other units from the
   * values they are held at. A fixed point far from the slice is not where the field's arrows
   * would stop, even where it projects inside the grid.
   *
   * @param point a full state {@code [N]}
   * @param state the full state {@code [N]} the field is drawn at
   * @return the distance, 0 for a point on the slice
   * @throws IllegalArgumentException naming the argument when a length is wrong or a value is
   *     not finite
   */
  public double distanceFromSlice(double[] point, double[] state) {
    checkRow("point", point, model.numUnits(), "units");
    checkRow("state", state, model.numUnits(), "units");
    double[] residual = outOfPlane(restrict(point));
    double[] shift = shift(restrict(state));
    double sum = 0;
    for (int a = 0; a < residual.length; a++) {
      double v = residual[a] - shift[a];
      sum += v * v;
    }
    int n = model.numUnits();
    boolean[] included = new boolean[n];
    for (int i : unitIndex) {
      included[i] = true;
    }
    for (int i = 0; i < n; i++) {
      if (!included[i]) {
        double v = point[i] - (cancel ? 0 : state[i]);
        sum += v * v;
      }
    }
    return Math.sqrt(sum);
  }

  /** The component of {@code s - mean} orthogonal to the plane's directions, over its units. */
  private double[] outOfPlane(double[] s) {
    double[] mean = plane.mean();
    double[] c0 = plane.component(0);
    double[] c1 = plane.component(1);
    double[] r = new double[s.length];
    for (int a = 0; a < s.length; a++) {
      r[a] = s[a] - mean[a];
    }
    double g0 = dot(c0, r);
    double g1 = dot(c1, r);
    for (int a = 0; a < s.length; a++) {
      r[a] -= g0 * c0[a] + g1 * c1[a];
    }
    return r;
  }

  /**
   * The plane's shift off its mean for a state (plane units {@code sR}): the grid point with
   * coordinates {@code g} is {@code mean + shift + g0 c0 + g1 c1}.
   */
  private double[] shift(double[] sR) {
    return switch (origin) {
      case PLANE_MEAN -> new double[sR.length];
      case EACH_STATE -> outOfPlane(sR);
      case POINT -> outOfPlane(originPoint);
    };
  }

  /** The state's scale: its largest unit in absolute value, or the grid's larger half-width. */
  private double scale(double[] state) {
    double s = Math.max(grid.xOffset(), grid.yOffset());
    for (double v : state) {
      s = Math.max(s, Math.abs(v));
    }
    return s;
  }

  /**
   * {@return the plane coordinates of a full state (its included units projected), length 2}
   *
   * @param fullState a state over every unit, in the natural coordinates
   */
  public double[] project(double[] fullState) {
    checkRow("state", fullState, model.numUnits(), "units");
    return plane.project(restrict(fullState));
  }

  // ------------------------------------------------------------------ nonlinear

  /**
   * The nonlinear flow field at each state.
   *
   * @param states {@code [T][N]} in the natural coordinates
   * @param inputs {@code [T][I]}
   * @return one field per state, in order
   * @throws IllegalArgumentException naming the row and length when a shape is wrong or a value
   *     is not finite, or when the stimulus has another number of rows
   */
  public List<FlowField> nonlinear(double[][] states, double[][] inputs) {
    int t = checkStates(states, inputs);
    if (stimulus != null && stimulus.length != t) {
      throw new IllegalArgumentException("the stimulus has " + stimulus.length
          + " rows; there are " + t + " states (one stimulus row per state)");
    }
    int n = model.numUnits();
    int in = model.numInputs();
    int p = grid.points();
    int rows = p * p;
    Backend backend = model.backend();
    DType dtype = model.recurrentWeights().dtype();
    boolean single = dtype == DType.FLOAT32;
    // only the plane coordinates of each next state are needed: the model's projected step,
    // with P the plane's components spread over the included units' columns
    double[] mean = plane.mean();
    double[] c0 = plane.component(0);
    double[] c1 = plane.component(1);
    double[] projection = new double[2 * n];
    for (int a = 0; a < unitIndex.length; a++) {
      projection[unitIndex[a]] = c0[a];
      projection[n + unitIndex[a]] = c1[a];
    }
    double meanX = dot(c0, mean);
    double meanY = dot(c1, mean);
    List<FlowField> out = new ArrayList<>(t);
    try (TensorScope shared = new TensorScope()) {
      Tensor w = lesion == null ? null
          : shared.track(backend.fromArray(flatten(lesion), dtype, n, n));
      Tensor pt = shared.track(backend.fromArray(projection, dtype, 2, n));
      for (int k = 0; k < t; k++) {
        double[] centre = plane.project(restrict(states[k]));
        double[] xs = grid.xAxis(centre, single);
        double[] ys = grid.yAxis(centre, single);
        // every grid point's full state, formed on the backend as [1, gx, gy] x basis: the basis
        // rows are the state with the plane's units at the plane's mean (held, or zero), and the
        // two components spread over the plane's units
        double[] basis = new double[3 * n];
        if (!cancel) {
          System.arraycopy(states[k], 0, basis, 0, n);
        }
        double[] shift = shift(restrict(states[k]));
        for (int a = 0; a < unitIndex.length; a++) {
          basis[unitIndex[a]] = mean[a] + shift[a];
        }
        System.arraycopy(projection, 0, basis, n, 2 * n);
        double[] coefficients = new double[rows * 3];
        for (int i = 0; i < p; i++) {
          for (int j = 0; j < p; j++) {
            int row = i * p + j;
            coefficients[row * 3] = 1;
            coefficients[row * 3 + 1] = xs[i];
            coefficients[row * 3 + 2] = ys[j];
          }
        }
        // each grid point's step is independent of the others': on a CPU backend a large grid is
        // cut into blocks of rows stepped in parallel (the activation of every grid point's full
        // state dominates); every row's arithmetic is the same whichever block it is in
        int blocks = blocksFor(backend, rows, n);
        double[] next = new double[rows * 2];
        int k0 = k;
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> {
          int from = (int) ((long) rows * b / blocks);
          int to = (int) ((long) rows * (b + 1) / blocks);
          int r = to - from;
          if (r == 0) {
            return;
          }
          try (TensorScope scope = new TensorScope()) {
            Tensor ones = scope.track(backend.fromArray(filled(r), dtype, r, 1));
            Tensor s = scope.track(backend.matmul(
                scope.track(backend.fromArray(java.util.Arrays.copyOfRange(coefficients,
                    from * 3, to * 3), dtype, r, 3)),
                scope.track(backend.fromArray(basis, dtype, 3, n))));
            Tensor ut = scope.track(backend.matmul(ones, scope.track(backend.fromArray(
                inputs[k0], dtype, 1, in))));
            Tensor st = stimulus == null ? null : scope.track(backend.matmul(ones,
                scope.track(backend.fromArray(stimulus[k0], dtype, 1, n))));
            double[] part = scope.track(model.projectedStep(pt, w, s, ut, st)).toArray();
            System.arraycopy(part, 0, next, from * 2, r * 2);
          }
        });
        double[][] vx = new double[p][p];
        double[][] vy = new double[p][p];
        for (int i = 0; i < p; i++) {
          for (int j = 0; j < p; j++) {
            int row = i * p + j;
            vx[i][j] = next[row * 2] - meanX - xs[i];
            vy[i][j] = next[row * 2 + 1] - meanY - ys[j];
          }
        }
        out.add(new FlowField(k, centre, xs, ys, vx, vy, FlowField.speeds(vx, vy),
            distanceFromSlice(states[k], states[k]), scale(states[k])));
      }
    }
    return out;
  }

  /** Below this many grid-point unit values ({@code P^2 N}) the grid is stepped in one block. */
  static final long PARALLEL_FROM = 1L << 18;

  /**
   * The blocks a grid of {@code rows} points is stepped in: those set on the builder (tests), else
   * {@link #blocks(Backend, int, int)}; at most one per row.
   */
  int blocksFor(Backend backend, int rows, int n) {
    return blocks > 0 ? Math.max(1, Math.min(blocks, rows)) : blocks(backend, rows, n);
  }

  /** The blocks a grid is stepped in: one, or one per processor (at most 8) on a CPU backend. */
  private static int blocks(Backend backend, int rows, int n) {
    if ((long) rows * n < PARALLEL_FROM || backend.supports(org.mrnn4j.core.Capability.GPU)) {
      return 1;
    }
    return Math.max(1, Math.min(Math.min(8, Runtime.getRuntime().availableProcessors()),
        rows / 64));
  }

  private static double[] filled(int r) {
    double[] column = new double[r];
    java.util.Arrays.fill(column, 1.0);
    return column;
  }

  // ------------------------------------------------------------------ linear

  /**
   * The linear flow field at each state: the linearization's first-order prediction.
   *
   * @param states {@code [T][N]} in the natural coordinates (the operating points)
   * @param inputs {@code [T][I]}
   * @param deltaInputs {@code [T][I]} input perturbations, or null for none
   * @param deltaStatic {@code [T][E]} perturbations of the excluded units (in the model's order),
   *     or null for none; multiplied by zero with {@link Builder#cancelOtherRegions}
   * @return one field per state, in order
   * @throws IllegalArgumentException naming the row and length when a shape is wrong or a value
   *     is not finite
   */
  public List<FlowField> linear(double[][] states, double[][] inputs, double[][] deltaInputs,
      double[][] deltaStatic) {
    int t = checkStates(states, inputs);
    int in = model.numInputs();
    int e = model.numUnits() - unitIndex.length;
    if (deltaInputs != null) {
      checkRows("input perturbation", deltaInputs, t, in, "inputs");
    }
    if (deltaStatic != null) {
      if (e == 0) {
        throw new IllegalArgumentException("excluded-unit perturbations were given, but the "
            + "plane spans every region: there are no excluded units");
      }
      checkRows("excluded-unit perturbation", deltaStatic, t, e, "excluded units");
    }
    int d = unitIndex.length;
    int p = grid.points();
    Backend backend = model.backend();
    DType dtype = model.recurrentWeights().dtype();
    boolean single = dtype == DType.FLOAT32;
    double[] mean = plane.mean();
    double[] c0 = plane.component(0);
    double[] c1 = plane.component(1);
    List<FlowField> out = new ArrayList<>(t);
    for (int k = 0; k < t; k++) {
      double[] sR = restrict(states[k]);
      double[] centre = plane.project(sR);
      double[] xs = grid.xAxis(centre, single);
      double[] ys = grid.yAxis(centre, single);
      // pred(g) = f(p) + J (mean + shift - s) + J_in du + J_exc ds + g0 J c0 + g1 J c1
      double[] shift = shift(sR);
      double[] base;
      double[] jc0 = new double[d];
      double[] jc1 = new double[d];
      try (LinearizationResult r = linearization.at(OperatingPoint.of(states[k], inputs[k]));
          TensorScope scope = new TensorScope()) {
        double[] m = new double[d * 3];
        for (int a = 0; a < d; a++) {
          m[a * 3] = c0[a];
          m[a * 3 + 1] = c1[a];
          m[a * 3 + 2] = mean[a] + shift[a] - sR[a];
        }
        Tensor mt = scope.track(backend.fromArray(m, dtype, d, 3));
        double[] jm = scope.track(backend.matmul(r.jacobian(), mt)).toArray();
        base = r.next().toArray();
        for (int a = 0; a < d; a++) {
          jc0[a] = jm[a * 3];
          jc1[a] = jm[a * 3 + 1];
          base[a] += jm[a * 3 + 2];
        }
        if (deltaInputs != null) {
          Tensor du = scope.track(backend.fromArray(deltaInputs[k], dtype, in, 1));
          double[] jdu = scope.track(backend.matmul(r.inputJacobian(), du)).toArray();
          for (int a = 0; a < d; a++) {
            base[a] += jdu[a];
          }
        }
        if (deltaStatic != null && !cancel && r.excludedJacobian().isPresent()) {
          Tensor ds = scope.track(backend.fromArray(deltaStatic[k], dtype, e, 1));
          double[] jds = scope.track(backend.matmul(r.excludedJacobian().get(), ds)).toArray();
          for (int a = 0; a < d; a++) {
            base[a] += jds[a];
          }
        }
      }
      // projected, relative to the grid point mean + shift + C^T g (C shift = 0):
      // a + B g - g with a = C (base - mean), B = C [J c0, J c1]
      double[] centred = new double[d];
      for (int a = 0; a < d; a++) {
        centred[a] = base[a] - mean[a];
      }
      double ax = dot(c0, centred);
      double ay = dot(c1, centred);
      double bxx = dot(c0, jc0);
      double bxy = dot(c0, jc1);
      double byx = dot(c1, jc0);
      double byy = dot(c1, jc1);
      double[][] vx = new double[p][p];
      double[][] vy = new double[p][p];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          vx[i][j] = ax + bxx * xs[i] + bxy * ys[j] - xs[i];
          vy[i][j] = ay + byx * xs[i] + byy * ys[j] - ys[j];
        }
      }
      out.add(new FlowField(k, centre, xs, ys, vx, vy, FlowField.speeds(vx, vy),
          distanceFromSlice(states[k], states[k]), scale(states[k])));
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private double[] restrict(double[] full) {
    double[] s = new double[unitIndex.length];
    for (int a = 0; a < unitIndex.length; a++) {
      s[a] = full[unitIndex[a]];
    }
    return s;
  }

  private int checkStates(double[][] states, double[][] inputs) {
    Objects.requireNonNull(states, "states");
    Objects.requireNonNull(inputs, "inputs");
    if (states.length == 0) {
      throw new IllegalArgumentException("a flow field needs at least one state");
    }
    checkRows("state", states, states.length, model.numUnits(), "units");
    checkRows("input", inputs, states.length, model.numInputs(), "inputs");
    return states.length;
  }

  private static void checkRows(String what, double[][] rows, int count, int length,
      String of) {
    if (rows.length != count) {
      throw new IllegalArgumentException("there are " + rows.length + " " + what
          + " rows; expected " + count + " (one per state)");
    }
    for (int k = 0; k < rows.length; k++) {
      checkRow(what + " " + k, rows[k], length, of);
    }
  }

  private static void checkRow(String what, double[] row, int length, String of) {
    if (row == null || row.length != length) {
      throw new IllegalArgumentException("the " + what + " has " + (row == null ? "no"
          : row.length) + " entries; expected " + length + " (the model's " + of + ")");
    }
    for (int i = 0; i < row.length; i++) {
      if (!Double.isFinite(row[i])) {
        throw new IllegalArgumentException("the " + what + " holds " + row[i] + " at index "
            + i + "; flow fields need finite values");
      }
    }
  }

  private static int[] indices(IndexRanges units) {
    int[] out = new int[units.size()];
    int k = 0;
    for (IndexRange r : units.ranges()) {
      for (int i = r.start(); i < r.end(); i++) {
        out[k++] = i;
      }
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] flatten(double[][] m) {
    int cols = m[0].length;
    double[] out = new double[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * cols, cols);
    }
    return out;
  }

  /** Sets up a {@link FlowFieldFinder}. Not thread-safe; the finder it builds is. */
  public static final class Builder {
    private final RecurrentDynamics model;
    private Collection<String> regions = List.of();
    private boolean cancel;
    private Pca plane;
    private double[][] fitStates;
    private FlowGrid grid = FlowGrid.fixed(50, 1, 1, 0, 0);
    private double[][] stimulus;
    private double[][] lesion;
    private PlaneOrigin origin = PlaneOrigin.PLANE_MEAN;
    private double[] originPoint;
    private int blocks;

    private Builder(RecurrentDynamics model) {
      this.model = model;
    }

    /**
     * The blocks of grid points the nonlinear field is stepped in, in parallel (tests: the same
     * values whatever the machine's processors); 0 (the default) chooses by the grid's size and
     * the processors.
     *
     * @param blocks at least 0
     * @return this builder
     */
    Builder parallelBlocks(int blocks) {
      if (blocks < 0) {
        throw new IllegalArgumentException("blocks must be at least 0, got " + blocks);
      }
      this.blocks = blocks;
      return this;
    }

    /**
     * The regions the plane spans.
     *
     * @param regions leaf or parent names, any order; none: all
     * @return this builder
     */
    public Builder regions(String... regions) {
      return regions(List.of(regions));
    }

    /**
     * The regions the plane spans.
     *
     * @param regions leaf or parent names, any order; empty: all
     * @return this builder
     */
    public Builder regions(Collection<String> regions) {
      this.regions = List.copyOf(regions);
      return this;
    }

    /**
     * Whether the excluded regions are silenced (zero) instead of held at each state's values.
     *
     * @param cancel true to silence them
     * @return this builder
     */
    public Builder cancelOtherRegions(boolean cancel) {
      this.cancel = cancel;
      return this;
    }

    /**
     * The plane, given explicitly: a mean and two directions over the included units (in the
     * model's order), for example computed elsewhere or taken from readout axes.
     *
     * @param plane the plane; replaces any {@link #planeFittedOn} states
     * @return this builder
     */
    public Builder plane(Pca plane) {
      this.plane = Objects.requireNonNull(plane, "plane");
      this.fitStates = null;
      return this;
    }

    /**
     * The plane fitted by PCA (two components) on these full states ({@code [T][N]}, natural
     * coordinates): their included units' activity, as the reference fits it on a trajectory.
     *
     * @param states the states to fit on (copied); replaces any explicit {@link #plane}
     * @return this builder
     */
    public Builder planeFittedOn(double[][] states) {
      this.fitStates = Objects.requireNonNull(states, "states").clone();
      this.plane = null;
      return this;
    }

    /**
     * The plane through its own mean, as given or fitted (the default, and mRNNTorch's): see
     * {@link PlaneOrigin#PLANE_MEAN}.
     *
     * @return this builder
     */
    public Builder planeThroughMean() {
      this.origin = PlaneOrigin.PLANE_MEAN;
      this.originPoint = null;
      return this;
    }

    /**
     * The field at each state drawn on the plane moved to pass through that state (same
     * directions, same coordinates): the grid point at the state's coordinates is the state, so
     * at a fixed point both fields vanish there. See {@link PlaneOrigin#EACH_STATE}.
     *
     * @return this builder
     */
    public Builder planeThroughEachState() {
      this.origin = PlaneOrigin.EACH_STATE;
      this.originPoint = null;
      return this;
    }

    /**
     * Every field drawn on the plane moved to pass through {@code point} (for example a fixed
     * point): same directions, same coordinates. See {@link PlaneOrigin#POINT}.
     *
     * @param point a full state {@code [N]} in the natural coordinates (copied)
     * @return this builder
     */
    public Builder planeThrough(double[] point) {
      this.origin = PlaneOrigin.POINT;
      this.originPoint = Objects.requireNonNull(point, "point").clone();
      return this;
    }

    /**
     * The grid (default: 50 points per axis, offsets 1, centred at the origin).
     *
     * @param grid the grid
     * @return this builder
     */
    public Builder grid(FlowGrid grid) {
      this.grid = Objects.requireNonNull(grid, "grid");
      return this;
    }

    /**
     * An additive stimulus for the nonlinear field.
     *
     * @param stimulus one row of {@code N} per state; or null for none
     * @return this builder
     */
    public Builder stimulus(double[][] stimulus) {
      this.stimulus = stimulus == null ? null : stimulus.clone();
      return this;
    }

    /**
     * A replacement recurrent weight matrix for the nonlinear field (effective weights
     * {@code [N][N]}: a lesion, as mRNNTorch's {@code W} argument).
     *
     * @param weights the effective weights, {@code [N][N]}; or null for the model's
     * @return this builder
     */
    public Builder lesion(double[][] weights) {
      this.lesion = weights == null ? null : weights.clone();
      return this;
    }

    /**
     * Builds the finder.
     *
     * @return the finder
     * @throws IllegalArgumentException naming what is wrong: no plane, a plane of the wrong
     *     dimension or with fewer than two components, an unknown region, a lesion matrix of
     *     the wrong shape or with non-finite entries, a stimulus row of the wrong length
     */
    public FlowFieldFinder build() {
      int n = model.numUnits();
      IndexRanges units = model.layout().recurrentIndices(regions); // names an unknown region
      Pca p = plane;
      if (p == null && fitStates == null) {
        throw new IllegalArgumentException("a flow field needs a plane: give one (plane) or the "
            + "states to fit it on (planeFittedOn)");
      }
      if (p == null) {
        int[] idx = indices(units);
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < fitStates.length; k++) {
          checkRow("state " + k + " to fit the plane on", fitStates[k], n, "units");
          double[] r = new double[idx.length];
          for (int a = 0; a < idx.length; a++) {
            r[a] = fitStates[k][idx[a]];
          }
          rows.add(r);
        }
        if (idx.length < 2) {
          throw new IllegalArgumentException("the plane's regions span " + idx.length
              + " unit; a 2-D plane needs at least 2");
        }
        p = Pca.fit(rows, 2);
      }
      if (p.size() != 2) {
        throw new IllegalArgumentException("the plane has " + p.size() + " components; a flow "
            + "field needs 2");
      }
      if (p.dimension() != units.size()) {
        throw new IllegalArgumentException("the plane has dimension " + p.dimension()
            + ", but its regions " + (regions.isEmpty() ? "(all)" : regions) + " have "
            + units.size() + " units");
      }
      // projection and lifting assume orthonormal directions (as the reference's PCA has)
      double[] a = p.component(0);
      double[] b = p.component(1);
      double na = Math.sqrt(dot(a, a));
      double nb = Math.sqrt(dot(b, b));
      double ab = dot(a, b);
      if (Math.abs(na - 1) > 1e-6 || Math.abs(nb - 1) > 1e-6 || Math.abs(ab) > 1e-6) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "the plane's directions must be orthonormal, but |c0| = %.6g, |c1| = %.6g and"
                + " c0.c1 = %.3g; orthonormalize them first (for example by a QR"
                + " decomposition)", na, nb, ab));
      }
      if (lesion != null) {
        if (lesion.length != n) {
          throw new IllegalArgumentException("the lesion matrix has " + lesion.length
              + " rows; expected [" + n + ", " + n + "] (the recurrent weights' shape)");
        }
        for (int i = 0; i < n; i++) {
          checkRow("lesion matrix row " + i, lesion[i], n, "units");
        }
      }
      if (originPoint != null) {
        checkRow("point the plane passes through", originPoint, n, "units");
      }
      if (stimulus != null) {
        for (int k = 0; k < stimulus.length; k++) {
          checkRow("stimulus row " + k, stimulus[k], n, "units");
        }
      }
      return new FlowFieldFinder(this, p);
    }
  }
}
