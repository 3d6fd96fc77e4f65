package org.mrnn4j.core.dynamics;

import java.util.Set;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * The model SPI: what a kind of recurrent model supplies so that linearizations, fixed points and
 * flow fields work on it without knowing its formulas. The analyses see only this; the two
 * mRNNTorch kinds (leaky and Elman, in {@code mrnn4j-models}) implement it, one class each, and so
 * can any other kind whose update linearizes to the structured Jacobian
 * {@code a I + b diag(r) W_rec diag(c)}.
 *
 * <p>States are rows: a batch of {@code B} states is {@code [B, N]}. Every method returns tensors
 * the caller owns (except the weight accessors, which return the model's own).
 */
public interface RecurrentDynamics {

  /** {@return the backend the model computes on} */
  Backend backend();

  /** {@return where its units lie} */
  UnitLayout layout();

  /** {@return N, the number of recurrent units} */
  default int numUnits() {
    return layout().numUnits();
  }

  /** {@return I, the number of inputs} */
  default int numInputs() {
    return layout().numInputs();
  }

  /** {@return the activation} */
  Activation activation();

  /**
   * {@return softplus's {@code beta} (mRNNTorch's {@code softplus_beta}; 1 unless the kind sets
   *     it, ignored by the other activations): the activation is {@link
   *     Activation#apply(double, double)} with it}
   */
  default double softplusBeta() {
    return 1.0;
  }

  /**
   * {@return the effective recurrent weights {@code [N, N]}, rows destination units; the model's
   *     own}
   */
  Tensor recurrentWeights();

  /** {@return the effective input weights {@code [N, I]}; the model's own} */
  Tensor inputWeights();

  /** {@return the tonic input {@code [N]}; the model's own} */
  Tensor tonicInput();

  /** {@return the coordinates its state is written in when none is asked for} */
  Coordinates naturalCoordinates();

  /** {@return every coordinate system it offers for linearizations and solvers} */
  Set<Coordinates> coordinates();

  /**
   * The time step {@code dt} when the state Jacobian in {@code coordinates} is the Euler
   * discretisation {@code I + dt A} of an ODE (its continuous-time view), else NaN.
   *
   * @param coordinates one of {@link #coordinates()}
   * @return {@code dt} where the update is an Euler step of an ODE in these coordinates, else NaN
   */
  double continuousTimeStep(Coordinates coordinates);

  /**
   * The factors of the update at a batch of operating points, for the structured kernel.
   *
   * @param scope tracks every temporary; the factors' tensors may be tracked by it
   * @param coordinates one of {@link #coordinates()}
   * @param states {@code [B, N]} in those coordinates (for pre-activation coordinates, {@code x})
   * @param activations {@code [B, N]} activations given beside a pre-activation state, or null
   * @param inputs {@code [B, I]}
   * @param withNext whether {@link JacobianFactors#next()} is needed
   * @return the factors, their tensors tracked by {@code scope}
   * @throws IllegalArgumentException if the coordinates are not offered or an operand does not fit
   */
  JacobianFactors jacobianFactors(TensorScope scope, Coordinates coordinates, Tensor states,
      Tensor activations, Tensor inputs, boolean withNext);

  /**
   * One noise-free step from a batch of states in the natural coordinates: the next states,
   * {@code [B, N]}, owned by the caller.
   *
   * @param states {@code [B, N]}
   * @param inputs {@code [B, I]}
   * @param stim an additive stimulus {@code [B, N]}, or null
   * @return the next states {@code [B, N]}, owned by the caller
   */
  Tensor step(Tensor states, Tensor inputs, Tensor stim);

  /**
   * {@link #step(Tensor, Tensor, Tensor)} with another recurrent weight matrix in place of the
   * model's: effective weights {@code [N, N]} (a lesion, as mRNNTorch's {@code W_rec} argument).
   *
   * @param recurrentWeights the effective weights to use, {@code [N, N]}
   * @param states {@code [B, N]}
   * @param inputs {@code [B, I]}
   * @param stim an additive stimulus {@code [B, N]}, or null
   * @return the next states {@code [B, N]}, owned by the caller
   * @throws IllegalArgumentException naming the weights if their shape is not {@code [N, N]}
   */
  Tensor stepWith(Tensor recurrentWeights, Tensor states, Tensor inputs, Tensor stim);

  /**
   * One noise-free step from a batch of states, projected: {@code step(states) P^T},
   * {@code [B, K]}, for a projection {@code P} of {@code [K, N]}; what a flow field needs of the
   * next states. The default takes the step and multiplies, O(B N^2); a kind whose next state is
   * linear in an elementwise function of the state may do it in O(B N K) instead (the leaky
   * model does: {@code x' P^T = (1 - alpha) x P^T + alpha (act(x) (P W)^T + ...)}).
   *
   * @param projection {@code [K, N]}
   * @param recurrentWeights replacement effective weights {@code [N, N]} (a lesion), or null for
   *     the model's
   * @param states {@code [B, N]} in the natural coordinates
   * @param inputs {@code [B, I]}
   * @param stim an additive stimulus {@code [B, N]}, or null
   * @return {@code [B, K]}, owned by the caller
   * @throws IllegalArgumentException naming an operand whose shape does not fit
   */
  default Tensor projectedStep(Tensor projection, Tensor recurrentWeights, Tensor states,
      Tensor inputs, Tensor stim) {
    if (projection == null || projection.rank() != 2 || projection.dim(1) != numUnits()) {
      throw new IllegalArgumentException("the projection must be [K, " + numUnits() + "], got "
          + (projection == null ? "null" : org.mrnn4j.core.Shapes.format(projection.shape())));
    }
    try (Tensor next = recurrentWeights == null ? step(states, inputs, stim)
        : stepWith(recurrentWeights, states, inputs, stim)) {
      return backend().matmul(next, false, projection, true);
    }
  }

  /**
   * The update on the host, restricted to {@code included} units (the others held at
   * {@code heldState}'s values), at the constant {@code input}, for solvers.
   *
   * @param coordinates one of {@link #coordinates()}
   * @param input length {@code I}, or null for zeros
   * @param included the units searched over, or null for all
   * @param heldState a full-length state in those coordinates, or null for zeros
   * @return the map, on the host
   * @throws IllegalArgumentException if the coordinates are not offered or a length is wrong
   */
  HostMap hostMap(Coordinates coordinates, double[] input, IndexRanges included,
      double[] heldState);

  /** {@return whether the model has been closed (its tensors freed)} */
  boolean isClosed();

  /** {@return what the model is, for messages: its kind, units, inputs and backend} */
  default String describe() {
    return "recurrent model (" + numUnits() + " units, " + numInputs() + " inputs, on "
        + backend().name() + ")";
  }
}
