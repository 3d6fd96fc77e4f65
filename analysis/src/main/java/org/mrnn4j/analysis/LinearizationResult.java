package org.mrnn4j.analysis;

import java.util.Optional;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * A model linearized at one operating point: the pieces of the affine map
 * {@code s' ~ f(p) + J ds + J_exc ds_static + J_in du} over the included units, as tensors of the
 * model's backend. The caller owns it: {@link #close()} frees the tensors.
 *
 * <p>Corresponds to what mRNNTorch's {@code mLinearization.jacobian} /
 * {@code emLinearization.jacobian} return (with and without {@code excluded_regions=True}), and to
 * the affine map their {@code forward} evaluates.
 *
 * <p>Shapes, with {@code d} included units, {@code e} excluded units and {@code I} inputs:
 * {@link #jacobian()} {@code [d, d]}, {@link #inputJacobian()} {@code [d, I]},
 * {@link #excludedJacobian()} {@code [d, e]}, {@link #next()} {@code [d]}.
 */
public final class LinearizationResult implements AutoCloseable {
  private final Tensor jacobian;
  private final Tensor inputJacobian;
  private final Tensor excludedJacobian;
  private final Tensor next;

  LinearizationResult(Tensor jacobian, Tensor inputJacobian, Tensor excludedJacobian, Tensor next) {
    this.jacobian = jacobian;
    this.inputJacobian = inputJacobian;
    this.excludedJacobian = excludedJacobian;
    this.next = next;
  }

  /**
   * {@return the Jacobian of the update of the included units with respect to their state,
   * {@code [d, d]}}
   */
  public Tensor jacobian() {
    return jacobian;
  }

  /**
   * {@return the Jacobian of the update of the included units with respect to every input,
   * {@code [d, I]}}
   */
  public Tensor inputJacobian() {
    return inputJacobian;
  }

  /**
   * The block from the excluded units into the included ones, {@code [d, e]}; empty when every
   * region is included (mRNNTorch returns {@code None} then).
   *
   * @return the excluded block {@code [d, e]}, or empty when no region is excluded
   */
  public Optional<Tensor> excludedJacobian() {
    return Optional.ofNullable(excludedJacobian);
  }

  /**
   * {@code f(p)}: the model's next state at the operating point, included units, {@code [d]}.
   *
   * @return {@code f(p)} over the included units, {@code [d]}
   */
  public Tensor next() {
    return next;
  }

  /** {@return the number of included units {@code d}} */
  public int size() {
    return jacobian.dim(0);
  }

  /**
   * The first-order prediction {@code f(p) + J ds + J_exc ds_static + J_in du} for a batch of
   * perturbations, as mRNNTorch's {@code forward} computes it.
   *
   * @param deltaState {@code [k, d]}, or {@code [d]} for one perturbation; a higher-rank
   *     {@code [..., d]} is flattened to {@code [k, d]} as the reference does
   * @param deltaInput {@code [I]} (one input perturbation for all {@code k}), {@code [k, I]}, or
   *     {@code null} for none
   * @param deltaStatic perturbation of the excluded units, {@code [e]} or {@code [k, e]}, or
   *     {@code null} for none
   * @return the prediction, {@code [k, d]}, owned by the caller
   * @throws IllegalArgumentException if a shape does not fit, or a static perturbation is given
   *     when no region is excluded
   */
  public Tensor predict(Tensor deltaState, Tensor deltaInput, Tensor deltaStatic) {
    Backend backend = jacobian.backend();
    int d = size();
    try (TensorScope scope = new TensorScope()) {
      Tensor ds = flattenStates(backend, scope, deltaState, d);
      int k = ds.dim(0);
      Tensor out = scope.track(backend.matmul(ds, false, jacobian, true));
      out = scope.track(backend.addVector(out, next));
      if (deltaInput != null) {
        out = addTerm(backend, scope, out, inputJacobian, deltaInput, k, "input perturbation",
            "inputs");
      }
      if (deltaStatic != null && deltaStatic.size() > 0) {
        if (excludedJacobian == null) {
          throw new IllegalArgumentException("a static perturbation of shape "
              + Shapes.format(deltaStatic.shape())
              + " was given, but no region is excluded from this linearization");
        }
        out = addTerm(backend, scope, out, excludedJacobian, deltaStatic, k,
            "static perturbation", "excluded units");
      }
      return scope.keep(out);
    }
  }

  /**
   * {@link #predict(Tensor, Tensor, Tensor)} on arrays.
   *
   * @param deltaState {@code [k][d]}
   * @param deltaInput {@code [I]} or {@code null}
   * @param deltaStatic {@code [e]} or {@code null}
   * @return {@code [k][d]}
   */
  public double[][] predict(double[][] deltaState, double[] deltaInput, double[] deltaStatic) {
    Backend backend = jacobian.backend();
    DType dtype = jacobian.dtype();
    try (TensorScope scope = new TensorScope()) {
      Tensor ds = scope.track(matrix(backend, dtype, deltaState, size(), "deltaState"));
      Tensor di = deltaInput == null ? null
          : scope.track(backend.fromArray(deltaInput, dtype, deltaInput.length));
      Tensor dss = deltaStatic == null ? null
          : scope.track(backend.fromArray(deltaStatic, dtype, deltaStatic.length));
      return scope.track(predict(ds, di, dss)).toMatrix();
    }
  }

  /** {@return the eigenvalues and eigenvectors of {@link #jacobian()}, in the canonical order} */
  public Eigendecomposition eigendecomposition() {
    return Spectra.eig(jacobian, true);
  }

  /** {@return the eigenvalues of {@link #jacobian()} only, in the canonical order} */
  public Eigendecomposition eigenvalues() {
    return Spectra.eig(jacobian, false);
  }

  /** Frees the tensors. Idempotent. */
  @Override
  public void close() {
    jacobian.close();
    inputJacobian.close();
    if (excludedJacobian != null) {
      excludedJacobian.close();
    }
    next.close();
  }

  // ------------------------------------------------------------------ helpers

  static Tensor flattenStates(Backend backend, TensorScope scope, Tensor delta, int d) {
    if (delta == null) {
      throw new IllegalArgumentException("the state perturbation is required: shape [k, " + d + "]");
    }
    int[] shape = delta.shape();
    if (shape.length == 0 || shape[shape.length - 1] != d) {
      throw new IllegalArgumentException("the state perturbation must have shape [k, " + d
          + "] (its last axis over the " + d + " included units), got " + Shapes.format(shape));
    }
    if (shape.length == 2) {
      return delta;
    }
    return scope.track(backend.reshape(delta, (int) (delta.size() / Math.max(d, 1)), d));
  }

  /** {@code out + delta J^T} for {@code delta [k, m]}, or {@code out + J delta} for {@code [m]}. */
  private static Tensor addTerm(Backend backend, TensorScope scope, Tensor out, Tensor j,
      Tensor delta, int k, String what, String axis) {
    int m = j.dim(1);
    int[] shape = delta.shape();
    if (shape.length == 1 && shape[0] == m) {
      Tensor column = scope.track(backend.reshape(delta, m, 1));
      Tensor v = scope.track(backend.matmul(j, column));
      return scope.track(backend.addVector(out, scope.track(backend.reshape(v, j.dim(0)))));
    }
    if (shape.length == 2 && shape[0] == k && shape[1] == m) {
      return scope.track(backend.add(out, scope.track(backend.matmul(delta, false, j, true))));
    }
    throw new IllegalArgumentException("the " + what + " must have shape [" + m + "] or [" + k
        + ", " + m + "] (over the " + m + " " + axis + "), got " + Shapes.format(shape));
  }

  static Tensor matrix(Backend backend, DType dtype, double[][] rows, int columns, String name) {
    double[] flat = new double[rows.length * columns];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != columns) {
        throw new IllegalArgumentException(name + "[" + i + "] has " + rows[i].length
            + " entries, expected " + columns);
      }
      System.arraycopy(rows[i], 0, flat, i * columns, columns);
    }
    return backend.fromArray(flat, dtype, rows.length, columns);
  }
}
