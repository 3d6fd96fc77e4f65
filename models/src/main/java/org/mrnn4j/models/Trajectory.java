package org.mrnn4j.models;

import org.mrnn4j.core.Tensor;

/**
 * The result of a simulation: the pre-activations {@code xs} and activations {@code hs} after each
 * step (the initial state is not included, as in mRNNTorch), in the simulation's layout:
 * {@code [B, T, N]} batch first or {@code [T, B, N]} time first. For the Elman model {@code xs}
 * holds the pre-activations {@code z_t = W_rec h_{t-1} + W_inp u_t + b [+ stim]} and
 * {@code hs = act(xs)}.
 *
 * <p>The caller owns both tensors; {@link #close()} frees them.
 *
 * @param xs pre-activations
 * @param hs activations
 * @param layout their layout
 */
public record Trajectory(Tensor xs, Tensor hs, Layout layout) implements AutoCloseable {

  /** Frees both tensors. */
  @Override
  public void close() {
    xs.close();
    hs.close();
  }
}
