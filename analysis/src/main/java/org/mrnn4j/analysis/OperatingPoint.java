package org.mrnn4j.analysis;

import org.mrnn4j.core.dynamics.Coordinates;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where a model is linearized: its state and the input it receives there (the {@code input},
 * {@code x} and {@code h} arguments of mRNNTorch's {@code mLinearization.jacobian} /
 * {@code emLinearization.jacobian}). Immutable.
 *
 * <ul>
 *   <li>Leaky model: the state is the pre-activation {@code x}; the activation {@code h} is
 *       optional and used only in {@link Coordinates#ACTIVATION} coordinates (mRNNTorch's
 *       {@code h} argument with {@code dh = true}); when absent it is {@code act(x)}.
 *   <li>Elman model: the state is the activation {@code h}; there is no separate activation.
 * </ul>
 *
 * <p>Every vector is over all units (or all inputs) of the model, whatever region subset is
 * linearized, as in mRNNTorch.
 */
public final class OperatingPoint {
  private final double[] state;
  private final double[] activation;
  private final double[] input;

  private OperatingPoint(double[] state, double[] activation, double[] input) {
    this.state = Objects.requireNonNull(state, "state").clone();
    this.activation = activation == null ? null : activation.clone();
    this.input = Objects.requireNonNull(input, "input").clone();
    if (activation != null && activation.length != state.length) {
      throw new IllegalArgumentException("the activation h has " + activation.length
          + " entries but the state x has " + state.length + "; both must cover all units");
    }
  }

  /**
   * A point given by its state ({@code x} for the leaky model, {@code h} for the Elman model) and
   * input (copied).
   *
   * @param state the state over all units: {@code x} (leaky) or {@code h} (Elman)
   * @param input the input over all inputs
   * @return the point
   */
  public static OperatingPoint of(double[] state, double[] input) {
    return new OperatingPoint(state, null, input);
  }

  /**
   * A leaky-model point with both the pre-activation {@code x} and the activation {@code h}, as
   * mRNNTorch's {@code mLinearization.jacobian(input, x, h, dh=True)} takes them (copied).
   *
   * @param x the pre-activation over all units
   * @param h the activation, or {@code null} for {@code act(x)}
   * @param input the input over all inputs
   * @return the point
   * @throws IllegalArgumentException if {@code h} and {@code x} differ in length
   */
  public static OperatingPoint of(double[] x, double[] h, double[] input) {
    return new OperatingPoint(x, h, input);
  }

  /** {@return the state: {@code x} (leaky) or {@code h} (Elman); a copy} */
  public double[] state() {
    return state.clone();
  }

  /** {@return the leaky model's activation {@code h}, or {@code null} when not given; a copy} */
  public double[] activation() {
    return activation == null ? null : activation.clone();
  }

  /** {@return whether a separate activation {@code h} was given} */
  public boolean hasActivation() {
    return activation != null;
  }

  /** {@return the input; a copy} */
  public double[] input() {
    return input.clone();
  }

  /** {@return the number of state entries} */
  public int stateSize() {
    return state.length;
  }

  /** {@return the number of input entries} */
  public int inputSize() {
    return input.length;
  }

  // Package-private, no-copy views for the linearizations.
  double[] stateView() {
    return state;
  }

  double[] activationView() {
    return activation;
  }

  double[] inputView() {
    return input;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperatingPoint p
        && Arrays.equals(state, p.state)
        && Arrays.equals(activation, p.activation)
        && Arrays.equals(input, p.input);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(state), Arrays.hashCode(activation), Arrays.hashCode(input));
  }

  @Override
  public String toString() {
    return "OperatingPoint[state " + state.length + " entries"
        + (activation != null ? ", activation given" : "") + ", input " + input.length + " entries]";
  }
}
