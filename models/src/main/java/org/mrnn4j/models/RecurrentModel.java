package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;

/**
 * The common view of both mRNNTorch models ({@link LeakyMRNN}, {@link ElmanMRNN}): layout,
 * effective weights, tonic input, dynamics, and the region helpers of mRNNTorch's
 * {@code mRNNBase}.
 *
 * <p>Models are immutable after they are built and safe to use from several threads. They own the
 * tensors their accessors return ({@link #recurrentWeights()} ...): do not close those. Every other
 * method returns new tensors the caller owns. {@link #close()} frees the model's tensors.
 *
 * <p>Region lists ({@code Collection<String>}) may name leaf recurrent regions and parent regions
 * (which stand for their children), in any order; an unknown name throws
 * {@link IllegalArgumentException} naming it and the known names.
 */
public interface RecurrentModel extends org.mrnn4j.core.dynamics.RecurrentDynamics, AutoCloseable {

  /**
   * Leaky or Elman.
   *
   * @return the model kind
   */
  ModelKind kind();

  /** The backend that owns the model's tensors and computes its dynamics. */
  Backend backend();

  /**
   * One noise-free step from plain arrays: the next state in the model's natural coordinates
   * ({@code x} for the leaky model, with {@code h = act(x)}; {@code h} for the Elman model).
   *
   * <pre>{@code
   * double[] next = model.step(x, new double[] {1, 0, 0});
   * }</pre>
   *
   * @param state the state, one value per recurrent unit
   * @param input the input, one value per input unit
   * @return the next state
   * @throws IllegalArgumentException naming the argument whose length does not fit the model
   */
  default double[] step(double[] state, double[] input) {
    if (state.length != numUnits()) {
      throw new IllegalArgumentException("the state has " + state.length + " values; the model"
          + " has " + numUnits() + " recurrent units");
    }
    if (input.length != numInputs()) {
      throw new IllegalArgumentException("the input has " + input.length + " values; the model"
          + " has " + numInputs() + " input units");
    }
    try (org.mrnn4j.core.Tensor s = backend().fromArray(state, 1, state.length);
        org.mrnn4j.core.Tensor u = backend().fromArray(input, 1, input.length);
        org.mrnn4j.core.Tensor next = step(s, u, null)) {
      return next.toArray();
    }
  }

  /** The activation function. */
  Activation activation();

  /** The region layout. */
  RegionLayout layout();

  /**
   * The full description of the network (options, regions, connections), without weights.
   *
   * @return the spec
   */
  ModelSpec spec();

  /**
   * The stored parameters (raw weights, masks, sign matrices), on the host.
   *
   * @return the parameters, host copies
   */
  ModelParameters parameters();

  /** N: total recurrent units. */
  int numUnits();

  /** I: total input units. */
  int numInputs();

  /**
   * Effective recurrent weights {@code [N, N]} (mask and, if constrained, Dale's law applied); rows
   * are destinations. Owned by the model: do not close.
   */
  Tensor recurrentWeights();

  /** Effective input weights {@code [N, I]}. Owned by the model: do not close. */
  Tensor inputWeights();

  /** Baseline firing {@code b}, shape {@code [N]}. Owned by the model: do not close. */
  Tensor tonicInput();

  /**
   * The regions' initial pre-activations ({@code init} of each region), shape {@code [N]} (the
   * leaky model's default {@code x0}, the Elman model's default {@code h0}). Owned by the model.
   *
   * @return the initial state {@code [N]}
   */
  Tensor initialCondition();

  /**
   * Whether Dale's law applies to the recurrent weights.
   *
   * @return true when recurrent weights take their signs from the source region
   */
  default boolean recurrentConstrained() {
    return spec().recurrentConstrained();
  }

  /**
   * Whether Dale's law applies to the input weights.
   *
   * @return true when input weights take their signs from the input region
   */
  default boolean inputConstrained() {
    return spec().inputConstrained();
  }

  /**
   * The initial condition repeated for a batch: {@code [batch, N]}. The caller owns it.
   *
   * @param batch the number of rows B
   * @return {@code [B, N]}, owned by the caller
   * @throws IllegalArgumentException if {@code batch < 1}
   */
  default Tensor batchedInitialCondition(int batch) {
    return ModelCore.repeatRows(backend(), initialCondition(), batch);
  }

  /**
   * Runs the dynamics over a sequence (see {@link Simulation} for the options and
   * {@link Trajectory} for the result).
   *
   * <p>The input, the initial states and the stimulus must be finite: they are checked once per
   * call (one pass over each, negligible beside the sequence's matrix products), so that a NaN
   * or infinity is reported where it entered rather than as a trajectory of NaN. The one-step
   * methods ({@code step}) do not check: they are the inner loop of fixed-point searches, and
   * they propagate NaN and infinity as IEEE arithmetic does (a non-finite value in batch row
   * {@code b} makes row {@code b} of the result non-finite and leaves the other rows exact).
   *
   * @param simulation the input sequence and options
   * @return the states after each step, owned by the caller
   * @throws IllegalArgumentException naming the tensor whose shape or backend is wrong (with
   *     its shape and the expected one), or the first non-finite element of the input, an
   *     initial state or the stimulus (with its index)
   */
  Trajectory simulate(Simulation simulation);

