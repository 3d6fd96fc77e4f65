package org.mrnn4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The defaults of {@link AbstractBackend}'s overridable {@code do...} hooks (as DJL's {@code
 * NDArrayAdapter} gives an engine's arrays defaults): each copies through the host with {@link
 * Tensor#toArray()} and creates its result with the backend's {@link AbstractBackend#doFromArray},
 * or composes other hooks and public operations, so a backend that writes only the four abstract
 * hooks is complete. Correct and thread-safe fallbacks, not references to match bit for bit.
 * Every call goes through the backend's own (possibly overridden) hooks.
 */
final class HostFallbacks {
  private HostFallbacks() {}

  /** A copy of any backend's tensor, in its dtype where this backend computes in it. */
  static Tensor copyOf(AbstractBackend b, Tensor tensor) {
    if (tensor == null) {
      throw new IllegalArgumentException("copyOf: tensor is null");
    }
    DType dtype = b.supports(Capability.FLOAT32) ? tensor.dtype() : DType.FLOAT64;
    double[] data = tensor.toArray();
    try (AbstractBackend.Hold h = b.hold("copyOf")) {
      return b.doFromArray(data, dtype, tensor.shape());
    }
  }

  static Tensor reshape(AbstractBackend b, Tensor a, int[] shape) {
    return b.doFromArray(a.toArray(), a.dtype(), shape);
  }

