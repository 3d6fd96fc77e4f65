package org.mrnn4j.models;

import org.mrnn4j.core.Tensor;

/**
 * The leaky multi-regional RNN (mRNNTorch's {@code mRNN}): per step
 *
 * <pre>
 *   x' = x + alpha (-x + W_rec h + W_inp u + b [+ stim]),   h' = act(x'),   alpha = dt / tau
 * </pre>
 *
 * with effective weights ({@link RecurrentModel#recurrentWeights()}). Build one with
 * {@link #builder()}, from an mRNNTorch config ({@link ModelBuilder#fromConfig}), or load one
 * ({@link org.mrnn4j.models.io.CheckpointLoader}, {@link org.mrnn4j.models.io.ModelFiles}).
 * Immutable and thread-safe; {@link #close()} frees its tensors.
 */
public final class LeakyMRNN extends MRNNBase {
  LeakyMRNN(ModelCore core) {
    super(core, ModelKind.LEAKY, "a LeakyMRNN needs a leaky spec");
  }

  /** A builder for a leaky model with mRNNTorch's defaults (relu, dt 10, tau 100, Dale's law on). */
  public static ModelBuilder<LeakyMRNN> builder() {
    return ModelBuilder.leaky();
  }

  /** The Euler step {@code dt}. */
  public double dt() {
    return core.spec.dt();
  }

  /** The time constant {@code tau}. */
  public double tau() {
    return core.spec.tau();
  }

  /** {@code alpha = dt / tau}. */
  public double alpha() {
    return core.spec.alpha();
  }

  /**
   * One step for a batch: {@code x' = x + alpha(-x + h W_rec^T + u W_inp^T + b [+ stim])},
   * {@code h' = act(x')}. Operands are {@code [B, .]} (or all unbatched {@code [.]}).
   *
   * @param x pre-activation {@code [B, N]}
   * @param h activation {@code [B, N]}, or null for {@code act(x)}
   * @param input input {@code [B, I]}
   * @param stim additive stimulus {@code [B, N]}, or null
   * @return the new state; the caller owns (and closes) it
   * @throws IllegalArgumentException naming an operand of the wrong shape (with its shape and
   *     the expected one) or backend. Values are not checked: NaN and infinity propagate row by
   *     row (see {@link RecurrentModel#simulate(Simulation)}).
   */
  public LeakyState step(Tensor x, Tensor h, Tensor input, Tensor stim) {
    Tensor[] next = core.guarded("step", () -> core.checkedStep(true, x, h, input, stim));
    return new LeakyState(next[0], next[1]);
  }

  /**
   * The new state of one step.
   *
   * @param x pre-activation {@code x'}
   * @param h activation {@code h' = act(x')}
   */
  public record LeakyState(Tensor x, Tensor h) implements AutoCloseable {
    /** Frees both tensors. */
    @Override
    public void close() {
      x.close();
      h.close();
    }
  }

  /**
   * A noiseless simulation from {@code x0} ({@code h0 = act(x0)}), batch first: input
   * {@code [B, T, I]}, x0 {@code [B, N]}; returns {@code xs, hs} of shape {@code [B, T, N]}.
   */
  public Trajectory simulate(Tensor input, Tensor x0) {
    return simulate(Simulation.of(input).x0(x0));
  }

  @Override
  public String toString() {
    return "LeakyMRNN[N=" + numUnits() + ", I=" + numInputs() + ", " + activation() + ", alpha="
        + alpha() + ", backend=" + core.backend.name() + ", " + core.layout + "]";
  }
}
