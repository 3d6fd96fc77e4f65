package org.mrnn4j.analysis.toykind;

import java.util.EnumSet;
import java.util.Set;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;
import org.mrnn4j.core.dynamics.JacobianFactors;
import org.mrnn4j.core.dynamics.ModelClosedException;
import org.mrnn4j.core.dynamics.RecurrentDynamics;
import org.mrnn4j.core.dynamics.UnitLayout;

/**
 * A third model kind, written against {@code mrnn4j-core} alone, to prove the model SPI: a
 * single-region rate network with a gain {@code g} and a leak {@code lambda} in its activation
 * coordinates,
 *
 * <pre>
 *   h' = (1 - lambda) h + lambda tanh(g z),   z = W h + U u + b [+ stim]
 * </pre>
 *
 * <p>Its Jacobian is {@code (1 - lambda) I + lambda g diag(tanh'(g z)) W}: the structured kernel's
 * {@code a = 1 - lambda}, {@code b = lambda g}, {@code r = tanh'(g z)}, no column scale; the input
 * Jacobian is {@code lambda g diag(tanh'(g z)) U}. Neither {@code mrnn4j-models} nor the analyses
 * know this kind.
 */
final class GainRnn implements RecurrentDynamics, AutoCloseable {
  private final Backend backend;
  private final double gain;
  private final double leak;
  private final double[][] w;
  private final double[][] u;
  private final double[] b;
  private final Tensor recurrent;
  private final Tensor input;
  private final Tensor tonic;
  private final UnitLayout layout;
  private volatile boolean closed;

  GainRnn(Backend backend, double gain, double leak, double[][] w, double[][] u, double[] b) {
    this.backend = backend;
    this.gain = gain;
    this.leak = leak;
    this.w = w;
    this.u = u;
    this.b = b;
    this.recurrent = backend.fromMatrix(w);
    this.input = backend.fromMatrix(u);
    this.tonic = backend.fromArray(b.clone(), b.length);
    this.layout = UnitLayout.single("all", w.length, u[0].length);
  }

  double gain() {
    return gain;
  }

  double leak() {
    return leak;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public UnitLayout layout() {
    return layout;
  }

  @Override
  public Activation activation() {
    return Activation.TANH;
  }

  @Override
  public Tensor recurrentWeights() {
    return live(recurrent);
  }

  @Override
  public Tensor inputWeights() {
    return live(input);
  }

  @Override
  public Tensor tonicInput() {
    return live(tonic);
  }

  @Override
  public Coordinates naturalCoordinates() {
    return Coordinates.ACTIVATION;
  }

  @Override
  public Set<Coordinates> coordinates() {
    return EnumSet.of(Coordinates.ACTIVATION);
  }

  /** NaN: a map, not the discretisation of an ODE (it would be one with {@code dt = lambda}). */
  @Override
  public double continuousTimeStep(Coordinates coordinates) {
    return Double.NaN;
  }

  @Override
  public JacobianFactors jacobianFactors(TensorScope scope, Coordinates coordinates,
      Tensor states, Tensor activations, Tensor inputs, boolean withNext) {
    require(coordinates);
    Tensor gz = scope.track(backend.scale(scope.track(drive(states, inputs, null, null)), gain));
    Tensor r = scope.track(backend.activateDerivative(Activation.TANH, gz));
    Tensor next = withNext ? scope.track(step(states, inputs, null)) : null;
    return new JacobianFactors(1 - leak, leak * gain, r, null, r, next);
  }

  @Override
  public Tensor step(Tensor states, Tensor inputs, Tensor stim) {
    return stepWith(null, states, inputs, stim);
  }

  @Override
  public Tensor stepWith(Tensor recurrentWeights, Tensor states, Tensor inputs, Tensor stim) {
    try (TensorScope scope = new TensorScope()) {
      Tensor z = scope.track(drive(states, inputs, stim, recurrentWeights));
      Tensor t = scope.track(backend.activate(Activation.TANH, scope.track(backend.scale(z, gain))));
      return backend.axpby(1 - leak, states, leak, t);
    }
  }

  /** {@code z = h W^T + u U^T + b [+ stim]}, row-wise; the caller owns it. */
  private Tensor drive(Tensor states, Tensor inputs, Tensor stim, Tensor weights) {
    try (TensorScope scope = new TensorScope()) {
      Tensor rec = scope.track(backend.matmul(states, false,
          weights == null ? recurrentWeights() : weights, true));
      Tensor inp = scope.track(backend.matmul(inputs, false, inputWeights(), true));
      Tensor sum = scope.track(backend.add(rec, inp));
      Tensor z = backend.addVector(sum, tonicInput());
      if (stim == null) {
        return z;
      }
      scope.track(z);
      return backend.add(z, stim);
    }
  }

  @Override
  public HostMap hostMap(Coordinates coordinates, double[] constantInput, IndexRanges included,
      double[] heldState) {
    require(coordinates);
    return new GainHostMap(
        HostNetwork.restrict(w, u, b, constantInput, included, heldState, v -> v), gain, leak);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public String describe() {
    return "gain RNN (" + numUnits() + " units, g = " + gain + ")";
  }

  @Override
  public void close() {
    closed = true;
    recurrent.close();
    input.close();
    tonic.close();
  }

  private Tensor live(Tensor t) {
    if (closed) {
      throw ModelClosedException.of("use", this, null);
    }
    return t;
  }

  private static void require(Coordinates coordinates) {
    if (coordinates != Coordinates.ACTIVATION) {
      throw new IllegalArgumentException("the gain RNN offers only ACTIVATION coordinates");
    }
  }

  /** The residual {@code r(h) = h' - h = lambda (tanh(g (W h + c)) - h)}. */
  private record GainHostMap(HostNetwork network, double gain, double leak) implements HostMap {
    @Override
    public Coordinates coordinates() {
      return Coordinates.ACTIVATION;
    }

    private double preActivation(double[] s, int i) {
      return gain * (network.dotRow(i, s) + network.drive()[i]);
    }

    @Override
    public void residual(double[] s, double[] r) {
      network.check(s, "state");
      for (int i = 0; i < s.length; i++) {
        r[i] = leak * (Math.tanh(preActivation(s, i)) - s[i]);
      }
    }

    @Override
    public void residualJacobian(double[] s, double[] jac) {
      double[][] m = mapJacobian(s);
      int n = s.length;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          jac[i * n + j] = m[i][j] - (i == j ? 1 : 0);
        }
      }
    }

    @Override
    public double[][] mapJacobian(double[] s) {
      network.check(s, "state");
      int n = s.length;
      double[][] m = new double[n][n];
      for (int i = 0; i < n; i++) {
        double t = Math.tanh(preActivation(s, i));
        double d = leak * gain * (1 - t * t);
        for (int j = 0; j < n; j++) {
          m[i][j] = d * network.weights()[i * n + j];
        }
        m[i][i] += 1 - leak;
      }
      return m;
    }

    @Override
    public double roundingFloor(double[] s) {
      return network.roundingFloor(s, s, leak * gain);
    }

    @Override
    public double[][] trajectory(double[] naturalState, int steps) {
      double[][] out = new double[steps + 1][];
      double[] v = naturalState.clone();
      double[] r = new double[v.length];
      for (int t = 0; ; t++) {
        out[t] = v.clone();
        if (t == steps) {
          return out;
        }
        residual(v, r);
        for (int i = 0; i < v.length; i++) {
          v[i] += r[i];
        }
      }
    }
  }
}