  static Tensor transpose(AbstractBackend b, Tensor a) {
    int rows = a.dim(0);
    int cols = a.dim(1);
    double[] in = a.toArray();
    double[] out = new double[in.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = in[i * cols + j];
      }
    }
    return b.doFromArray(out, a.dtype(), new int[] {cols, rows});
  }

  static Tensor slice(AbstractBackend b, Tensor a, int from, int to) {
    int[] shape = a.shape();
    int inner = (int) (a.size() / shape[0]);
    double[] all = a.toArray();
    double[] out = new double[(to - from) * inner];
    System.arraycopy(all, from * inner, out, 0, out.length);
    shape[0] = to - from;
    return b.doFromArray(out, a.dtype(), shape);
  }

  static Tensor at(AbstractBackend b, Tensor a, int index) {
    int[] shape = a.shape();
    try (Tensor s = b.doSlice(a, index, index + 1)) {
      return b.doReshape(s, Arrays.copyOfRange(shape, 1, shape.length));
    }
  }

  static Tensor join(AbstractBackend b, List<Tensor> parts, int[] shape) {
    long total = 0;
    for (Tensor t : parts) {
      total += t.size();
    }
    double[] out = new double[Math.toIntExact(total)];
    int at = 0;
    for (Tensor t : parts) {
      double[] d = t.toArray();
      System.arraycopy(d, 0, out, at, d.length);
      at += d.length;
    }
    return b.doFromArray(out, parts.get(0).dtype(), shape);
  }

  static Tensor concatColumns(AbstractBackend b, List<Tensor> parts) {
    int rows = parts.get(0).dim(0);
    int cols = 0;
    for (Tensor t : parts) {
      cols += t.dim(1);
    }
    double[] out = new double[rows * cols];
    int offset = 0;
    for (Tensor t : parts) {
      int width = t.dim(1);
      double[] in = t.toArray();
      for (int i = 0; i < rows; i++) {
        System.arraycopy(in, i * width, out, i * cols + offset, width);
      }
      offset += width;
    }
    return b.doFromArray(out, parts.get(0).dtype(), new int[] {rows, cols});
  }

  static Tensor block(AbstractBackend b, Tensor a, IndexRanges rows, IndexRanges columns) {
    int cols = a.dim(1);
    int[] ri = rows.toIndices();
    int[] ci = columns.toIndices();
    double[] in = a.toArray();
    double[] out = new double[ri.length * ci.length];
    for (int i = 0; i < ri.length; i++) {
      for (int j = 0; j < ci.length; j++) {
        out[i * ci.length + j] = in[ri[i] * cols + ci[j]];
      }
    }
    return b.doFromArray(out, a.dtype(), new int[] {ri.length, ci.length});
  }

  static Tensor axpby(AbstractBackend b, double alpha, Tensor x, double beta, Tensor y) {
    double[] u = x.toArray();
    double[] v = y.toArray();
    for (int i = 0; i < u.length; i++) {
      u[i] = alpha * u[i] + beta * v[i];
    }
    return b.doFromArray(u, x.dtype(), x.shape());
  }

  static Tensor mul(AbstractBackend b, Tensor x, Tensor y) {
    double[] u = x.toArray();
    double[] v = y.toArray();
    for (int i = 0; i < u.length; i++) {
      u[i] *= v[i];
    }
    return b.doFromArray(u, x.dtype(), x.shape());
  }

  static Tensor scale(AbstractBackend b, Tensor a, double s) {
    double[] x = a.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] *= s;
    }
    return b.doFromArray(x, a.dtype(), a.shape());
  }

  static Tensor addVector(AbstractBackend b, Tensor a, Tensor v) {
    double[] x = a.toArray();
    double[] y = v.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i % y.length];
    }
    return b.doFromArray(x, a.dtype(), a.shape());
  }

  static Tensor activate(AbstractBackend b, Activation f, Tensor x, boolean derivative) {
    double[] v = x.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = derivative ? f.derivative(v[i]) : f.apply(v[i]);
    }
    return b.doFromArray(v, x.dtype(), x.shape());
  }

  /** The default of {@code doJacobianTimes}: one product with W (or its block), the rest on the host. */
  static Tensor jacobianTimes(AbstractBackend b, JacobianSpec spec, Tensor vectors) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    int p = rows.size();
    int q = columns.size();
    int k = vectors.dim(1);
    double[] v = vectors.toArray();
    double[] c = spec.columnScale() == null ? null : spec.columnScale().toArray();
    double[] r = spec.rowScale() == null ? null : spec.rowScale().toArray();
    double[] scaled = JacobianProducts.scaleRows(v, c, columns, k);
    boolean whole = rows.isAll(spec.weights().dim(0)) && columns.isAll(spec.weights().dim(1));
    try (TensorScope scope = new TensorScope()) {
      Tensor w = whole ? spec.weights() : scope.track(b.block(spec.weights(), rows, columns));
      Tensor x = scope.track(b.doFromArray(scaled, vectors.dtype(), new int[] {q, k}));
      double[] y = scope.track(b.doMatmul(w, false, x, false)).toArray();
      JacobianProducts.finish(y, r, spec.scale(), spec.identity(), v, rows, columns, k);
      return b.doFromArray(y, vectors.dtype(), new int[] {p, k});
    }
  }

  /** One {@code doJacobian} per operating point, on that point's rows of the scales, joined. */
  static Tensor jacobianBatch(AbstractBackend b, JacobianSpec spec, int batch) {
    int p = spec.rowsOrAll().size();
    int q = spec.columnsOrAll().size();
    List<Tensor> blocks = new ArrayList<>(batch);
    try (TensorScope scope = new TensorScope()) {
      for (int i = 0; i < batch; i++) {
        JacobianSpec.Builder point = JacobianSpec.builder(spec.weights())
            .identity(spec.identity()).scale(spec.scale())
            .rows(spec.rows()).columns(spec.columns());
        if (spec.rowScale() != null) {
          point.rowScale(scope.track(b.doAt(spec.rowScale(), i)));
        }
        if (spec.columnScale() != null) {
          point.columnScale(scope.track(b.doAt(spec.columnScale(), i)));
        }
        blocks.add(scope.track(b.doJacobian(point.build())));
      }
      return b.doJoin(blocks, new int[] {batch, p, q});
    }
  }

  /** The matrices decomposed concurrently on the common fork-join pool, in batch order. */
  static List<Eigendecomposition> eigBatch(AbstractBackend b, Tensor a, boolean vectors) {
    IntStream indices = IntStream.range(0, a.dim(0));
    if (a.dim(0) > 1) {
      indices = indices.parallel();
    }
    return indices.mapToObj(i -> {
      try (Tensor m = b.doAt(a, i)) {
        return b.doEig(m, vectors);
      }
    }).toList();
  }

  /** The recurrence composed of public operations: {@code doRecurrence}'s default. */
  static RecurrenceStates recurrence(AbstractBackend b, RecurrenceSpec spec) {
    boolean batchFirst = spec.batchFirst();
    int batch = spec.batchSize();
    int steps = spec.steps();
    int n = spec.weights().dim(0);
    List<Tensor> xs = new ArrayList<>(steps);
    List<Tensor> hs = new ArrayList<>(steps);
    try (TensorScope scope = new TensorScope()) {
      Tensor rows = batchFirst ? scope.track(b.reshape(spec.drive(), batch, steps * n)) : null;
      Tensor x = spec.x0();
      Tensor h = spec.h0();
      for (int t = 0; t < steps; t++) {
        Tensor drive = scope.track(batchFirst
            ? b.sliceColumns(rows, t * n, (t + 1) * n) : b.at(spec.drive(), t));
        Tensor c = scope.track(b.add(scope.track(b.matmul(h, false, spec.weights(), true)), drive));
        Tensor next = c;
        if (spec.isLeaky()) {
          next = scope.track(b.axpby(1.0, x, spec.alpha(), scope.track(b.sub(c, x))));
        }
        x = next;
        h = scope.track(b.activate(spec.activation(), spec.softplusBeta(), next));
        xs.add(x);
        hs.add(h);
      }
      Tensor xOut = scope.track(joinSteps(b, xs, batchFirst, batch, steps, n));
      Tensor hOut = joinSteps(b, hs, batchFirst, batch, steps, n);
      scope.keep(xOut);
      return new RecurrenceStates(xOut, hOut);
    }
  }

  private static Tensor joinSteps(AbstractBackend b, List<Tensor> parts, boolean batchFirst,
      int batch, int steps, int n) {
    if (!batchFirst) {
      return b.stack(parts);
    }
    try (Tensor wide = b.concatColumns(parts)) {
      return b.reshape(wide, batch, steps, n);
    }
  }
}
