package org.mrnn4j.models;

/** How a sequence tensor orders its batch and time axes (PyTorch's {@code batch_first}). */
public enum Layout {
  /** {@code [B, T, features]} ({@code batch_first=True}, mRNNTorch's default). */
  BATCH_FIRST,
  /** {@code [T, B, features]} ({@code batch_first=False}). */
  TIME_FIRST;

  /**
   * {@return {@link #BATCH_FIRST} when {@code batchFirst}, else {@link #TIME_FIRST}}
   *
   * @param batchFirst mRNNTorch's {@code batch_first}
   */
  public static Layout of(boolean batchFirst) {
    return batchFirst ? BATCH_FIRST : TIME_FIRST;
  }

  /** {@return whether this is {@link #BATCH_FIRST}} */
  public boolean batchFirst() {
    return this == BATCH_FIRST;
  }
}
