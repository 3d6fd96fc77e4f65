package org.mrnn4j.models;

import java.util.Objects;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;

/**
 * What {@link LeakyMRNN} and {@link ElmanMRNN} share: the {@link ModelCore} both delegate to,
 * the {@link RecurrentModel} accessors over it, sequence simulation and {@link #close()}. The
 * subclasses add only what differs, their state variables ({@code step} and the
 * {@code simulate(input, state0)} shortcut) and options. Package-private: the public types are the
 * two models and {@link RecurrentModel}.
 */
abstract class MRNNBase implements RecurrentModel, ModelCore.KindDynamics {
  final ModelCore core;

  /**
   * @param kind the kind the subclass computes
   * @param mismatch the start of the message when {@code core} was built for another kind
   */
  MRNNBase(ModelCore core, ModelKind kind, String mismatch) {
    if (core.spec.kind() != kind) {
      throw new IllegalArgumentException(mismatch + ", got " + core.spec.kind());
    }
    this.core = core;
    core.owner(this);
  }

  @Override
  public final Trajectory simulate(Simulation simulation) {
    Objects.requireNonNull(simulation, "simulation");
    return core.guarded("simulate", () -> core.simulate(this, simulation));
  }

  @Override
  public final ModelKind kind() {
    return core.spec.kind();
  }

  @Override
  public final Backend backend() {
    return core.backend;
  }

  @Override
  public final Activation activation() {
    return core.spec.activation();
  }

  @Override
  public final double softplusBeta() {
    return core.spec.softplusBeta();
  }

  @Override
  public final RegionLayout layout() {
    return core.layout;
  }

  @Override
  public final ModelSpec spec() {
    return core.spec;
  }

  @Override
  public final ModelParameters parameters() {
    return core.params;
  }

  @Override
  public final int numUnits() {
    return core.numUnits();
  }

  @Override
  public final int numInputs() {
    return core.numInputs();
  }

  @Override
  public final Tensor recurrentWeights() {
    core.requireOpen("recurrentWeights");
    return core.wRec;
  }

  @Override
  public final Tensor inputWeights() {
    core.requireOpen("inputWeights");
    return core.wInp;
  }

  @Override
  public final Tensor tonicInput() {
    core.requireOpen("tonicInput");
    return core.tonic;
  }

  @Override
  public final Tensor initialCondition() {
    core.requireOpen("initialCondition");
    return core.init;
  }

  /**
   * The effective weights, tonic input and activation on the host, restricted for a solver.
   *
   * @param heldActivity what a held unit sends through {@code W} given its held value
   */
  final org.mrnn4j.core.dynamics.HostNetwork hostNetwork(double[] input,
      org.mrnn4j.core.IndexRanges included, double[] heldState,
      java.util.function.DoubleUnaryOperator heldActivity) {
    core.requireOpen("hostMap");
    if (input != null && input.length != numInputs()) {
      throw new IllegalArgumentException("the input must have " + numInputs()
          + " entries (one per input unit), got " + input.length);
    }
    return org.mrnn4j.core.dynamics.HostNetwork.restrict(core.wRec.toMatrix(),
        core.wInp.toMatrix(), core.tonic.toArray(),
        input == null ? new double[numInputs()] : input, included, heldState, heldActivity);
  }

  /** Throws unless this kind offers {@code coordinates}. */
  final void requireCoordinates(org.mrnn4j.core.dynamics.Coordinates coordinates) {
    if (!coordinates().contains(java.util.Objects.requireNonNull(coordinates, "coordinates"))) {
      throw new IllegalArgumentException("the " + describe() + " has no " + coordinates
          + " coordinates; it offers " + coordinates());
    }
  }

  @Override
  public final String describe() {
    return (kind() == ModelKind.LEAKY ? "leaky" : "Elman") + " mRNN (" + numUnits() + " units, "
        + numInputs() + " inputs, on " + backend().name() + ")";
  }

  @Override
  public final boolean isClosed() {
    return core.isClosed();
  }

  @Override
  public final void close() {
    core.close();
  }
}
