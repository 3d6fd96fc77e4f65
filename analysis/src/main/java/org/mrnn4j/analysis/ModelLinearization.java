package org.mrnn4j.analysis;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.analysis.regions.BlockGains;
import org.mrnn4j.analysis.regions.RegionModeAnalysis;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.analysis.regions.RegionPartition;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Shapes;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.JacobianFactors;
import org.mrnn4j.core.dynamics.ModelClosedException;
import org.mrnn4j.core.dynamics.RecurrentDynamics;
import org.mrnn4j.core.dynamics.UnitLayout;

/**
 * The linearization of any model kind ({@link RecurrentDynamics}): the region bookkeeping and the
 * assembly of every block from the backend's structured kernel, from the factors
 * {@link RecurrentDynamics#jacobianFactors} the kind supplies at a batch of points. It knows no
 * kind's formulas.
 */
final class ModelLinearization implements Linearization {
  private final RecurrentDynamics model;
  private final Coordinates coordinates;
  private final List<String> regions;
  private final List<String> excludedRegions;
  private final IndexRanges units;
  private final IndexRanges excludedUnits;
  /** Every Jacobian is multiplied by this ({@link #scaled}); 1 for the model's own. */
  private final double factor;

  ModelLinearization(RecurrentDynamics model, Coordinates coordinates,
      Collection<String> regions) {
    this(model, coordinates, regions, 1.0);
  }

  private ModelLinearization(RecurrentDynamics model, Coordinates coordinates,
      Collection<String> regions, double factor) {
    this.factor = factor;
    this.model = Objects.requireNonNull(model, "model");
    this.coordinates = Objects.requireNonNull(coordinates, "coordinates");
    if (!model.coordinates().contains(coordinates)) {
      throw new IllegalArgumentException("the " + model.describe() + " has no " + coordinates
          + " coordinates; it offers " + model.coordinates());
    }
    Collection<String> asked = regions == null ? List.of() : List.copyOf(regions);
    UnitLayout layout = model.layout();
    this.regions = List.copyOf(layout.expandRegions(asked));
    this.excludedRegions = List.copyOf(layout.excludedRegions(asked));
    this.units = layout.recurrentIndices(asked);
    this.excludedUnits = units.complement(model.numUnits());
  }

  /** The factors at a batch of points, from the model's kind, times {@link #factor}. */
  private JacobianFactors factors(TensorScope scope, Tensor states, Tensor activations,
      Tensor inputs, boolean withNext) {
    JacobianFactors f =
        model.jacobianFactors(scope, coordinates, states, activations, inputs, withNext);
    return factor == 1.0 ? f : new JacobianFactors(f.identity() * factor, f.scale() * factor,
        f.rowScale(), f.columnScale(), f.inputRowScale(), f.next());
  }

  /** The time step of the continuous-time view of the state Jacobian, or NaN when it has none. */
  private double continuousTimeStep() {
    return factor == 1.0 ? model.continuousTimeStep(coordinates) : Double.NaN;
  }

  @Override
  public boolean isMapJacobian() {
    return factor == 1.0 && coordinates == model.naturalCoordinates();
  }

  @Override
  public Linearization map() {
    return isMapJacobian() ? this
        : new ModelLinearization(model, model.naturalCoordinates(), regions, 1.0);
  }

  @Override
  public Linearization scaled(double by) {
    if (!Double.isFinite(by) || by == 0.0) {
      throw new IllegalArgumentException("the Jacobians' scale factor must be finite and nonzero,"
          + " got " + by);
    }
    return new ModelLinearization(model, coordinates, regions, factor * by);
  }

  @Override
  public double scale() {
    return factor;
  }

  @Override
  public RecurrentDynamics model() {
    return model;
  }

  @Override
  public final Coordinates coordinates() {
    return coordinates;
  }

  @Override
  public final List<String> regions() {
    return regions;
  }

  @Override
  public final List<String> excludedRegions() {
    return excludedRegions;
  }

  @Override
  public final IndexRanges units() {
    return units;
  }

  @Override
  public final IndexRanges excludedUnits() {
    return excludedUnits;
  }

  // ------------------------------------------------------------------ one point

  @Override
  public LinearizationResult at(OperatingPoint point) {
    return guarded("at", () -> atUnguarded(point));
  }

