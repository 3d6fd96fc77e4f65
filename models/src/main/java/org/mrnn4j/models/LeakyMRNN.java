package org.mrnn4j.models;

import java.util.EnumSet;
import java.util.Set;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;
import org.mrnn4j.core.dynamics.JacobianFactors;

/**
 * The leaky multi-regional RNN (mRNNTorch's {@code mRNN}): per step
 *
 * <pre>
 *   x' = x + alpha (-x + W_rec h + W_inp u + b [+ stim]),   h' = act(x'),   alpha = dt / tau
 * </pre>
 *
 * with effective weights ({@link RecurrentModel#recurrentWeights()}). Build one with
 * {@link #builder()}, from an mRNNTorch config ({@link org.mrnn4j.models.io.MrnnConfig#builder()}), or load one
 * ({@link org.mrnn4j.models.io.CheckpointLoader}, {@link org.mrnn4j.models.io.ModelFiles}).
 * Immutable and thread-safe; {@link #close()} frees its tensors.
 *
 * <p>This class is the one home of the leaky dynamics: its step and recurrence, and, for the
 * analyses ({@link org.mrnn4j.core.dynamics.RecurrentDynamics}), its Jacobian factors and its
 * host-side map. It offers two coordinates:
 *
 * <table>
 *   <caption>The leaky update linearized (mRNNTorch's {@code mLinearization})</caption>
 *   <tr><th>coordinates</th><th>state Jacobian</th><th>input Jacobian</th><th>{@code f(p)}</th></tr>
 *   <tr><td>{@link Coordinates#PRE_ACTIVATION} ({@code dh = false}), {@code h = act(x)}</td>
 *       <td>{@code (1 - alpha) I + alpha W_rec diag(act'(x))}</td><td>{@code alpha W_inp}</td>
 *       <td>{@code x'}</td></tr>
 *   <tr><td>{@link Coordinates#ACTIVATION} ({@code dh = true}), given {@code x} and {@code h}</td>
 *       <td>{@code diag(act'(x')) alpha W_rec}</td><td>{@code diag(act'(x')) alpha W_inp}</td>
 *       <td>{@code h'}</td></tr>
 * </table>
 *
 * Its host map ({@link #hostMap}) in pre-activation coordinates is one leaky step,
 * {@code r(x) = alpha (-x + W act(x) + c)}; in activations it is the fixed-point equation
 * {@code r(h) = act(W h + c) - h}, whose fixed points are exactly the leaky network's
 * ({@code h* = act(x*)}), with the Jacobian of the leaky dynamics in {@code h},
 * {@code (1 - alpha) I + alpha diag(act'(z)) W}, {@code z = W h + c}, for stability (similar to
 * the one in {@code x}: the same eigenvalues).
 */
public final class LeakyMRNN extends MRNNBase {
  LeakyMRNN(ModelCore core) {
    super(core, ModelKind.LEAKY, "a LeakyMRNN needs a leaky spec");
  }

  /**
   * {@return a builder for a leaky model with mRNNTorch's defaults (relu, dt 10, tau 100, Dale's
   *     law on)}
   */
  public static ModelBuilder<LeakyMRNN> builder() {
    return ModelBuilder.leaky();
  }

  /** {@return the Euler step {@code dt}} */
  public double dt() {
    return core.spec.dt();
  }

  /** {@return the time constant {@code tau}} */
  public double tau() {
    return core.spec.tau();
  }

  /** {@return {@code alpha = dt / tau}} */
  public double alpha() {
    return core.spec.alpha();
  }

  /**
   * One step for a batch: {@code x' = x + alpha(-x + h W_rec^T + u W_inp^T + b [+ stim])},
   * {@code h' = act(x')}. Operands are {@code [B, .]} (or all unbatched {@code [.]}).
   *
   * @param x pre-activation {@code [B, N]}
   * @param h activation {@code [B, N]}, or null for {@code act(x)}
   * @param input input {@code [B, I]}
   * @param stim additive stimulus {@code [B, N]}, or null
   * @return the new state; the caller owns (and closes) it
   * @throws IllegalArgumentException naming an operand of the wrong shape (with its shape and
   *     the expected one) or backend. Values are not checked: NaN and infinity propagate row by
   *     row (see {@link RecurrentModel#simulate(Simulation)}).
   */
  public LeakyState step(Tensor x, Tensor h, Tensor input, Tensor stim) {
    core.requireOwned("x", x);
    Tensor[] next = core.guarded("step", () -> core.checkedStep(this, x, h, input, stim));
    return new LeakyState(next[0], next[1]);
  }

