package org.mrnn4j.models;

/**
 * A connection from a source region to a destination region (a block of the weight matrix: rows of
 * the destination, columns of the source).
 *
 * @param source source region (recurrent, or an input region for input connections)
 * @param destination destination recurrent region
 * @param sparsity PyTorch's {@code nn.init.sparse_} semantics: the fraction of entries in each
 *     column of the block set to zero ({@code ceil(sparsity * rows)} per column); 0 for a dense
 *     block (mRNNTorch's {@code None})
 */
public record Connection(String source, String destination, double sparsity) {

  /**
   * @param source source region (recurrent, or an input region for input connections)
   * @param destination destination recurrent region
   * @param sparsity PyTorch's {@code nn.init.sparse_} semantics: the fraction of entries in each
   *     column of the block set to zero ({@code ceil(sparsity * rows)} per column); 0 for a dense
   *     block (mRNNTorch's {@code None})
   * @throws IllegalArgumentException if a name is blank or sparsity lies outside [0, 1]
   */
  public Connection {
    if (source == null || source.isBlank() || destination == null || destination.isBlank()) {
      throw new IllegalArgumentException(
          "a connection needs source and destination region names, got " + source + " -> "
              + destination);
    }
    if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
      throw new IllegalArgumentException("connection " + source + " -> " + destination
          + ": sparsity must lie in [0, 1], got " + sparsity);
    }
  }

  /**
   * {@return a dense connection}
   *
   * @param source the sending region
   * @param destination the receiving recurrent region
   */
  public static Connection of(String source, String destination) {
    return new Connection(source, destination, 0.0);
  }

  /** {@return whether some entries are masked out} */
  public boolean isSparse() {
    return sparsity > 0.0;
  }

  @Override
  public String toString() {
    return source + " -> " + destination + (isSparse() ? " (sparsity " + sparsity + ")" : "");
  }
}
