package org.mrnn4j.analysis;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.models.LeakyMRNN;

/**
 * The local linear analysis of the leaky model: mRNNTorch's {@code mLinearization}.
 *
 * <p>The update {@code x' = x + alpha (-x + W_rec h + W_inp u + b)}, {@code h' = act(x')}, is
 * linearized in one of two coordinates:
 *
 * <table>
 *   <caption>Jacobians (restricted to the included rows; the excluded block to the excluded
 *   columns)</caption>
 *   <tr><th>coordinates</th><th>state Jacobian</th><th>input Jacobian</th><th>{@code f(p)}</th></tr>
 *   <tr><td>{@link Coordinates#PRE_ACTIVATION} ({@code dh = false}), {@code h = act(x)}</td>
 *       <td>{@code (1 - alpha) I + alpha W_rec diag(act'(x))}</td><td>{@code alpha W_inp}</td>
 *       <td>{@code x'}</td></tr>
 *   <tr><td>{@link Coordinates#ACTIVATION} ({@code dh = true}), given {@code x} and {@code h}</td>
 *       <td>{@code diag(act'(x')) alpha W_rec}</td><td>{@code diag(act'(x')) alpha W_inp}</td>
 *       <td>{@code h'}</td></tr>
 * </table>
 *
 * <p>Unlike the reference, a network with a single recurrent unit and several inputs gets its
 * input Jacobian in the documented orientation {@code [1, I]}, not transposed; and in
 * activation coordinates a missing {@code h} defaults to {@code act(x)} instead of failing.
 */
public final class LeakyLinearization extends AbstractLinearization {
  private final LeakyMRNN model;

  LeakyLinearization(LeakyMRNN model, Coordinates coordinates, Collection<String> regions) {
    super(model, coordinates, regions);
    this.model = model;
  }

  /**
   * {@code mLinearization(rnn, *regions)} in pre-activation coordinates ({@code dh = false}).
   *
   * @param regions recurrent or parent regions in any order; none for all
   * @throws IllegalArgumentException naming an unknown region
   */
  public static LeakyLinearization of(LeakyMRNN model, String... regions) {
    return new LeakyLinearization(model, Coordinates.PRE_ACTIVATION, List.of(regions));
  }

  /**
   * {@code mLinearization(rnn, *regions)} in the given coordinates ({@code dh}).
   *
   * @param regions recurrent or parent regions in any order; empty for all
   * @throws IllegalArgumentException naming an unknown region
   */
  public static LeakyLinearization of(
      LeakyMRNN model, Coordinates coordinates, Collection<String> regions) {
    return new LeakyLinearization(model, coordinates, regions);
  }

  @Override
  public LeakyMRNN model() {
    return model;
  }

  @Override
  Factors factors(TensorScope scope, Tensor states, Tensor activations, Tensor inputs,
      boolean withNext) {
    Backend backend = model.backend();
    Activation act = model.activation();
    double alpha = model.alpha();
    if (coordinates() == Coordinates.PRE_ACTIVATION) {
      // dh = false: h is act(x) by definition; a given h is ignored, as the reference does
      Tensor c = scope.track(backend.activateDerivative(act, states));
      Tensor next = null;
      if (withNext) {
        LeakyMRNN.LeakyState step = model.step(states, null, inputs, null);
        scope.track(step.h());
        next = scope.track(step.x());
      }
      return new Factors(1.0 - alpha, alpha, null, c, null, next);
    }
    LeakyMRNN.LeakyState step = model.step(states, activations, inputs, null);
    scope.track(step.x());
    scope.track(step.h());
    Tensor r = scope.track(backend.activateDerivative(act, step.x()));
    return new Factors(0.0, alpha, r, null, r, step.h());
  }

  @Override
  double continuousTimeStep() {
    // Only J = (1 - alpha) I + alpha W D is of the form I + dt A; the activation-coordinate
    // Jacobian is not the discretisation of an ODE in h.
    return coordinates() == Coordinates.PRE_ACTIVATION ? model.dt() : Double.NaN;
  }
}
