package org.mrnn4j.models;

import java.util.EnumSet;
import java.util.Set;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;
import org.mrnn4j.core.dynamics.JacobianFactors;

/**
 * The Elman multi-regional RNN (mRNNTorch's {@code ElmanmRNN}): per step
 *
 * <pre>
 *   h' = act(W_rec h + W_inp u + b [+ stim])
 * </pre>
 *
 * with effective weights ({@link RecurrentModel#recurrentWeights()}). It is the leaky model with
 * {@code alpha = 1}; noise uses that {@code alpha} (see {@link Simulation}), where mRNNTorch
 * fails. Immutable and thread-safe; {@link #close()} frees its tensors.
 *
 * <p>This class is the one home of the Elman dynamics: its step and recurrence, and, for the
 * analyses ({@link org.mrnn4j.core.dynamics.RecurrentDynamics}), its Jacobian factors (mRNNTorch's
 * {@code emLinearization}: state Jacobian {@code diag(act'(z)) W_rec}, input Jacobian
 * {@code diag(act'(z)) W_inp}, {@code z = W_rec h + W_inp u + b}, {@code f(p) = h'}) and its host
 * map ({@code r(h) = act(W h + c) - h}, one step). Its only coordinates are the activation
 * {@code h}.
 */
public final class ElmanMRNN extends MRNNBase {
  ElmanMRNN(ModelCore core) {
    super(core, ModelKind.ELMAN, "an ElmanMRNN needs an Elman spec");
  }

  /** {@return a builder for an Elman model with mRNNTorch's defaults (relu, Dale's law on)} */
  public static ModelBuilder<ElmanMRNN> builder() {
    return ModelBuilder.elman();
  }

  /**
   * One step for a batch: {@code h' = act(h W_rec^T + u W_inp^T + b [+ stim])}. Operands are
   * {@code [B, .]} (or all unbatched {@code [.]}).
   *
   * @param h state {@code [B, N]}
   * @param input input {@code [B, I]}
   * @param stim additive stimulus {@code [B, N]}, or null
   * @return {@code h'}; the caller owns it
   * @throws IllegalArgumentException naming an operand of the wrong shape (with its shape and
   *     the expected one) or backend. Values are not checked: NaN and infinity propagate row by
   *     row (see {@link RecurrentModel#simulate(Simulation)}).
   */
  @Override
  public Tensor step(Tensor h, Tensor input, Tensor stim) {
    return stepWith(null, h, input, stim);
  }

  /** {@link #step(Tensor, Tensor, Tensor)} with replacement recurrent weights (null: the model's). */
  @Override
  public Tensor stepWith(Tensor recurrentWeights, Tensor h, Tensor input, Tensor stim) {
    core.requireOwned("h", h);
    Tensor[] next = core.guarded("step",
        () -> core.checkedStep(this, null, h, input, stim, recurrentWeights));
    next[0].close();
    return next[1];
  }

  // ------------------------------------------------------------------ the kind's dynamics

  @Override
  public RecurrenceSpec.Builder recurrence(Tensor weights, Tensor x0) {
    return RecurrenceSpec.elman(weights);
  }

  /** 1: the Elman model is the leaky one with {@code alpha = 1}, for the noise too. */
  @Override
  public double noiseAlpha() {
    return 1.0;
  }

  @Override
  public Tensor[] initialStates(ModelCore c, TensorScope scope, Simulation sim, int batch) {
    if (sim.x0() != null) {
      throw new IllegalArgumentException(
          "the Elman model's state is h; give h0 instead of x0 (x0 applies to the leaky model)");
    }
    Tensor h = sim.h0() == null
        ? scope.track(ModelCore.repeatRows(c.backend, c.init, batch))
        : c.initialState(scope, "h0", sim.h0(), batch);
    return new Tensor[] {null, h};
  }

  @Override
  public Coordinates naturalCoordinates() {
    return Coordinates.ACTIVATION;
  }

  @Override
  public Set<Coordinates> coordinates() {
    return EnumSet.of(Coordinates.ACTIVATION);
  }

  /** NaN: the Elman map is not the discretisation of an ODE. */
  @Override
  public double continuousTimeStep(Coordinates coordinates) {
    return Double.NaN;
  }

