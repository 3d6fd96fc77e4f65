package org.mrnn4j.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.flowfields.EigenPlane;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.analysis.flowfields.GridBounds;
import org.mrnn4j.analysis.continuation.Bifurcation;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationPoint;
import org.mrnn4j.app.ContinuationAnalysis;
import org.mrnn4j.app.ContinuationParameter;
import org.mrnn4j.app.FixedPoints;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.app.FlowPlane;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.RecurrentModel;

/**
 * One loaded model and its states, as the viewer serves them: the JSON API's computations (each
 * through the application layer) with their validation and caches. Safe to use from several
 * threads; the server holds one per run.
 */
public final class ViewerSession {
  /** The largest grid (points per axis) a field request may ask for. */
  public static final int GRID_MAX = 200;

  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String name;
  private final RecurrentModel model;
  private final String backend;
  private final FlowFieldAnalysis.States states;
  private final double[] u;
  private final long seed;
  private final boolean continuation;
  // bounded caches: planes are small; fixed points (with their Jacobians), modes (with their
  // eigenvectors) and continuations are n x n each, so few are kept
  private final Map<String, CompletableFuture<Object>> cache = lru(64);
  private final Map<String, CompletableFuture<Object>> pointCache = lru(4);
  private final Map<String, CompletableFuture<Object>> modeCache = lru(8);
  private final Map<String, CompletableFuture<Object>> continuationCache = lru(4);

  /**
   * A session.
   *
   * @param name the model's name (the stem of its files)
   * @param model the model (its backend computes)
   * @param backend the backend's name
   * @param states the states paged through and the trajectory the plane is fitted on
   * @param u the constant input the states were simulated under (or of states without their own)
   * @param seed the seed of the fixed-point starts
   * @param continuation whether the continuation analysis is offered
   */
  public ViewerSession(String name, RecurrentModel model, String backend,
      FlowFieldAnalysis.States states, double[] u, long seed, boolean continuation) {
    this.name = name;
    this.model = model;
    this.backend = backend;
    this.states = states;
    this.u = u.clone();
    this.seed = seed;
    this.continuation = continuation;
  }

  /** {@return the model} */
  public RecurrentModel model() {
    return model;
  }

  /** {@return the states} */
  public FlowFieldAnalysis.States states() {
    return states;
  }

