package org.mrnn4j.core;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Base class for backends, a template: each public operation is final, checks its arguments
 * ({@code BackendChecks}: ownership, open tensors, dtypes, shapes, ranges, capabilities, finite
 * input to the eigendecomposition) so that every backend rejects bad input with the same messages,
 * and calls a {@code do...} hook that only computes, on open tensors of this backend of matching
 * dtype and valid shapes, while the operands and the backend are held open ({@link #hold}), so that
 * {@link #close()} from another thread frees nothing in use.
 *
 * <p>Four hooks must be written: {@link #doFromArray} (every default's result goes through it),
 * {@link #doMatmul}, {@link #doJacobian} and {@link #doEig} (which may return {@code
 * ReferenceEigensolver.decompose} of {@code mrnn4j-eigen}). Every other hook has a correct default
 * that copies through the host ({@link Tensor#toArray()}, then {@link #doFromArray}): a fallback to
 * override for speed, not a reference to match bit for bit. Defaults and overrides are thread-safe
 * (the contract suite calls every operation from eight threads at once).
 */
public abstract class AbstractBackend implements Backend {
  private final String name;
  private final Set<Capability> capabilities;
  private final OperationGate gate;

  /**
   * @param name the backend's name
   * @param capabilities what it supports
   */
  protected AbstractBackend(String name, Set<Capability> capabilities) {
    this.name = name;
    this.capabilities = Set.copyOf(capabilities);
    this.gate = new OperationGate(name);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<Capability> capabilities() {
    return capabilities;
  }

  /** Runs {@code body} holding the backend and the operands open: the shape of every operation. */
  private <T> T run(String op, Supplier<T> body, Tensor... operands) {
    try (Hold h = hold(op, operands)) {
      return body.get();
    }
  }

  @Override
  public final Tensor fromArray(double[] data, DType dtype, int... shape) {
    BackendChecks.fromArray(this, data, dtype, shape);
    // the do... methods may keep the array they are given, so the caller's array is copied here
    return run("fromArray", () -> doFromArray(data.clone(), dtype, shape.clone()));
  }

  @Override
  public final Tensor fromMatrix(double[][] rows) {
    double[] flat = BackendChecks.flatten(rows);
    int[] shape = {rows.length, rows[0].length};
    return run("fromMatrix", () -> doFromArray(flat, DType.FLOAT64, shape));
  }

  @Override
  public final Tensor zeros(DType dtype, int... shape) {
    BackendChecks.dtype(this, dtype);
    return run("zeros", () -> doFromArray(new double[Shapes.elementCount(shape)], dtype,
        shape.clone()));
  }

  @Override
  public Tensor copyOf(Tensor tensor) {
    return HostFallbacks.copyOf(this, tensor);
  }

  @Override
  public Tensor cast(Tensor tensor, DType dtype) {
    own("cast", tensor);
    BackendChecks.dtype(this, dtype);
    return run("cast", () -> doFromArray(tensor.toArray(), dtype, tensor.shape()), tensor);
  }

  @Override
  public final Tensor reshape(Tensor a, int... shape) {
    BackendChecks.reshape(this, a, shape);
    return run("reshape", () -> doReshape(a, shape.clone()), a);
  }

  @Override
  public final Tensor transpose(Tensor a) {
    BackendChecks.matrix(this, "transpose", a);
    return run("transpose", () -> doTranspose(a), a);
  }

  @Override
  public final Tensor slice(Tensor a, int from, int to) {
    own("slice", a);
    BackendChecks.range("slice", from, to, a.dim(0), a);
    return run("slice", () -> doSlice(a, from, to), a);
  }

  @Override
  public final Tensor at(Tensor a, int index) {
    BackendChecks.at(this, a, index);
    return run("at", () -> doAt(a, index), a);
  }

  @Override
  public final Tensor stack(List<Tensor> parts) {
    int[] shape = BackendChecks.stack(this, parts);
    return run("stack", () -> doJoin(parts, shape), parts.toArray(new Tensor[0]));
  }

  @Override
  public final Tensor concat(List<Tensor> parts) {
    int[] shape = BackendChecks.concat(this, parts);
    return run("concat", () -> doJoin(parts, shape), parts.toArray(new Tensor[0]));
  }

  @Override
  public final Tensor sliceColumns(Tensor a, int from, int to) {
    BackendChecks.matrix(this, "sliceColumns", a);
    BackendChecks.range("sliceColumns", from, to, a.dim(1), a);
    return run("sliceColumns",
        () -> doBlock(a, IndexRanges.all(a.dim(0)), IndexRanges.of(from, to)), a);
  }

  @Override
  public final Tensor concatColumns(List<Tensor> parts) {
    BackendChecks.concatColumns(this, parts);
    return run("concatColumns", () -> doConcatColumns(parts), parts.toArray(new Tensor[0]));
  }

  @Override
  public final Tensor block(Tensor a, IndexRanges rows, IndexRanges columns) {
    BackendChecks.matrix(this, "block", a);
    IndexRanges r = rows == null ? IndexRanges.all(a.dim(0)) : rows;
    IndexRanges c = columns == null ? IndexRanges.all(a.dim(1)) : columns;
    BackendChecks.ranges("block", "rows", r, a.dim(0), a);
    BackendChecks.ranges("block", "columns", c, a.dim(1), a);
    return run("block", () -> doBlock(a, r, c), a);
  }

  @Override
  public final Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    BackendChecks.matmul(this, a, transposeA, b, transposeB);
    return run("matmul", () -> doMatmul(a, transposeA, b, transposeB), a, b);
  }

  @Override
  public final Tensor add(Tensor a, Tensor b) {
    return axpby("add", 1.0, a, 1.0, b);
  }

  @Override
  public final Tensor sub(Tensor a, Tensor b) {
    return axpby("sub", 1.0, a, -1.0, b);
  }

  @Override
  public final Tensor axpby(double alpha, Tensor a, double beta, Tensor b) {
    return axpby("axpby", alpha, a, beta, b);
  }

  private Tensor axpby(String op, double alpha, Tensor a, double beta, Tensor b) {
    BackendChecks.sameShape(this, op, a, b);
    return run(op, () -> doAxpby(alpha, a, beta, b), a, b);
  }

  @Override
  public final Tensor mul(Tensor a, Tensor b) {
    BackendChecks.sameShape(this, "mul", a, b);
    return run("mul", () -> doMul(a, b), a, b);
  }

  @Override
  public final Tensor scale(Tensor a, double s) {
    own("scale", a);
    return run("scale", () -> doScale(a, s), a);
  }

  @Override
  public final Tensor addVector(Tensor a, Tensor v) {
    BackendChecks.addVector(this, a, v);
    return run("addVector", () -> doAddVector(a, v), a, v);
  }

  @Override
  public final Tensor activate(Activation f, Tensor x) {
    BackendChecks.activation(this, "activate", f, x);
    return run("activate", () -> doActivate(f, x, false), x);
  }

  @Override
  public final Tensor activateDerivative(Activation f, Tensor x) {
    BackendChecks.activation(this, "activateDerivative", f, x);
    return run("activateDerivative", () -> doActivate(f, x, true), x);
  }

  @Override
  public final Tensor jacobian(JacobianSpec spec) {
    BackendChecks.jacobian(this, "jacobian", spec, false);
    return run("jacobian", () -> doJacobian(spec),
        spec.rowScale(), spec.weights(), spec.columnScale());
  }

  @Override
  public final Tensor jacobianBatch(JacobianSpec spec) {
    int batch = BackendChecks.jacobian(this, "jacobianBatch", spec, true);
    return run("jacobianBatch", () -> doJacobianBatch(spec, batch),
        spec.rowScale(), spec.weights(), spec.columnScale());
  }

  @Override
  public final Tensor jacobianTimes(JacobianSpec spec, Tensor vectors) {
    BackendChecks.jacobianTimes(this, spec, vectors);
    return run("jacobianTimes", () -> doJacobianTimes(spec, vectors),
        spec.rowScale(), spec.weights(), spec.columnScale(), vectors);
  }

  @Override
  public final RecurrenceStates recurrence(RecurrenceSpec spec) {
    BackendChecks.recurrence(this, spec);
    // a softplus beta is applied by composition, which backends' fused kernels do not do
    return run("recurrence", () -> spec.hasSoftplusBeta()
        ? HostFallbacks.recurrence(this, spec) : doRecurrence(spec),
        spec.weights(), spec.drive(), spec.x0(), spec.h0());
  }

  @Override
  public final Eigendecomposition eig(Tensor a, boolean vectors) {
    BackendChecks.eig(this, a, vectors);
    return run("eig", () -> {
      BackendChecks.finite("eig", a);
      return doEig(a, vectors);
    }, a);
  }

  @Override
  public final List<Eigendecomposition> eigBatch(Tensor a, boolean vectors) {
    BackendChecks.eigBatch(this, a, vectors);
    return run("eigBatch", () -> {
      BackendChecks.finite("eigBatch", a);
      return doEigBatch(a, vectors);
    }, a);
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
    gate.close(this::doClose);
  }

  /** {@return whether {@link #close()} was called} */
  public final boolean isClosed() {
    return gate.isClosed();
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

  /**
   * Operands held for the duration of an operation: a tensor closed meanwhile (by another thread)
   * keeps its storage until the operation releases it, so nothing reads freed or recycled memory.
   * Close with try-with-resources.
   */
  protected static final class Hold implements AutoCloseable {
    private final OperationGate.Operation operation;

    Hold(OperationGate.Operation operation) {
      this.operation = operation;
    }

    @Override
    public void close() {
      operation.end();
    }
  }

  /**
   * Holds the backend open and the operands ({@code null} entries skipped) until the returned
   * {@link Hold} is closed: every public operation of this class does this around its
   * {@code do...} method, so backends need not. A backend that reads a tensor's storage elsewhere
   * (outside a {@code do...} method) holds it with this too.
   *
   * @param op the operation's name, for messages
   * @param operands the tensors it uses
   * @return the hold, to close when the operation ends
   * @throws IllegalStateException naming the operation and the backend or tensor if it is closed
   */
  protected final Hold hold(String op, Tensor... operands) {
    return new Hold(gate.enter(op, operands));
  }

  /** The hold of {@link Tensor#toArray()}, refused once the backend is closed. */
  final Hold holdForRead(AbstractTensor tensor) {
    return new Hold(gate.enterRead(tensor));
  }

  /**
   * Checks that {@code t} is an open tensor of this backend.
   *
   * @param op the operation's name, for messages
   * @param t the tensor
   * @throws IllegalArgumentException if it is null or belongs to another backend
   * @throws IllegalStateException if it is closed
   */
  protected final void own(String op, Tensor t) {
    BackendChecks.own(this, op, t);
  }

  // Each hook receives checked arguments: open tensors of this backend, matching dtypes, valid
  // shapes and ranges. The defaults are in HostFallbacks.

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
   * {@return the reshaped tensor} The sizes agree. The default copies.
   *
   * @param a the tensor
   * @param shape the dimensions
   */
  protected Tensor doReshape(Tensor a, int[] shape) {
    return HostFallbacks.reshape(this, a, shape);
  }

  /**
   * {@return the transpose of a matrix} The default copies through the host.
   *
   * @param a the tensor
   */
  protected Tensor doTranspose(Tensor a) {
    return HostFallbacks.transpose(this, a);
  }

  /**
   * {@return a slice along the first axis} The default copies through the host.
   *
   * @param a the tensor
   * @param from the first index, inclusive
   * @param to the last index, exclusive
   */
  protected Tensor doSlice(Tensor a, int from, int to) {
    return HostFallbacks.slice(this, a, from, to);
  }

  /**
   * Select along the first axis; the default slices and reshapes.
   *
   * @param a the tensor
   * @param index the index along the first axis
   * @return the entry, one rank lower
   */
  protected Tensor doAt(Tensor a, int index) {
    return HostFallbacks.at(this, a, index);
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
    return HostFallbacks.join(this, parts, shape);
  }

  /**
   * {@return the matrices side by side} Row counts agree. The default copies through the host.
   *
   * @param parts the tensors, in order
   */
  protected Tensor doConcatColumns(List<Tensor> parts) {
    return HostFallbacks.concatColumns(this, parts);
  }

  /**
   * {@return a block of a matrix} The ranges are valid. The default copies through the host.
   *
   * @param a the tensor
   * @param rows the rows to keep
   * @param columns the columns to keep
   */
  protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
    return HostFallbacks.block(this, a, rows, columns);
  }

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
    return HostFallbacks.axpby(this, alpha, a, beta, b);
  }

  /**
   * {@return the elementwise product} Shapes agree. The default computes on the host.
   *
   * @param a the first operand
   * @param b the second operand, of the same shape
   */
  protected Tensor doMul(Tensor a, Tensor b) {
    return HostFallbacks.mul(this, a, b);
  }

  /**
   * {@return {@code s a}} The default computes on the host.
   *
   * @param a the tensor
   * @param s the scale factor
   */
  protected Tensor doScale(Tensor a, double s) {
    return HostFallbacks.scale(this, a, s);
  }

  /**
   * {@return the vector added along the last axis} Shapes agree. The default computes on the
   * host.
   *
   * @param a the tensor
   * @param v the vector, as long as the last axis of {@code a}
   */
  protected Tensor doAddVector(Tensor a, Tensor v) {
    return HostFallbacks.addVector(this, a, v);
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
    return HostFallbacks.activate(this, f, x, derivative);
  }

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
    return HostFallbacks.jacobianBatch(this, spec, batch);
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
    return HostFallbacks.jacobianTimes(this, spec, vectors);
  }

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
    return HostFallbacks.recurrence(this, spec);
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
    return HostFallbacks.eigBatch(this, a, vectors);
  }
}
