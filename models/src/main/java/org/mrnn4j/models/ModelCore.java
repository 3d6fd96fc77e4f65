package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * The state and arithmetic both models share: spec, layout, host parameters, and the device
 * tensors of the effective weights, tonic input and initial condition. Package-private; the public
 * models delegate to it through {@link MRNNBase}.
 */
final class ModelCore implements AutoCloseable {
  /**
   * What the kinds' simulations and steps do differently, supplied by {@link LeakyMRNN} and
   * {@link ElmanMRNN} (the one home of each kind's dynamics); this class branches on nothing
   * else.
   */
  interface KindDynamics {
    /** The recurrence over the recurrent weights: leaky (with its alpha and {@code x0}) or not. */
    RecurrenceSpec.Builder recurrence(Tensor weights, Tensor x0);

    /** The {@code alpha} that scales the noise (mRNNTorch's formula; 1 without a leak). */
    double noiseAlpha();

    /**
     * The initial {@code {x, h}} of a simulation's batch ({@code x} null for a kind without a
     * pre-activation state), tracked by {@code scope}.
     *
     * @throws IllegalArgumentException if the simulation gives a state the kind does not have
     */
    Tensor[] initialStates(ModelCore core, TensorScope scope, Simulation sim, int batch);
  }

  final ModelSpec spec;
  final RegionLayout layout;
  final Backend backend;
  final ModelParameters params;
  final Tensor wRec;
  final Tensor wInp;
  final Tensor tonic;
  final Tensor init;
  private final int n;
  private final int i;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  ModelCore(ModelSpec spec, ModelParameters params, Backend backend) {
    this.spec = spec;
    this.layout = spec.layout();
    this.backend = backend;
    this.params = params;
    this.n = layout.numUnits();
    this.i = layout.numInputs();
    if (params.numUnits() != n || params.numInputs() != i) {
      throw new IllegalArgumentException("the parameters are for N = " + params.numUnits()
          + " units and I = " + params.numInputs() + " inputs, but the regions define N = " + n
          + " and I = " + i);
    }
    double[] b = new double[n];
    double[] x0 = new double[n];
    int k = 0;
    for (RecurrentRegion r : spec.recurrentRegions()) {
      for (int u = 0; u < r.units(); u++, k++) {
        b[k] = r.baseFiring();
        x0[k] = r.init();
      }
    }
    try (TensorScope scope = new TensorScope()) {
      this.wRec = scope.track(backend.fromMatrix(params.effectiveRecurrent(spec.recurrentConstrained())));
      this.wInp = scope.track(backend.fromMatrix(params.effectiveInput(spec.inputConstrained())));
      this.tonic = scope.track(backend.fromArray(b, n));
      this.init = scope.track(backend.fromArray(x0, n));
      scope.keep(wRec);
      scope.keep(wInp);
      scope.keep(tonic);
      scope.keep(init);
    }
  }

  int numUnits() {
    return n;
  }

  int numInputs() {
    return i;
  }

  /**
   * Closes the model's tensors. Operations already running on them finish (their storage is freed
   * when the last one ends, see {@link org.mrnn4j.core.AbstractTensor#close()}); later ones fail
   * with {@link #closedError}.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      wRec.close();
      wInp.close();
      tonic.close();
      init.close();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** The model these are the internals of, for messages; set by the model once it is built. */
  private volatile RecurrentModel owner;

  void owner(RecurrentModel model) {
    this.owner = model;
  }

  org.mrnn4j.core.dynamics.ModelClosedException closedError(String op, Throwable cause) {
    return org.mrnn4j.core.dynamics.ModelClosedException.of(op, owner, cause);
  }

  /** Throws unless the model is open. */
  void requireOpen(String op) {
    if (closed.get()) {
      throw closedError(op, null);
    }
  }

