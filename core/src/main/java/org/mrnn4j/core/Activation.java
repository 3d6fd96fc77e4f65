package org.mrnn4j.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The activation functions of mRNNTorch, with PyTorch's conventions for values and derivatives.
 *
 * <p>The scalar {@link #apply(double)} and {@link #derivative(double)} are the definition every
 * backend must reproduce: {@code relu'(0) = 0}; softplus has PyTorch's defaults (beta 1,
 * threshold 20) so it is the identity above 20 with derivative 1 there. Softplus with
 * mRNNTorch's {@code softplus_beta} ({@code nn.Softplus(beta)}) is {@link #apply(double, double)}
 * and {@link #derivative(double, double)}: {@code log(1 + exp(beta x)) / beta}, the identity
 * where {@code beta x > 20} (PyTorch's threshold applies to {@code beta x}).
 */
public enum Activation {
  /** {@code max(x, 0)}; derivative 1 for {@code x > 0}, else 0 (so {@code relu'(0) = 0}). */
  RELU("relu") {
    @Override
    public double apply(double x) {
      return x > 0 ? x : 0.0;
    }

    @Override
    public double derivative(double x) {
      return x > 0 ? 1.0 : 0.0;
    }
  },
  /** Hyperbolic tangent; derivative {@code 1 - tanh(x)^2}. */
  TANH("tanh") {
    @Override
    public double apply(double x) {
      return Math.tanh(x);
    }

    @Override
    public double derivative(double x) {
      double t = Math.tanh(x);
      return 1.0 - t * t;
    }
  },
  /** Logistic sigmoid {@code 1 / (1 + exp(-x))}; derivative {@code s (1 - s)}. */
  SIGMOID("sigmoid") {
    @Override
    public double apply(double x) {
      return 1.0 / (1.0 + Math.exp(-x));
    }

    @Override
    public double derivative(double x) {
      double s = 1.0 / (1.0 + Math.exp(-x));
      return s * (1.0 - s);
    }
  },
  /**
   * {@code log(1 + exp(x))}, or {@code x} when {@code x > 20} (PyTorch's threshold); derivative
   * {@code exp(x) / (exp(x) + 1)}, or 1 when {@code x > 20}.
   */
  SOFTPLUS("softplus") {
    @Override
    public double apply(double x) {
      return x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
    }

    @Override
    public double derivative(double x) {
      if (x > SOFTPLUS_THRESHOLD) {
        return 1.0;
      }
      double z = Math.exp(x);
      return z / (z + 1.0);
    }
  },
  /** The identity; derivative 1. */
  LINEAR("linear") {
    @Override
    public double apply(double x) {
      return x;
    }

    @Override
    public double derivative(double x) {
      return 1.0;
    }
  };

  /** PyTorch's default softplus threshold: above it softplus returns its input unchanged. */
  public static final double SOFTPLUS_THRESHOLD = 20.0;

  private final String label;

  Activation(String label) {
    this.label = label;
  }

  /**
   * {@return the activation's value at {@code x}}
   *
   * @param x the pre-activation
   */
  public abstract double apply(double x);

  /**
   * {@return the activation's derivative at {@code x}, with PyTorch's conventions at kinks}
   *
   * @param x the pre-activation
   */
  public abstract double derivative(double x);

  /**
   * {@return the activation's value at {@code x} with PyTorch's {@code beta}: for softplus
   *     {@code x} where {@code beta x > 20}, else {@code log1p(exp(beta x)) / beta}, as PyTorch's
   *     {@code nn.Softplus(beta)} computes it; the other activations have no beta (it is ignored)}
   *
   * @param x the pre-activation
   * @param beta softplus's {@code beta} (1 is {@link #apply(double)})
   */
  public double apply(double x, double beta) {
    if (this != SOFTPLUS || beta == 1.0) {
      return apply(x);
    }
    double y = x * beta;
    return y > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(y)) / beta;
  }

  /**
   * {@return the derivative at {@code x} with PyTorch's {@code beta}: for softplus 1 where
   *     {@code beta x > 20}, else {@code exp(beta x) / (exp(beta x) + 1)}; the other activations
   *     have no beta (it is ignored)}
   *
   * @param x the pre-activation
   * @param beta softplus's {@code beta} (1 is {@link #derivative(double)})
   */
  public double derivative(double x, double beta) {
    return this != SOFTPLUS || beta == 1.0 ? derivative(x) : derivative(x * beta);
  }

  /**
   * Checks a softplus {@code beta}: positive and finite.
   *
   * @param beta the value
   * @return {@code beta}
   * @throws IllegalArgumentException naming it otherwise
   */
  public static double requireBeta(double beta) {
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("softplus_beta must be positive and finite, got " + beta);
    }
    return beta;
  }

  /** {@return the name mRNNTorch uses, for example {@code tanh}} */
  public String label() {
    return label;
  }

  /**
   * Looks an activation up by its mRNNTorch name, ignoring case.
   *
   * @param name the activation's mRNNTorch name
   * @return the activation of that name
   * @throws IllegalArgumentException naming the known activations when {@code name} is none
   */
  public static Activation fromName(String name) {
    if (name != null) {
      String key = name.trim().toLowerCase(Locale.ROOT);
      for (Activation a : values()) {
        if (a.label.equals(key)) {
          return a;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "': expected one of "
            + Arrays.stream(values()).map(Activation::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
