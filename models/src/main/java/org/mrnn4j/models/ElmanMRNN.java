package org.mrnn4j.models;

import java.util.Objects;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
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
public final class ElmanMRNN implements RecurrentModel {
  private final ModelCore core;

  ElmanMRNN(ModelCore core) {
    if (core.spec.kind() != ModelKind.ELMAN) {
      throw new IllegalArgumentException("an ElmanMRNN needs an Elman spec, got " + core.spec.kind());
    }
    this.core = core;
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
    Tensor[] next = core.checkedStep(false, null, h, input, stim);
    next[0].close();
    return next[1];
  }

  @Override
  public Trajectory simulate(Simulation simulation) {
    return core.simulate(false, Objects.requireNonNull(simulation, "simulation"));
  }

  /**
   * A noiseless simulation from {@code h0}, batch first: input {@code [B, T, I]}, h0
   * {@code [B, N]}; returns {@code xs} (pre-activations) and {@code hs}, {@code [B, T, N]}.
   */
  public Trajectory simulate(Tensor input, Tensor h0) {
    return simulate(Simulation.of(input).h0(h0));
  }

  @Override
  public ModelKind kind() {
    return ModelKind.ELMAN;
  }

  @Override
  public Backend backend() {
    return core.backend;
  }

  @Override
  public Activation activation() {
    return core.spec.activation();
  }

  @Override
  public RegionLayout layout() {
    return core.layout;
  }

  @Override
  public ModelSpec spec() {
    return core.spec;
  }

  @Override
  public ModelParameters parameters() {
    return core.params;
  }

  @Override
  public int numUnits() {
    return core.numUnits();
  }

  @Override
  public int numInputs() {
    return core.numInputs();
  }

  @Override
  public Tensor recurrentWeights() {
    return core.wRec;
  }

  @Override
  public Tensor inputWeights() {
    return core.wInp;
  }

  @Override
  public Tensor tonicInput() {
    return core.tonic;
  }

  @Override
  public Tensor initialCondition() {
    return core.init;
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "ElmanMRNN[N=" + numUnits() + ", I=" + numInputs() + ", " + activation()
        + ", backend=" + core.backend.name() + ", " + core.layout + "]";
  }
}