  /**
   * Runs {@code body} on the open model; if the model is closed meanwhile (by another thread) and
   * the body fails on one of its closed tensors, the error names the model.
   */
  <T> T guarded(String op, java.util.function.Supplier<T> body) {
    requireOpen(op);
    try {
      return body.get();
    } catch (org.mrnn4j.core.dynamics.ModelClosedException e) {
      throw e;
    } catch (IllegalStateException e) {
      if (closed.get()) {
        throw closedError(op, e);
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ dynamics

  /**
   * One step for a batch: a recurrence of one step ({@link #recurrence}). All operands are
   * [B, .] matrices of this backend; stim may be null.
   *
   * @return {x', h'}, owned by the caller
   */
  Tensor[] step(KindDynamics kind, Tensor x, Tensor h, Tensor u, Tensor stim, Tensor weights) {
    int batch = h.dim(0);
    try (TensorScope scope = new TensorScope()) {
      Tensor e = scope.track(backend.reshape(drive(scope, u, null, null, stim), 1, batch, n));
      try (RecurrenceStates next = backend.recurrence(
          recurrence(kind, weights == null ? wRec : weights, e, false, x, h))) {
        return new Tensor[] {backend.reshape(next.x(), batch, n), backend.reshape(next.h(), batch, n)};
      }
    }
  }

  /**
   * The recurrence's external drive for rows of inputs: {@code (u + n_i) W_inp^T + b + n_h + stim},
   * one matrix product for all the rows (every step of a sequence at once). {@code u} is
   * {@code [R, I]}; the noise and stimulus, each optional, have its rows.
   */
  private Tensor drive(TensorScope scope, Tensor u, Tensor noiseI, Tensor noiseH, Tensor stim) {
    Tensor uIn = noiseI == null ? u : scope.track(backend.add(u, noiseI));
    Tensor e = scope.track(backend.matmul(uIn, false, wInp, true));
    e = scope.track(backend.addVector(e, tonic));
    if (noiseH != null) {
      e = scope.track(backend.add(e, noiseH));
    }
    if (stim != null) {
      e = scope.track(backend.add(e, stim));
    }
    return e;
  }

  /** The model's recurrence over drive {@code e}, as its kind defines it. */
  private RecurrenceSpec recurrence(KindDynamics kind, Tensor weights, Tensor e,
      boolean batchFirst, Tensor x0, Tensor h0) {
    return kind.recurrence(weights, x0).activation(spec.activation())
        .softplusBeta(spec.softplusBeta()).drive(e, batchFirst).h0(h0)
        .build();
  }

  /**
   * The public one-step entry: checks shapes, accepts [N] or [B, N]. A kind with a pre-activation
   * state passes {@code x} (and optionally {@code h}); a kind without one passes null and
   * {@code h}.
   */
  Tensor[] checkedStep(KindDynamics kind, Tensor x, Tensor h, Tensor u, Tensor stim) {
    return checkedStep(kind, x, h, u, stim, null);
  }

  /**
   * {@link #checkedStep(KindDynamics, Tensor, Tensor, Tensor, Tensor)} with {@code weights}
   * (effective, {@code [N, N]}) in place of the model's recurrent weights, or the model's when
   * null: a lesion.
   */
  Tensor[] checkedStep(KindDynamics kind, Tensor x, Tensor h, Tensor u, Tensor stim,
      Tensor weights) {
    checkReplacementWeights(weights);
    boolean preActivation = x != null || h == null;
    String state = preActivation ? "x" : "h";
    Tensor ref = preActivation ? x : h;
    requireOwned(state, ref);
    boolean single = ref.rank() == 1;
    int batch = single ? 1 : ref.dim(0);
    requireShape(state, ref, single, batch, n, "N");
    if (preActivation && h != null) {
      requireOwned("h", h);
      requireShape("h", h, single, batch, n, "N");
    }
    requireOwned("input", u);
    requireShape("input", u, single, batch, i, "I");
    if (stim != null) {
      requireOwned("stim", stim);
      requireShape("stim", stim, single, batch, n, "N");
    }
    try (TensorScope scope = new TensorScope()) {
      Tensor xb = preActivation ? asBatch(scope, x) : null;
      Tensor hb = h == null ? scope.track(backend.activate(spec.activation(), spec.softplusBeta(), xb)) : asBatch(scope, h);
      Tensor ub = asBatch(scope, u);
      Tensor sb = stim == null ? null : asBatch(scope, stim);
      Tensor[] out = step(kind, xb, hb, ub, sb, weights);
      if (single) {
        Tensor[] flat = {backend.reshape(out[0], n), backend.reshape(out[1], n)};
        out[0].close();
        out[1].close();
        return flat;
      }
      return out;
    }
  }

  /** Throws unless {@code weights} is null or an {@code [N, N]} tensor on this backend. */
  void checkReplacementWeights(Tensor weights) {
    if (weights != null) {
      requireOwned("recurrent weights", weights);
      if (weights.rank() != 2 || weights.dim(0) != n || weights.dim(1) != n) {
        throw new IllegalArgumentException("the replacement recurrent weights have shape "
            + Shapes.format(weights.shape()) + ", expected [" + n + ", " + n + "] (N = " + n
            + ")");
      }
    }
  }

  /**
   * Checks batched step operands: {@code state [B, N]}, {@code u [B, I]}, {@code stim [B, N]} or
   * null, all on this backend and open.
   *
   * @return B
   */
  int checkBatch(String state, Tensor s, Tensor u, Tensor stim) {
    requireOwned(state, s);
    if (s.rank() != 2) {
      throw new IllegalArgumentException(state + " has shape " + Shapes.format(s.shape())
          + ", expected [B, " + n + "] ([B, N] with N = " + n + ")");
    }
    int batch = s.dim(0);
    requireShape(state, s, false, batch, n, "N");
    requireOwned("input", u);
    requireShape("input", u, false, batch, i, "I");
    if (stim != null) {
      requireOwned("stim", stim);
      requireShape("stim", stim, false, batch, n, "N");
    }
    return batch;
  }

  private Tensor asBatch(TensorScope scope, Tensor t) {
    return t.rank() == 1 ? scope.track(backend.reshape(t, 1, t.dim(0))) : t;
  }

  private static void requireShape(String name, Tensor t, boolean single, int batch, int width,
      String widthName) {
    boolean ok = single
        ? t.rank() == 1 && t.dim(0) == width
        : t.rank() == 2 && t.dim(0) == batch && t.dim(1) == width;
    if (!ok) {
      throw new IllegalArgumentException(name + " has shape " + Shapes.format(t.shape())
          + ", expected " + (single ? "[" + width + "]" : "[" + batch + ", " + width + "]")
          + " ([" + (single ? "" : "B, ") + widthName + "] with " + widthName + " = " + width + ")");
    }
  }

  void requireOwned(String name, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (t.backend() != backend) {
      throw new IllegalArgumentException(name + " belongs to backend '" + t.backend().name()
          + "', but the model computes on '" + backend.name() + "'; move it with backend.copyOf");
    }
    if (t.isClosed()) {
      // closing a backend closes its tensors: say which of the two happened
      throw new IllegalStateException(name + " is closed: "
          + (backend instanceof AbstractBackend b && b.isClosed()
              ? "the " + backend.name() + " backend has been closed"
              : "the " + t + " has been closed"));
    }
  }

  /** Runs a whole sequence. */
  Trajectory simulate(KindDynamics kind, Simulation sim) {
    Tensor input = sim.input();
    requireOwned("input", input);
    Layout layout = sim.layout();
    if (input.rank() != 3 || input.dim(2) != i) {
      throw new IllegalArgumentException("input has shape " + Shapes.format(input.shape())
          + ", expected " + (layout.batchFirst() ? "[B, T, I]" : "[T, B, I]") + " with I = " + i);
    }
    int batch = layout.batchFirst() ? input.dim(0) : input.dim(1);
    int steps = layout.batchFirst() ? input.dim(1) : input.dim(0);
    if (batch < 1 || steps < 1) {
      throw new IllegalArgumentException("input has shape " + Shapes.format(input.shape())
          + ": it needs at least one batch row and one time step");
    }
    long cells = (long) batch * steps;
    if (cells * Math.max(n, i) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(batch + " x " + steps + " steps of " + n + " units are "
          + "more than the 2^31 - 1 values a trajectory holds; simulate fewer steps at a time,"
          + " carrying the final state over");
    }
    org.mrnn4j.core.MemoryGuard.requireHeap("simulating " + batch + " x " + steps + " steps of a "
        + n + "-unit network", cells * (2L * n + i) * Double.BYTES, batch + " x " + steps + " x "
        + n + " float64 pre-activations and activations, and the inputs read back",
        "simulate fewer steps at a time (carrying the final state over), or raise the heap"
            + " (-Xmx; MRNN4J_JAVA_OPTS=-Xmx... for the command line)");
    Tensor stim = sim.stim();
    if (stim != null) {
      requireOwned("stim", stim);
      int[] expected = layout.batchFirst() ? new int[] {batch, steps, n} : new int[] {steps, batch, n};
      if (!java.util.Arrays.equals(stim.shape(), expected)) {
        throw new IllegalArgumentException("stim has shape " + Shapes.format(stim.shape())
            + ", expected " + Shapes.format(expected) + " (the input's "
            + (layout.batchFirst() ? "[B, T]" : "[T, B]") + " and N = " + n + ")");
      }
    }
    requireFinite("input", input);
    if (stim != null) {
      requireFinite("stim", stim);
    }
    double alpha = kind.noiseAlpha();
    double levelAct = Double.isNaN(sim.noiseLevelAct()) ? spec.noiseLevelAct() : sim.noiseLevelAct();
    double levelInp = Double.isNaN(sim.noiseLevelInp()) ? spec.noiseLevelInp() : sim.noiseLevelInp();
    double cHid = Math.sqrt(2 * alpha * levelAct * levelAct) / alpha;
    double cInp = Math.sqrt(2 * alpha * levelInp * levelInp) / alpha;
    Random random = sim.hasNoise() ? new Random(sim.seed()) : null;

    try (TensorScope scope = new TensorScope()) {
      Tensor[] initial = kind.initialStates(this, scope, sim, batch);
      Tensor x = initial[0];
      Tensor h = initial[1];
      // The rows of the input, stimulus and noise in the layout's order: one drive for all steps.
      int rows = batch * steps;
      Tensor inputRows = scope.track(backend.reshape(input, rows, i));
      Tensor stimRows = stim == null ? null : scope.track(backend.reshape(stim, rows, n));
      Tensor noiseH = null;
      Tensor noiseI = null;
      if (random != null) {
        double[][] noise = noise(random, layout, batch, steps, cHid, cInp);
        noiseH = scope.track(backend.fromArray(noise[0], rows, n));
        noiseI = scope.track(backend.fromArray(noise[1], rows, i));
      }
      Tensor e = drive(scope, inputRows, noiseI, noiseH, stimRows);
      e = scope.track(layout.batchFirst()
          ? backend.reshape(e, batch, steps, n) : backend.reshape(e, steps, batch, n));
      RecurrenceStates states =
          backend.recurrence(recurrence(kind, wRec, e, layout.batchFirst(), x, h));
      return new Trajectory(states.x(), states.h(), layout);
    }
  }

  /**
   * The hidden and input noise of a whole run, drawn in mRNNTorch's order (per step: the hidden
   * noise [B, N] row-major, then the input noise [B, I]) and placed at the layout's rows.
   */
  private double[][] noise(Random random, Layout layout, int batch, int steps, double cHid,
      double cInp) {
    double[] hidden = new double[batch * steps * n];
    double[] inp = new double[batch * steps * i];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        int row = layout.batchFirst() ? b * steps + t : t * batch + b;
        for (int k = 0; k < n; k++) {
          hidden[row * n + k] = cHid * random.nextGaussian();
        }
      }
      for (int b = 0; b < batch; b++) {
        int row = layout.batchFirst() ? b * steps + t : t * batch + b;
        for (int k = 0; k < i; k++) {
          inp[row * i + k] = cInp * random.nextGaussian();
        }
      }
    }
    return new double[][] {hidden, inp};
  }

  /** A simulation's initial state {@code t} ({@code [N]} or {@code [B, N]}) as a batch. */
  Tensor initialState(TensorScope scope, String name, Tensor t, int batch) {
    requireOwned(name, t);
    boolean vector = t.rank() == 1 && t.dim(0) == n;
    if (!vector && (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != n)) {
      throw new IllegalArgumentException(name + " has shape " + Shapes.format(t.shape())
          + ", expected [" + batch + ", " + n + "] ([B, N] with the input's B) or [" + n + "]");
    }
    requireFinite(name, t);
    return vector ? scope.track(repeatRows(backend, t, batch)) : t;
  }

  /**
   * Checks every element of {@code t} is finite, naming the first that is not by its index.
   * One host pass per simulate() call, not per step.
   */
  static void requireFinite(String name, Tensor t) {
    double[] values = t.toArray();
    for (int k = 0; k < values.length; k++) {
      if (!Double.isFinite(values[k])) {
        int[] shape = t.shape();
        int[] index = new int[shape.length];
        int rest = k;
        for (int d = shape.length - 1; d >= 0; d--) {
          index[d] = rest % shape[d];
          rest /= shape[d];
        }
        throw new IllegalArgumentException(name + Arrays.toString(index) + " is " + values[k]
            + " (" + name + " has shape " + Shapes.format(shape) + "); simulate needs finite "
            + "inputs, initial states and stimuli");
      }
    }
  }


  // ------------------------------------------------------------------ shared helpers

  static Tensor repeatRows(Backend backend, Tensor vector, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
    }
    return backend.stack(Collections.nCopies(batch, vector));
  }