  private LinearizationResult atUnguarded(OperatingPoint point) {
    Backend backend = model.backend();
    try (TensorScope scope = new TensorScope()) {
      JacobianFactors f = pointFactors(scope, point, true);
      Tensor j = scope.track(backend.jacobian(stateSpec(f, units, units)));
      Tensor jin = scope.track(backend.jacobian(inputSpec(f)));
      Tensor jexc = excludedUnits.isEmpty() ? null
          : scope.track(backend.jacobian(stateSpec(f, units, excludedUnits)));
      Tensor nextRow = scope.track(backend.block(f.next(), null, units));
      Tensor next = scope.track(backend.reshape(nextRow, units.size()));
      scope.keep(j);
      scope.keep(jin);
      if (jexc != null) {
        scope.keep(jexc);
      }
      scope.keep(next);
      return new LinearizationResult(j, jin, jexc, next);
    }
  }

  @Override
  public Tensor jacobian(OperatingPoint point) {
    return guarded("jacobian", () -> jacobianUnguarded(point));
  }

  private Tensor jacobianUnguarded(OperatingPoint point) {
    Backend backend = model.backend();
    try (TensorScope scope = new TensorScope()) {
      JacobianFactors f = pointFactors(scope, point, false);
      return backend.jacobian(stateSpec(f, units, units));
    }
  }

  @Override
  public LeadingSpectrum leading(OperatingPoint point, LeadingOptions options) {
    return guarded("leading", () -> {
      try (TensorScope scope = new TensorScope()) {
        return Spectra.leading(stateSpec(pointFactors(scope, point, false), units, units),
            options);
      }
    });
  }

  @Override
  public RegionModes regionModes(OperatingPoint point, int count) {
    return guarded("regionModes", () -> {
      try (TensorScope scope = new TensorScope()) {
        return RegionModeAnalysis.dense(stateSpec(pointFactors(scope, point, false), units, units),
            RegionPartition.of(this), count);
      }
    });
  }

  @Override
  public RegionModes leadingRegionModes(OperatingPoint point, LeadingOptions options) {
    return guarded("leadingRegionModes", () -> {
      try (TensorScope scope = new TensorScope()) {
        return RegionModeAnalysis.krylov(
            stateSpec(pointFactors(scope, point, false), units, units), RegionPartition.of(this),
            options);
      }
    });
  }

  @Override
  public RegionModes stabilityRegionModes(OperatingPoint point, LeadingOptions options,
      int count) {
    return guarded("stabilityRegionModes", () -> {
      try (TensorScope scope = new TensorScope()) {
        return RegionModeAnalysis.stability(
            stateSpec(pointFactors(scope, point, false), units, units), RegionPartition.of(this),
            options, count);
      }
    });
  }

  @Override
  public double[][] weightBlockFrobenius() {
    return guarded("weightBlockFrobenius", () -> BlockGains.weightFrobenius(
        model.recurrentWeights(), units, RegionPartition.of(this)));
  }

  @Override
  public LeadingSpectrum leadingStability(OperatingPoint point, LeadingOptions options) {
    if (!isMapJacobian()) {
      return map().leadingStability(point, options);
    }
    return guarded("leadingStability", () -> {
      try (TensorScope scope = new TensorScope()) {
        return Spectra.stability(stateSpec(pointFactors(scope, point, false), units, units),
            options);
      }
    });
  }

  @Override
  public StabilitySummary stability(OperatingPoint point) {
    if (!isMapJacobian()) {
      return map().stability(point);
    }
    return summary(eigenvalues(point), continuousTimeStep());
  }

  static StabilitySummary summary(org.mrnn4j.core.Eigendecomposition eig, double dt) {
    return Double.isNaN(dt) ? StabilitySummary.of(eig) : StabilitySummary.of(eig, dt);
  }