  private static <V> Map<String, V> lru(int size) {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > size;
      }
    });
  }

  /** Computes once per key (concurrent askers wait for the same computation). */
  @SuppressWarnings("unchecked")
  private static <T> T cached(Map<String, CompletableFuture<Object>> map, String key,
      Supplier<T> compute) {
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> f = map.putIfAbsent(key, mine);
    if (f == null) {
      try {
        mine.complete(compute.get());
      } catch (RuntimeException | Error e) {
        map.remove(key, mine);
        mine.completeExceptionally(e);
        throw e;
      }
      f = mine;
    }
    try {
      return (T) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  // ------------------------------------------------------------------ /api/model

  /** {@return the answer of {@code GET /api/model}} */
  public ObjectNode modelInfo() {
    ObjectNode o = JSON.objectNode();
    o.put("name", name);
    o.put("kind", model.kind().label());
    o.put("num_units", model.numUnits());
    ArrayNode regions = o.putArray("regions");
    for (String r : model.layout().recurrentRegionNames()) {
      regions.addObject().put("name", r).put("units", model.layout().recurrentRange(r).size());
    }
    o.put("num_inputs", model.numInputs());
    numbers(o.putArray("u"), u);
    o.put("backend", backend);
    ObjectNode s = o.putObject("states");
    s.put("count", states.states().length);
    ArrayNode labels = s.putArray("labels");
    states.labels().forEach(labels::add);
    // states with inputs of their own (a states file that gives them): each state's input, shown
    // by the page as the current input while the user has not edited it
    boolean own = false;
    for (double[] in : states.inputs()) {
      own |= !Arrays.equals(in, u);
    }
    if (own) {
      ArrayNode inputs = s.putArray("inputs");
      for (double[] in : states.inputs()) {
        numbers(inputs.addArray(), in);
      }
    }
    o.put("plane", "pca");
    o.put("grid_max", GRID_MAX);
    o.put("continuation", continuation);
    return o;
  }

  // ------------------------------------------------------------------ shared request parts

  /** The validated regions (empty: all). */
  List<String> regions(JsonNode body) {
    List<String> regions = Requests.strings(body, "regions");
    List<String> known = model.layout().recurrentRegionNames();
    for (String r : regions) {
      try {
        model.layout().expandRegions(List.of(r));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("unknown region '" + clip(r) + "' (regions: "
            + String.join(", ", known) + ")");
      }
    }
    return regions;
  }

  private static String clip(String s) {
    String t = s.replaceAll("[\\r\\n\\t]", " ");
    return t.length() > 40 ? t.substring(0, 40) + "..." : t;
  }

  /** The validated input, or null when absent. */
  double[] input(JsonNode body) {
    return Requests.vector(body, "u", model.numInputs(), null);
  }

  int state(JsonNode body) {
    int count = states.states().length;
    return Requests.integer(body, "state", 0, 0, count - 1);
  }

  /** The plane and its passage of a request, as a cache key part and the parsed numbers. */
  record PlaneSpec(List<String> regions, boolean cancelOthers, int eigenPoint,
      FlowFieldAnalysis.Through through, int throughPoint, double[] u) {
    String key() {
      return regions + "|" + cancelOthers + "|" + eigenPoint + "|" + through + "|"
          + throughPoint + "|" + (eigenPoint > 0 || throughPoint > 0 ? Arrays.toString(u) : "");
    }
  }

  PlaneSpec planeSpec(JsonNode body, double[] u) {
    List<String> regions = regions(body);
    boolean cancel = Requests.bool(body, "cancel_others", false);
    if (cancel && regions.isEmpty()) {
      throw new BadRequest("cancel_others needs regions: without them no region is left out of"
          + " the plane");
    }
    String plane = Requests.string(body, "plane", "pca");
    int eigen = 0;
    if (plane.startsWith("eigen:")) {
      eigen = pointNumber("plane", plane.substring(6));
    } else if (!plane.equals("pca")) {
      throw new BadRequest("plane must be pca or eigen:K, got '" + clip(plane) + "'");
    }
    String through = Requests.string(body, "through", "mean");
    FlowFieldAnalysis.Through t;
    int tp = 0;
    if (through.equals("mean")) {
      t = FlowFieldAnalysis.Through.MEAN;
    } else if (through.equals("state")) {
      t = FlowFieldAnalysis.Through.STATE;
    } else if (through.startsWith("fp:")) {
      t = FlowFieldAnalysis.Through.FIXED_POINT;
      tp = pointNumber("through", through.substring(3));
    } else {
      throw new BadRequest("through must be mean, state or fp:K, got '" + clip(through) + "'");
    }
    return new PlaneSpec(List.copyOf(regions), cancel, eigen, t, tp, u);
  }

  private static int pointNumber(String field, String text) {
    try {
      int k = Integer.parseInt(text);
      if (k >= 1) {
        return k;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadRequest(field + ": a fixed point is numbered from 1, got '" + clip(text) + "'");
  }

  /** The fixed points at an input (found once per input). */
  List<FixedPoint> fixedPointsAt(double[] at) {
    return cached(pointCache, Arrays.toString(at),
        () -> FixedPoints.find(model, at, seed).fixedPoints());
  }

  /**
   * The fixed points at an input already found (by {@code POST /api/fixed-points}); a field
   * request never searches for them (that takes seconds to minutes and would hold up the
   * fields' threads): 409 until they are.
   */
  List<FixedPoint> fixedPointsFoundAt(double[] at) {
    CompletableFuture<Object> f = pointCache.get(Arrays.toString(at));
    if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
      throw new BadRequest.Conflict("find the fixed points at this input first (POST"
          + " /api/fixed-points)");
    }
    @SuppressWarnings("unchecked")
    List<FixedPoint> points = (List<FixedPoint>) f.join();
    return points;
  }

  private static FixedPoint numbered(List<FixedPoint> points, int k, String field) {
    try {
      return FlowFieldAnalysis.numbered(points, k, field, "");
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  /** The plane of a request, fitted or made once (searching for its fixed point if need be). */
  FlowPlane plane(PlaneSpec spec) {
    return plane(spec, true);
  }

  /**
   * The plane of a request, fitted or made once.
   *
   * @param spec the plane
   * @param search whether the fixed points it names may be searched for here; if not, they must
   *     have been found (409 otherwise)
   */
  FlowPlane plane(PlaneSpec spec, boolean search) {
    if (!search && (spec.eigenPoint() > 0 || spec.throughPoint() > 0)) {
      fixedPointsFoundAt(spec.u());
    }
    return cached(cache, "plane|" + spec.key(), () -> {
      Pca given = null;
      double[] anchor = null;
      if (spec.eigenPoint() > 0) {
        FixedPoint fp = numbered(fixedPointsAt(spec.u()), spec.eigenPoint(), "plane");
        try {
          given = EigenPlane.at(model, spec.regions(), fp.fullState(), spec.u()).plane();
        } catch (IllegalArgumentException e) {
          throw new BadRequest("plane: " + e.getMessage());
        }
        anchor = fp.fullState();
      } else {
        // the PCA of a (regions, cancel_others) pair, fitted once
        given = cached(cache, "pca|" + spec.regions() + "|" + spec.cancelOthers(),
            () -> FlowPlane.of(model, states.trajectory(), spec.regions(), spec.cancelOthers(),
                null, FlowFieldAnalysis.Through.MEAN, null).plane());
      }
      if (spec.throughPoint() > 0) {
        anchor = numbered(fixedPointsAt(spec.u()), spec.throughPoint(), "through").fullState();
      }
      return FlowPlane.of(model, states.trajectory(), spec.regions(), spec.cancelOthers(),
          given, spec.through(), anchor);
    });
  }

  // ------------------------------------------------------------------ /api/field

  /**
   * {@code POST /api/field}.
   *
   * @param body the request
   * @return the answer
   * @throws BadRequest naming the field that is invalid
   */
  ObjectNode field(JsonNode body) {
    long start = System.nanoTime();
    int k = state(body);
    double[] given = input(body);
    double[] at = given != null ? given : states.inputs()[k];
    PlaneSpec spec = planeSpec(body, given != null ? given : u);
    int grid = Requests.integer(body, "grid", 40, 2, GRID_MAX);
    // a large grid on a large network: refused (400) before it could exhaust the server's heap
    // (several requests compute at once: each may take a quarter of the maximum heap)
    long bytes = FlowPlane.windowBytes(grid, model.numUnits());
    long max = Runtime.getRuntime().maxMemory() / 4;
    if (bytes > max) {
      int fits = FlowPlane.largestGrid(max, model.numUnits());
      throw new BadRequest(String.format(Locale.ROOT, "grid %d x %d at %d units needs about"
          + " %.0f MiB, more than a quarter of the server's heap; ask for a grid of at most %d",
          grid, grid, model.numUnits(), bytes / 1048576.0, Math.min(fits, GRID_MAX)));
    }
    double[] center = center(body);
    double[] half = half(body);
    List<String> fields = Requests.strings(body, "fields");
    boolean nonlinear = fields.isEmpty() && Requests.opt(body, "fields") == null;
    boolean linear = nonlinear;
    for (String f : fields) {
      switch (f) {
        case "nonlinear" -> nonlinear = true;
        case "linear" -> linear = true;
        default -> throw new BadRequest("fields must name nonlinear and/or linear, got '"
            + clip(f) + "'");
      }
    }
    if (!nonlinear && !linear) {
      throw new BadRequest("fields must name nonlinear and/or linear, got none");
    }
    FlowPlane plane = plane(spec, false);
    FlowGrid g = plane.grid(grid, half == null ? null : List.of(half[0], half[1]),
        center == null ? null : List.of(center[0], center[1]), false, GridBounds.EXACT);
    FlowPlane.Window w = plane.window(states.states()[k], at, g, nonlinear, linear);
    FlowField any = w.nonlinear() != null ? w.nonlinear() : w.linear();

    ObjectNode o = JSON.objectNode();
    o.put("seq", Requests.seq(body));
    numbers(o.putArray("x"), any.xAxis());
    numbers(o.putArray("y"), any.yAxis());
    putField(o, "nonlinear", w.nonlinear());
    putField(o, "linear", w.linear());
    // with cancel_others the linear field is mRNNTorch's: the affine prediction around the full
    // state, the other regions' deviation multiplied by zero (held at the state), while the
    // nonlinear field silences them; said where the linear field is shown
    o.put("linear_at", "state " + k + (spec.cancelOthers()
        ? "; other regions held at the state, as mRNNTorch's" : ""));
    numbers(o.putArray("state_xy"), plane.project(states.states()[k]));
    ArrayNode traj = o.putArray("trajectory");
    for (double[] c : plane.path()) {
      numbers(traj.addArray(), c);
    }
    double[] explained = plane.explained();
    numbers(o.putArray("explained"), explained);
    ArrayNode axes = o.putArray("axes");
    for (int a = 0; a < 2; a++) {
      String axis = spec.eigenPoint() > 0 ? "eigen-direction " + (a + 1) + " at fixed point "
          + spec.eigenPoint() : "PC" + (a + 1);
      axes.add(Double.isFinite(explained[a])
          ? String.format(Locale.ROOT, "%s (%.0f%%)", axis, 100 * explained[a]) : axis);
    }
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  /** The window's validated half-widths, or null for the default window. */
  private static double[] half(JsonNode body) {
    double[] half = Requests.vector(body, "half", 2, "the window's half-widths");
    if (half != null && (!(half[0] > 0) || !(half[1] > 0) || half[0] > 1e12 || half[1] > 1e12)) {
      throw new BadRequest("half must be two positive half-widths (at most 1e12), got "
          + Requests.fmt(half[0]) + ", " + Requests.fmt(half[1]));
    }
    return half;
  }

  /** The window's validated centre, or null for the default one. */
  private static double[] center(JsonNode body) {
    double[] center = Requests.vector(body, "center", 2, "the window's centre");
    if (center != null && (Math.abs(center[0]) > 1e12 || Math.abs(center[1]) > 1e12)) {
      throw new BadRequest("center must be within 1e12 of the origin");
    }
    return center;
  }

  /** The field as {@code vx/vy/speed[j][i]} (row j = y index), or null. */
  private static void putField(ObjectNode o, String key, FlowField f) {
    if (f == null) {
      o.putNull(key);
      return;
    }
    ObjectNode n = o.putObject(key);
    n.set("vx", transposed(f.xVelocity()));
    n.set("vy", transposed(f.yVelocity()));
    n.set("speed", transposed(f.speed()));
  }

  /** {@code a[i][j]} (x index i, y index j) written as rows j of columns i. */
  private static ArrayNode transposed(double[][] a) {
    ArrayNode rows = JSON.arrayNode();
    int nx = a.length;
    int ny = nx == 0 ? 0 : a[0].length;
    for (int j = 0; j < ny; j++) {
      ArrayNode row = rows.addArray();
      for (int i = 0; i < nx; i++) {
        number(row, a[i][j]);
      }
    }
    return rows;
  }

  static void numbers(ArrayNode to, double[] v) {
    for (double x : v) {
      number(to, x);
    }
  }

  static void number(ArrayNode to, double x) {
    if (Double.isFinite(x)) {
      to.add(x);
    } else {
      to.addNull();
    }
  }

  static void putNumber(ObjectNode o, String key, double x) {
    if (Double.isFinite(x)) {
      o.put(key, x);
    } else {
      o.putNull(key);
    }
  }

  // ------------------------------------------------------------------ /api/fixed-points

  /**
   * {@code POST /api/fixed-points}.
   *
   * @param body the request
   * @return the answer
   */
  ObjectNode fixedPoints(JsonNode body) {
    long start = System.nanoTime();
    double[] given = input(body);
    double[] at = given != null ? given : u;
    int k = state(body);
    PlaneSpec spec = planeSpec(body, at);
    // "on the plane": within a fraction of the shown window (the request's half-widths, else
    // the default window's), as flow-field tells it for its grid
    double[] half = half(body);
    List<FixedPoint> points = fixedPointsAt(at);
    FlowPlane plane = plane(spec);
    FlowFieldFinder finder = plane.finder(plane.grid(2,
        half == null ? null : List.of(half[0], half[1]), null, false, GridBounds.EXACT));
    FlowGrid g = finder.grid();
    double tolerance = FlowFieldAnalysis.ON_PLANE_FRACTION * Math.min(g.xOffset(), g.yOffset());
    ObjectNode o = JSON.objectNode();
    o.put("seq", Requests.seq(body));
    numbers(o.putArray("u"), at);
    ArrayNode list = o.putArray("points");
    for (int i = 0; i < points.size(); i++) {
      FixedPoint fp = points.get(i);
      double[] c = finder.project(fp.fullState());
      double off = finder.distanceFromSlice(fp.fullState(), states.states()[k]);
      ObjectNode p = list.addObject();
      p.put("number", i + 1);
      putNumber(p, "x", c[0]);
      putNumber(p, "y", c[1]);
      putNumber(p, "off_plane", off);
      p.put("on_plane", off <= tolerance);
      p.put("stable", fp.stability().isStable());
      p.put("unstable", fp.unstableModes());
      p.put("label", fp.describe());
      putNumber(p, "spectral_radius", fp.spectralRadius());
      putNumber(p, "q", fp.q()); // q = 1/2 |F(x) - x|^2
      // (the decomposition is sorted by modulus, descending)
      eigenvalues(p.putArray("eigenvalues"), fp.eigen());
    }
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  static void eigenvalues(ArrayNode to, Eigendecomposition e) {
    for (int i = 0; i < e.size(); i++) {
      ArrayNode pair = to.addArray();
      number(pair, e.real(i));
      number(pair, e.imag(i));
    }
  }

  // ------------------------------------------------------------------ the rest

  /**
   * {@code POST /api/spectrum}: the eigenvalues of the Jacobian (over the request's regions, the
   * others held) at a state or fixed point, and one mode's participation by region and its
   * eigenvector on the plane.
   *
   * @param body the request
   * @return the answer
   */
  ObjectNode spectrum(JsonNode body) {
    long start = System.nanoTime();
    String source = Requests.string(body, "source", null);
    if (source == null) {
      throw new BadRequest("source is missing (expected state:K or fp:K)");
    }
    double[] given = input(body);
    double[] at;
    double[] point;
    String label;
    int count = states.states().length;
    if (source.startsWith("state:")) {
      int k = index("source", source.substring(6), count);
      at = given != null ? given : states.inputs()[k];
      point = states.states()[k];
      label = "state " + k;
    } else if (source.startsWith("fp:")) {
      int k = pointNumber("source", source.substring(3));
      at = given != null ? given : u;
      point = numbered(fixedPointsAt(at), k, "source").fullState();
      label = "fixed point " + k;
    } else {
      throw new BadRequest("source must be state:K or fp:K, got '" + clip(source) + "'");
    }
    PlaneSpec spec = planeSpec(body, at);
    String key = "modes|" + source + "|" + Arrays.toString(at) + "|" + spec.regions() + "|"
        + spec.cancelOthers();
    int units = model.layout().recurrentIndices(spec.regions()).size();
    boolean leadingOnly = units >= org.mrnn4j.analysis.LeadingOptions.LEADING_FROM;
    org.mrnn4j.analysis.regions.RegionModes modes = cached(modeCache, key, () ->
        org.mrnn4j.app.StabilityAnalysis.regionModes(model,
            List.of(org.mrnn4j.analysis.OperatingPoint.of(point, at)), spec.regions(),
            units < org.mrnn4j.analysis.LeadingOptions.LEADING_FROM ? units
                : Math.min(units, 50)).modes().get(0));
    List<org.mrnn4j.analysis.regions.RegionModes.Mode> list = modes.modes();
    List<String> names = model.layout().recurrentRegionNames();
    Integer mode = Requests.integer(body, "mode", -1, -1, list.size() - 1);
    ObjectNode o = JSON.objectNode();
    o.put("seq", Requests.seq(body));
    o.put("source", label);
    // the plane regions' sub-Jacobian, the other regions held at the point
    ArrayNode regionList = o.putArray("regions");
    (spec.regions().isEmpty() ? names : spec.regions()).forEach(regionList::add);
    o.put("of", units == model.numUnits() ? "the full Jacobian (all regions)"
        : "the Jacobian of " + String.join(", ", spec.regions()) + " (other regions held)");
    o.put("leading_only", leadingOnly && list.size() < units);
    ArrayNode ev = o.putArray("eigenvalues");
    double radius = 0;
    int unstable = 0;
    for (org.mrnn4j.analysis.regions.RegionModes.Mode m : list) {
      ArrayNode pair = ev.addArray();
      number(pair, m.real());
      number(pair, m.imag());
      radius = Math.max(radius, m.modulus());
      if (m.modulus() > 1) {
        unstable++;
      }
    }
    putNumber(o, "spectral_radius", radius);
    o.put("unstable", unstable);
    if (mode < 0) {
      o.putNull("mode");
    } else {
      org.mrnn4j.analysis.regions.RegionModes.Mode m = list.get(mode);
      ObjectNode mo = o.putObject("mode");
      mo.put("index", mode);
      ArrayNode e = mo.putArray("eigenvalue");
      number(e, m.real());
      number(e, m.imag());
      if (m.hasParticipation()) {
        ObjectNode part = mo.putObject("participation");
        shares(part.putArray("right"), modes.regions(), m.rightParticipation());
        if (m.leftParticipation() != null) {
          shares(part.putArray("left"), modes.regions(), m.leftParticipation());
        } else {
          part.putNull("left");
        }
        mo.putNull("withheld");
      } else {
        mo.putNull("participation");
        mo.put("withheld", m.participationWithheld());
      }
      // the eigenvector of this eigenvalue in the decomposition the modes came from, on the
      // plane (the application layer's pairing and projection)
      double[][] onPlane = plane(spec).modeOnPlane(modes.spectrum(), m.real(), m.imag());
      if (onPlane != null) {
        ObjectNode proj = mo.putObject("projection");
        numbers(proj.putArray("re"), onPlane[0]);
        numbers(proj.putArray("im"), onPlane[1]);
      } else {
        mo.putNull("projection");
      }
    }
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  private static void shares(ArrayNode to, List<String> regions, double[] share) {
    for (int r = 0; r < regions.size(); r++) {
      ObjectNode o = to.addObject().put("region", regions.get(r));
      putNumber(o, "share", share[r]);
    }
  }

  private static int index(String field, String text, int count) {
    try {
      int k = Integer.parseInt(text);
      if (k >= 0 && k < count) {
        return k;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadRequest(field + ": state must be 0.." + (count - 1) + ", got '" + clip(text)
        + "'");
  }

  /**
   * {@code POST /api/continuation}: the fixed points of {@code u = s d} continued in {@code s}
   * from 0 (application layer's {@link ContinuationAnalysis}), their first principal component
   * against {@code s}.
   *
   * @param body the request
   * @return the answer
   */
  ObjectNode continuation(JsonNode body) {
    long start = System.nanoTime();
    if (!continuation) {
      throw new BadRequest("continuation is not offered for this model");
    }
    double[] at = input(body);
    if (at == null) {
      at = u;
    }
    double[] dir = Requests.vector(body, "direction", model.numInputs(), null);
    double un = Math.sqrt(Arrays.stream(at).map(v -> v * v).sum());
    if (dir == null) {
      if (un == 0) {
        throw new BadRequest("u is all zero and no direction is given: the input direction is"
            + " u / |u|");
      }
      dir = new double[at.length];
      for (int a = 0; a < at.length; a++) {
        dir[a] = at[a] / un;
      }
    }
    double dn2 = Arrays.stream(dir).map(v -> v * v).sum();
    if (dn2 == 0) {
      throw new BadRequest("direction must not be all zero");
    }
    double current = 0;
    for (int a = 0; a < at.length; a++) {
      current += at[a] * dir[a] / dn2;
    }
    double to = Requests.number(body, "to", un > 0 ? 2 * un : 1.0);
    if (!(to > 0) || to > 1e6) {
      throw new BadRequest("to must be a positive end value of s (at most 1e6), got "
          + Requests.fmt(to));
    }
    String coordinate = Requests.string(body, "coordinate", "pc1");
    if (!coordinate.equals("pc1")) {
      throw new BadRequest("coordinate must be pc1, got '" + clip(coordinate) + "'");
    }
    double[] d = dir;
    double sMax = to;
    ContinuationAnalysis.Result r = cached(continuationCache,
        "cont|" + Arrays.toString(d) + "|" + sMax,
        () -> ContinuationAnalysis.run(model, new ContinuationAnalysis.Request(
            ContinuationParameter.input(new double[d.length], d), 0, sMax, false, seed, null)));
    java.util.function.ToDoubleFunction<double[]> pc1 =
        ContinuationAnalysis.branchPc1(r.branches());
    ObjectNode o = JSON.objectNode();
    o.put("seq", Requests.seq(body));
    o.put("parameter", "s (u = s * direction)");
    numbers(o.putArray("direction"), d);
    putNumber(o, "current", current);
    ArrayNode branches = o.putArray("branches");
    ArrayNode bifs = o.putArray("bifurcations");
    for (Branch br : r.branches()) {
      ObjectNode b = branches.addObject();
      ArrayNode s = b.putArray("s");
      ArrayNode c = b.putArray("coord");
      ArrayNode st = b.putArray("stable");
      for (ContinuationPoint pt : br.points()) {
        number(s, pt.parameter());
        number(c, pc1.applyAsDouble(pt.state()));
        st.add(pt.stable());
      }
      for (Bifurcation bf : br.bifurcations()) {
        ObjectNode bo = bifs.addObject();
        bo.put("kind", bf.kind().shortLabel());
        putNumber(bo, "s", bf.parameter());
        putNumber(bo, "coord", pc1.applyAsDouble(bf.state()));
      }
    }
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  /** Lists for messages. */
  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