  /**
   * The leaf regions' unit ranges: {@code recurrentRange} of every recurrent region.
   *
   * @param region a leaf recurrent region
   * @return its units' index range in the state
   * @throws IllegalArgumentException for an unknown or non-leaf region
   */
  default IndexRange regionIndices(String region) {
    return layout().isInputRegion(region) ? layout().inputRange(region) : layout().recurrentRange(region);
  }

  /**
   * The number of units of a recurrent, parent or input region.
   *
   * @param region the region's name
   * @return its number of units
   */
  default int regionSize(String region) {
    return layout().regionSize(region);
  }

  /**
   * The effective recurrent weights among the given regions, to and from each other: the square
   * block at {@code recurrentIndices(regions)}, in model order (mRNNTorch's
   * {@code get_weight_subset}); an empty collection gives all of {@code W_rec}. The caller owns
   * the result.
   *
   * @param regions the regions, recurrent or parent
   * @return the square block of effective weights, owned by the caller
   */
  default Tensor weightSubset(Collection<String> regions) {
    IndexRanges idx = layout().recurrentIndices(regions);
    return backend().block(recurrentWeights(), idx, idx);
  }

  /**
   * The effective weights of the projection {@code from -> to} (mRNNTorch's
   * {@code get_projection}): rows are the units of {@code to} (a recurrent or parent region),
   * columns the units of {@code from} (a recurrent, parent or input region), both in model order.
   * Unlike mRNNTorch, a parent region may be the sender, and the weights are always the effective
   * ones (mRNNTorch returns the raw, unmasked parameter for unconstrained models). The caller owns
   * the result.
   *
   * @param to the receiving region
   * @param from the sending region
   * @return the block of effective weights {@code [|to|, |from|]}, owned by the caller
   * @throws IllegalArgumentException naming an unknown region
   */
  default Tensor projection(String to, String from) {
    IndexRanges rows = layout().recurrentIndices(List.of(to));
    if (layout().isInputRegion(from)) {
      return backend().block(inputWeights(), rows, layout().inputIndices(List.of(from)));
    }
    return backend().block(recurrentWeights(), rows, layout().recurrentIndices(List.of(from)));
  }

  /**
   * The activity of the given regions: the units of {@code act} (last axis, of size N; any leading
   * axes) belonging to {@code regions}, in the order given, parent regions expanded in place to
   * their children, duplicates dropped (mRNNTorch's {@code get_region_activity}); an empty list
   * gives a copy of {@code act}. The caller owns the result.
   *
   * @param act activity with N on its last axis
   * @param regions the regions to keep, in the order wanted
   * @return their units of {@code act}, owned by the caller
   * @throws IllegalArgumentException if the last axis of {@code act} is not N, or a name is unknown
   */
  default Tensor regionActivity(Tensor act, List<String> regions) {
    ModelCore.requireLastDim("act", act, numUnits(), "N");
    List<IndexRange> ranges = new ArrayList<>();
    for (String r : layout().expandRegionsInOrder(regions)) {
      ranges.add(layout().recurrentRange(r));
    }
    return ModelCore.gatherLastAxis(backend(), act, ranges);
  }

  /**
   * Combines two partial states into a full one (mRNNTorch's {@code combine_states}):
   * {@code statesA} holds the units of {@code regionsA}, {@code statesB} those of
   * {@code regionsB} (each in model order along the last axis; leading axes equal); every
   * recurrent region must be in exactly one of the lists (parent regions allowed). Returns the
   * full state, last axis N, in model order. The caller owns it.
   *
   * @param statesA the states of {@code regionsA}
   * @param regionsA the regions {@code statesA} holds
   * @param statesB the states of {@code regionsB}
   * @param regionsB the regions {@code statesB} holds
   * @return the full state, owned by the caller
   * @throws IllegalArgumentException if a region is in neither or both lists, or a width is wrong
   */
  default Tensor combineStates(
      Tensor statesA, Collection<String> regionsA, Tensor statesB, Collection<String> regionsB) {
    return ModelCore.combineStates(this, statesA, regionsA, statesB, regionsB);
  }

  /**
   * The leaf recurrent regions not selected by {@code regions}, in model order.
   *
   * @param regions the selected regions
   * @return the leaf regions left out
   */
  default List<String> excludedRegions(Collection<String> regions) {
    return layout().excludedRegions(regions);
  }

  /** Frees the model's tensors. Idempotent. */
  @Override
  void close();

  /**
   * Whether {@link #close()} was called. A closed model's methods throw
   * {@link IllegalStateException} naming the model; calls already running when it closes finish,
   * or fail with that exception, never with a wrong result.
   */
  boolean isClosed();
}
