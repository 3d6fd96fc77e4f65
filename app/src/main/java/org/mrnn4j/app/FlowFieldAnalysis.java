package org.mrnn4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.stream.IntStream;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.analysis.flowfields.EigenPlane;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.analysis.flowfields.GridBounds;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.Json;
import org.mrnn4j.models.io.ModelFormatException;

/**
 * Flow fields as {@code mrnn4j flow-field} computes them, from a request to a result every front
 * end renders: the states (simulated or from a file), the plane (PCA of the trajectory, the
 * leading eigen-directions at a fixed point, or read from a file) and where it passes, the grid
 * (its extent from the trajectory on the plane unless given), the nonlinear and linear fields,
 * and the fixed points at the input with their distance from each state's slice.
 */
public final class FlowFieldAnalysis {
  private FlowFieldAnalysis() {}

  /**
   * A fixed point is drawn as on a field's slice when within this fraction of the grid's smaller
   * half-width of it; farther, grey with its distance.
   */
  public static final double ON_PLANE_FRACTION = 0.05;

  /**
   * The states to draw fields at, their inputs, labels, and the trajectory they lie on.
   *
   * @param states the states, in the model's natural coordinates
   * @param inputs one input per state
   * @param labels {@code initial condition}, {@code after 20 steps}, {@code state 3 of s.csv}
   * @param fileLabels {@code step020}, {@code state3}: for file names
   * @param trajectory the trajectory the plane is fitted on and that is drawn
   */
  public record States(double[][] states, double[][] inputs, List<String> labels,
      List<String> fileLabels, double[][] trajectory) {

    /**
     * The states after each step count under the constant input, on the simulated trajectory
     * from the initial condition to the largest count (at least one step).
     *
     * @param model the model
     * @param u the input, one value per input unit
     * @param steps the step counts, ascending
     * @return the states
     */
    public static States simulated(RecurrentModel model, double[] u, SortedSet<Integer> steps) {
      int n = model.numUnits();
      int horizon = Math.max(steps.last(), 1);
      double[][] path = new double[horizon + 1][];
      path[0] = model.initialCondition().toArray(); // x0 (leaky) or h0 (Elman)
      // the natural state: x for the leaky model, h for the Elman model
      boolean pre = model.naturalCoordinates() == Coordinates.PRE_ACTIVATION;
      ConstantInputRun run = ConstantInputRun.simulate(model, u, horizon);
      double[] all = pre ? run.xs() : run.hs();
      for (int t = 1; t <= horizon; t++) {
        path[t] = Arrays.copyOfRange(all, (t - 1) * n, t * n);
      }
      int count = steps.size();
      double[][] picked = new double[count][];
      double[][] inputs = new double[count][];
      List<String> labels = new ArrayList<>();
      List<String> fileLabels = new ArrayList<>();
      int k = 0;
      int width = String.valueOf(steps.last()).length();
      for (int s : steps) {
        picked[k] = path[s];
        inputs[k] = u.clone();
        labels.add(s == 0 ? "initial condition" : "after " + s + " steps");
        fileLabels.add(String.format(Locale.ROOT, "step%0" + width + "d", s));
        k++;
      }
      return new States(picked, inputs, labels, fileLabels, path);
    }

    /**
     * The states of a file ({@link StatesFile}), each with its own input or {@code u}; the file's
     * states are also the trajectory.
     *
     * @param model the model
     * @param file the states
     * @param u the input of states without their own
     * @return the states
     * @throws IOException if the file is missing, unreadable or malformed (naming it)
     */
    public static States fromFile(RecurrentModel model, Path file, double[] u)
        throws IOException {
      // the states, their inputs and labels as every front end reads a states file
      OperatingPoints read = OperatingPoints.fromFile(model, file, u, false);
      int count = read.points().size();
      double[][] picked = new double[count][];
      double[][] inputs = new double[count][];
      List<String> labels = read.labels();
      List<String> fileLabels = new ArrayList<>();
      int width = String.valueOf(count).length();
      for (int i = 0; i < count; i++) {
        picked[i] = read.points().get(i).state();
        inputs[i] = read.points().get(i).input();
        fileLabels.add(String.format(Locale.ROOT, "state%0" + width + "d", i + 1));
      }
      return new States(picked, inputs, labels, fileLabels, picked);
    }
  }

