package org.mrnn4j.core;

import java.util.List;
import java.util.Set;

/**
 * A compute backend: it owns {@link Tensor}s and provides the operations an mRNN needs, plus the two
 * kernels of the analysis (the structured Jacobian and the general eigendecomposition).
 *
 * <p>Conventions for every operation:
 *
 * <ul>
 *   <li>Operands must be open tensors of this backend ({@link #copyOf} moves a tensor from another
 *       backend), of one dtype; the result has that dtype and is a new tensor the caller owns.
 *   <li>Bad arguments throw {@link IllegalArgumentException} with a message naming the operation
 *       and the shapes involved; a closed operand throws {@link IllegalStateException}.
 *   <li>A backend is safe to use from many threads at once, and gives the same bits for the same
 *       inputs whichever thread asks.
 * </ul>
 *
 * <p>Obtain one with {@link Backends#select(String)}, or through Guice with {@code
 * org.mrnn4j.guice.Mrnn4jModule} (artifact {@code mrnn4j-guice}); {@link #close()} it when done.
 *
 * <p>Backend authors: extend {@link AbstractBackend}, which performs every check above (with the
 * messages the contract suite expects) and gives a host default for every operation except
 * creation, the matrix product, the Jacobian kernel and the eigendecomposition. Declare in
 * {@link #capabilities()} only what the backend really does: a minimal heap backend declares
 * {@link Capability#EIGENVECTORS} if its {@code doEig} computes them (the reference eigensolver of
 * {@code mrnn4j-eigen} does), {@link Capability#FLOAT32} only if it computes in float32, and
 * {@link Capability#NATIVE}, {@link Capability#GPU} and {@link Capability#HOST_EIGEN} only when
 * they describe it; an operation whose capability is missing is refused by AbstractBackend with
 * an {@link UnsupportedOperationException} naming it, and the contract suite skips its tests.
 * The contract suite ({@code org.mrnn4j.testkit.contract.BackendContractTest} in {@code mrnn4j-testkit})
 * checks everything documented here; the conformance kit ({@code mrnn4j-conformance}) checks the
 * results against mRNNTorch.
 */
public interface Backend extends AutoCloseable {

  /** {@return the name users select this backend by, for example {@code ejml}} */
  String name();

  /** {@return what this backend supports beyond float64 arithmetic} */
  Set<Capability> capabilities();

  /**
   * {@return whether {@link #capabilities()} contains {@code capability}}
   *
   * @param capability the capability
   */
  default boolean supports(Capability capability) {
    return capabilities().contains(capability);
  }

  // ---------------------------------------------------------------- creation and transfer

  /**
   * {@return a float64 tensor holding {@code data} (row-major, copied) with the given shape}
   *
   * @param data the values, row-major
   * @param shape the dimensions
   */
  default Tensor fromArray(double[] data, int... shape) {
    return fromArray(data, DType.FLOAT64, shape);
  }

  /**
   * A tensor holding {@code data} (row-major, copied, rounded for float32) with the given shape.
   *
   * @param data the values, row-major
   * @param dtype the element type
   * @param shape the dimensions
   * @return a new tensor owned by the caller
   * @throws IllegalArgumentException if {@code data.length} differs from the shape's size
   * @throws UnsupportedOperationException if the backend lacks {@link Capability#FLOAT32}
   */
  Tensor fromArray(double[] data, DType dtype, int... shape);

  /**
   * {@return a float64 matrix from an array of equally long rows}
   *
   * @param rows the rows, of equal length
   */
  Tensor fromMatrix(double[][] rows);

  /**
   * {@return a float64 tensor of zeros}
   *
   * @param shape the dimensions
   */
  default Tensor zeros(int... shape) {
    return zeros(DType.FLOAT64, shape);
  }

  /**
   * {@return a tensor of zeros of the given dtype}
   *
   * @param dtype the element type
   * @param shape the dimensions
   */
  Tensor zeros(DType dtype, int... shape);

  /**
   * {@return a copy of {@code tensor}, which may belong to any backend, owned by this one}
   *
   * @param tensor a tensor of any backend
   */
  Tensor copyOf(Tensor tensor);

  /**
   * {@return a copy of {@code tensor} converted to {@code dtype}}
   *
   * @param tensor a tensor of any backend
   * @param dtype the element type
   */
  Tensor cast(Tensor tensor, DType dtype);

  // ---------------------------------------------------------------- shape

  /**
   * {@return the same elements in a new shape of equal size}
   *
   * @param a the tensor
   * @param shape the dimensions
   */
  Tensor reshape(Tensor a, int... shape);

