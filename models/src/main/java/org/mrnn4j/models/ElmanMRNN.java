package org.mrnn4j.models;

import org.mrnn4j.core.Tensor;

/**
 * The Elman multi-regional RNN (mRNNTorch's {@code ElmanmRNN}): per step
 *
 * <pre>
 *   h' = act(W_rec h + W_inp u + b [+ stim])
 * </pre>
 *
 * with effective weights ({@link RecurrentModel#recurrentWeights()}). It is the leaky model with
 * {@code alpha = 1}; noise uses that {@code alpha} (see {@link Simulation}), where mRNNTorch
 * fails. Immutable and thread-safe; {@link #close()} frees its tensors.
 */
public final class ElmanMRNN extends MRNNBase {
  ElmanMRNN(ModelCore core) {
    super(core, ModelKind.ELMAN, "an ElmanMRNN needs an Elman spec");
  }

  /** A builder for an Elman model with mRNNTorch's defaults (relu, Dale's law on). */
  public static ModelBuilder<ElmanMRNN> builder() {
    return ModelBuilder.elman();
  }

  /**
   * One step for a batch: {@code h' = act(h W_rec^T + u W_inp^T + b [+ stim])}. Operands are
   * {@code [B, .]} (or all unbatched {@code [.]}).
   *
   * @param h state {@code [B, N]}
   * @param input input {@code [B, I]}
   * @param stim additive stimulus {@code [B, N]}, or null
   * @return {@code h'}; the caller owns it
   * @throws IllegalArgumentException naming an operand of the wrong shape (with its shape and
   *     the expected one) or backend. Values are not checked: NaN and infinity propagate row by
   *     row (see {@link RecurrentModel#simulate(Simulation)}).
   */
  public Tensor step(Tensor h, Tensor input, Tensor stim) {
    Tensor[] next = core.guarded("step", () -> core.checkedStep(false, null, h, input, stim));
    next[0].close();
    return next[1];
  }

  /**
   * A noiseless simulation from {@code h0}, batch first: input {@code [B, T, I]}, h0
   * {@code [B, N]}; returns {@code xs} (pre-activations) and {@code hs}, {@code [B, T, N]}.
   */
  public Trajectory simulate(Tensor input, Tensor h0) {
    return simulate(Simulation.of(input).h0(h0));
  }

  @Override
  public String toString() {
    return "ElmanMRNN[N=" + numUnits() + ", I=" + numInputs() + ", " + activation()
        + ", backend=" + core.backend.name() + ", " + core.layout + "]";
  }
}
