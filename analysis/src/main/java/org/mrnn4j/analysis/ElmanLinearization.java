package org.mrnn4j.analysis;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.models.ElmanMRNN;

/**
 * The local linear analysis of the Elman model: mRNNTorch's {@code emLinearization}.
 *
 * <p>For the update {@code h' = act(z)}, {@code z = W_rec h + W_inp u + b}: the state Jacobian is
 * {@code diag(act'(z)) W_rec}, the input Jacobian {@code diag(act'(z)) W_inp}, and {@code f(p)} is
 * {@code h'} (all restricted to the included rows; the excluded block to the excluded columns).
 *
 * <p>Unlike the reference, a network with a single recurrent unit and several inputs gets its
 * input Jacobian in the documented orientation {@code [1, I]}, not transposed.
 */
public final class ElmanLinearization extends AbstractLinearization {
  private final ElmanMRNN model;

  ElmanLinearization(ElmanMRNN model, Collection<String> regions) {
    super(model, Coordinates.ACTIVATION, regions);
    this.model = model;
  }

  /**
   * {@code emLinearization(rnn, *regions)}.
   *
   * @param regions recurrent or parent regions in any order; none for all
   * @throws IllegalArgumentException naming an unknown region
   */
  public static ElmanLinearization of(ElmanMRNN model, String... regions) {
    return new ElmanLinearization(model, List.of(regions));
  }

  /**
   * {@code emLinearization(rnn, *regions)}.
   *
   * @param regions recurrent or parent regions in any order; empty for all
   * @throws IllegalArgumentException naming an unknown region
   */
  public static ElmanLinearization of(ElmanMRNN model, Collection<String> regions) {
    return new ElmanLinearization(model, regions);
  }

  @Override
  public ElmanMRNN model() {
    return model;
  }

  @Override
  Factors factors(TensorScope scope, Tensor states, Tensor activations, Tensor inputs,
      boolean withNext) {
    if (activations != null) {
      throw new IllegalArgumentException("the Elman model's state is its activation h: give it as "
          + "the state, without a separate activation");
    }
    Backend backend = model.backend();
    // z = h W_rec^T + u W_inp^T + b, row-wise over the batch
    Tensor rec = scope.track(backend.matmul(states, false, model.recurrentWeights(), true));
    Tensor inp = scope.track(backend.matmul(inputs, false, model.inputWeights(), true));
    Tensor sum = scope.track(backend.add(rec, inp));
    Tensor z = scope.track(backend.addVector(sum, model.tonicInput()));
    Tensor r = scope.track(backend.activateDerivative(model.activation(), z));
    Tensor next = withNext ? scope.track(model.step(states, inputs, null)) : null;
    return new Factors(0.0, 1.0, r, null, r, next);
  }

  @Override
  double continuousTimeStep() {
    return Double.NaN;
  }
}
