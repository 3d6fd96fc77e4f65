package org.mrnn4j.core;

import java.util.Objects;

/**
 * The structure every Jacobian of an mRNN has:
 *
 * <pre>
 *   J = a * I + b * diag(r) * W * diag(c)
 * </pre>
 *
 * restricted to the row indices {@link #rows()} and column indices {@link #columns()} of {@code W}
 * (region subsets). {@code I} is the identity on the global indices: entry {@code (i, j)} of the
 * block receives {@code a} when the global row index {@code i} equals the global column index
 * {@code j}. {@code r} and {@code c} are optional (absent means all ones).
 *
 * <p>For one operating point {@code r} has shape {@code [n]} and {@code c} shape {@code [m]}, with
 * {@code W} of shape {@code [n, m]}; {@link Backend#jacobian} returns the block, of shape
 * {@code [rows.size(), columns.size()]}. For a batch of {@code B} operating points, the scales
 * present have shapes {@code [B, n]} and {@code [B, m]} and {@link Backend#jacobianBatch} returns
 * {@code [B, rows.size(), columns.size()]}.
 *
 * <p>Examples: the leaky mRNN in pre-activation coordinates is {@code a = 1 - alpha},
 * {@code b = alpha}, {@code c = act'(x)}; its input Jacobian is {@code a = 0}, {@code b = alpha}
 * with {@code W = W_inp}.
 */
public final class JacobianSpec {
  private final double identity;
  private final double scale;
  private final Tensor rowScale;
  private final Tensor weights;
  private final Tensor columnScale;
  private final IndexRanges rows;
  private final IndexRanges columns;

  private JacobianSpec(Builder b) {
    this.identity = b.identity;
    this.scale = b.scale;
    this.rowScale = b.rowScale;
    this.weights = b.weights;
    this.columnScale = b.columnScale;
    this.rows = b.rows;
    this.columns = b.columns;
  }

  /**
   * Starts a spec for {@code b * W} over all rows and columns ({@code a = 0}, {@code b = 1}).
   *
   * @param weights {@code W}, {@code [n, m]}
   * @return a builder of the spec
   */
  public static Builder builder(Tensor weights) {
    return new Builder(weights);
  }

  /** {@return {@code a}, the coefficient of the identity} */
  public double identity() {
    return identity;
  }

  /** {@return {@code b}, the coefficient of the scaled weight term} */
  public double scale() {
    return scale;
  }

  /** {@return {@code r}, the row scale, or {@code null} for all ones} */
  public Tensor rowScale() {
    return rowScale;
  }

  /** {@return {@code W}, of shape {@code [n, m]}} */
  public Tensor weights() {
    return weights;
  }

  /** {@return {@code c}, the column scale, or {@code null} for all ones} */
  public Tensor columnScale() {
    return columnScale;
  }

  /** {@return the rows of {@code W} kept, or {@code null} for all of them} */
  public IndexRanges rows() {
    return rows;
  }

  /** {@return the columns of {@code W} kept, or {@code null} for all of them} */
  public IndexRanges columns() {
    return columns;
  }

  /** {@return the rows kept, resolving {@code null} to all {@code n} rows} */
  public IndexRanges rowsOrAll() {
    return rows != null ? rows : IndexRanges.all(weights.dim(0));
  }

  /** {@return the columns kept, resolving {@code null} to all {@code m} columns} */
  public IndexRanges columnsOrAll() {
    return columns != null ? columns : IndexRanges.all(weights.dim(1));
  }

  /** Builds a {@link JacobianSpec}. */
  public static final class Builder {
    private double identity;
    private double scale = 1.0;
    private Tensor rowScale;
    private final Tensor weights;
    private Tensor columnScale;
    private IndexRanges rows;
    private IndexRanges columns;

    private Builder(Tensor weights) {
      this.weights = Objects.requireNonNull(weights, "weights");
    }

    /**
     * Sets {@code a}, the coefficient of the identity (default 0).
     *
     * @param a the coefficient of the identity
     * @return this builder
     */
    public Builder identity(double a) {
      this.identity = a;
      return this;
    }

    /**
     * Sets {@code b}, the coefficient of the weight term (default 1).
     *
     * @param b the coefficient of the weight term
     * @return this builder
     */
    public Builder scale(double b) {
      this.scale = b;
      return this;
    }

    /**
     * Sets {@code r}: shape {@code [n]}, or {@code [B, n]} for a batch; null for ones.
     *
     * @param r the row scale {@code [n]} (or {@code [B, n]}), or null for ones
     * @return this builder
     */
    public Builder rowScale(Tensor r) {
      this.rowScale = r;
      return this;
    }

    /**
     * Sets {@code c}: shape {@code [m]}, or {@code [B, m]} for a batch; null for ones.
     *
     * @param c the column scale {@code [m]} (or {@code [B, m]}), or null for ones
     * @return this builder
     */
    public Builder columnScale(Tensor c) {
      this.columnScale = c;
      return this;
    }

    /**
     * Keeps only these rows of {@code W} (default: all).
     *
     * @param r the rows of {@code W} to keep
     * @return this builder
     */
    public Builder rows(IndexRanges r) {
      this.rows = r;
      return this;
    }

    /**
     * Keeps only these columns of {@code W} (default: all).
     *
     * @param c the columns of {@code W} to keep
     * @return this builder
     */
    public Builder columns(IndexRanges c) {
      this.columns = c;
      return this;
    }

    /** {@return the spec} Shapes are checked by the backend that evaluates it. */
    public JacobianSpec build() {
      return new JacobianSpec(this);
    }
  }
}