  /** Where the plane passes. */
  public enum Through {
    /** Through the mean of the trajectory (mRNNTorch's), or the plane file's or eigen-plane's. */
    MEAN,
    /** Through each state: the state is on its own field's slice. */
    STATE,
    /** Through the fixed point {@link Request#throughPoint()}. */
    FIXED_POINT
  }

  /**
   * What to compute.
   *
   * @param regions the plane's regions (empty: all)
   * @param cancelOthers whether the other regions are silenced (mRNNTorch's
   *     {@code cancel_other_regions})
   * @param planeFile a plane read from this file, or null
   * @param eigenPoint the fixed point (numbered from 1) whose leading eigen-directions span the
   *     plane, or 0 for none
   * @param through where the plane passes
   * @param throughPoint the fixed point of {@link Through#FIXED_POINT}, else 0
   * @param points grid points per axis, at least 2
   * @param offset the grid's half-widths (one or two), or null for the trajectory's half-extent
   *     plus 20%
   * @param center the grid's centre in plane coordinates, or null for the trajectory's
   * @param follow whether the grid is centred on each state
   * @param bounds how the grid is laid out (exactly, or as mRNNTorch rounds it)
   * @param nonlinear whether to compute the nonlinear field
   * @param linear whether to compute the linear field
   * @param fixedPoints whether to find the fixed points at the input (also when the plane or its
   *     passage names one)
   * @param seed the seed of the fixed-point starts
   * @param names how the front end names the plane and passage options, for messages
   *     ({@code --plane eigen:5}, {@code --plane-through fp:2})
   */
  public record Request(List<String> regions, boolean cancelOthers, Path planeFile,
      int eigenPoint, Through through, int throughPoint, int points, List<Double> offset,
      List<Double> center, boolean follow, GridBounds bounds, boolean nonlinear, boolean linear,
      boolean fixedPoints, long seed, List<String> names) {
    /**
     * @param regions the plane's regions
     * @param cancelOthers whether the other regions are silenced
     * @param planeFile a plane file, or null
     * @param eigenPoint the eigen-plane's fixed point, or 0
     * @param through where the plane passes
     * @param throughPoint the passage's fixed point, or 0
     * @param points grid points per axis
     * @param offset the half-widths, or null
     * @param center the centre, or null
     * @param follow whether the grid follows each state
     * @param bounds the grid's layout
     * @param nonlinear whether to compute the nonlinear field
     * @param linear whether to compute the linear field
     * @param fixedPoints whether to find the fixed points
     * @param seed the seed of the fixed-point starts
     * @param names the option names for messages
     */
    public Request {
      regions = regions == null ? List.of() : List.copyOf(regions);
      names = names == null ? List.of("the plane", "the passage") : List.copyOf(names);
    }

    /** {@return whether the fixed points at the input are needed} */
    public boolean needsFixedPoints() {
      return fixedPoints || eigenPoint > 0 || throughPoint > 0;
    }
  }

  /**
   * A fixed point's place on each state's field.
   *
   * @param number its number, from 1, in the search's order
   * @param x its first plane coordinate
   * @param y its second plane coordinate
   * @param stable whether it has no unstable mode
   * @param offPlane its distance from the state's slice
   */
  public record Marked(int number, double x, double y, boolean stable, double offPlane) {}

  /**
   * The result.
   *
   * @param finder the finder, with the plane and grid used
   * @param grid the grid
   * @param path the trajectory on the plane
   * @param nonlinear the nonlinear fields, one per state, or null
   * @param linear the linear fields, one per state, or null
   * @param seconds the time the fields took
   * @param fixedPoints the fixed points at the input (empty unless needed)
   * @param marked per state, each fixed point's place and distance
   * @param explained the fraction of the trajectory's variance along each plane axis (NaN where
   *     it cannot be told)
   * @param eigenPlane the eigen-plane, or null
   * @param tolerance the distance within which a fixed point counts as on a slice
   */
  public record Result(FlowFieldFinder finder, FlowGrid grid, double[][] path,
      List<FlowField> nonlinear, List<FlowField> linear, double seconds,
      List<FixedPoint> fixedPoints, List<List<Marked>> marked, double[] explained,
      EigenPlane eigenPlane, double tolerance) {}