  /**
   * {@return the transpose of a matrix}
   *
   * @param a the tensor
   */
  Tensor transpose(Tensor a);

  /**
   * {@return entries {@code from} (inclusive) to {@code to} (exclusive) along the first axis}
   *
   * @param a the tensor
   * @param from the first index, inclusive
   * @param to the last index, exclusive
   */
  Tensor slice(Tensor a, int from, int to);

  /**
   * {@return entry {@code index} along the first axis, one rank lower: a row of a matrix, a matrix
   *     of a batch}
   *
   * @param a the tensor
   * @param index the index along the first axis
   */
  Tensor at(Tensor a, int index);

  /**
   * {@return tensors of equal shape stacked along a new first axis}
   *
   * @param parts the tensors, in order
   */
  Tensor stack(List<Tensor> parts);

  /**
   * {@return tensors concatenated along the first axis; the other dimensions must agree}
   *
   * @param parts the tensors, in order
   */
  Tensor concat(List<Tensor> parts);

  /**
   * {@return columns {@code from} (inclusive) to {@code to} (exclusive) of a matrix}
   *
   * @param a the tensor
   * @param from the first index, inclusive
   * @param to the last index, exclusive
   */
  Tensor sliceColumns(Tensor a, int from, int to);

  /**
   * {@return matrices with equal row counts, side by side}
   *
   * @param parts the tensors, in order
   */
  Tensor concatColumns(List<Tensor> parts);

  /**
   * The block of a matrix at the given rows and columns (either may be {@code null} for all), the
   * selected indices numbered consecutively in ascending order.
   *
   * @param a the tensor
   * @param rows the rows to keep
   * @param columns the columns to keep
   * @return the block {@code [|rows|, |columns|]}, owned by the caller
   */
  Tensor block(Tensor a, IndexRanges rows, IndexRanges columns);

  // ---------------------------------------------------------------- arithmetic

