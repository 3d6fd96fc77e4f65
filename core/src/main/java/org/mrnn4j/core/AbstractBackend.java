package org.mrnn4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Base class for backends: validates every argument of every {@link Backend} operation (ownership,
 * open tensors, dtypes, shapes, ranges, capabilities, finite input to the eigendecomposition) so
 * that all backends reject bad input with the same messages, then calls a {@code do...} method
 * that only has to compute. The {@code do...} methods receive open tensors of this backend,
 * created by {@link #fromArray} or the ops, of matching dtype and valid shapes. It also holds the
 * operands of each operation and the backend itself open while the operation runs, so that
 * {@link #close()} from another thread frees nothing in use.
 *
 * <p>Four methods must be written: {@link #doFromArray} (creation; every result of a default goes
 * through it), {@link #doMatmul}, {@link #doJacobian} and {@link #doEig} (which may return
 * {@code ReferenceEigensolver.decompose} of {@code mrnn4j-eigen}). Every other {@code do...}
 * method has a correct default that copies through the host with {@link Tensor#toArray()} and
 * {@link #doFromArray}: a fallback to override for speed, not a reference to match bit for bit.
 * The defaults are thread-safe; overrides must be too (the contract suite calls every operation
 * from eight threads at once).
 */
public abstract class AbstractBackend implements Backend {
  private final String name;
  private final Set<Capability> capabilities;
  /** Operations running now; {@link #close()} waits for them. */
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closed;
  /** Set once no operation can still be running: tensors can then no longer be read. */
  private volatile boolean released;
  private final Object closing = new Object();

  /**
   * @param name the backend's name
   * @param capabilities what it supports
   */
  protected AbstractBackend(String name, Set<Capability> capabilities) {
    this.name = name;
    this.capabilities = Set.copyOf(capabilities);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<Capability> capabilities() {
    return capabilities;
  }

  // ------------------------------------------------------------------ creation

  @Override
  public final Tensor fromArray(double[] data, DType dtype, int... shape) {
    if (data == null) {
      throw new IllegalArgumentException("fromArray: data is null");
    }
    checkDType(dtype);
    int size = Shapes.elementCount(shape);
    if (data.length != size) {
      throw new IllegalArgumentException(
          "fromArray: " + data.length + " values do not fill shape " + Shapes.format(shape)
              + ", which needs " + size);
    }
    // the do... methods may keep the array they are given, so the caller's array is copied here
    try (Hold h = hold("fromArray")) {
      return doFromArray(data.clone(), dtype, shape.clone());
    }
  }

  @Override
  public final Tensor fromMatrix(double[][] rows) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("fromMatrix: needs at least one row");
    }
    int cols = rows[0].length;
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != cols) {
        throw new IllegalArgumentException(
            "fromMatrix: row " + i + " has " + (rows[i] == null ? "no" : rows[i].length)
                + " entries, but row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    try (Hold h = hold("fromMatrix")) {
      return doFromArray(flat, DType.FLOAT64, new int[] {rows.length, cols});
    }
  }

  @Override
  public final Tensor zeros(DType dtype, int... shape) {
    checkDType(dtype);
    try (Hold h = hold("zeros")) {
      return doFromArray(new double[Shapes.elementCount(shape)], dtype, shape.clone());
    }
  }

  @Override
  public Tensor copyOf(Tensor tensor) {
    if (tensor == null) {
      throw new IllegalArgumentException("copyOf: tensor is null");
    }
    DType dtype = supports(Capability.FLOAT32) ? tensor.dtype() : DType.FLOAT64;
    double[] data = tensor.toArray();
    try (Hold h = hold("copyOf")) {
      return doFromArray(data, dtype, tensor.shape());
    }
  }

  @Override
  public Tensor cast(Tensor tensor, DType dtype) {
    own("cast", tensor);
    checkDType(dtype);
    try (Hold h = hold("cast", tensor)) {
      return doFromArray(tensor.toArray(), dtype, tensor.shape());
    }
  }

  // ------------------------------------------------------------------ shape

  @Override
  public final Tensor reshape(Tensor a, int... shape) {
    own("reshape", a);
    if (Shapes.elementCount(shape) != a.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot view " + Shapes.format(a.shape()) + " (" + a.size() + " elements) as "
              + Shapes.format(shape));
    }
    try (Hold h = hold("reshape", a)) {
      return doReshape(a, shape.clone());
    }
  }

  @Override
  public final Tensor transpose(Tensor a) {
    matrix("transpose", a);
    try (Hold h = hold("transpose", a)) {
      return doTranspose(a);
    }
  }

  @Override
  public final Tensor slice(Tensor a, int from, int to) {
    own("slice", a);
    checkRange("slice", from, to, a.dim(0), a);
    try (Hold h = hold("slice", a)) {
      return doSlice(a, from, to);
    }
  }

  @Override
  public final Tensor at(Tensor a, int index) {
    own("at", a);
    if (a.rank() < 2) {
      throw new IllegalArgumentException(
          "at: needs a tensor of rank 2 or more, got shape " + Shapes.format(a.shape()));
    }
    if (index < 0 || index >= a.dim(0)) {
      throw new IllegalArgumentException(
          "at: index " + index + " is outside the first axis of " + Shapes.format(a.shape()));
    }
    try (Hold h = hold("at", a)) {
      return doAt(a, index);
    }
  }

  @Override
  public final Tensor stack(List<Tensor> parts) {
    checkParts("stack", parts);
    int[] shape = parts.get(0).shape();
    for (Tensor t : parts) {
      if (!java.util.Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException(
            "stack: shapes differ: " + Shapes.format(shape) + " and " + Shapes.format(t.shape()));
      }
    }
    int[] stacked = new int[shape.length + 1];
    stacked[0] = parts.size();
    System.arraycopy(shape, 0, stacked, 1, shape.length);
    try (Hold h = hold("stack", parts.toArray(new Tensor[0]))) {
      return doJoin(parts, stacked);
    }
  }

  @Override
  public final Tensor concat(List<Tensor> parts) {
    checkParts("concat", parts);
    int[] first = parts.get(0).shape();
    for (Tensor t : parts) {
      int[] s = t.shape();
      boolean ok = s.length == first.length;
      for (int i = 1; ok && i < s.length; i++) {
        ok = s[i] == first[i];
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "concat: shapes " + Shapes.format(first) + " and " + Shapes.format(s)
                + " differ beyond the first axis");
      }
    }
    int[] shape = first.clone();
    shape[0] = 0;
    for (Tensor t : parts) {
      shape[0] += t.dim(0);
    }
    try (Hold h = hold("concat", parts.toArray(new Tensor[0]))) {
      return doJoin(parts, shape);
    }
  }

  @Override
  public final Tensor sliceColumns(Tensor a, int from, int to) {
    matrix("sliceColumns", a);
    checkRange("sliceColumns", from, to, a.dim(1), a);
    try (Hold h = hold("sliceColumns", a)) {
      return doBlock(a, IndexRanges.all(a.dim(0)), IndexRanges.of(from, to));
    }
  }

  @Override
  public final Tensor concatColumns(List<Tensor> parts) {
    checkParts("concatColumns", parts);
    int rows = -1;
    for (Tensor t : parts) {
      matrix("concatColumns", t);
      if (rows >= 0 && t.dim(0) != rows) {
        throw new IllegalArgumentException(
            "concatColumns: row counts differ: " + rows + " and " + Shapes.format(t.shape()));
      }
      rows = t.dim(0);
    }
    try (Hold h = hold("concatColumns", parts.toArray(new Tensor[0]))) {
      return doConcatColumns(parts);
    }
  }

  @Override
  public final Tensor block(Tensor a, IndexRanges rows, IndexRanges columns) {
    matrix("block", a);
    IndexRanges r = rows == null ? IndexRanges.all(a.dim(0)) : rows;
    IndexRanges c = columns == null ? IndexRanges.all(a.dim(1)) : columns;
    checkRanges("block", "rows", r, a.dim(0), a);
    checkRanges("block", "columns", c, a.dim(1), a);
    try (Hold h = hold("block", a)) {
      return doBlock(a, r, c);
    }
  }

  // ------------------------------------------------------------------ arithmetic

  @Override
  public final Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    matrix("matmul", a);
    matrix("matmul", b);
    sameDType("matmul", a, b);
    int inner = transposeA ? a.dim(0) : a.dim(1);
    int innerB = transposeB ? b.dim(1) : b.dim(0);
    if (inner != innerB) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: " + (transposeA ? "transpose of " : "")
              + Shapes.format(a.shape()) + " times " + (transposeB ? "transpose of " : "")
              + Shapes.format(b.shape()));
    }
    try (Hold h = hold("matmul", a, b)) {
      return doMatmul(a, transposeA, b, transposeB);
    }
  }

  @Override
  public final Tensor add(Tensor a, Tensor b) {
    sameShape("add", a, b);
    try (Hold h = hold("add", a, b)) {
      return doAxpby(1.0, a, 1.0, b);
    }
  }

  @Override
  public final Tensor sub(Tensor a, Tensor b) {
    sameShape("sub", a, b);
    try (Hold h = hold("sub", a, b)) {
      return doAxpby(1.0, a, -1.0, b);
    }
  }

  @Override
  public final Tensor mul(Tensor a, Tensor b) {
    sameShape("mul", a, b);
    try (Hold h = hold("mul", a, b)) {
      return doMul(a, b);
    }
  }

  @Override
  public final Tensor scale(Tensor a, double s) {
    own("scale", a);
    try (Hold h = hold("scale", a)) {
      return doScale(a, s);
    }
  }

  @Override
  public final Tensor axpby(double alpha, Tensor a, double beta, Tensor b) {
    sameShape("axpby", a, b);
    try (Hold h = hold("axpby", a, b)) {
      return doAxpby(alpha, a, beta, b);
    }
  }

  @Override
  public final Tensor addVector(Tensor a, Tensor v) {
    own("addVector", a);
    own("addVector", v);
    sameDType("addVector", a, v);
    if (v.rank() != 1 || v.dim(0) != a.dim(a.rank() - 1)) {
      throw new IllegalArgumentException(
          "addVector: the vector must have shape [" + a.dim(a.rank() - 1) + "] to add along the"
              + " last axis of " + Shapes.format(a.shape()) + ", got " + Shapes.format(v.shape()));
    }
    try (Hold h = hold("addVector", a, v)) {
      return doAddVector(a, v);
    }
  }

  @Override
  public final Tensor activate(Activation f, Tensor x) {
    own("activate", x);
    if (f == null) {
      throw new IllegalArgumentException("activate: activation is null");
    }
    try (Hold h = hold("activate", x)) {
      return doActivate(f, x, false);
    }
  }

  @Override
  public final Tensor activateDerivative(Activation f, Tensor x) {
    own("activateDerivative", x);
    if (f == null) {
      throw new IllegalArgumentException("activateDerivative: activation is null");
    }
    try (Hold h = hold("activateDerivative", x)) {
      return doActivate(f, x, true);
    }
  }

  // ------------------------------------------------------------------ kernels

  @Override
  public final Tensor jacobian(JacobianSpec spec) {
    checkSpec("jacobian", spec, false);
    try (Hold h = hold("jacobian", spec.rowScale(), spec.weights(), spec.columnScale())) {
      return doJacobian(spec);
    }
  }

  @Override
  public final Tensor jacobianBatch(JacobianSpec spec) {
    int batch = checkSpec("jacobianBatch", spec, true);
    try (Hold h = hold("jacobianBatch", spec.rowScale(), spec.weights(), spec.columnScale())) {
      return doJacobianBatch(spec, batch);
    }
  }

  @Override
  public final Tensor jacobianTimes(JacobianSpec spec, Tensor vectors) {
    String op = "jacobianTimes";
    checkSpec(op, spec, false);
    own(op, vectors);
    sameDType(op, spec.weights(), vectors);
    int q = spec.columnsOrAll().size();
    if (vectors.rank() != 2 || vectors.dim(0) != q) {
      throw new IllegalArgumentException(op + ": the vectors must have shape [" + q
          + ", k] (one row per kept column of W " + Shapes.format(spec.weights().shape())
          + "), got " + Shapes.format(vectors.shape()));
    }
    try (Hold h = hold(op, spec.rowScale(), spec.weights(), spec.columnScale(), vectors)) {
      return doJacobianTimes(spec, vectors);
    }
  }

  @Override
  public final RecurrenceStates recurrence(RecurrenceSpec spec) {
    checkRecurrence(spec);
    try (Hold h = hold("recurrence", spec.weights(), spec.drive(), spec.x0(), spec.h0())) {
      // a softplus beta is applied by composition, which backends' fused kernels do not do
      return spec.hasSoftplusBeta() ? composedRecurrence(spec) : doRecurrence(spec);
    }
  }

  @Override
  public final Eigendecomposition eig(Tensor a, boolean vectors) {
    matrix("eig", a);
    if (a.dim(0) != a.dim(1)) {
      throw new IllegalArgumentException("eig: needs a square matrix, got " + Shapes.format(a.shape()));
    }
    checkVectors(vectors);
    try (Hold h = hold("eig", a)) {
      checkFinite("eig", a);
      return doEig(a, vectors);
    }
  }

  @Override
  public final List<Eigendecomposition> eigBatch(Tensor a, boolean vectors) {
    own("eigBatch", a);
    if (a.rank() != 3 || a.dim(1) != a.dim(2)) {
      throw new IllegalArgumentException(
          "eigBatch: needs a batch of square matrices [B, n, n], got " + Shapes.format(a.shape()));
    }
    checkVectors(vectors);
    try (Hold h = hold("eigBatch", a)) {
      checkFinite("eigBatch", a);
      return doEigBatch(a, vectors);
    }
  }

  /**
   * Closes the backend: later operations fail with {@link IllegalStateException} naming it;
   * operations already running (in other threads) finish first, then {@link #doClose()} frees
   * what the backend holds. Every tensor it made is closed with it: {@link Tensor#isClosed()}
   * answers true and {@link Tensor#toArray()} throws {@link IllegalStateException} (copy results
   * to the heap, or to another backend with {@link #copyOf}, before closing). Closing such a
   * tensor afterwards is harmless. Idempotent. Call it from no operation of this backend.
   */
  @Override
  public final void close() {
    synchronized (closing) {
      if (closed) {
        return;
      }
      closed = true;
      boolean interrupted = awaitNoneInFlight();
      // reads (toArray) that started before this are let finish; later ones see released
      released = true;
      interrupted |= awaitNoneInFlight();
      try {
        doClose();
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private boolean awaitNoneInFlight() {
    boolean interrupted = false;
    while (inFlight.get() > 0) {
      try {
        closing.wait(10);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  /** {@return whether {@link #close()} was called} */
  public final boolean isClosed() {
    return closed;
  }

  /**
   * Frees what the backend holds (device contexts, pools), once, after every operation has
   * finished. The default does nothing.
   */
  protected void doClose() {}

  @Override
  public String toString() {
    return name + " backend";
  }

  // ------------------------------------------------------------------ to implement

  /**
   * Creates a tensor from validated, row-major data (the array may be kept: it is a copy).
   *
   * @param data the values, row-major
   * @param dtype the element type
   * @param shape the dimensions
   * @return a new tensor
   */
  protected abstract Tensor doFromArray(double[] data, DType dtype, int[] shape);

  /**
   * {@return the reshaped tensor} The sizes agree. The default copies.
   *
   * @param a the tensor
   * @param shape the dimensions
   */
  protected Tensor doReshape(Tensor a, int[] shape) {
    return doFromArray(a.toArray(), a.dtype(), shape);
  }

  /**
   * {@return the transpose of a matrix} The default copies through the host.
   *
   * @param a the tensor
   */
  protected Tensor doTranspose(Tensor a) {
    int rows = a.dim(0);
    int cols = a.dim(1);
    double[] in = a.toArray();
    double[] out = new double[in.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = in[i * cols + j];
      }
    }
    return doFromArray(out, a.dtype(), new int[] {cols, rows});
  }

  /**
   * {@return a slice along the first axis} The default copies through the host.
   *
   * @param a the tensor
   * @param from the first index, inclusive
   * @param to the last index, exclusive
   */
  protected Tensor doSlice(Tensor a, int from, int to) {
    int[] shape = a.shape();
    int inner = (int) (a.size() / shape[0]);
    double[] all = a.toArray();
    double[] out = new double[(to - from) * inner];
    System.arraycopy(all, from * inner, out, 0, out.length);
    shape[0] = to - from;
    return doFromArray(out, a.dtype(), shape);
  }

  /**
   * Select along the first axis; the default slices and reshapes.
   *
   * @param a the tensor
   * @param index the index along the first axis
   * @return the entry, one rank lower
   */
  protected Tensor doAt(Tensor a, int index) {
    int[] shape = a.shape();
    try (Tensor s = doSlice(a, index, index + 1)) {
      return doReshape(s, java.util.Arrays.copyOfRange(shape, 1, shape.length));
    }
  }

  /**
   * The parts' elements one after the other (row-major), as one tensor of {@code shape}: both
   * {@link #stack} (a new first axis) and {@link #concat} (along the first axis) are this, with
   * the shape computed and checked by the caller. The default copies through the host.
   *
   * @param parts the tensors, in order
   * @param shape the dimensions
   * @return the parts joined into one tensor of {@code shape}
   */
  protected Tensor doJoin(List<Tensor> parts, int[] shape) {
    return doFromArray(hostConcat(parts), parts.get(0).dtype(), shape);
  }

  private static double[] hostConcat(List<Tensor> parts) {
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
    return out;
  }

  /**
   * {@return the matrices side by side} Row counts agree. The default copies through the host.
   *
   * @param parts the tensors, in order
   */
  protected Tensor doConcatColumns(List<Tensor> parts) {
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
    return doFromArray(out, parts.get(0).dtype(), new int[] {rows, cols});
  }

  /**
   * {@return a block of a matrix} The ranges are valid. The default copies through the host.
   *
   * @param a the tensor
   * @param rows the rows to keep
   * @param columns the columns to keep
   */
  protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
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
    return doFromArray(out, a.dtype(), new int[] {ri.length, ci.length});
  }

  /**
   * {@return the matrix product} Dimensions agree. Every backend writes this one: it is where the
   * time goes (models call it per step, Krylov methods per product).
   *
   * @param a the left factor
   * @param transposeA whether to use the transpose of {@code a}
   * @param b the right factor
   * @param transposeB whether to use the transpose of {@code b}
   */
  protected abstract Tensor doMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB);

  /**
   * {@return {@code alpha a + beta b}} Shapes agree. The default computes on the host,
   * {@code alpha * a[i] + beta * b[i]} per element.
   *
   * @param alpha the coefficient of {@code a}
   * @param a the first operand
   * @param beta the coefficient of {@code b}
   * @param b the second operand, of the same shape
   */
  protected Tensor doAxpby(double alpha, Tensor a, double beta, Tensor b) {
    double[] x = a.toArray();
    double[] y = b.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] = alpha * x[i] + beta * y[i];
    }
    return doFromArray(x, a.dtype(), a.shape());
  }

  /**
   * {@return the elementwise product} Shapes agree. The default computes on the host.
   *
   * @param a the first operand
   * @param b the second operand, of the same shape
   */
  protected Tensor doMul(Tensor a, Tensor b) {
    double[] x = a.toArray();
    double[] y = b.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] *= y[i];
    }
    return doFromArray(x, a.dtype(), a.shape());
  }

  /**
   * {@return {@code s a}} The default computes on the host.
   *
   * @param a the tensor
   * @param s the scale factor
   */
  protected Tensor doScale(Tensor a, double s) {
    double[] x = a.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] *= s;
    }
    return doFromArray(x, a.dtype(), a.shape());
  }

  /**
   * {@return the vector added along the last axis} Shapes agree. The default computes on the
   * host.
   *
   * @param a the tensor
   * @param v the vector, as long as the last axis of {@code a}
   */
  protected Tensor doAddVector(Tensor a, Tensor v) {
    double[] x = a.toArray();
    double[] y = v.toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i % y.length];
    }
    return doFromArray(x, a.dtype(), a.shape());
  }

  /**
   * {@return the activation, or its derivative when {@code derivative}} The default applies the
   * scalar definitions of {@link Activation} on the host.
   *
   * @param f the activation
   * @param x the pre-activations
   * @param derivative whether the derivative is wanted instead
   */
  protected Tensor doActivate(Activation f, Tensor x, boolean derivative) {
    double[] v = x.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = derivative ? f.derivative(v[i]) : f.apply(v[i]);
    }
    return doFromArray(v, x.dtype(), x.shape());
  }

  /**
   * {@return the Jacobian block {@code [|rows|, |columns|]}} The spec is valid and unbatched; its
   * {@link JacobianSpec#rowsOrAll()} and {@link JacobianSpec#columnsOrAll()} are the block.
   * Entry {@code (i, j)} of the block, for the {@code i}-th kept row {@code gi} and the
   * {@code j}-th kept column {@code gj}, is {@code b r[gi] W[gi, gj] c[gj]}, plus {@code a} where
   * {@code gi == gj}.
   *
   * @param spec the Jacobian's factors and block
   */
  protected abstract Tensor doJacobian(JacobianSpec spec);

  /**
   * {@return the batched Jacobian {@code [B, |rows|, |columns|]}} The spec is valid, with batch
   * size {@code batch}: its scales present are {@code [B, n]} and {@code [B, m]}. The default
   * calls {@link #doJacobian} once per operating point, on that point's rows of the scales, and
   * joins the blocks.
   *
   * @param spec the Jacobian's factors and block
   * @param batch the batch size B
   */
  protected Tensor doJacobianBatch(JacobianSpec spec, int batch) {
    int p = spec.rowsOrAll().size();
    int q = spec.columnsOrAll().size();
    List<Tensor> blocks = new ArrayList<>(batch);
    try (TensorScope scope = new TensorScope()) {
      for (int b = 0; b < batch; b++) {
        JacobianSpec.Builder point = JacobianSpec.builder(spec.weights())
            .identity(spec.identity()).scale(spec.scale())
            .rows(spec.rows()).columns(spec.columns());
        if (spec.rowScale() != null) {
          point.rowScale(scope.track(doAt(spec.rowScale(), b)));
        }
        if (spec.columnScale() != null) {
          point.columnScale(scope.track(doAt(spec.columnScale(), b)));
        }
        blocks.add(scope.track(doJacobian(point.build())));
      }
      return doJoin(blocks, new int[] {batch, p, q});
    }
  }

  /**
   * {@return the eigendecomposition of a valid square matrix of finite entries, made by {@link
   *     Eigendecomposition#of}} It must meet the contract of {@link Backend#eig} (the residual
   * bound on the matrix itself, independent eigenvectors for a repeated eigenvalue that is not
   * defective). A heap backend can return {@code ReferenceEigensolver.decompose} of the module
   * {@code mrnn4j-eigen}, which does.
   *
   * @param a the tensor
   * @param vectors whether to compute eigenvectors too
   */
  protected abstract Eigendecomposition doEig(Tensor a, boolean vectors);

  /**
   * Runs a checked {@link RecurrenceSpec}. This default composes the public operations (per step a
   * matrix product, a sum, the leak as {@code axpby} and the activation, then one join), so a new
   * backend gets a correct simulation for free; backends override it to fuse each step.
   * Overrides must compute the formulas of {@link RecurrenceSpec} in that order of operations:
   * {@code c = h W^T + E_t}, then {@code x + alpha (c - x)}.
   *
   * @param spec the recurrence to run
   * @return the states after each step
   */
  protected RecurrenceStates doRecurrence(RecurrenceSpec spec) {
    return composedRecurrence(spec);
  }

  /** The recurrence composed of public operations: {@link #doRecurrence}'s default. */
  private RecurrenceStates composedRecurrence(RecurrenceSpec spec) {
    boolean batchFirst = spec.batchFirst();
    int batch = spec.batchSize();
    int steps = spec.steps();
    int n = spec.weights().dim(0);
    List<Tensor> xs = new ArrayList<>(steps);
    List<Tensor> hs = new ArrayList<>(steps);
    try (TensorScope scope = new TensorScope()) {
      Tensor rows = batchFirst ? scope.track(reshape(spec.drive(), batch, steps * n)) : null;
      Tensor x = spec.x0();
      Tensor h = spec.h0();
      for (int t = 0; t < steps; t++) {
        Tensor drive = scope.track(batchFirst
            ? sliceColumns(rows, t * n, (t + 1) * n) : at(spec.drive(), t));
        Tensor c = scope.track(add(scope.track(matmul(h, false, spec.weights(), true)), drive));
        Tensor next = c;
        if (spec.isLeaky()) {
          next = scope.track(axpby(1.0, x, spec.alpha(), scope.track(sub(c, x))));
        }
        x = next;
        h = scope.track(activate(spec.activation(), spec.softplusBeta(), next));
        xs.add(x);
        hs.add(h);
      }
      Tensor xOut = scope.track(joinSteps(xs, batchFirst, batch, steps, n));
      Tensor hOut = joinSteps(hs, batchFirst, batch, steps, n);
      scope.keep(xOut);
      return new RecurrenceStates(xOut, hOut);
    }
  }

  private Tensor joinSteps(List<Tensor> parts, boolean batchFirst, int batch, int steps, int n) {
    if (!batchFirst) {
      return stack(parts);
    }
    try (Tensor wide = concatColumns(parts)) {
      return reshape(wide, batch, steps, n);
    }
  }

  /**
   * {@code J V} for a checked, unbatched spec and {@code vectors} of shape
   * {@code [columns.size(), k]}. This default composes one {@link #matmul} with {@code W} (or the
   * {@link #block} of it, gathered per call) and does the diagonal scalings and the identity on
   * the host, O((n + m) k); backends override it to skip the copies.
   *
   * @param spec the Jacobian's factors and block
   * @param vectors the vectors {@code V}, one per column
   * @return {@code J V}
   */
  protected Tensor doJacobianTimes(JacobianSpec spec, Tensor vectors) {
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
      Tensor w = whole ? spec.weights() : scope.track(block(spec.weights(), rows, columns));
      Tensor x = scope.track(doFromArray(scaled, vectors.dtype(), new int[] {q, k}));
      double[] y = scope.track(doMatmul(w, false, x, false)).toArray();
      JacobianProducts.finish(y, r, spec.scale(), spec.identity(), v, rows, columns, k);
      return doFromArray(y, vectors.dtype(), new int[] {p, k});
    }
  }

  /**
   * Batched eigendecomposition. The default decomposes the matrices concurrently on the common
   * fork-join pool (bounded by the cores, however many threads call), in batch order: they are
   * independent, and a backend is thread-safe by contract, so a batch uses every core whatever
   * the backend's own kernels do.
   *
   * @param a the tensor
   * @param vectors whether to compute eigenvectors too
   * @return one decomposition per matrix, in batch order
   */
  protected List<Eigendecomposition> doEigBatch(Tensor a, boolean vectors) {
    java.util.stream.IntStream indices = java.util.stream.IntStream.range(0, a.dim(0));
    if (a.dim(0) > 1) {
      indices = indices.parallel();
    }
    return indices.mapToObj(i -> {
      try (Tensor m = doAt(a, i)) {
        return doEig(m, vectors);
      }
    }).toList();
  }

  // ------------------------------------------------------------------ holds

  /**
   * Operands held for the duration of an operation: a tensor closed meanwhile (by another thread)
   * keeps its storage until the operation releases it, so nothing reads freed or recycled memory.
   * Close with try-with-resources.
   */
  protected static final class Hold implements AutoCloseable {
    private final AbstractBackend backend;
    private final AbstractTensor[] held;
    private int count;
    private boolean open = true;

    private Hold(AbstractBackend backend, int capacity) {
      this.backend = backend;
      held = new AbstractTensor[capacity];
    }

    @Override
    public void close() {
      if (!open) {
        return;
      }
      open = false;
      while (count > 0) {
        held[--count].unhold();
      }
      backend.leave();
    }
  }

  private void enter(String op) {
    inFlight.incrementAndGet();
    if (closed) {
      leave();
      throw new IllegalStateException(op + ": the " + name + " backend has been closed");
    }
  }

  private void leave() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      synchronized (closing) {
        closing.notifyAll();
      }
    }
  }

  /**
   * The hold of {@link Tensor#toArray()}: counted with the operations, so {@link #close()} frees
   * nothing while a read runs, and refused once the backend is closed.
   */
  final Hold holdForRead(AbstractTensor tensor) {
    inFlight.incrementAndGet();
    if (released) {
      leave();
      throw new IllegalStateException("toArray: the " + name + " backend has been closed, and"
          + " the " + tensor + " it made with it");
    }
    return holdOperands("toArray", tensor);
  }

  /**
   * Holds the backend open and the operands ({@code null} entries skipped) until the returned
   * {@link Hold} is closed: every public operation of this class does this around its
   * {@code do...} method, so backends need not. A backend that reads a tensor's storage elsewhere (outside a {@code do...} method)
   * holds it with this too.
   *
   * @param op the operation's name, for messages
   * @param operands the tensors it uses
   * @return the hold, to close when the operation ends
   * @throws IllegalStateException naming the operation and the backend or tensor if it is closed
   */
  protected final Hold hold(String op, Tensor... operands) {
    enter(op);
    return holdOperands(op, operands);
  }

  /** Holds the operands of an operation already counted in flight; undoes it all on failure. */
  private Hold holdOperands(String op, Tensor... operands) {
    Hold h = new Hold(this, operands.length);
    try {
      for (Tensor t : operands) {
        if (t instanceof AbstractTensor at) {
          at.hold(op);
          h.held[h.count++] = at;
        }
      }
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
    return h;
  }

  // ------------------------------------------------------------------ checks

  /**
   * Checks that {@code t} is an open tensor of this backend.
   *
   * @param op the operation's name, for messages
   * @param t the tensor
   * @throws IllegalArgumentException if it is null or belongs to another backend
   * @throws IllegalStateException if it is closed
   */
  protected final void own(String op, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": operand is null");
    }
    if (closed) {
      throw new IllegalStateException(op + ": the " + name + " backend has been closed");
    }
    if (t.backend() != this) {
      throw new IllegalArgumentException(
          op + ": the " + t + " belongs to another backend instance; move it with copyOf first");
    }
    if (t.isClosed()) {
      throw new IllegalStateException(op + ": the " + t + " has been closed");
    }
  }

  private void matrix(String op, Tensor t) {
    own(op, t);
    if (t.rank() != 2) {
      throw new IllegalArgumentException(
          op + ": needs a matrix (rank 2), got shape " + Shapes.format(t.shape()));
    }
  }

  private void sameShape(String op, Tensor a, Tensor b) {
    own(op, a);
    own(op, b);
    if (!java.util.Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          op + ": shapes differ: " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape()));
    }
    sameDType(op, a, b);
  }

  private static void sameDType(String op, Tensor a, Tensor b) {
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op + ": dtypes differ: " + a.dtype() + " and " + b.dtype() + "; cast one first");
    }
  }

  private void checkDType(DType dtype) {
    if (dtype == null) {
      throw new IllegalArgumentException("dtype is null");
    }
    if (dtype == DType.FLOAT32 && !supports(Capability.FLOAT32)) {
      throw new UnsupportedOperationException(
          "the " + name + " backend computes in float64 only; float32 was asked for");
    }
  }

  /**
   * Refuses a matrix (or batch) with a NaN or infinite entry, naming the first: it has no
   * eigendecomposition, and LAPACK-style solvers would loop or return garbage. One host pass,
   * O(n^2) against the O(n^3) of the decomposition.
   */
  private static void checkFinite(String op, Tensor a) {
    double[] v = a.toArray();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        int n = a.dim(a.rank() - 1);
        int matrix = i / (n * n);
        int at = i % (n * n);
        String which = a.rank() == 3 ? "matrix " + matrix + " of the batch " : "the matrix ";
        throw new ArithmeticException(op + ": " + which + Shapes.format(a.shape())
            + " holds a NaN or infinite entry (" + v[i] + " at [" + at / n + ", " + at % n
            + "]); an eigendecomposition needs finite entries");
      }
    }
  }

  private void checkVectors(boolean vectors) {
    if (vectors && !supports(Capability.EIGENVECTORS)) {
      throw new UnsupportedOperationException(
          "the " + name + " backend computes eigenvalues only; eigenvectors were asked for");
    }
  }

  private void checkParts(String op, List<Tensor> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException(op + ": needs at least one tensor");
    }
    for (Tensor t : parts) {
      own(op, t);
      sameDType(op, parts.get(0), t);
    }
  }

  private static void checkRange(String op, int from, int to, int n, Tensor a) {
    if (from < 0 || to < from || to > n) {
      throw new IllegalArgumentException(
          op + ": range [" + from + ", " + to + ") is outside [0, " + n + ") of "
              + Shapes.format(a.shape()));
    }
  }

  private static void checkRanges(String op, String what, IndexRanges r, int n, Tensor a) {
    if (r.end() > n) {
      throw new IllegalArgumentException(
          op + ": " + what + " " + r + " reach beyond " + n + " in " + Shapes.format(a.shape()));
    }
  }

  private void checkRecurrence(RecurrenceSpec spec) {
    String op = "recurrence";
    if (spec == null) {
      throw new IllegalArgumentException(op + ": spec is null");
    }
    Tensor w = spec.weights();
    matrix(op, w);
    int n = w.dim(0);
    if (w.dim(1) != n) {
      throw new IllegalArgumentException(
          op + ": the weights W must be square [N, N], got " + Shapes.format(w.shape()));
    }
    if (spec.activation() == null) {
      throw new IllegalArgumentException(op + ": activation is null");
    }
    if (spec.isLeaky() && !Double.isFinite(spec.alpha())) {
      throw new IllegalArgumentException(op + ": alpha must be finite, got " + spec.alpha());
    }
    Tensor e = spec.drive();
    String layout = spec.batchFirst() ? "[B, T, N]" : "[T, B, N]";
    if (e == null) {
      throw new IllegalArgumentException(op + ": the drive E is missing");
    }
    own(op, e);
    sameDType(op, w, e);
    if (e.rank() != 3 || e.dim(2) != n) {
      throw new IllegalArgumentException(op + ": the drive E must have shape " + layout
          + " with N = " + n + " (the weights are " + Shapes.format(w.shape()) + "), got "
          + Shapes.format(e.shape()));
    }
    int batch = spec.batchSize();
    if (batch < 1 || spec.steps() < 1) {
      throw new IllegalArgumentException(op + ": the drive E " + Shapes.format(e.shape())
          + " (" + layout + ") needs at least one batch row and one step");
    }
    if (spec.isLeaky()) {
      checkState(op, "initial pre-activation x0", spec.x0(), w, batch);
    } else if (spec.x0() != null) {
      throw new IllegalArgumentException(
          op + ": the Elman recurrence takes no x0; its state is the activation h0");
    }
    checkState(op, "initial activation h0", spec.h0(), w, batch);
  }

  private void checkState(String op, String name, Tensor t, Tensor w, int batch) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": the " + name + " is missing");
    }
    own(op, t);
    sameDType(op, w, t);
    if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != w.dim(0)) {
      throw new IllegalArgumentException(op + ": the " + name + " must have shape [" + batch
          + ", " + w.dim(0) + "] ([B, N] with the drive's B), got " + Shapes.format(t.shape()));
    }
  }

  private int checkSpec(String op, JacobianSpec spec, boolean batched) {
    if (spec == null) {
      throw new IllegalArgumentException(op + ": spec is null");
    }
    Tensor w = spec.weights();
    matrix(op, w);
    int n = w.dim(0);
    int m = w.dim(1);
    checkRanges(op, "rows", spec.rowsOrAll(), n, w);
    checkRanges(op, "columns", spec.columnsOrAll(), m, w);
    int batch = -1;
    Tensor[] scales = {spec.rowScale(), spec.columnScale()};
    int[] lengths = {n, m};
    String[] names = {"row scale r", "column scale c"};
    for (int i = 0; i < 2; i++) {
      Tensor s = scales[i];
      if (s == null) {
        continue;
      }
      own(op, s);
      sameDType(op, w, s);
      int[] shape = s.shape();
      if (batched) {
        if (shape.length != 2 || shape[1] != lengths[i]) {
          throw new IllegalArgumentException(
              op + ": the " + names[i] + " must have shape [B, " + lengths[i] + "] for weights "
                  + Shapes.format(w.shape()) + ", got " + Shapes.format(shape));
        }
        if (batch >= 0 && shape[0] != batch) {
          throw new IllegalArgumentException(
              op + ": the row and column scales hold different batch sizes: " + batch + " and "
                  + shape[0]);
        }
        batch = shape[0];
      } else if (shape.length != 1 || shape[0] != lengths[i]) {
        throw new IllegalArgumentException(
            op + ": the " + names[i] + " must have shape [" + lengths[i] + "] for weights "
                + Shapes.format(w.shape()) + ", got " + Shapes.format(shape));
      }
    }
    if (batched && batch < 0) {
      throw new IllegalArgumentException(
          op + ": a batch needs a row or column scale of shape [B, n]; neither was given");
    }
    return batch;
  }
}
