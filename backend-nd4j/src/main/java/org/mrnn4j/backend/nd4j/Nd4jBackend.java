package org.mrnn4j.backend.nd4j;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianProducts;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The native CPU backend, on ND4J: tensors are {@link INDArray}s in off-heap memory, matrix
 * products run in OpenBLAS, elementwise work and the Jacobian kernel in ND4J's native ops, and the
 * eigendecomposition in LAPACK's {@code dgeev} (through OpenBLAS's LAPACKE).
 *
 * <p>Obtain it with {@code Backends.select("nd4j")}, through {@link Nd4jModule}, or as the default
 * where its native libraries load (its provider ranks above EJML's). Capabilities:
 * {@link Capability#EIGENVECTORS}, {@link Capability#NATIVE} and {@link Capability#FLOAT32}
 * (float32 tensors compute in float32; the eigendecomposition always runs in float64).
 *
 * <p>Where ND4J's per-op overhead (an allocation and a dispatch, about 10 microseconds each) would
 * dominate, the backend calls OpenBLAS directly on the arrays' buffers: matrix products are one
 * {@code cblas_?gemm} into a new C-ordered result, and sums, differences, {@code axpby} and
 * {@code addVector} are a copy and level-1 calls. Every kernel is elementwise or a BLAS product, so
 * results do not depend on the calling thread.
 *
 * <p>Activations run as ND4J transforms, except tanh and its derivative, which run on the JVM over
 * one copy of the data: ND4J's tanh loses up to 1e-10 relative accuracy near zero, and
 * {@code 1 - tanh(x)^2} would amplify any difference from Java's tanh near saturation. tanh uses
 * a formula within a few ulps of {@link Math#tanh} (which is slow on Java 17), its derivative
 * {@link Activation}'s scalar definition exactly.
 *
 * <p>Threads: OpenBLAS and ND4J's own kernels run one thread per calling thread unless
 * {@code OPENBLAS_NUM_THREADS}, {@code OMP_NUM_THREADS} or the backend option
 * {@value Nd4jBackendProvider#THREADS} say otherwise; {@link #eigBatch} decomposes a batch's
 * matrices concurrently on the common fork-join pool (see {@link Nd4jBackendProvider}).
 *
 * <p>Thread-safe: no state is kept between calls, and every operation runs outside any ND4J
 * workspace the calling thread may have opened, so results never live in a workspace that a
 * caller's scope later recycles.
 */
public final class Nd4jBackend extends AbstractBackend {

  /**
   * Creates the backend. Unlike {@code Backends.select("nd4j")} and {@link Nd4jModule}, this does
   * not run the known-answer self-test ({@link org.mrnn4j.core.KnownAnswerProbe}) that refuses an
   * OpenBLAS computing wrong answers on this CPU; prefer those.
   *
   * @throws org.mrnn4j.core.BackendUnavailableException if ND4J's native libraries cannot load
   *     here, naming what failed
   */
  public Nd4jBackend() {
    this(DEFAULT_POOL_MIB);
  }

  /**
   * Creates the backend with a pool of freed large buffers of at most {@code poolMiB} mebibytes.
   *
   * @param poolMiB the most memory the pool of freed buffers may hold, in mebibytes; 0 disables
   *     the pool
   * @throws IllegalArgumentException if {@code poolMiB} is negative
   * @throws org.mrnn4j.core.BackendUnavailableException if ND4J's native libraries cannot load
   *     here, naming what failed
   */
  public Nd4jBackend(int poolMiB) {
    super(Nd4jBackendProvider.NAME,
        EnumSet.of(Capability.EIGENVECTORS, Capability.NATIVE, Capability.FLOAT32));
    if (poolMiB < 0) {
      throw new IllegalArgumentException("the buffer pool size must be >= 0 MiB, got " + poolMiB);
    }
    Nd4jBackendProvider.requireAvailable();
    NativeBlas.applyDefaultThreads();
    this.pool = new BufferPool((long) poolMiB << 20);
  }

  /** The default budget of the buffer pool, in mebibytes. */
  public static final int DEFAULT_POOL_MIB = 256;

  private final BufferPool pool;

  /** The pool of freed large buffers (for the tensors' release and tests). */
  BufferPool pool() {
    return pool;
  }

  /** Frees the pooled buffers. Tensors still open stay valid. */
  @Override
  protected void doClose() {
    pool.clear();
  }

  // ------------------------------------------------------------------ plumbing

  /** Runs {@code body} with no ND4J workspace active on this thread, so results are detached. */
  private static <T> T outside(Supplier<T> body) {
    MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    try {
      return body.get();
    } finally {
      none.close(); // reactivates the caller's workspace, if any
    }
  }

  private static INDArray nd(Tensor t) {
    return ((Nd4jTensor) t).unchecked();
  }

  private static DataType nd(DType dtype) {
    return dtype == DType.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
  }

  private static long[] longs(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }

  private static int[] ints(long[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }

  private static boolean empty(int[] shape) {
    for (int d : shape) {
      if (d == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Wraps a result the caller has just computed. A view, an F-ordered array or an array that may
   * share an operand's buffer ({@code shared}) is copied first, so that every tensor owns its
   * contiguous C-ordered buffer.
   */
  private Nd4jTensor wrap(INDArray x, DType dtype, boolean shared) {
    INDArray own = shared || x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    return new Nd4jTensor(this, dtype, ints(own.shape()), own);
  }

  private Nd4jTensor wrap(INDArray x, DType dtype) {
    return wrap(x, dtype, false);
  }

  private Nd4jTensor emptyTensor(DType dtype, int[] shape) {
    return new Nd4jTensor(this, dtype, shape, Nd4j.create(nd(dtype), longs(shape)));
  }

  // ------------------------------------------------------------------ creation

  @Override
  protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
    return outside(() -> {
      if (data.length == 0) {
        return emptyTensor(dtype, shape);
      }
      INDArray x;
      if (dtype == DType.FLOAT32) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) data[i];
        }
        x = Nd4j.create(f, longs(shape), 'c');
      } else {
        x = Nd4j.create(data, longs(shape), 'c');
      }
      return new Nd4jTensor(this, dtype, shape, x);
    });
  }

  @Override
  public Tensor cast(Tensor tensor, DType dtype) {
    if (dtype == null || tensor == null || tensor.backend() != this || tensor.isClosed()) {
      return super.cast(tensor, dtype); // its checks report the problem
    }
    own("cast", tensor);
    return outside(() -> tensor.size() == 0 ? emptyTensor(dtype, tensor.shape())
        // castTo returns the same array when the type already matches: copy then
        : wrap(nd(tensor).castTo(nd(dtype)), dtype, dtype == tensor.dtype()));
  }

  // ------------------------------------------------------------------ shape

  @Override
  protected Tensor doReshape(Tensor a, int[] shape) {
    return outside(() -> a.size() == 0 ? emptyTensor(a.dtype(), shape)
        : new Nd4jTensor(this, a.dtype(), shape, NativeBlas.copy(pool.uninitialized(nd(a.dtype()), longs(shape)), nd(a))));
  }

  @Override
  protected Tensor doTranspose(Tensor a) {
    int[] shape = {a.dim(1), a.dim(0)};
    return outside(() -> a.size() == 0 ? emptyTensor(a.dtype(), shape)
        : wrap(nd(a).transpose(), a.dtype(), true));
  }

  @Override
  protected Tensor doSlice(Tensor a, int from, int to) {
    int[] shape = a.shape();
    shape[0] = to - from;
    return outside(() -> empty(shape) ? emptyTensor(a.dtype(), shape)
        : wrap(nd(a).get(NDArrayIndex.interval(from, to)), a.dtype(), true));
  }

  @Override
  protected Tensor doAt(Tensor a, int index) {
    int[] full = a.shape();
    int[] shape = java.util.Arrays.copyOfRange(full, 1, full.length);
    return outside(() -> empty(shape) ? emptyTensor(a.dtype(), shape)
        : wrap(nd(a).get(NDArrayIndex.point(index)), a.dtype(), true));
  }

  @Override
  protected Tensor doJoin(List<Tensor> parts, int[] shape) {
    DType dtype = parts.get(0).dtype();
    return outside(() -> {
      if (empty(shape)) {
        return emptyTensor(dtype, shape);
      }
      // stack and concat both lay the parts' elements one after the other: join them flat
      long[] target = java.util.Arrays.stream(shape).asLongStream().toArray();
      List<INDArray> flat = new ArrayList<>(parts.size());
      for (Tensor t : parts) {
        if (t.size() > 0) { // ND4J's concat rejects empty operands; they contribute nothing
          flat.add(nd(t).reshape('c', new long[] {t.size()}));
        }
      }
      if (flat.size() == 1) {
        return wrap(flat.get(0).reshape('c', target), dtype, true);
      }
      return wrap(Nd4j.concat(0, flat.toArray(new INDArray[0])).reshape('c', target), dtype);
    });
  }

  @Override
  protected Tensor doConcatColumns(List<Tensor> parts) {
    int cols = 0;
    for (Tensor t : parts) {
      cols += t.dim(1);
    }
    return concatAlong(1, parts, new int[] {parts.get(0).dim(0), cols});
  }

  private Tensor concatAlong(int axis, List<Tensor> parts, int[] shape) {
    DType dtype = parts.get(0).dtype();
    return outside(() -> {
      if (empty(shape)) {
        return emptyTensor(dtype, shape);
      }
      // ND4J's concat rejects empty operands; they contribute nothing anyway.
      List<INDArray> arrays = new ArrayList<>(parts.size());
      for (Tensor t : parts) {
        if (t.size() > 0) {
          arrays.add(nd(t));
        }
      }
      if (arrays.size() == 1) {
        return wrap(arrays.get(0), dtype, true);
      }
      return wrap(Nd4j.concat(axis, arrays.toArray(new INDArray[0])), dtype);
    });
  }

  @Override
  protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
    return outside(() -> wrap(gather(nd(a), rows, columns), a.dtype()));
  }

  /**
   * The block of matrix {@code w} at the given rows and columns, as a new C-ordered array the caller
   * may modify. Views select the ranges; one native concatenation per axis with several ranges
   * joins them (ND4J's per-op overhead, not the copying, dominates at the sizes of region blocks).
   */
  private static INDArray gather(INDArray w, IndexRanges rows, IndexRanges columns) {
    int p = rows.size();
    int q = columns.size();
    if (p == 0 || q == 0) {
      return Nd4j.create(w.dataType(), p, q);
    }
    List<IndexRange> rr = nonEmpty(rows);
    List<IndexRange> cr = nonEmpty(columns);
    boolean allRows = rows.isAll((int) w.size(0));
    boolean allColumns = columns.isAll((int) w.size(1));
    if (rr.size() == 1 && cr.size() == 1) {
      INDArray view = allRows && allColumns ? w : w.get(interval(rr.get(0)), interval(cr.get(0)));
      return view.dup('c');
    }
    INDArray byRows = w;
    if (!allRows) {
      INDArray[] parts = new INDArray[rr.size()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = w.get(interval(rr.get(i)), NDArrayIndex.all());
      }
      byRows = parts.length == 1 ? parts[0] : Nd4j.concat(0, parts);
    }
    if (allColumns) {
      return byRows == w || byRows.isView() ? byRows.dup('c') : byRows;
    }
    INDArray[] parts = new INDArray[cr.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = byRows.get(NDArrayIndex.all(), interval(cr.get(i)));
    }
    INDArray out = parts.length == 1 ? parts[0].dup('c') : Nd4j.concat(1, parts);
    if (byRows != w && !byRows.isView()) {
      free(byRows);
    }
    return out.isView() || out.ordering() != 'c' ? out.dup('c') : out;
  }

  /**
   * {@code factor} times the entries of the last axis of {@code v} (a vector {@code [n]} or a batch
   * {@code [B, n]}, contiguous C order) at {@code ranges}, as a new array. Scale vectors are short:
   * gathering them on the heap costs one transfer, where views would cost an op per range.
   */
  private static INDArray pick(INDArray v, IndexRanges ranges, double factor) {
    int n = (int) v.size(v.rank() - 1);
    int rows = v.rank() == 1 ? 1 : (int) v.size(0);
    double[] all = v.data().asDouble();
    int p = ranges.size();
    double[] out = new double[rows * p];
    for (int b = 0; b < rows; b++) {
      int at = b * p;
      for (IndexRange r : ranges.ranges()) {
        for (int i = r.start(); i < r.end(); i++) {
          out[at++] = factor * all[b * n + i];
        }
      }
    }
    long[] shape = v.rank() == 1 ? new long[] {p} : new long[] {rows, p};
    if (v.dataType() == DataType.FLOAT) {
      float[] f = new float[out.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) out[i];
      }
      return Nd4j.create(f, shape, 'c');
    }
    return Nd4j.create(out, shape, 'c');
  }

  private static List<IndexRange> nonEmpty(IndexRanges ranges) {
    List<IndexRange> out = new ArrayList<>();
    for (IndexRange r : ranges.ranges()) {
      if (r.size() > 0) {
        out.add(r);
      }
    }
    return out;
  }

  private static INDArrayIndex interval(IndexRange r) {
    return NDArrayIndex.interval(r.start(), r.end());
  }

  // ------------------------------------------------------------------ arithmetic

  @Override
  protected Tensor doMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    int m = transposeA ? a.dim(1) : a.dim(0);
    int k = transposeA ? a.dim(0) : a.dim(1);
    int n = transposeB ? b.dim(0) : b.dim(1);
    int[] shape = {m, n};
    return outside(() -> {
      if (m == 0 || n == 0) {
        return emptyTensor(a.dtype(), shape);
      }
      if (k == 0) {
        return wrap(Nd4j.create(nd(a.dtype()), m, n), a.dtype());
      }
      // One BLAS call reads the operands in place (transpose flags, no copies) and writes the
      // C-ordered result the tensor keeps.
      INDArray c = pool.uninitialized(nd(a.dtype()), new long[] {m, n});
      NativeBlas.gemm(nd(a), transposeA, nd(b), transposeB, c, m, n, k);
      return new Nd4jTensor(this, a.dtype(), shape, c);
    });
  }

  @Override
  protected Tensor doAxpby(double alpha, Tensor a, double beta, Tensor b) {
    return elementwise(a, () -> {
      INDArray x = nd(a);
      INDArray y = nd(b);
      if (alpha != 0.0 && beta != 0.0) {
        return NativeBlas.axpby(pool.uninitialized(x.dataType(), x.shape()), alpha, x, beta, y);
      }
      INDArray out = x.mul(alpha);
      INDArray scaled = y.mul(beta);
      out.addi(scaled);
      free(scaled);
      return out;
    });
  }

  @Override
  protected Tensor doMul(Tensor a, Tensor b) {
    return elementwise(a, () -> nd(a).mul(nd(b)));
  }

  @Override
  protected Tensor doScale(Tensor a, double s) {
    return elementwise(a, () -> nd(a).mul(s));
  }

  @Override
  protected Tensor doAddVector(Tensor a, Tensor v) {
    return elementwise(a, () -> {
      INDArray x = nd(a);
      if (x.rank() == 1) {
        return NativeBlas.axpby(pool.uninitialized(x.dataType(), x.shape()), 1.0, x, 1.0, nd(v));
      }
      if (x.size(x.rank() - 1) >= ROW_LOOP_WIDTH) {
        return NativeBlas.addRows(pool.uninitialized(x.dataType(), x.shape()), x, nd(v));
      }
      INDArray z = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
      Nd4j.getExecutioner().exec(new BroadcastAddOp(x, nd(v), z, x.rank() - 1));
      return z;
    });
  }

  @Override
  protected Tensor doActivate(Activation f, Tensor x, boolean derivative) {
    return elementwise(x, () -> derivative ? derivative(f, nd(x)) : value(f, nd(x)));
  }

  /** {@code f} elementwise on the heap: one copy out of native memory and one back. */
  private INDArray onHost(DoubleUnaryOperator f, INDArray x) {
    double[] v = NativeBlas.toHost(x);
    IntStream indices = IntStream.range(0, v.length);
    if (v.length >= PARALLEL_ELEMENTS) {
      indices = indices.parallel(); // each element on its own: the same bits on any thread
    }
    indices.forEach(i -> v[i] = f.applyAsDouble(v[i]));
    return NativeBlas.fromHost(pool.uninitialized(x.dataType(), x.shape()), v);
  }

  /** tanh on the heap with the vectorized {@link Tanh} kernel. */
  private INDArray tanhOnHost(INDArray x) {
    double[] v = NativeBlas.toHost(x);
    Tanh.tanh(v, 0, v.length, TANH_PARALLEL_ELEMENTS);
    return NativeBlas.fromHost(pool.uninitialized(x.dataType(), x.shape()), v);
  }

  /**
   * Frees temporaries now rather than when the garbage collector notices them: off-heap memory is
   * invisible to the GC's sizing. Only for arrays this class created and no tensor holds.
   */
  private static void free(INDArray... temporaries) {
    for (INDArray t : temporaries) {
      if (t != null && t.closeable()) {
        t.close();
      }
    }
  }

  /** Rows at least this wide get a BLAS call each in addVector; narrower ones one broadcast op. */
  private static final int ROW_LOOP_WIDTH = 32;

  /** Host loops at least this long are split across the common pool. */
  private static final int PARALLEL_ELEMENTS = 1 << 15;

  /**
   * The vectorized tanh is split across the common pool from this length: at 2^15 elements (about
   * 100 microseconds) the split measured slower than one thread on two cores.
   */
  private static final int TANH_PARALLEL_ELEMENTS = 1 << 18;

  /** Runs an op whose result has the shape and dtype of {@code a}; empty tensors skip ND4J. */
  private Tensor elementwise(Tensor a, Supplier<INDArray> op) {
    return outside(() -> a.size() == 0 ? emptyTensor(a.dtype(), a.shape())
        : wrap(op.get(), a.dtype()));
  }

  // Each formula is the one Activation documents, so that values agree with PyTorch's.
  private INDArray value(Activation f, INDArray x) {
    switch (f) {
      case RELU:
        // max(x, 0) written as x * (x > 0) would turn -inf into NaN; relu keeps x > 0 ? x : 0
        return Transforms.relu(x, true);
      case TANH:
        // Not ND4J's tanh: it loses up to 1e-10 relative accuracy near zero. Tanh.tanh is within a
        // few ulps of Math.tanh and over twice as fast (Math.tanh is a JNI call on Java 17).
        return tanhOnHost(x);
      case SIGMOID:
        return Transforms.sigmoid(x, true);
      case SOFTPLUS: {
        // log1p(exp(x)) where x <= 20, x itself above (PyTorch's threshold). Clamping first keeps
        // exp finite in the branch that is discarded.
        INDArray soft = Transforms.log1p(
            Transforms.exp(Transforms.min(x, Activation.SOFTPLUS_THRESHOLD, true), false), false);
        INDArray out = x.dup('c');
        BooleanIndexing.replaceWhere(
            out, soft, Conditions.lessThanOrEqual(Activation.SOFTPLUS_THRESHOLD));
        free(soft);
        return out;
      }
      case LINEAR:
        return x.dup('c');
      default:
        throw new IllegalArgumentException("activate: unsupported activation " + f);
    }
  }

  private INDArray derivative(Activation f, INDArray x) {
    switch (f) {
      case RELU: {
        // 1 where x > 0, else 0: relu'(0) = 0, as in PyTorch
        INDArray positive = x.gt(0.0);
        INDArray out = positive.castTo(x.dataType());
        free(positive);
        return out;
      }
      case TANH:
        // Exactly the scalar definition, 1 - Math.tanh^2: near saturation the subtraction turns
        // any ulp by which another tanh differs into a relative error of 1e-14 to 1e-11.
        return onHost(Activation.TANH::derivative, x);
      case SIGMOID: {
        INDArray s = Transforms.sigmoid(x, true);
        INDArray out = s.rsub(1.0).muli(s);
        free(s);
        return out;
      }
      case SOFTPLUS: {
        // exp(x) / (exp(x) + 1) where x <= 20, 1 above
        INDArray z = Transforms.exp(Transforms.min(x, Activation.SOFTPLUS_THRESHOLD, true), false);
        INDArray zPlusOne = z.add(1.0);
        INDArray d = z.div(zPlusOne);
        free(z, zPlusOne);
        INDArray out = x.dup('c');
        BooleanIndexing.replaceWhere(
            out, d, Conditions.lessThanOrEqual(Activation.SOFTPLUS_THRESHOLD));
        // what is left above the threshold are the x > 20 (and NaN stays NaN)
        BooleanIndexing.replaceWhere(
            out, 1.0, Conditions.greaterThan(Activation.SOFTPLUS_THRESHOLD));
        free(d);
        return out;
      }
      case LINEAR:
        return Nd4j.ones(x.dataType(), x.shape());
      default:
        throw new IllegalArgumentException("activateDerivative: unsupported activation " + f);
    }
  }

  // ------------------------------------------------------------------ kernels

  @Override
  protected Tensor doJacobian(JacobianSpec spec) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    DType dtype = spec.weights().dtype();
    return outside(() -> {
      INDArray w = nd(spec.weights());
      if (rows.size() == 0 || columns.size() == 0) {
        return wrap(Nd4j.create(w.dataType(), rows.size(), columns.size()), dtype);
      }
      // b goes into the (short) row scale, else the column scale, else over the block
      double b = spec.scale();
      INDArray r = spec.rowScale() == null ? null : pick(nd(spec.rowScale()), rows, b);
      INDArray c = spec.columnScale() == null ? null
          : pick(nd(spec.columnScale()), columns, r == null ? b : 1.0);
      INDArray block;
      if (rows.isAll((int) w.size(0)) && columns.isAll((int) w.size(1))) {
        // The whole of W: the first scaling op reads W and writes the new result, one pass
        // instead of a copy followed by in-place ops.
        block = Nd4j.createUninitialized(w.dataType(), w.shape(), 'c');
        // explicit broadcast dimensions: muliColumnVector misreads a one-column block
        if (r != null) {
          Nd4j.getExecutioner().exec(new BroadcastMulOp(w, r, block, 0));
        } else if (c != null) {
          Nd4j.getExecutioner().exec(new BroadcastMulOp(w, c, block, 1));
        } else {
          w.mul(b, block);
        }
        if (r != null && c != null) {
          Nd4j.getExecutioner().exec(new BroadcastMulOp(block, c, block, 1));
        }
      } else {
        block = gather(w, rows, columns);
        if (r == null && c == null && b != 1.0) {
          block.muli(b);
        }
        if (r != null) {
          Nd4j.getExecutioner().exec(new BroadcastMulOp(block, r, block, 0));
        }
        if (c != null) {
          Nd4j.getExecutioner().exec(new BroadcastMulOp(block, c, block, 1));
        }
      }
      free(r, c);
      addIdentity(block, 1, spec.identity(), rows, columns);
      return wrap(block, dtype);
    });
  }

  @Override
  protected Tensor doJacobianBatch(JacobianSpec spec, int batch) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    DType dtype = spec.weights().dtype();
    int p = rows.size();
    int q = columns.size();
    int[] shape = {batch, p, q};
    return outside(() -> {
      if (empty(shape)) {
        return emptyTensor(dtype, shape);
      }
      INDArray w = nd(spec.weights());
      // all of W is read in place (the products below write a new array); a subset is gathered
      boolean whole = rows.isAll((int) w.size(0)) && columns.isAll((int) w.size(1));
      INDArray block = whole ? w : gather(w, rows, columns);
      double b = spec.scale();
      INDArray r = spec.rowScale() == null ? null : pick(nd(spec.rowScale()), rows, b);
      INDArray c = spec.columnScale() == null ? null
          : pick(nd(spec.columnScale()), columns, r == null ? b : 1.0);
      // [B, p, q] = [1, p, q] * [B, p, 1] (* [B, 1, q]): numpy-style broadcasting writes the
      // result in one pass; repeating the block first (INDArray.broadcast) costs several times more
      INDArray block3 = block.reshape('c', 1, p, q);
      INDArray out = r != null
          ? block3.mul(r.reshape('c', batch, p, 1))
          : block3.mul(c.reshape('c', batch, 1, q));
      if (r != null && c != null) {
        out.muli(c.reshape('c', batch, 1, q));
      }
      if (out.isView() || out.ordering() != 'c') {
        out = out.dup('c');
      }
      if (!whole) {
        free(block);
      }
      free(r, c);
      addIdentity(out, batch, spec.identity(), rows, columns);
      return wrap(out, dtype);
    });
  }

  /** Entries of {@code W} from which {@link #jacobianTimes} splits its product across cores. */
  static final long PARALLEL_PRODUCT = 1L << 20;
  /** Rows per block of a split product. */
  static final int PRODUCT_ROWS = 256;

  /**
   * Over the whole of {@code W}: the scaled vectors go straight into a pooled buffer, one
   * {@code ?gemm} reads {@code W} in place, and the row scale and identity are one heap pass; no
   * intermediate tensors. A region block takes the composed default (which gathers it).
   */
  @Override
  protected Tensor doJacobianTimes(JacobianSpec spec, Tensor vectors) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    INDArray w = nd(spec.weights());
    if (!rows.isAll((int) w.size(0)) || !columns.isAll((int) w.size(1)) || vectors.size() == 0) {
      return super.doJacobianTimes(spec, vectors);
    }
    DType dtype = vectors.dtype();
    int p = rows.size();
    int q = columns.size();
    int k = vectors.dim(1);
    return outside(() -> {
      double[] v = NativeBlas.toHost(nd(vectors));
      double[] c = spec.columnScale() == null ? null : NativeBlas.toHost(nd(spec.columnScale()));
      double[] r = spec.rowScale() == null ? null : NativeBlas.toHost(nd(spec.rowScale()));
      INDArray x = NativeBlas.fromHost(pool.uninitialized(nd(dtype), new long[] {q, k}),
          JacobianProducts.scaleRows(v, c, columns, k));
      INDArray out = pool.uninitialized(nd(dtype), new long[] {p, k});
      if ((long) p * q >= PARALLEL_PRODUCT && p >= 2 * PRODUCT_ROWS) {
        // A large product is memory-bound: fixed row blocks on the common pool use every core's
        // bandwidth, and the same blocks whatever the thread count keep the bits the same.
        int blocks = (p + PRODUCT_ROWS - 1) / PRODUCT_ROWS;
        IntStream.range(0, blocks).parallel().forEach(b -> NativeBlas.gemmRows(w, x, out,
            b * PRODUCT_ROWS, Math.min(p, (b + 1) * PRODUCT_ROWS), k, q));
      } else {
        NativeBlas.gemm(w, false, x, false, out, p, k, q);
      }
      pool.release(x);
      double[] y = NativeBlas.toHost(out);
      JacobianProducts.finish(y, r, spec.scale(), spec.identity(), v, rows, columns, k);
      return new Nd4jTensor(this, dtype, new int[] {p, k}, NativeBlas.fromHost(out, y));
    });
  }

  /**
   * Adds {@code a} where the global row index equals the global column index, in each of the
   * {@code batch} blocks of the C-ordered, offset-free array {@code out} ({@code [p, q]} or
   * {@code [B, p, q]}). Touches only those diagonal entries: O(batch * min(p, q)).
   */
  private static void addIdentity(
      INDArray out, int batch, double a, IndexRanges rows, IndexRanges columns) {
    if (a == 0.0) {
      return;
    }
    int p = rows.size();
    int q = columns.size();
    DataBuffer data = out.data();
    int ro = 0;
    for (IndexRange r : rows.ranges()) {
      int co = 0;
      for (IndexRange c : columns.ranges()) {
        int lo = Math.max(r.start(), c.start());
        int hi = Math.min(r.end(), c.end());
        for (int g = lo; g < hi; g++) {
          long at = (long) (ro + g - r.start()) * q + (co + g - c.start());
          for (int k = 0; k < batch; k++) {
            long i = at + (long) k * p * q;
            data.put(i, data.getDouble(i) + a);
          }
        }
        co += c.size();
      }
      ro += r.size();
    }
  }

  /**
   * float64 runs fuse each step ({@link FusedRecurrence}): one {@code dgemm} accumulating into the
   * output and one heap pass for the leak and activation. float32 runs, and runs too large for
   * one Java buffer, take the composed default.
   */
  @Override
  protected RecurrenceStates doRecurrence(RecurrenceSpec spec) {
    if (spec.weights().dtype() != DType.FLOAT64 || spec.drive().size() > Integer.MAX_VALUE) {
      return super.doRecurrence(spec);
    }
    return outside(() -> {
      INDArray[] out = FusedRecurrence.run(pool, spec, nd(spec.weights()), nd(spec.drive()),
          spec.x0() == null ? null : nd(spec.x0()), nd(spec.h0()));
      return new RecurrenceStates(wrap(out[0], DType.FLOAT64), wrap(out[1], DType.FLOAT64));
    });
  }

  @Override
  protected Eigendecomposition doEig(Tensor a, boolean vectors) {
    int n = a.dim(0);
    return LapackEigen.decompose(columnMajor(a.toArray(), 0, n), n, vectors);
  }

  @Override
  protected List<Eigendecomposition> doEigBatch(Tensor a, boolean vectors) {
    int batch = a.dim(0);
    int n = a.dim(1);
    double[] all = a.toArray();
    // Independent LAPACK calls: run them on the common pool; order is kept by index.
    IntStream indices = IntStream.range(0, batch);
    if (batch > 1) {
      indices = indices.parallel();
    }
    return indices
        .mapToObj(k -> LapackEigen.decompose(columnMajor(all, k * n * n, n), n, vectors))
        .toList();
  }

  /**
   * Right and left eigenvectors from one LAPACK {@code dgeevx} call ({@code JOBVL = JOBVR =
   * 'V'}) instead of the host default's {@code V^-1} (or second decomposition of {@code A^T}):
   * the eigenvalues and right vectors are those of {@link #eig}, with its balancing, fallback to
   * permutation alone and residual check, which here covers the left vectors too.
   *
   * @throws IllegalArgumentException if {@code a} is not a square matrix of this backend
   * @throws IllegalStateException if it or the backend is closed
   * @throws ArithmeticException if {@code a} holds a NaN or infinite entry, the QR iteration
   *     does not converge, or a right or left vector misses the residual bound
   */
  @Override
  public Eigendecomposition eigWithLeftVectors(Tensor a) {
    String op = "eigWithLeftVectors";
    own(op, a);
    if (a.rank() != 2 || a.dim(0) != a.dim(1)) {
      throw new IllegalArgumentException(
          op + ": needs a square matrix, got shape " + Shapes.format(a.shape()));
    }
    int n = a.dim(0);
    try (Hold h = hold(op, a)) {
      double[] data = finite(op, a);
      return LapackEigen.decomposeWithLeft(columnMajor(data, 0, n), n);
    }
  }

  /**
   * {@link #eigWithLeftVectors} for each matrix of a batch {@code [B, n, n]}, concurrently on the
   * common fork-join pool as {@link #eigBatch} does; results in batch order.
   *
   * @throws IllegalArgumentException if {@code a} is not a batch of square matrices of this
   *     backend
   * @throws IllegalStateException if it or the backend is closed
   * @throws ArithmeticException as {@link #eigWithLeftVectors}, for any matrix of the batch
   */
  @Override
  public List<Eigendecomposition> eigBatchWithLeftVectors(Tensor a) {
    String op = "eigBatchWithLeftVectors";
    own(op, a);
    if (a.rank() != 3 || a.dim(1) != a.dim(2)) {
      throw new IllegalArgumentException(op + ": needs a batch of square matrices [B, n, n], got "
          + Shapes.format(a.shape()));
    }
    int batch = a.dim(0);
    int n = a.dim(1);
    try (Hold h = hold(op, a)) {
      double[] all = finite(op, a);
      IntStream indices = IntStream.range(0, batch);
      if (batch > 1) {
        indices = indices.parallel();
      }
      return indices
          .mapToObj(k -> LapackEigen.decomposeWithLeft(columnMajor(all, k * n * n, n), n))
          .toList();
    }
  }

  /**
   * The entries of the matrix or batch {@code a}, refused with the first NaN or infinite one
   * named (LAPACK would loop or return garbage).
   */
  private static double[] finite(String op, Tensor a) {
    double[] v = a.toArray();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        int n = a.dim(a.rank() - 1);
        int at = i % (n * n);
        String which = a.rank() == 3 ? "matrix " + i / (n * n) + " of the batch " : "the matrix ";
        throw new ArithmeticException(op + ": " + which + Shapes.format(a.shape())
            + " holds a NaN or infinite entry (" + v[i] + " at [" + at / n + ", " + at % n
            + "]); an eigendecomposition needs finite entries");
      }
    }
    return v;
  }

  /** The {@code n x n} matrix at {@code offset} of row-major {@code data}, in column-major order. */
  private static double[] columnMajor(double[] data, int offset, int n) {
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[j * n + i] = data[offset + i * n + j];
      }
    }
    return out;
  }
}