  @Override
  public JacobianFactors jacobianFactors(TensorScope scope, Coordinates coordinates,
      Tensor states, Tensor activations, Tensor inputs, boolean withNext) {
    requireCoordinates(coordinates);
    if (activations != null) {
      throw new IllegalArgumentException("the Elman model's state is its activation h: give it as "
          + "the state, without a separate activation");
    }
    Backend backend = backend();
    // z = h W_rec^T + u W_inp^T + b, row-wise over the batch
    Tensor rec = scope.track(backend.matmul(states, false, recurrentWeights(), true));
    Tensor inp = scope.track(backend.matmul(inputs, false, inputWeights(), true));
    Tensor sum = scope.track(backend.add(rec, inp));
    Tensor z = scope.track(backend.addVector(sum, tonicInput()));
    Tensor r = scope.track(backend.activateDerivative(activation(), softplusBeta(), z));
    Tensor next = withNext ? scope.track(step(states, inputs, null)) : null;
    return new JacobianFactors(0.0, 1.0, r, null, r, next);
  }

  @Override
  public HostMap hostMap(Coordinates coordinates, double[] input, IndexRanges included,
      double[] heldState) {
    requireCoordinates(coordinates);
    return hostMap(hostNetwork(input, included, heldState, v -> v), activation(), softplusBeta());
  }

  /**
   * {@return the Elman map of a network given as arrays: for solvers and tests without a model}
   *
   * @param network the network's weights and bias over the searched units
   * @param activation the activation
   */
  public static HostMap hostMap(HostNetwork network, Activation activation) {
    return hostMap(network, activation, 1.0);
  }

  /**
   * {@link #hostMap(HostNetwork, Activation)} with softplus's {@code beta}.
   *
   * @param network the network's weights and bias over the searched units
   * @param activation the activation
   * @param beta softplus's {@code beta} (ignored by the other activations)
   * @return the map, on the host
   * @throws IllegalArgumentException if {@code beta} is not positive and finite
   */
  public static HostMap hostMap(HostNetwork network, Activation activation, double beta) {
    return new ElmanHostMap(network, activation, Activation.requireBeta(beta));
  }

  /** {@link #hostMap}: one Elman step on plain arrays. */
  private record ElmanHostMap(HostNetwork network, Activation activation, double beta)
      implements HostMap {
    @Override
    public Coordinates coordinates() {
      return Coordinates.ACTIVATION;
    }

    @Override
    public void residual(double[] s, double[] r) {
      network.check(s, "state");
      double[] drive = network.drive();
      for (int i = 0; i < s.length; i++) {
        r[i] = activation.apply(network.dotRow(i, s) + drive[i], beta) - s[i];
      }
    }

    @Override
    public void residualJacobian(double[] s, double[] jac) {
      network.check(s, "state");
      double[] w = network.weights();
      double[] drive = network.drive();
      int n = s.length;
      for (int i = 0; i < n; i++) {
        int row = i * n;
        double d = activation.derivative(network.dotRow(i, s) + drive[i], beta);
        for (int j = 0; j < n; j++) {
          jac[row + j] = d * w[row + j];
        }
        jac[row + i] -= 1.0;
      }
    }

    @Override
    public double[][] mapJacobian(double[] s) {
      network.check(s, "state");
      double[] w = network.weights();
      double[] drive = network.drive();
      int n = s.length;
      double[][] j = new double[n][n];
      for (int r = 0; r < n; r++) {
        double d = activation.derivative(network.dotRow(r, s) + drive[r], beta);
        for (int c = 0; c < n; c++) {
          j[r][c] = d * w[r * n + c];
        }
      }
      return j;
    }

    @Override
    public double roundingFloor(double[] s) {
      return network.roundingFloor(s, s, 1.0);
    }

    @Override
    public double[][] trajectory(double[] naturalState, int steps) {
      network.check(naturalState, "initial model state");
      if (steps < 0) {
        throw new IllegalArgumentException("steps must be >= 0, got " + steps);
      }
      double[][] out = new double[steps + 1][];
      double[] v = naturalState.clone();
      double[] r = new double[v.length];
      for (int t = 0; ; t++) {
        out[t] = v.clone();
        if (t == steps) {
          break;
        }
        residual(v, r);
        for (int i = 0; i < v.length; i++) {
          v[i] += r[i];
        }
      }
      return out;
    }
  }

  /**
   * A noiseless simulation from {@code h0}, batch first: input {@code [B, T, I]}, h0
   * {@code [B, N]}; returns {@code xs} (pre-activations) and {@code hs}, {@code [B, T, N]}.
   *
   * @param input the input sequence {@code [B, T, I]}
   * @param h0 the initial activation {@code [B, N]} or {@code [N]}, or null for the default
   * @return the states after each step, owned by the caller
   */
  public Trajectory simulate(Tensor input, Tensor h0) {
    return simulate(Simulation.of(input).h0(h0));
  }

  @Override
  public String toString() {
    return "ElmanMRNN[N=" + numUnits() + ", I=" + numInputs() + ", " + activation()
        + ", backend=" + core.backend.name() + ", " + core.layout + "]";
  }
}
