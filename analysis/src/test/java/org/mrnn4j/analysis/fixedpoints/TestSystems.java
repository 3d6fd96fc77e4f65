package org.mrnn4j.analysis.fixedpoints;

import org.mrnn4j.core.Activation;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostNetwork;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;

/**
 * Fixed-point systems of hand-made networks given as arrays, through the model kinds' host maps
 * ({@link LeakyMRNN#hostMap(HostNetwork, Activation, double, Coordinates)},
 * {@link ElmanMRNN#hostMap(HostNetwork, Activation)}), for tests.
 */
final class TestSystems {
  private TestSystems() {}

  /** The three maps of the two mRNNTorch kinds. */
  enum Form {
    LEAKY_X(Coordinates.PRE_ACTIVATION),
    LEAKY_H(Coordinates.ACTIVATION),
    ELMAN(Coordinates.ACTIVATION);

    final Coordinates coordinates;

    Form(Coordinates coordinates) {
      this.coordinates = coordinates;
    }

    Coordinates coordinates() {
      return coordinates;
    }
  }

  static Builder builder(Form form) {
    return new Builder(form);
  }

  static final class Builder {
    private final Form form;
    private Activation activation;
    private double alpha = 1.0;
    private double[][] recurrent;
    private double[][] inputWeights;
    private double[] bias;
    private double[] input;
    private IndexRanges included;
    private double[] heldState;

    private Builder(Form form) {
      this.form = form;
    }

    Builder activation(Activation a) {
      this.activation = a;
      return this;
    }

    Builder alpha(double a) {
      this.alpha = a;
      return this;
    }

    Builder recurrentWeights(double[][] w) {
      this.recurrent = w;
      return this;
    }

    Builder inputWeights(double[][] w) {
      this.inputWeights = w;
      return this;
    }

    Builder bias(double[] b) {
      this.bias = b;
      return this;
    }

    Builder input(double[] u) {
      this.input = u;
      return this;
    }

    Builder included(IndexRanges units) {
      this.included = units;
      return this;
    }

    Builder heldState(double[] s) {
      this.heldState = s;
      return this;
    }

    FixedPointSystem build() {
      if (activation == null) {
        throw new IllegalArgumentException("an activation is required");
      }
      Activation act = activation;
      HostNetwork net = HostNetwork.restrict(recurrent, inputWeights, bias, input, included,
          heldState, form == Form.LEAKY_X ? act::apply : v -> v);
      return new FixedPointSystem(form == Form.ELMAN ? ElmanMRNN.hostMap(net, act)
          : LeakyMRNN.hostMap(net, act, alpha, form.coordinates()));
    }
  }
}