  /**
   * The matrix product {@code op(a) * op(b)} where {@code op} transposes when asked.
   *
   * @param a the left factor
   * @param transposeA whether to use the transpose of {@code a}
   * @param b the right factor
   * @param transposeB whether to use the transpose of {@code b}
   * @return the product, owned by the caller
   * @throws IllegalArgumentException if the inner dimensions differ or an operand is not a matrix
   */
  Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB);

  /**
   * {@return the matrix product {@code a * b}}
   *
   * @param a the left factor
   * @param b the right factor
   */
  default Tensor matmul(Tensor a, Tensor b) {
    return matmul(a, false, b, false);
  }

  /**
   * {@return elementwise {@code a + b}; equal shapes}
   *
   * @param a the first operand
   * @param b the second operand, of the same shape
   */
  Tensor add(Tensor a, Tensor b);

  /**
   * {@return elementwise {@code a - b}; equal shapes}
   *
   * @param a the first operand
   * @param b the second operand, of the same shape
   */
  Tensor sub(Tensor a, Tensor b);

  /**
   * {@return elementwise {@code a * b}; equal shapes}
   *
   * @param a the first operand
   * @param b the second operand, of the same shape
   */
  Tensor mul(Tensor a, Tensor b);

  /**
   * {@return {@code s * a}}
   *
   * @param a the tensor
   * @param s the scale factor
   */
  Tensor scale(Tensor a, double s);

  /**
   * {@return {@code alpha * a + beta * b}; equal shapes}
   *
   * @param alpha the coefficient of {@code a}
   * @param a the first operand
   * @param beta the coefficient of {@code b}
   * @param b the second operand, of the same shape
   */
  Tensor axpby(double alpha, Tensor a, double beta, Tensor b);

  /**
   * {@code a} plus the vector {@code v} added along the last axis: {@code v} has shape {@code [n]}
   * where {@code a}'s last dimension is {@code n} (a bias added to every row).
   *
   * @param a the tensor
   * @param v the vector, as long as the last axis of {@code a}
   * @return {@code a + v} broadcast over the leading axes, owned by the caller
   */
  Tensor addVector(Tensor a, Tensor v);

  /**
   * {@return the activation {@code f} applied elementwise, with PyTorch's conventions ({@link
   *     Activation})}
   *
   * @param f the activation
   * @param x the pre-activations
   */
  Tensor activate(Activation f, Tensor x);

  /**
   * {@return the derivative of {@code f} elementwise at {@code x}, with PyTorch's conventions}
   *
   * @param f the activation
   * @param x the pre-activations
   */
  Tensor activateDerivative(Activation f, Tensor x);

  /**
   * {@return {@code f} with PyTorch's softplus {@code beta} applied elementwise ({@link
   *     Activation#apply(double, double)})}: for softplus with {@code beta != 1} it is composed of
   *     {@link #scale}, {@link #activate(Activation, Tensor)} and {@link #scale} (the softplus of
   *     {@code beta x}, divided by {@code beta}), so every backend honours {@code beta} with the
   *     kernels it already has; otherwise {@link #activate(Activation, Tensor)}.
   *
   * @param f the activation
   * @param beta softplus's {@code beta} (ignored by the other activations)
   * @param x the pre-activations
   */
  default Tensor activate(Activation f, double beta, Tensor x) {
    if (f != Activation.SOFTPLUS || Activation.requireBeta(beta) == 1.0) {
      return activate(f, x);
    }
    try (Tensor y = scale(x, beta); Tensor v = activate(f, y)) {
      return scale(v, 1.0 / beta);
    }
  }

  /**
   * {@return the derivative of {@code f} with softplus's {@code beta} elementwise at {@code x}
   *     ({@link Activation#derivative(double, double)}): for softplus with {@code beta != 1} the
   *     derivative of softplus at {@code beta x}; otherwise {@link
   *     #activateDerivative(Activation, Tensor)}}
   *
   * @param f the activation
   * @param beta softplus's {@code beta} (ignored by the other activations)
   * @param x the pre-activations
   */
  default Tensor activateDerivative(Activation f, double beta, Tensor x) {
    if (f != Activation.SOFTPLUS || Activation.requireBeta(beta) == 1.0) {
      return activateDerivative(f, x);
    }
    try (Tensor y = scale(x, beta)) {
      return activateDerivative(f, y);
    }
  }

  // ---------------------------------------------------------------- kernels

  /**
   * The structured Jacobian block {@code a I + b diag(r) W diag(c)} at one operating point, restricted
   * to the spec's rows and columns: shape {@code [rows.size(), columns.size()]}. Costs one pass over
   * the block; no dense identity and no matrix product.
   *
   * @param spec the Jacobian's factors and block
   * @return the Jacobian block {@code [|rows|, |columns|]}, owned by the caller
   * @throws IllegalArgumentException if a scale is not a vector of the matching length, or a range
   *     lies outside {@code W}
   */
  Tensor jacobian(JacobianSpec spec);

  /**
   * The structured Jacobian at {@code B} operating points: the scales present have shape
   * {@code [B, n]} and {@code [B, m]}; the result has shape {@code [B, rows.size(), columns.size()]}.
   *
   * @param spec the Jacobian's factors and block
   * @return the Jacobians {@code [B, |rows|, |columns|]}, owned by the caller
   * @throws IllegalArgumentException if no scale is given (there is no batch) or their batch sizes
   *     differ
   */
  Tensor jacobianBatch(JacobianSpec spec);

  /**
   * The product {@code J V} of the structured Jacobian block of {@code spec} at one operating point
   * with a block of {@code k} vectors, without forming {@code J}: {@code a V'} plus
   * {@code b diag(r) W diag(c) V} restricted to the spec's rows and columns, where {@code V'}
   * holds the rows of {@code V} whose global column index is also a kept row. Costs one matrix
   * product with {@code W} (or its block) and O((n + m) k) besides: the kernel of the Krylov
   * eigensolvers, which need {@code J} only through products.
   *
   * <p>Agrees with {@code matmul(jacobian(spec), vectors)} up to rounding (the order of the
   * operations differs).
   *
   * @param vectors shape {@code [columns.size(), k]}, the dtype of {@code W}
   * @param spec the Jacobian's factors and block
   * @return shape {@code [rows.size(), k]}
   * @throws IllegalArgumentException if the spec is batched or invalid (as for {@link #jacobian}),
   *     or {@code vectors} is not a matrix with {@code columns.size()} rows of that dtype
   */
  Tensor jacobianTimes(JacobianSpec spec, Tensor vectors);

  /**
   * Runs a whole recurrence ({@link RecurrenceSpec}): {@code T} steps of {@code x_t} and
   * {@code h_t = f(x_t)} for a batch, returned in the drive's layout. This is the simulation
   * kernel: backends fuse each step into a matrix product and one elementwise pass.
   *
   * @param spec the recurrence to run
   * @return the states after each step, owned by the caller
   * @throws IllegalArgumentException if a tensor is missing or has the wrong shape or dtype (the
   *     message names it, its shape and the expected one), {@code x0} is given to or missing from
   *     the wrong kind of recurrence, or {@code alpha} is not finite
   */
  RecurrenceStates recurrence(RecurrenceSpec spec);

  /**
   * The eigendecomposition of a general real square matrix, in the canonical order and
   * normalisation of {@link Eigendecomposition}, computed in float64.
   *
   * <p>With vectors, every eigenpair meets {@code |A v - lambda v| <= 1e-10 |A|_F |v|} on
   * {@code A} itself, not only on a balanced copy of it (badly scaled matrices included: rows or
   * columns of tiny entries, zero rows and columns); eigenvectors of a repeated eigenvalue that is
   * not defective are linearly independent. Asking for vectors does not change the eigenvalues
   * beyond rounding ({@code 1e-12 |A|_F}).
   *
   * @param vectors whether to compute eigenvectors (requires {@link Capability#EIGENVECTORS})
   * @param a the tensor
   * @return the eigenvalues in canonical order, with eigenvectors if asked for
   * @throws IllegalArgumentException if {@code a} is not square
   * @throws ArithmeticException if {@code a} holds NaN or infinite entries (the message says
   *     "holds a NaN or infinite entry" and names the first, its value and its index;
   *     {@link AbstractBackend} checks this before {@code doEig}), or the iteration fails
   * @throws UnsupportedOperationException if vectors are asked for without
   *     {@link Capability#EIGENVECTORS}
   */
  Eigendecomposition eig(Tensor a, boolean vectors);

  /**
   * {@link #eig} for every matrix of a batch of shape {@code [B, n, n]}, in batch order.
   *
   * @param a the tensor
   * @param vectors whether to compute eigenvectors too
   * @return one decomposition per matrix, in batch order
   */
  List<Eigendecomposition> eigBatch(Tensor a, boolean vectors);

  /**
   * {@link #eig} with right and left eigenvectors: the left vector {@code w} of eigenvalue
   * {@code lambda} meets {@code w^H A = lambda w^H} (LAPACK's convention), normalised as
   * {@link Eigendecomposition} says (unit norm, {@code w^H v} real and positive, so that the
   * eigenvalue's condition number is {@code 1 / (w^H v)}).
   *
   * <p>The default takes {@code eig(a, true)} and computes the left vectors on the host as the
   * rows of {@code V^-1}, conjugated (O(n^3) on the heap); where {@code V} is nearly singular (a
   * defective eigenvalue, whose near-parallel vectors spoil the inverse for every eigenvalue) from
   * {@code eig(transpose(a), true)} instead, paired by eigenvalue. A backend with a native solver (LAPACK's
   * {@code dgeev} with {@code JOBVL = 'V'}) may override it. For a defective eigenvalue there is
   * no left vector in this sense: its entries are then huge or non-finite, and {@code |w^H v|}
   * near zero.
   *
   * @param a a real square matrix
   * @return the eigenvalues in canonical order with right and left eigenvectors
   * @throws UnsupportedOperationException without {@link Capability#EIGENVECTORS}
   * @throws IllegalArgumentException if {@code a} is not square
   * @throws ArithmeticException as for {@link #eig}
   */
  default Eigendecomposition eigWithLeftVectors(Tensor a) {
    return LeftEigenvectors.attach(eig(a, true), () -> {
      try (Tensor t = transpose(a)) {
        return eig(t, true);
      }
    });
  }

  /**
   * {@link #eigWithLeftVectors} for every matrix of a batch of shape {@code [B, n, n]}, in batch
   * order; the default takes {@code eigBatch(a, true)} and adds the left vectors as
   * {@link #eigWithLeftVectors} does.
   *
   * @param a the matrices
   * @return one decomposition with right and left eigenvectors per matrix, in batch order
   * @throws UnsupportedOperationException without {@link Capability#EIGENVECTORS}
   */
  default List<Eigendecomposition> eigBatchWithLeftVectors(Tensor a) {
    return LeftEigenvectors.attachAll(eigBatch(a, true), i -> {
      try (Tensor m = at(a, i); Tensor t = transpose(m)) {
        return eig(t, true);
      }
    });
  }

  /**
   * Frees what the backend holds (device contexts, thread pools), after the operations running in
   * other threads have finished. Later operations throw {@link IllegalStateException} naming the
   * backend; the tensors it made are closed with it ({@link Tensor#isClosed()} answers true,
   * {@link Tensor#toArray()} throws), so copy what you keep to the heap first. Idempotent.
   */
  @Override
  void close();
}
