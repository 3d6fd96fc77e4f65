package org.mrnn4j.core;

/**
 * What {@link Backend#recurrence} computed: the pre-activations {@code x_1 .. x_T} and the
 * activations {@code h_1 .. h_T}, both in the drive's layout ({@code [B, T, N]} or
 * {@code [T, B, N]}). The caller owns both tensors; {@link #close()} frees them.
 *
 * @param x the pre-activations
 * @param h the activations {@code f(x)}
 */
public record RecurrenceStates(Tensor x, Tensor h) implements AutoCloseable {
  /** Frees both tensors. */
  @Override
  public void close() {
    x.close();
    h.close();
  }
}