  static void requireLastDim(String name, Tensor t, int size, String sizeName) {
    if (t == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (t.rank() < 1 || t.dim(t.rank() - 1) != size) {
      throw new IllegalArgumentException(name + " has shape " + Shapes.format(t.shape())
          + ", expected its last axis to be " + sizeName + " = " + size);
    }
  }

  /** The columns {@code ranges} of the last axis of {@code t} (any rank), concatenated. */
  static Tensor gatherLastAxis(Backend backend, Tensor t, List<IndexRange> ranges) {
    int[] shape = t.shape();
    int last = shape[shape.length - 1];
    int rows = (int) (t.size() / Math.max(last, 1));
    int width = ranges.stream().mapToInt(IndexRange::size).sum();
    try (TensorScope scope = new TensorScope()) {
      Tensor flat = scope.track(backend.reshape(t, rows, last));
      List<Tensor> parts = new ArrayList<>();
      for (IndexRange r : ranges) {
        parts.add(scope.track(backend.sliceColumns(flat, r.start(), r.end())));
      }
      Tensor joined = parts.size() == 1 ? parts.get(0) : scope.track(backend.concatColumns(parts));
      int[] outShape = shape.clone();
      outShape[outShape.length - 1] = width;
      return backend.reshape(joined, outShape);
    }
  }

  static Tensor combineStates(RecurrentModel model, Tensor a, Collection<String> regionsA,
      Tensor b, Collection<String> regionsB) {
    RegionLayout layout = model.layout();
    List<String> leavesA = regionsA.isEmpty() ? List.of() : layout.expandRegions(regionsA);
    List<String> leavesB = regionsB.isEmpty() ? List.of() : layout.expandRegions(regionsB);
    Set<String> inA = new HashSet<>(leavesA);
    for (String r : leavesB) {
      if (inA.contains(r)) {
        throw new IllegalArgumentException("region '" + r + "' is in both region lists");
      }
    }
    int widthA = leavesA.stream().mapToInt(r -> layout.recurrentRange(r).size()).sum();
    int widthB = leavesB.stream().mapToInt(r -> layout.recurrentRange(r).size()).sum();
    requireLastDim("statesA", a, widthA, "the units of " + leavesA);
    requireLastDim("statesB", b, widthB, "the units of " + leavesB);
    if (a.rank() != b.rank()
        || !java.util.Arrays.equals(java.util.Arrays.copyOf(a.shape(), a.rank() - 1),
            java.util.Arrays.copyOf(b.shape(), b.rank() - 1))) {
      throw new IllegalArgumentException("statesA " + Shapes.format(a.shape()) + " and statesB "
          + Shapes.format(b.shape()) + " differ in their leading axes");
    }
    Backend backend = model.backend();
    int[] shape = a.shape();
    int rows = (int) (a.size() / Math.max(widthA, 1));
    if (widthA == 0) {
      rows = (int) (b.size() / Math.max(widthB, 1));
    }
    try (TensorScope scope = new TensorScope()) {
      Tensor fa = widthA == 0 ? null : scope.track(backend.reshape(a, rows, widthA));
      Tensor fb = widthB == 0 ? null : scope.track(backend.reshape(b, rows, widthB));
      List<Tensor> parts = new ArrayList<>();
      int offA = 0;
      int offB = 0;
      for (String r : layout.recurrentRegionNames()) {
        int size = layout.recurrentRange(r).size();
        if (inA.contains(r)) {
          parts.add(scope.track(backend.sliceColumns(fa, offA, offA + size)));
          offA += size;
        } else if (leavesB.contains(r)) {
          parts.add(scope.track(backend.sliceColumns(fb, offB, offB + size)));
          offB += size;
        } else {
          throw new IllegalArgumentException("region '" + r + "' is in neither region list "
              + "(every recurrent region must be in one of them)");
        }
      }
      Tensor joined = parts.size() == 1 ? parts.get(0) : scope.track(backend.concatColumns(parts));
      int[] outShape = shape.clone();
      outShape[outShape.length - 1] = model.numUnits();
      return backend.reshape(joined, outShape);
    }
  }
}