  /**
   * Computes the fields.
   *
   * @param model the model
   * @param backend the backend of the fixed-point search
   * @param states the states
   * @param u the constant input (of the fixed points and the eigen-plane)
   * @param request what to compute
   * @param progress told as fixed-point starts finish, or null
   * @return the result
   * @throws IOException if the plane file is missing or malformed (naming it)
   * @throws IllegalArgumentException naming the option if a fixed point asked for does not
   *     exist, or the plane cannot be made
   */
  public static Result run(RecurrentModel model, Backend backend, States states, double[] u,
      Request request, FixedPointFinder.ProgressListener progress) throws IOException {
    // the grid at each state: the full states and their images (nonlinear and linear), and the
    // velocities and speeds kept per field
    long cells = (long) request.points() * request.points();
    long fields = Math.max(1, states.states().length);
    org.mrnn4j.core.MemoryGuard.requireHeap("flow fields on a " + request.points() + " x "
        + request.points() + " grid", (cells * 4L * model.numUnits()
            + fields * cells * 2 * 3) * Double.BYTES,
        cells + " grid points x 4 states of " + model.numUnits() + " units, and 2 fields of 3"
            + " arrays at each of " + fields + " states",
        "ask for a smaller grid (--grid), fewer states, or a larger heap:"
            + " MRNN4J_JAVA_OPTS=-Xmx...");
    List<FixedPoint> points = request.needsFixedPoints()
        ? fixedPoints(backend, model, u, request.seed(), progress) : List.of();
    EigenPlane eigenPlane = null;
    Pca given = null;
    double[] anchor = null;
    if (request.eigenPoint() > 0) {
      FixedPoint fp = numbered(points, request.eigenPoint(), request.names().get(0));
      try {
        eigenPlane = EigenPlane.at(model, request.regions(), fp.fullState(), u);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(request.names().get(0) + ": " + e.getMessage(), e);
      }
      given = eigenPlane.plane();
      anchor = fp.fullState();
    } else if (request.planeFile() != null) {
      given = readPlane(request.planeFile(),
          model.layout().recurrentIndices(request.regions()).size());
    }
    if (request.throughPoint() > 0) {
      anchor = numbered(points, request.throughPoint(), request.names().get(1)).fullState();
    }
    // the plane (PCA fitted once), the trajectory on it and the grid's default extent
    FlowPlane flowPlane = FlowPlane.of(model, states.trajectory(), request.regions(),
        request.cancelOthers(), given, request.through() == Through.STATE ? Through.STATE
            : request.throughPoint() > 0 ? Through.FIXED_POINT : Through.MEAN, anchor);
    double[][] path = flowPlane.path();
    FlowGrid grid = flowPlane.grid(request.points(), request.offset(), request.center(),
        request.follow(), request.bounds());
    FlowFieldFinder finder = flowPlane.finder(grid);

    long start = System.nanoTime();
    List<FlowField> nonlinear = request.nonlinear()
        ? finder.nonlinear(states.states(), states.inputs()) : null;
    List<FlowField> linear = request.linear()
        ? finder.linear(states.states(), states.inputs(), null, null) : null;
    double seconds = (System.nanoTime() - start) / 1e9;

    // each fixed point's plane coordinates and, per state, its distance from that state's slice
    double tolerance = ON_PLANE_FRACTION * Math.min(grid.xOffset(), grid.yOffset());
    List<List<Marked>> marked = new ArrayList<>();
    for (int s = 0; s < states.states().length; s++) {
      List<Marked> atState = new ArrayList<>();
      for (int k = 0; k < points.size(); k++) {
        double[] c = finder.project(points.get(k).fullState());
        atState.add(new Marked(k + 1, c[0], c[1], points.get(k).stability().isStable(),
            finder.distanceFromSlice(points.get(k).fullState(), states.states()[s])));
      }
      marked.add(atState);
    }
    double[] explained = flowPlane.explained();
    return new Result(finder, grid, path, nonlinear, linear, seconds, points, marked, explained,
        eigenPlane, tolerance);
  }

  /** The fixed points at the constant input, from the default starts ({@link StartSampler}). */
  static List<FixedPoint> fixedPoints(Backend b, RecurrentModel model, double[] u, long seed,
      FixedPointFinder.ProgressListener progress) {
    FixedPointSystem system = FixedPointSystems.of(model, model.naturalCoordinates(), u,
        null, null);
    StartSampler.Starts starts = StartSampler.draw(system, seed);
    return new FixedPointFinder(b).find(system, starts.states(), progress).fixedPoints();
  }