  /** The factors at one point, with scales reshaped to vectors for the unbatched kernel. */
  private JacobianFactors pointFactors(TensorScope scope, OperatingPoint point, boolean withNext) {
    Objects.requireNonNull(point, "point");
    Backend backend = model.backend();
    DType dtype = dtype();
    int n = model.numUnits();
    checkLength("state", point.stateView().length, n, "units");
    checkLength("input", point.inputView().length, model.numInputs(), "inputs");
    Tensor states = scope.track(backend.fromArray(point.stateView(), dtype, 1, n));
    Tensor activations = point.activationView() == null ? null
        : scope.track(backend.fromArray(point.activationView(), dtype, 1, n));
    Tensor inputs = scope.track(backend.fromArray(point.inputView(), dtype, 1, model.numInputs()));
    JacobianFactors f = factors(scope, states, activations, inputs, withNext);
    return new JacobianFactors(f.identity(), f.scale(), vector(scope, f.rowScale()),
        vector(scope, f.columnScale()), vector(scope, f.inputRowScale()), f.next());
  }

  private Tensor vector(TensorScope scope, Tensor row) {
    return row == null ? null : scope.track(model.backend().reshape(row, row.dim(1)));
  }

  private JacobianSpec stateSpec(JacobianFactors f, IndexRanges rows, IndexRanges columns) {
    return JacobianSpec.builder(model.recurrentWeights())
        .identity(f.identity())
        .scale(f.scale())
        .rowScale(f.rowScale())
        .columnScale(f.columnScale())
        .rows(rows)
        .columns(columns)
        .build();
  }

  private JacobianSpec inputSpec(JacobianFactors f) {
    return JacobianSpec.builder(model.inputWeights())
        .scale(f.scale())
        .rowScale(f.inputRowScale())
        .rows(units)
        .build();
  }

  // ------------------------------------------------------------------ batches

  @Override
  public BatchLinearization batch(Tensor states, Tensor activations, Tensor inputs) {
    return guarded("batch", () -> batchUnguarded(states, activations, inputs));
  }

  private BatchLinearization batchUnguarded(Tensor states, Tensor activations, Tensor inputs) {
    Backend backend = model.backend();
    int n = model.numUnits();
    int inputCount = model.numInputs();
    try (TensorScope scope = new TensorScope()) {
      Tensor s = own(scope, Objects.requireNonNull(states, "states"));
      if (s.rank() != 2 || s.dim(1) != n) {
        throw new IllegalArgumentException("the states must have shape [B, " + n + "], got "
            + Shapes.format(s.shape()));
      }
      int b = s.dim(0);
      if (b == 0) {
        throw new IllegalArgumentException("the batch of operating points is empty");
      }
      Tensor h = null;
      if (activations != null) {
        h = own(scope, activations);
        if (h.rank() != 2 || h.dim(0) != b || h.dim(1) != n) {
          throw new IllegalArgumentException("the activations must have shape [" + b + ", " + n
              + "] like the states, got " + Shapes.format(h.shape()));
        }
      }
      Tensor u = own(scope, Objects.requireNonNull(inputs, "inputs"));
      if (u.rank() == 1 && u.dim(0) == inputCount) {
        u = scope.track(backend.stack(Collections.nCopies(b, u)));
      } else if (u.rank() != 2 || u.dim(0) != b || u.dim(1) != inputCount) {
        throw new IllegalArgumentException("the inputs must have shape [" + b + ", " + inputCount
            + "] or [" + inputCount + "], got " + Shapes.format(u.shape()));
      }
      JacobianFactors f = factors(scope, s, h, u, true);
      Tensor rowScale = f.rowScale();
      Tensor columnScale = f.columnScale();
      if (rowScale == null && columnScale == null) {
        rowScale = ones(scope, b, n); // the batched kernel takes its batch size from a scale
      }
      Tensor inputRowScale = f.inputRowScale() != null ? f.inputRowScale() : ones(scope, b, n);
      Tensor j = scope.track(backend.jacobianBatch(
          batchSpec(model.recurrentWeights(), f, rowScale, columnScale, units, units)));
      Tensor jin = scope.track(backend.jacobianBatch(JacobianSpec.builder(model.inputWeights())
          .scale(f.scale()).rowScale(inputRowScale).rows(units).build()));
      Tensor jexc = excludedUnits.isEmpty() ? null : scope.track(backend.jacobianBatch(
          batchSpec(model.recurrentWeights(), f, rowScale, columnScale, units, excludedUnits)));
      Tensor next = scope.track(backend.block(f.next(), null, units));
      scope.keep(j);
      scope.keep(jin);
      if (jexc != null) {
        scope.keep(jexc);
      }
      scope.keep(next);
      return new BatchLinearization(j, jin, jexc, next, continuousTimeStep(), isMapJacobian());
    }
  }

