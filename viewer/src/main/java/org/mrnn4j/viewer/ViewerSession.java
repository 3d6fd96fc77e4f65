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
  private final Map<String, CompletableFuture<Object>> cache = lru(64);
  private final Map<String, CompletableFuture<Object>> pointCache = lru(16);

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
    return Requests.vector(body, "u", model.numInputs(), "one per input");
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

  private FixedPoint numbered(List<FixedPoint> points, int k, String field) {
    if (k > points.size()) {
      throw new BadRequest(field + " asks for fixed point " + k + ", but " + (points.isEmpty()
          ? "none was found" : "only " + points.size() + " were found") + " at this input");
    }
    return points.get(k - 1);
  }

  /** The plane of a request, fitted or made once. */
  FlowPlane plane(PlaneSpec spec) {
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
    int grid = Requests.integer(body, "grid", 40, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (grid < 2 || grid > GRID_MAX) {
      throw new BadRequest("grid must be 2.." + GRID_MAX + ", got " + grid);
    }
    double[] center = Requests.vector(body, "center", 2, "the window's centre");
    double[] half = Requests.vector(body, "half", 2, "the window's half-widths");
    if (half != null && (!(half[0] > 0) || !(half[1] > 0) || half[0] > 1e12 || half[1] > 1e12)) {
      throw new BadRequest("half must be two positive half-widths (at most 1e12), got "
          + Requests.fmt(half[0]) + ", " + Requests.fmt(half[1]));
    }
    if (center != null && (Math.abs(center[0]) > 1e12 || Math.abs(center[1]) > 1e12)) {
      throw new BadRequest("center must be within 1e12 of the origin");
    }
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
    FlowPlane plane = plane(spec);
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
    o.put("linear_at", "state " + k);
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
    List<FixedPoint> points = fixedPointsAt(at);
    FlowPlane plane = plane(spec);
    FlowFieldFinder finder = plane.finder(plane.grid(2, null, null, false, GridBounds.EXACT));
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
      putNumber(p, "speed", fp.q());
      eigenvalues(p.putArray("eigenvalues"), fp.eigen(), sortedByModulus(fp.eigen()));
    }
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  /** Indices of the eigenvalues by modulus, descending (ties: the decomposition's order). */
  static Integer[] sortedByModulus(Eigendecomposition e) {
    Integer[] order = new Integer[e.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(e.modulus(b), e.modulus(a)));
    return order;
  }

  static void eigenvalues(ArrayNode to, Eigendecomposition e, Integer[] order) {
    for (int i : order) {
      ArrayNode pair = to.addArray();
      number(pair, e.real(i));
      number(pair, e.imag(i));
    }
  }

  // ------------------------------------------------------------------ the rest

  /** {@code POST /api/spectrum}: see {@link Spectra}. */
  ObjectNode spectrum(JsonNode body) {
    throw new BadRequest("spectrum: not implemented yet");
  }

  /** {@code POST /api/continuation}. */
  ObjectNode continuation(JsonNode body) {
    throw new BadRequest("continuation: not implemented yet");
  }

  /** Lists for messages. */
  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
