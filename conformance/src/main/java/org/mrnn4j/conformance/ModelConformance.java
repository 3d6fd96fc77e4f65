package org.mrnn4j.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RegionLayout;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * Checks a model against a case's {@code expect} block and {@code simulations}: effective
 * weights, sizes, region indices, tonic input, initial condition, weight subsets, projections,
 * region activity, and every simulated trajectory, within the case's {@link Tolerance}.
 *
 * <p>One reference quirk is reproduced here rather than in the model: for an unconstrained weight
 * matrix, mRNNTorch's {@code get_projection} returns the raw parameter block, without its mask,
 * while {@link RecurrentModel#projection} returns the effective (masked) weights the dynamics use.
 * The check compares such projections against the raw parameters
 * ({@link #referenceProjection}); constrained ones against {@link RecurrentModel#projection}.
 */
public final class ModelConformance {
  private ModelConformance() {}

  /**
   * Rebuilds the case's model on {@code backend} and checks it.
   *
   * @param c the case
   * @param backend the backend to run it on
   * @return human-readable failures, each naming the item and the first differing entry; empty
   *     when everything matches
   */
  public static List<String> check(ConformanceCase c, Backend backend) {
    try (RecurrentModel model = c.buildModel(backend)) {
      List<String> failures = new ArrayList<>(checkExpect(c, model));
      failures.addAll(checkSimulations(c, model));
      return failures;
    } catch (Exception e) {
      return List.of(c.id() + ": building the model failed: " + e);
    }
  }

  /**
   * Checks {@code expect} against a model built from the case.
   *
   * @param c the case
   * @param model the case's model
   * @return the failures, empty when it conforms
   */
  public static List<String> checkExpect(ConformanceCase c, RecurrentModel model) {
    List<String> f = new ArrayList<>();
    if (c.expect().isEmpty()) {
      return f;
    }
    ConformanceCase.Expect e = c.expect().get();
    Tolerance tol = c.tolerance();
    if (e.totalNumUnits() != null && e.totalNumUnits() != model.numUnits()) {
      f.add("total_num_units: expected " + e.totalNumUnits() + ", got " + model.numUnits());
    }
    if (e.totalNumInputs() != null && e.totalNumInputs() != model.numInputs()) {
      f.add("total_num_inputs: expected " + e.totalNumInputs() + ", got " + model.numInputs());
    }
    if (e.recurrentEffective() != null) {
      add(f, tol.compare("W_rec_effective", e.recurrentEffective(),
          model.recurrentWeights().shape(), model.recurrentWeights().toArray()));
    }
    if (e.inputEffective() != null) {
      add(f, tol.compare("W_inp_effective", e.inputEffective(),
          model.inputWeights().shape(), model.inputWeights().toArray()));
    }
    if (e.regionIndices() != null) {
      for (Map.Entry<String, IndexRange> r : e.regionIndices().entrySet()) {
        try {
          IndexRange got = model.regionIndices(r.getKey());
          if (!got.equals(r.getValue())) {
            f.add("region_indices." + r.getKey() + ": expected " + r.getValue() + ", got " + got);
          }
        } catch (IllegalArgumentException ex) {
          f.add("region_indices." + r.getKey() + ": " + ex.getMessage());
        }
      }
    }
    if (e.tonicInput() != null) {
      add(f, tol.compare("tonic_inp", e.tonicInput(), model.tonicInput().shape(),
          model.tonicInput().toArray()));
    }
    if (e.initialCondition() != null) {
      add(f, tol.compare("initial_condition", e.initialCondition(),
          model.initialCondition().shape(), model.initialCondition().toArray()));
    }
    int k = 0;
    for (ConformanceCase.WeightSubset s : e.weightSubsets()) {
      String name = "weight_subsets[" + k++ + "] " + s.regions();
      try (Tensor w = model.weightSubset(s.regions())) {
        add(f, tol.compare(name, s.weight(), w.shape(), w.toArray()));
      } catch (RuntimeException ex) {
        f.add(name + ": " + ex.getMessage());
      }
    }
    k = 0;
    for (ConformanceCase.Projection p : e.projections()) {
      String name = "projections[" + k++ + "] " + p.from() + " -> " + p.to();
      try {
        if (usesRawParameters(model, p.from())) {
          double[][] raw = referenceProjection(model, p.to(), p.from());
          add(f, tol.compare(name, p.weight(), Tolerance.shape(raw), Tolerance.flatten(raw)));
        } else {
          try (Tensor w = model.projection(p.to(), p.from())) {
            add(f, tol.compare(name, p.weight(), w.shape(), w.toArray()));
          }
        }
      } catch (RuntimeException ex) {
        f.add(name + ": " + ex.getMessage());
      }
    }
    k = 0;
    for (ConformanceCase.RegionActivity ra : e.regionActivity()) {
      String name = "region_activity[" + k++ + "] " + ra.regions();
      try (TensorScope scope = new TensorScope()) {
        Tensor act = scope.track(ra.act().toTensor(model.backend()));
        Tensor got = scope.track(model.regionActivity(act, ra.regions()));
        add(f, tol.compare(name, ra.result(), got.shape(), got.toArray()));
      } catch (RuntimeException ex) {
        f.add(name + ": " + ex.getMessage());
      }
    }
    return f;
  }

  /**
   * Runs every {@code simulations} entry and compares {@code xs} (leaky) and {@code hs}.
   *
   * @param c the case
   * @param model the case's model
   * @return the failures, empty when it conforms
   */
  public static List<String> checkSimulations(ConformanceCase c, RecurrentModel model) {
    List<String> f = new ArrayList<>();
    Tolerance tol = c.tolerance();
    Backend backend = model.backend();
    int k = 0;
    for (ConformanceCase.SimulationCase s : c.simulations()) {
      String name = "simulations[" + k++ + "]";
      try (TensorScope scope = new TensorScope()) {
        Simulation sim = Simulation.of(scope.track(s.input().toTensor(backend)))
            .batchFirst(s.batchFirst());
        if (model.naturalCoordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION && s.x0() != null) {
          sim = sim.x0(scope.track(s.x0().toTensor(backend)));
        }
        if (s.h0() != null) {
          sim = sim.h0(scope.track(s.h0().toTensor(backend)));
        }
        if (s.stimInput() != null) {
          sim = sim.stim(scope.track(s.stimInput().toTensor(backend)));
        }
        try (Trajectory t = model.simulate(sim)) {
          if (s.xs() != null && model.naturalCoordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION) {
            add(f, tol.compare(name + ".xs", s.xs(), t.xs().shape(), t.xs().toArray()));
          }
          add(f, tol.compare(name + ".hs", s.hs(), t.hs().shape(), t.hs().toArray()));
        }
      } catch (RuntimeException ex) {
        f.add(name + ": " + ex);
      }
    }
    return f;
  }

  /** Whether mRNNTorch's {@code get_projection} returns raw parameters for this sender. */
  private static boolean usesRawParameters(RecurrentModel model, String from) {
    return model.layout().isInputRegion(from) ? !model.inputConstrained()
        : !model.recurrentConstrained();
  }

  /**
   * What mRNNTorch's {@code get_projection(to, from_)} returns: the effective block when the
   * sender's weights are constrained, else the raw parameter block {@code W} without its mask.
   * Parent regions are allowed on both sides (mRNNTorch rejects them as senders).
   *
   * @param model the case's model
   * @param to the receiving region
   * @param from the sending region
   * @return the block of effective weights as mRNNTorch computes it
   */
  public static double[][] referenceProjection(RecurrentModel model, String to, String from) {
    RegionLayout layout = model.layout();
    boolean input = layout.isInputRegion(from);
    IndexRanges rows = layout.recurrentIndices(List.of(to));
    IndexRanges cols = input ? layout.inputIndices(List.of(from)) : layout.recurrentIndices(List.of(from));
    ModelParameters p = model.parameters();
    double[][] w;
    if (input) {
      w = model.inputConstrained() ? p.effectiveInput(true) : p.inputWeights();
    } else {
      w = model.recurrentConstrained() ? p.effectiveRecurrent(true) : p.recurrentWeights();
    }
    int[] ri = rows.toIndices();
    int[] ci = cols.toIndices();
    double[][] out = new double[ri.length][ci.length];
    for (int r = 0; r < ri.length; r++) {
      for (int c = 0; c < ci.length; c++) {
        out[r][c] = w[ri[r]][ci[c]];
      }
    }
    return out;
  }

  private static void add(List<String> failures, Optional<String> failure) {
    failure.ifPresent(failures::add);
  }
}