  /** One noise-free step from {@code x} ({@code h = act(x)}): {@code x'}. */
  @Override
  public Tensor step(Tensor states, Tensor inputs, Tensor stim) {
    return stepWith(null, states, inputs, stim);
  }

  /** {@link #step(Tensor, Tensor, Tensor)} with replacement recurrent weights (null: the model's). */
  @Override
  public Tensor stepWith(Tensor recurrentWeights, Tensor states, Tensor inputs, Tensor stim) {
    core.requireOwned("x", states);
    Tensor[] next = core.guarded("step",
        () -> core.checkedStep(this, states, null, inputs, stim, recurrentWeights));
    next[1].close();
    return next[0];
  }

  /**
   * The step projected, {@code x' P^T}, in O(B N K): since
   * {@code x' = (1 - alpha) x + alpha (act(x) W^T + u W_inp^T + b [+ stim])}, it is
   * {@code (1 - alpha) x P^T + alpha (act(x) (P W)^T + u (P W_inp)^T + P b [+ stim P^T])}, which
   * never forms the {@code [B, N]} product with {@code W}. Equal to the step followed by the
   * projection up to rounding (the sums are taken in another order).
   */
  @Override
  public Tensor projectedStep(Tensor projection, Tensor recurrentWeights, Tensor states,
      Tensor inputs, Tensor stim) {
    return core.guarded("projected step", () -> {
      core.requireOwned("projection", projection);
      if (projection.rank() != 2 || projection.dim(1) != numUnits()) {
        throw new IllegalArgumentException("the projection has shape "
            + Shapes.format(projection.shape()) + ", expected [K, " + numUnits() + "]");
      }
      core.checkReplacementWeights(recurrentWeights);
      core.checkBatch("x", states, inputs, stim);
      Backend backend = backend();
      double alpha = alpha();
      Tensor w = recurrentWeights == null ? recurrentWeights() : recurrentWeights;
      try (TensorScope scope = new TensorScope()) {
        Tensor pw = scope.track(backend.matmul(projection, w));
        Tensor pu = scope.track(backend.matmul(projection, inputWeights()));
        Tensor bias = scope.track(backend.reshape(tonicInput(), 1, numUnits()));
        Tensor pb = scope.track(backend.reshape(
            scope.track(backend.matmul(bias, false, projection, true)), projection.dim(0)));
        Tensor h = scope.track(backend.activate(activation(), softplusBeta(), states));
        Tensor drive = scope.track(backend.add(
            scope.track(backend.matmul(h, false, pw, true)),
            scope.track(backend.matmul(inputs, false, pu, true))));
        drive = scope.track(backend.addVector(drive, pb));
        if (stim != null) {
          drive = scope.track(backend.add(drive,
              scope.track(backend.matmul(stim, false, projection, true))));
        }
        Tensor px = scope.track(backend.matmul(states, false, projection, true));
        return backend.axpby(1.0 - alpha, px, alpha, drive);
      }
    });
  }

  // ------------------------------------------------------------------ the kind's dynamics

  @Override
  public RecurrenceSpec.Builder recurrence(Tensor weights, Tensor x0) {
    return RecurrenceSpec.leaky(weights, alpha()).x0(x0);
  }

  @Override
  public double noiseAlpha() {
    return alpha();
  }

  @Override
  public Tensor[] initialStates(ModelCore c, TensorScope scope, Simulation sim, int batch) {
    Backend backend = c.backend;
    Tensor x = sim.x0() == null
        ? scope.track(ModelCore.repeatRows(backend, c.init, batch))
        : c.initialState(scope, "x0", sim.x0(), batch);
    Tensor h = sim.h0() == null
        ? scope.track(backend.activate(activation(), softplusBeta(), x))
        : c.initialState(scope, "h0", sim.h0(), batch);
    return new Tensor[] {x, h};
  }

