package org.mrnn4j.core;

import java.util.Objects;

/**
 * A whole recurrent run for {@link Backend#recurrence}: the recurrent weights {@code W}
 * ({@code [N, N]}), the external drive {@code E} for every step and batch row, the initial state,
 * and the activation {@code f} (with softplus's {@code beta}, {@link
 * Activation#apply(double, double)}). For {@code t = 1 .. T}:
 *
 * <pre>
 *   leaky:  x_t = x_{t-1} + alpha ((h_{t-1} W^T + E_t) - x_{t-1}),   h_t = f(x_t)
 *   Elman:  x_t = h_{t-1} W^T + E_t,                                 h_t = f(x_t)
 * </pre>
 *
 * <p>{@code E_t} ({@code [B, N]}) is everything that does not depend on the state: the projected
 * input, the tonic input, a stimulus and noise, summed beforehand in one pass over the whole
 * sequence. The drive has shape {@code [B, T, N]} (batch first) or {@code [T, B, N]} (time first);
 * the results have the drive's layout. The initial activation {@code h_0} has shape
 * {@code [B, N]}; the leaky recurrence also needs the initial pre-activation {@code x_0}
 * ({@code [B, N]}), the Elman one takes none.
 *
 * <p>Both mRNNTorch models fit: the leaky {@code mRNN} with {@code alpha = dt / tau}, and the
 * {@code ElmanmRNN}. Backends run it as one kernel (a matrix product into the drive and one fused
 * elementwise pass per step) instead of a handful of operations and temporaries per step.
 */
public final class RecurrenceSpec {
  private final boolean leaky;
  private final double alpha;
  private final Tensor weights;
  private final Activation activation;
  private final double softplusBeta;
  private final Tensor drive;
  private final boolean batchFirst;
  private final Tensor x0;
  private final Tensor h0;

  private RecurrenceSpec(Builder b) {
    this.leaky = b.leaky;
    this.alpha = b.alpha;
    this.weights = b.weights;
    this.activation = b.activation;
    this.softplusBeta = b.softplusBeta;
    this.drive = b.drive;
    this.batchFirst = b.batchFirst;
    this.x0 = b.x0;
    this.h0 = b.h0;
  }

  /**
   * Starts the leaky recurrence {@code x_t = x_{t-1} + alpha ((h_{t-1} W^T + E_t) - x_{t-1})}.
   *
   * @param weights {@code W}, of shape {@code [N, N]}
   * @param alpha the leak {@code dt / tau}
   * @return a builder of the leaky recurrence
   */
  public static Builder leaky(Tensor weights, double alpha) {
    return new Builder(true, alpha, weights);
  }

  /**
   * Starts the Elman recurrence {@code x_t = h_{t-1} W^T + E_t}.
   *
   * @param weights {@code W}, of shape {@code [N, N]}
   * @return a builder of the Elman recurrence
   */
  public static Builder elman(Tensor weights) {
    return new Builder(false, Double.NaN, weights);
  }

  /** {@return whether this is the leaky recurrence (else the Elman one)} */
  public boolean isLeaky() {
    return leaky;
  }

  /** {@return the leak {@code alpha}; NaN for the Elman recurrence} */
  public double alpha() {
    return alpha;
  }

  /** {@return {@code W}, of shape {@code [N, N]}} */
  public Tensor weights() {
    return weights;
  }

  /** {@return the activation {@code f}} */
  public Activation activation() {
    return activation;
  }

  /**
   * {@return softplus's {@code beta} (1 unless set; ignored by the other activations)}: a
   *     recurrence whose softplus has {@code beta != 1} runs on the composed path of {@link
   *     AbstractBackend#recurrence}, which applies it with {@link Backend#activate(Activation,
   *     double, Tensor)}
   */
  public double softplusBeta() {
    return softplusBeta;
  }

  /** {@return whether the activation is softplus with a {@code beta} other than 1} */
  public boolean hasSoftplusBeta() {
    return activation == Activation.SOFTPLUS && softplusBeta != 1.0;
  }

  /**
   * {@return the drive {@code E}: {@code [B, T, N]} if {@link #batchFirst()}, else {@code [T, B,
   *     N]}}
   */
  public Tensor drive() {
    return drive;
  }

  /** {@return whether the drive (and the results) are batch first} */
  public boolean batchFirst() {
    return batchFirst;
  }

  /**
   * {@return the initial pre-activation {@code x_0} ({@code [B, N]}); null for the Elman
   *     recurrence}
   */
  public Tensor x0() {
    return x0;
  }

  /** {@return the initial activation {@code h_0} ({@code [B, N]})} */
  public Tensor h0() {
    return h0;
  }

  /** {@return the batch size {@code B}, read from the drive's shape} */
  public int batchSize() {
    return drive.dim(batchFirst ? 0 : 1);
  }

  /** {@return the number of steps {@code T}, read from the drive's shape} */
  public int steps() {
    return drive.dim(batchFirst ? 1 : 0);
  }

  /** Builds a {@link RecurrenceSpec}; shapes and dtypes are checked by the backend that runs it. */
  public static final class Builder {
    private final boolean leaky;
    private final double alpha;
    private final Tensor weights;
    private Activation activation;
    private double softplusBeta = 1.0;
    private Tensor drive;
    private boolean batchFirst = true;
    private Tensor x0;
    private Tensor h0;

    private Builder(boolean leaky, double alpha, Tensor weights) {
      this.leaky = leaky;
      this.alpha = alpha;
      this.weights = Objects.requireNonNull(weights, "weights");
    }

    /**
     * Sets the activation {@code f} (required).
     *
     * @param f the activation
     * @return this builder
     */
    public Builder activation(Activation f) {
      this.activation = f;
      return this;
    }

    /**
     * Sets softplus's {@code beta} (default 1; ignored by the other activations).
     *
     * @param beta positive and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code beta} is not positive and finite
     */
    public Builder softplusBeta(double beta) {
      this.softplusBeta = Activation.requireBeta(beta);
      return this;
    }

    /**
     * Sets the drive {@code E} (required).
     *
     * @param e {@code [B, T, N]} if {@code batchFirst}, else {@code [T, B, N]}
     * @param batchFirst whether {@code e} is {@code [B, T, N]} (else {@code [T, B, N]})
     * @return this builder
     */
    public Builder drive(Tensor e, boolean batchFirst) {
      this.drive = e;
      this.batchFirst = batchFirst;
      return this;
    }

    /**
     * Sets the initial pre-activation {@code x_0}, {@code [B, N]} (leaky recurrence only).
     *
     * @param x the initial pre-activation {@code [B, N]}
     * @return this builder
     */
    public Builder x0(Tensor x) {
      this.x0 = x;
      return this;
    }

    /**
     * Sets the initial activation {@code h_0}, {@code [B, N]} (required).
     *
     * @param h the initial activation {@code [B, N]}, or null for {@code act(x0)}
     * @return this builder
     */
    public Builder h0(Tensor h) {
      this.h0 = h;
      return this;
    }

    /** {@return the spec} */
    public RecurrenceSpec build() {
      return new RecurrenceSpec(this);
    }
  }
}