  private static FixedPoint numbered(List<FixedPoint> points, int k, String option) {
    return numbered(points, k, option, " (see the table with --fixed-points)");
  }

  /**
   * The fixed point numbered {@code k} (from 1, in the order found), or a one-line refusal naming
   * the option.
   *
   * @param points the fixed points at the input
   * @param k the number, at least 1
   * @param option how the front end names the option asking ({@code --plane eigen:5})
   * @param hint appended to the refusal (where to see the numbers), or empty
   * @return the point
   * @throws IllegalArgumentException {@code "OPTION asks for fixed point K, but only N were found
   *     at this input"}
   */
  public static FixedPoint numbered(List<FixedPoint> points, int k, String option, String hint) {
    if (k < 1 || k > points.size()) {
      throw new IllegalArgumentException(option + " asks for fixed point " + k + ", but "
          + (points.isEmpty() ? "none was found" : "only " + points.size() + " were found")
          + " at this input" + hint);
    }
    return points.get(k - 1);
  }

  /**
   * Reads a plane: {@code {"mean": [...], "components": [[...], [...]]}}, checked against
   * {@code d}.
   *
   * @param file the JSON file
   * @param d the number of the plane's units
   * @return the plane
   * @throws IOException if the file is missing, or a {@link ModelFormatException} naming the field
   *     that is malformed
   */
  public static Pca readPlane(Path file, int d) throws IOException {
    JsonNode root = Json.read(file, "a flow-field plane");
    double[] mean = vector(file, root.path("mean"), "mean", d);
    JsonNode comps = root.path("components");
    if (!comps.isArray() || comps.size() != 2) {
      throw new ModelFormatException(file, "components", "expected an array of 2 directions of "
          + d + " numbers each" + (comps.isArray() ? ", got " + comps.size() + " directions"
              : ""));
    }
    double[][] c = {vector(file, comps.get(0), "components[0]", d),
        vector(file, comps.get(1), "components[1]", d)};
    try {
      return Pca.of(mean, c);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, null, e.getMessage());
    }
  }

  private static double[] vector(Path file, JsonNode node, String field, int d)
      throws ModelFormatException {
    if (!node.isArray() || node.size() != d) {
      throw new ModelFormatException(file, field, "expected " + d + " numbers (one per unit of"
          + " the plane's regions)" + (node.isArray() ? ", got " + node.size() : ""));
    }
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      if (!node.get(i).isNumber() || !Double.isFinite(node.get(i).asDouble())) {
        throw new ModelFormatException(file, field + "[" + i + "]",
            "expected a finite number, got " + node.get(i));
      }
      v[i] = node.get(i).asDouble();
    }
    return v;
  }

  /**
   * The fraction of the trajectory's variance (over the plane's units) along each plane axis:
   * the PCA's own for a fitted plane; for a given plane, the projected variance over the total.
   */
  static double[] explained(Pca plane, double[][] trajectory, double[][] proj,
      FlowFieldFinder finder) {
    if (!Double.isNaN(plane.totalVariance())) {
      return new double[] {plane.explainedFraction(0), plane.explainedFraction(1)};
    }
    if (trajectory.length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int[] idx = finder.units().ranges().stream()
        .flatMapToInt(r -> IntStream.range(r.start(), r.end())).toArray();
    double[] mean = new double[idx.length];
    for (double[] s : trajectory) {
      for (int a = 0; a < idx.length; a++) {
        mean[a] += s[idx[a]] / trajectory.length;
      }
    }
    double total = 0;
    double[] along = new double[2];
    double[] pm = new double[2];
    for (int t = 0; t < trajectory.length; t++) {
      pm[0] += proj[t][0] / trajectory.length;
      pm[1] += proj[t][1] / trajectory.length;
      for (int a = 0; a < idx.length; a++) {
        double v = trajectory[t][idx[a]] - mean[a];
        total += v * v;
      }
    }
    for (double[] c : proj) {
      along[0] += (c[0] - pm[0]) * (c[0] - pm[0]);
      along[1] += (c[1] - pm[1]) * (c[1] - pm[1]);
    }
    return total > 0 ? new double[] {along[0] / total, along[1] / total}
        : new double[] {Double.NaN, Double.NaN};
  }
}