  @Override
  public Coordinates naturalCoordinates() {
    return Coordinates.PRE_ACTIVATION;
  }

  @Override
  public Set<Coordinates> coordinates() {
    return EnumSet.of(Coordinates.PRE_ACTIVATION, Coordinates.ACTIVATION);
  }

  /** {@code dt} in pre-activation coordinates, where {@code J = I + dt A}; NaN in {@code h}. */
  @Override
  public double continuousTimeStep(Coordinates coordinates) {
    // only J = (1 - alpha) I + alpha W D is of the form I + dt A; the activation-coordinate
    // Jacobian is not the discretisation of an ODE in h
    return coordinates == Coordinates.PRE_ACTIVATION ? dt() : Double.NaN;
  }

  @Override
  public JacobianFactors jacobianFactors(TensorScope scope, Coordinates coordinates,
      Tensor states, Tensor activations, Tensor inputs, boolean withNext) {
    requireCoordinates(coordinates);
    Backend backend = backend();
    Activation act = activation();
    double alpha = alpha();
    if (coordinates == Coordinates.PRE_ACTIVATION) {
      // dh = false: h is act(x) by definition; a given h is ignored, as the reference does
      Tensor c = scope.track(backend.activateDerivative(act, softplusBeta(), states));
      Tensor next = null;
      if (withNext) {
        LeakyState step = step(states, null, inputs, null);
        scope.track(step.h());
        next = scope.track(step.x());
      }
      return new JacobianFactors(1.0 - alpha, alpha, null, c, null, next);
    }
    LeakyState step = step(states, activations, inputs, null);
    scope.track(step.x());
    scope.track(step.h());
    Tensor r = scope.track(backend.activateDerivative(act, softplusBeta(), step.x()));
    return new JacobianFactors(0.0, alpha, r, null, r, step.h());
  }

  @Override
  public HostMap hostMap(Coordinates coordinates, double[] input, IndexRanges included,
      double[] heldState) {
    requireCoordinates(coordinates);
    Activation act = activation();
    double beta = softplusBeta();
    HostNetwork net = hostNetwork(input, included, heldState,
        coordinates == Coordinates.PRE_ACTIVATION ? v -> act.apply(v, beta) : v -> v);
    return hostMap(net, act, beta, alpha(), coordinates);
  }

  /**
   * The leaky map of a network given as arrays (the held units' activity already in its
   * drive): for solvers and tests without a model.
   *
   * @param alpha {@code dt / tau}, positive
   * @param network the network's weights and bias over the searched units
   * @param activation the activation
   * @param coordinates the map's coordinates
   * @return the map, on the host
   * @throws IllegalArgumentException if {@code alpha} is not positive and finite
   */
  public static HostMap hostMap(HostNetwork network, Activation activation, double alpha,
      Coordinates coordinates) {
    return hostMap(network, activation, 1.0, alpha, coordinates);
  }

