package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * The state and arithmetic both models share: spec, layout, host parameters, and the device
 * tensors of the effective weights, tonic input and initial condition. Package-private; the public
 * models delegate to it through {@link MRNNBase}.
 */
final class ModelCore implements AutoCloseable {
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

  @Override
  public void close() {
    wRec.close();
    wInp.close();
    tonic.close();
    init.close();
  }

  // ------------------------------------------------------------------ dynamics

  /**
   * One step for a batch. Leaky: {@code x' = x + alpha(-x + h W_rec^T + (u + n_i) W_inp^T + b + n_h)
   * [+ alpha stim]}; Elman: {@code x' = h W_rec^T + (u + n_i) W_inp^T + b + n_h [+ stim]}; then
   * {@code h' = act(x')}. The summation order is mRNNTorch's, so results agree to rounding. All
   * operands are [B, .] matrices of this backend; noise tensors may be null.
   *
   * @return {x', h'}, owned by the caller
   */
  Tensor[] step(boolean leaky, Tensor x, Tensor h, Tensor u, Tensor stim, Tensor noiseH,
      Tensor noiseI) {
    try (TensorScope scope = new TensorScope()) {
      Tensor uIn = noiseI == null ? u : scope.track(backend.add(u, noiseI));
      Tensor rec = scope.track(backend.matmul(h, false, wRec, true));
      Tensor drive = leaky ? scope.track(backend.sub(rec, x)) : rec;
      Tensor inp = scope.track(backend.matmul(uIn, false, wInp, true));
      drive = scope.track(backend.add(drive, inp));
      drive = scope.track(backend.addVector(drive, tonic));
      if (noiseH != null) {
        drive = scope.track(backend.add(drive, noiseH));
      }
      Tensor next;
      if (leaky) {
        double alpha = spec.alpha();
        next = scope.track(backend.axpby(1.0, x, alpha, drive));
        if (stim != null) {
          next = scope.track(backend.axpby(1.0, next, alpha, stim));
        }
      } else {
        next = stim == null ? drive : scope.track(backend.add(drive, stim));
      }
      Tensor act = backend.activate(spec.activation(), next);
      scope.keep(next);
      return new Tensor[] {next, act};
    }
  }

  /** The public one-step entry: checks shapes, accepts [N] or [B, N]. */
  Tensor[] checkedStep(boolean leaky, Tensor x, Tensor h, Tensor u, Tensor stim) {
    String state = leaky ? "x" : "h";
    Tensor ref = leaky ? x : h;
    requireOwned(state, ref);
    boolean single = ref.rank() == 1;
    int batch = single ? 1 : ref.dim(0);
    requireShape(state, ref, single, batch, n, "N");
    if (leaky && h != null) {
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
      Tensor xb = leaky ? asBatch(scope, x) : null;
      Tensor hb = h == null ? scope.track(backend.activate(spec.activation(), xb)) : asBatch(scope, h);
      Tensor ub = asBatch(scope, u);
      Tensor sb = stim == null ? null : asBatch(scope, stim);
      Tensor[] out = step(leaky, xb, hb, ub, sb, null, null);
      if (single) {
        Tensor[] flat = {backend.reshape(out[0], n), backend.reshape(out[1], n)};
        out[0].close();
        out[1].close();
        return flat;
      }
      return out;
    }
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
      throw new IllegalStateException(name + " is closed");
    }
  }

  /** Runs a whole sequence. */
  Trajectory simulate(boolean leaky, Simulation sim) {
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
    if (!leaky && sim.x0() != null) {
      throw new IllegalArgumentException(
          "the Elman model's state is h; give h0 instead of x0 (x0 applies to the leaky model)");
    }
    double alpha = leaky ? spec.alpha() : 1.0;
    double levelAct = Double.isNaN(sim.noiseLevelAct()) ? spec.noiseLevelAct() : sim.noiseLevelAct();
    double levelInp = Double.isNaN(sim.noiseLevelInp()) ? spec.noiseLevelInp() : sim.noiseLevelInp();
    double cHid = Math.sqrt(2 * alpha * levelAct * levelAct) / alpha;
    double cInp = Math.sqrt(2 * alpha * levelInp * levelInp) / alpha;
    Random random = sim.hasNoise() ? new Random(sim.seed()) : null;

    List<Tensor> xs = new ArrayList<>(steps);
    List<Tensor> hs = new ArrayList<>(steps);
    try (TensorScope scope = new TensorScope()) {
      Tensor x = null;
      Tensor h;
      if (leaky) {
        x = sim.x0() == null
            ? scope.track(repeatRows(backend, init, batch))
            : initialState(scope, "x0", sim.x0(), batch);
        h = sim.h0() == null
            ? scope.track(backend.activate(spec.activation(), x))
            : initialState(scope, "h0", sim.h0(), batch);
      } else {
        h = sim.h0() == null
            ? scope.track(repeatRows(backend, init, batch))
            : initialState(scope, "h0", sim.h0(), batch);
      }
      Tensor inputFlat = layout.batchFirst() ? scope.track(backend.reshape(input, batch, steps * i)) : null;
      Tensor stimFlat = stim != null && layout.batchFirst()
          ? scope.track(backend.reshape(stim, batch, steps * n)) : null;
      try {
        for (int t = 0; t < steps; t++) {
          try (TensorScope stepScope = new TensorScope()) {
            Tensor u = stepScope.track(layout.batchFirst()
                ? backend.sliceColumns(inputFlat, t * i, (t + 1) * i) : backend.select(input, t));
            Tensor s = null;
            if (stim != null) {
              s = stepScope.track(layout.batchFirst()
                  ? backend.sliceColumns(stimFlat, t * n, (t + 1) * n) : backend.select(stim, t));
            }
            Tensor noiseH = null;
            Tensor noiseI = null;
            if (random != null) {
              noiseH = stepScope.track(backend.fromArray(gaussians(random, batch * n, cHid), batch, n));
              noiseI = stepScope.track(backend.fromArray(gaussians(random, batch * i, cInp), batch, i));
            }
            Tensor[] next = step(leaky, x, h, u, s, noiseH, noiseI);
            xs.add(next[0]);
            hs.add(next[1]);
            x = next[0];
            h = next[1];
          }
        }
        Tensor xsOut = assemble(xs, layout, batch, steps);
        Tensor hsOut;
        try {
          hsOut = assemble(hs, layout, batch, steps);
        } catch (RuntimeException e) {
          xsOut.close();
          throw e;
        }
        return new Trajectory(xsOut, hsOut, layout);
      } finally {
        xs.forEach(Tensor::close);
        hs.forEach(Tensor::close);
      }
    }
  }

  private Tensor assemble(List<Tensor> parts, Layout layout, int batch, int steps) {
    if (!layout.batchFirst()) {
      return backend.stack(parts);
    }
    try (Tensor wide = backend.concatColumns(parts)) {
      return backend.reshape(wide, batch, steps, n);
    }
  }

  private Tensor initialState(TensorScope scope, String name, Tensor t, int batch) {
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

  private static double[] gaussians(Random random, int count, double scale) {
    double[] out = new double[count];
    for (int k = 0; k < count; k++) {
      out[k] = scale * random.nextGaussian();
    }
    return out;
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