  @Override
  public BatchLinearization batch(List<OperatingPoint> points) {
    Objects.requireNonNull(points, "points");
    if (points.isEmpty()) {
      throw new IllegalArgumentException("the list of operating points is empty");
    }
    int n = model.numUnits();
    int inputCount = model.numInputs();
    // h defaults to act(x), as at a single point; it is passed only if some point has one
    boolean withH = points.stream().anyMatch(OperatingPoint::hasActivation);
    double[] x = new double[points.size() * n];
    double[] h = withH ? new double[points.size() * n] : null;
    double[] u = new double[points.size() * inputCount];
    for (int i = 0; i < points.size(); i++) {
      OperatingPoint p = points.get(i);
      checkLength("state of point " + i, p.stateView().length, n, "units");
      checkLength("input of point " + i, p.inputView().length, inputCount, "inputs");
      System.arraycopy(p.stateView(), 0, x, i * n, n);
      if (withH) {
        if (p.hasActivation()) {
          System.arraycopy(p.activationView(), 0, h, i * n, n);
        } else {
          for (int k = 0; k < n; k++) {
            h[i * n + k] = model.activation().apply(p.stateView()[k], model.softplusBeta());
          }
        }
      }
      System.arraycopy(p.inputView(), 0, u, i * inputCount, inputCount);
    }
    Backend backend = model.backend();
    DType dtype = dtype();
    try (TensorScope scope = new TensorScope()) {
      Tensor xs = scope.track(backend.fromArray(x, dtype, points.size(), n));
      Tensor hs = withH ? scope.track(backend.fromArray(h, dtype, points.size(), n)) : null;
      Tensor us = scope.track(backend.fromArray(u, dtype, points.size(), inputCount));
      return batch(xs, hs, us);
    }
  }

  private static JacobianSpec batchSpec(Tensor w, JacobianFactors f, Tensor rowScale, Tensor columnScale,
      IndexRanges rows, IndexRanges columns) {
    return JacobianSpec.builder(w)
        .identity(f.identity())
        .scale(f.scale())
        .rowScale(rowScale)
        .columnScale(columnScale)
        .rows(rows)
        .columns(columns)
        .build();
  }

  // ------------------------------------------------------------------ helpers

  /** The element type of the model's tensors, which every operand must share. */
  private DType dtype() {
    return model.recurrentWeights().dtype();
  }

  private Tensor ones(TensorScope scope, int b, int n) {
    double[] data = new double[b * n];
    java.util.Arrays.fill(data, 1.0);
    return scope.track(model.backend().fromArray(data, dtype(), b, n));
  }

  /** The tensor on the model's backend in the model's dtype (a tracked copy when it is not). */
  private Tensor own(TensorScope scope, Tensor t) {
    Backend backend = model.backend();
    Tensor out = t;
    if (out.backend() != backend) {
      out = scope.track(backend.copyOf(out));
    }
    if (out.dtype() != dtype()) {
      out = scope.track(backend.cast(out, dtype()));
    }
    return out;
  }

  private static void checkLength(String what, int got, int expected, String of) {
    if (got != expected) {
      throw new IllegalArgumentException("the operating point's " + what + " has " + got
          + " entries; the model has " + expected + " " + of);
    }
  }

  /**
   * Runs {@code body}; if the model is closed meanwhile (by another thread) and the body fails on
   * one of its closed tensors, the error names the model instead of an internal tensor.
   */
  private <T> T guarded(String op, java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (ModelClosedException e) {
      throw e;
    } catch (IllegalStateException e) {
      if (model.isClosed()) {
        throw ModelClosedException.of(op, model, e);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Linearization[" + model + ", " + coordinates + (factor == 1.0 ? ""
        : ", scaled by " + factor) + (isMapJacobian() ? "" : ", not the map's Jacobian") + ", "
        + (excludedRegions.isEmpty() ? "all regions" : "regions " + regions + ", excluding "
        + excludedRegions) + ", " + units.size() + " units]";
  }
}