  /**
   * {@link #hostMap(HostNetwork, Activation, double, Coordinates)} with softplus's {@code beta}.
   *
   * @param network the network's weights and bias over the searched units
   * @param activation the activation
   * @param beta softplus's {@code beta} (ignored by the other activations)
   * @param alpha {@code dt / tau}, positive
   * @param coordinates the map's coordinates
   * @return the map, on the host
   * @throws IllegalArgumentException if {@code alpha} or {@code beta} is not positive and finite
   */
  public static HostMap hostMap(HostNetwork network, Activation activation, double beta,
      double alpha, Coordinates coordinates) {
    Activation.requireBeta(beta);
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha = dt / tau must be positive and finite, got "
          + alpha);
    }
    // in h the residual is the fixed-point equation act(W h + c) - h: the Elman map's own
    return new LeakyHostMap(network, activation, beta, alpha, coordinates,
        ElmanMRNN.hostMap(network, activation, beta));
  }

  /**
   * {@link #hostMap}: the leaky update on plain arrays, in {@code x} or in {@code h}; in
   * {@code h} its residual (and that residual's Jacobian and rounding floor) is
   * {@code equation}'s.
   */
  private record LeakyHostMap(HostNetwork network, Activation activation, double beta,
      double alpha,
      Coordinates coordinates, HostMap equation) implements HostMap {

    private boolean inX() {
      return coordinates == Coordinates.PRE_ACTIVATION;
    }

    private double[] activate(double[] v) {
      double[] h = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        h[i] = activation.apply(v[i], beta);
      }
      return h;
    }

    @Override
    public void residual(double[] s, double[] r) {
      if (!inX()) {
        equation.residual(s, r);
        return;
      }
      network.check(s, "state");
      double[] drive = network.drive();
      double[] h = activate(s);
      for (int i = 0; i < s.length; i++) {
        r[i] = alpha * (network.dotRow(i, h) + drive[i] - s[i]);
      }
    }

    @Override
    public void residualJacobian(double[] s, double[] jac) {
      if (!inX()) {
        equation.residualJacobian(s, jac);
        return;
      }
      network.check(s, "state");
      double[] w = network.weights();
      int n = s.length;
      double[] d = new double[n];
      for (int j = 0; j < n; j++) {
        d[j] = alpha * activation.derivative(s[j], beta);
      }
      for (int i = 0; i < n; i++) {
        int row = i * n;
        for (int j = 0; j < n; j++) {
          jac[row + j] = w[row + j] * d[j];
        }
        jac[row + i] -= alpha;
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
        // x: (1 - alpha) I + alpha W diag(act'(x)); h: (1 - alpha) I + alpha diag(act'(z)) W
        double rowScale = inX() ? alpha : alpha * activation.derivative(network.dotRow(r, s)
            + drive[r], beta);
        for (int c = 0; c < n; c++) {
          double colScale = inX() ? activation.derivative(s[c], beta) : 1.0;
          j[r][c] = rowScale * w[r * n + c] * colScale;
        }
        j[r][r] += 1.0 - alpha;
      }
      return j;
    }

    @Override
    public double roundingFloor(double[] s) {
      return inX() ? network.roundingFloor(s, activate(s), alpha) : equation.roundingFloor(s);
    }

    @Override
    public double[][] trajectory(double[] naturalState, int steps) {
      network.check(naturalState, "initial model state");
      if (steps < 0) {
        throw new IllegalArgumentException("steps must be >= 0, got " + steps);
      }
      int n = naturalState.length;
      double[] drive = network.drive();
      double[][] out = new double[steps + 1][];
      double[] v = naturalState.clone();
      for (int t = 0; ; t++) {
        out[t] = inX() ? v.clone() : activate(v);
        if (t == steps) {
          break;
        }
        // the leaky step in x: the drive is the same in both coordinates
        double[] h = activate(v);
        double[] next = new double[n];
        for (int i = 0; i < n; i++) {
          next[i] = v[i] + alpha * (network.dotRow(i, h) + drive[i] - v[i]);
        }
        v = next;
      }
      return out;
    }
  }

  /**
   * The new state of one step.
   *
   * @param x pre-activation {@code x'}
   * @param h activation {@code h' = act(x')}
   */
  public record LeakyState(Tensor x, Tensor h) implements AutoCloseable {
    /** Frees both tensors. */
    @Override
    public void close() {
      x.close();
      h.close();
    }
  }

  /**
   * A noiseless simulation from {@code x0} ({@code h0 = act(x0)}), batch first: input
   * {@code [B, T, I]}, x0 {@code [B, N]}; returns {@code xs, hs} of shape {@code [B, T, N]}.
   *
   * @param input the input sequence {@code [B, T, I]}
   * @param x0 the initial pre-activation {@code [B, N]} or {@code [N]}, or null for the default
   * @return the states after each step, owned by the caller
   */
  public Trajectory simulate(Tensor input, Tensor x0) {
    return simulate(Simulation.of(input).x0(x0));
  }

  @Override
  public String toString() {
    return "LeakyMRNN[N=" + numUnits() + ", I=" + numInputs() + ", " + activation() + ", alpha="
        + alpha() + ", backend=" + core.backend.name() + ", " + core.layout + "]";
  }
}
