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
   * The activation {@code h} ({@code dh = true}): {@code h' = act(x')} as a function of {@code h}
   * at a given {@code x}, whose Jacobian is {@code diag(act'(x')) alpha W_rec} for the leaky model
   * and {@code diag(act'(z)) W_rec} for the Elman model. For the Elman model this is its map's
   * Jacobian; for the leaky model it is mRNNTorch's partial {@code dh} Jacobian, which holds
   * {@code x} fixed and so leaves out the leak term: not the Jacobian of the network's map, and
   * its eigenvalues are not stability.
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
