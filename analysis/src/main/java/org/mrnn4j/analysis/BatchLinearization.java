package org.mrnn4j.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * A model linearized at {@code B} operating points at once (a trajectory, a grid), by the
 * backend's batched kernels. The caller owns it: {@link #close()} frees the tensors.
 *
 * <p>Shapes, with {@code d} included units, {@code e} excluded units and {@code I} inputs:
 * {@link #jacobians()} {@code [B, d, d]}, {@link #inputJacobians()} {@code [B, d, I]},
 * {@link #excludedJacobians()} {@code [B, d, e]}, {@link #next()} {@code [B, d]}. Entry {@code b}
 * equals what {@link Linearization#at} gives at point {@code b}.
 *
 * <p>mRNNTorch has no batched form; it corresponds to calling {@code mLinearization.jacobian} /
 * {@code emLinearization.jacobian} and {@code eigendecomposition} at each point.
 */
public final class BatchLinearization implements AutoCloseable {
  private final Tensor jacobians;
  private final Tensor inputJacobians;
  private final Tensor excludedJacobians;
  private final Tensor next;
  private final double dt;
  private final boolean mapJacobian;

  BatchLinearization(Tensor jacobians, Tensor inputJacobians, Tensor excludedJacobians,
      Tensor next, double dt, boolean mapJacobian) {
    this.mapJacobian = mapJacobian;
    this.jacobians = jacobians;
    this.inputJacobians = inputJacobians;
    this.excludedJacobians = excludedJacobians;
    this.next = next;
    this.dt = dt;
  }

  /** {@return the number of operating points {@code B}} */
  public int size() {
    return jacobians.dim(0);
  }

  /** {@return the number of included units {@code d}} */
  public int dimension() {
    return jacobians.dim(1);
  }

  /** {@return the state Jacobians, {@code [B, d, d]}} */
  public Tensor jacobians() {
    return jacobians;
  }

  /** {@return the input Jacobians, {@code [B, d, I]}} */
  public Tensor inputJacobians() {
    return inputJacobians;
  }

  /**
   * {@return the blocks from the excluded units, {@code [B, d, e]}; empty when nothing is
   * excluded}
   */
  public Optional<Tensor> excludedJacobians() {
    return Optional.ofNullable(excludedJacobians);
  }

  /**
   * {@code f(p)} at every point, included units, {@code [B, d]}.
   *
   * @return the next states over the included units, {@code [B, d]}
   */
  public Tensor next() {
    return next;
  }

  /**
   * {@return the eigenvalues (no vectors) of every state Jacobian, in batch order, each in the
   * canonical order}
   */
  public List<Eigendecomposition> eigenvalues() {
    return Spectra.eigBatch(jacobians, false);
  }

  /** {@return the eigenvalues and eigenvectors of every state Jacobian, in batch order} */
  public List<Eigendecomposition> eigendecompositions() {
    return Spectra.eigBatch(jacobians, true);
  }

  /**
   * {@return whether the state Jacobians are those of the network's map
   * ({@link Linearization#isMapJacobian()}), whose eigenvalues are its stability}
   */
  public boolean isMapJacobian() {
    return mapJacobian;
  }

  /**
   * The stability summary at every point, in batch order.
   *
   * @return the summaries of the state Jacobians' eigenvalues
   * @throws IllegalStateException if the state Jacobians are not the map's (mRNNTorch's partial
   *     {@code dh} Jacobian, or a scaled one): their eigenvalues are not stability; batch the
   *     linearization's {@link Linearization#map()} instead
   */
  public List<StabilitySummary> stability() {
    if (!mapJacobian) {
      throw new IllegalStateException("these Jacobians are not the Jacobians of the network's map"
          + " (mRNNTorch's partial dh Jacobian, x held fixed, or a scaled one): their eigenvalues"
          + " are not its stability; batch Linearization.map() for that");
    }
    List<StabilitySummary> out = new ArrayList<>(size());
    for (Eigendecomposition e : eigenvalues()) {
      out.add(ModelLinearization.summary(e, dt));
    }
    return out;
  }

  /**
   * Point {@code b} as a {@link LinearizationResult} (copies, owned by the caller).
   *
   * @param b the index of the point, in {@code [0, B)}
   * @return the linearization at point {@code b}, owned by the caller
   * @throws IndexOutOfBoundsException if {@code b} is not in {@code [0, B)}
   */
  public LinearizationResult point(int b) {
    if (b < 0 || b >= size()) {
      throw new IndexOutOfBoundsException("point " + b + " of a batch of " + size());
    }
    Backend backend = jacobians.backend();
    try (TensorScope scope = new TensorScope()) {
      Tensor j = scope.track(backend.at(jacobians, b));
      Tensor jin = scope.track(backend.at(inputJacobians, b));
      Tensor jexc = excludedJacobians == null ? null
          : scope.track(backend.at(excludedJacobians, b));
      Tensor f = scope.track(backend.at(next, b));
      scope.keep(j);
      scope.keep(jin);
      if (jexc != null) {
        scope.keep(jexc);
      }
      scope.keep(f);
      return new LinearizationResult(j, jin, jexc, f);
    }
  }

  /** Frees the tensors. Idempotent. */
  @Override
  public void close() {
    jacobians.close();
    inputJacobians.close();
    if (excludedJacobians != null) {
      excludedJacobians.close();
    }
    next.close();
  }
}
