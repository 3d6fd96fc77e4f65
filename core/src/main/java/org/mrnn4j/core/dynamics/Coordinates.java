package org.mrnn4j.core.dynamics;

/**
 * The coordinates a model's state is written in for linearizations and solvers: mRNNTorch's
 * {@code dh} flag of {@code mLinearization.jacobian}/{@code forward}. A model kind says which it
 * offers ({@link RecurrentDynamics#coordinates()}).
 *
 * <p>The Elman model has a single state, its activation {@code h}: it offers only
 * {@link #ACTIVATION}.
 */
public enum Coordinates {
  /**
   * The pre-activation state {@code x} ({@code dh = false}): the map {@code x -> x'} with
   * {@code h = act(x)}, whose Jacobian is {@code (1 - alpha) I + alpha W_rec diag(act'(x))}.
   */
  PRE_ACTIVATION,
  /**
   * The activation {@code h} ({@code dh = true}): the map {@code h -> h' = act(x')} at a given
   * {@code x} and {@code h}, whose Jacobian is {@code diag(act'(x')) alpha W_rec} for the leaky
   * model and {@code diag(act'(z)) W_rec} for the Elman model.
   */
  ACTIVATION;

  /** {@return the value of mRNNTorch's {@code dh} flag for these coordinates} */
  public boolean dh() {
    return this == ACTIVATION;
  }

  /**
   * {@return the coordinates for mRNNTorch's {@code dh} flag}
   *
   * @param dh mRNNTorch's {@code dh} flag
   */
  public static Coordinates fromDh(boolean dh) {
    return dh ? ACTIVATION : PRE_ACTIVATION;
  }
}
