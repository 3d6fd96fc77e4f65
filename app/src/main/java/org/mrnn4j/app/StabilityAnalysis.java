package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.mrnn4j.analysis.BatchLinearization;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.RecurrentModel;

/**
 * The stability of a model at operating points, as {@code mrnn4j analyze} and a sweep's
 * {@code summary} and {@code spectrum} tasks compute it: from the Jacobian of the network's map in
 * its natural coordinates, over all eigenvalues (the dense path) below
 * {@link LeadingOptions#LEADING_FROM} linearized units or when asked, else the leading part by
 * Krylov-Schur; optionally mRNNTorch's partial {@code dh} Jacobian beside it, named for what it is
 * and never taken as stability, and optionally the arrays behind the result (Jacobians, input
 * Jacobians, eigendecompositions) for NumPy output.
 */
public final class StabilityAnalysis {
  private StabilityAnalysis() {}

  /** mRNNTorch's partial {@code dh} Jacobian ({@code d h'/d h} with {@code x} held fixed). */
  public enum PartialDh {
    /** Not computed. */
    NONE,
    /** {@code diag(act'(x')) alpha W_rec}: mRNNTorch's {@code alpha_scaling=False}. */
    WITH_ALPHA,
    /** {@code diag(act'(x')) W_rec}, divided by alpha: mRNNTorch's {@code alpha_scaling=True}. */
    DIVIDED_BY_ALPHA
  }

  /**
   * What to compute.
   *
   * @param regions the regions to linearize over (empty: all)
   * @param leading the number of leading eigenvalues per point (the Krylov path), or null for
   *     the default: all below {@link LeadingOptions#LEADING_FROM} units, else
   *     {@link LeadingOptions#DEFAULT_COUNT}
   * @param full whether to decompose the whole Jacobian whatever its size
   * @param arrays whether to keep the Jacobians, input Jacobians and eigendecompositions (with
   *     eigenvectors on the dense path) for NumPy output
   * @param partialDh mRNNTorch's partial {@code dh} Jacobian beside the stability, or
   *     {@link PartialDh#NONE}
   * @param modes the number of leading modes (by modulus) to resolve by region
   *     ({@link RegionModes}: participation and connection sensitivities) at each point; 0 for
   *     none. At most the eigenvalues computed: the linearized units on the dense path, the
   *     leading count on the Krylov path
   */
  public record Request(List<String> regions, Integer leading, boolean full, boolean arrays,
      PartialDh partialDh, int modes) {
    /**
     * @param regions the regions (null: all)
     * @param leading the leading count, or null
     * @param full whether to decompose whole Jacobians
     * @param arrays whether to keep the arrays
     * @param partialDh the partial dh Jacobian, or NONE (null: NONE)
     * @param modes the modes to resolve by region, 0 for none
     * @throws IllegalArgumentException if {@code leading} is below 1, or given with {@code full},
     *     or {@code modes} is negative or above {@code leading}
     */
    public Request {
      regions = regions == null ? List.of() : List.copyOf(regions);
      partialDh = partialDh == null ? PartialDh.NONE : partialDh;
      if (leading != null && leading < 1) {
        throw new IllegalArgumentException("the leading count must be 1 or more, got " + leading);
      }
      if (leading != null && full) {
        throw new IllegalArgumentException("give either a leading count or the full spectrum,"
            + " not both");
      }
      if (modes < 0) {
        throw new IllegalArgumentException("the number of modes to resolve by region must be 0"
            + " (none) or more, got " + modes);
      }
      if (leading != null && modes > leading) {
        throw new IllegalArgumentException("the number of modes to resolve by region (" + modes
            + ") exceeds the leading eigenvalues computed (" + leading + ")");
      }
    }

    /**
     * A request without modes resolved by region.
     *
     * @param regions the regions (null: all)
     * @param leading the leading count, or null
     * @param full whether to decompose whole Jacobians
     * @param arrays whether to keep the arrays
     * @param partialDh the partial dh Jacobian, or NONE (null: NONE)
     */
    public Request(List<String> regions, Integer leading, boolean full, boolean arrays,
        PartialDh partialDh) {
      this(regions, leading, full, arrays, partialDh, 0);
    }

    /**
     * {@return this request with {@code count} modes resolved by region}
     *
     * @param count the number of modes, 0 for none
     */
    public Request withModes(int count) {
      return new Request(regions, leading, full, arrays, partialDh, count);
    }

    /** {@return the default request: all regions, the size-aware path, no arrays} */
    public static Request defaults() {
      return new Request(List.of(), null, false, false, PartialDh.NONE, 0);
    }
  }

  /**
   * Jacobians at the points, as host arrays for NumPy output.
   *
   * @param jacobians {@code [P, d, d]} row-major
   * @param inputJacobians {@code [P, d, I]} row-major
   * @param points P
   * @param dimension d
   * @param inputs I
   */
  public record Jacobians(double[] jacobians, double[] inputJacobians, int points, int dimension,
      int inputs) {}

  /**
   * The result.
   *
   * @param linearization the map's linearization the stability describes
   * @param leadingOnly whether the leading part was computed (the Krylov path), not every
   *     eigenvalue
   * @param leadingCount the leading count asked for on that path
   * @param summaries one per point: spectral radius, unstable modes, time constants
   * @param leadings one per point on the Krylov path (converged counts, residuals), else empty
   * @param eigendecompositions one per point when arrays were asked for (with eigenvectors on the
   *     dense path), else empty
   * @param jacobians the Jacobians when arrays were asked for, else null
   * @param partialDh the partial dh linearization, or null
   * @param partialDhEigenvalues its eigenvalues at each point (leading part on the Krylov path), or
   *     empty
   * @param partialDhJacobians its Jacobians when arrays were asked for, else null
   * @param regionModes one per point when modes were asked for ({@link Request#modes()}), else
   *     empty
   * @param weightBlockFrobenius {@code |W_AB|_F} of the effective recurrent weights between the
   *     linearized regions (rows destination, columns source) when modes were asked for, else
   *     null
   */
  public record Result(Linearization linearization, boolean leadingOnly, int leadingCount,
      List<StabilitySummary> summaries, List<LeadingSpectrum> leadings,
      List<Eigendecomposition> eigendecompositions, Jacobians jacobians,
      Linearization partialDh, List<Eigendecomposition> partialDhEigenvalues,
      Jacobians partialDhJacobians, List<RegionModes> regionModes,
      double[][] weightBlockFrobenius) {}

  /**
   * Computes the stability at each point.
   *
   * @param model the model
   * @param points the operating points, in the model's natural coordinates
   * @param request what to compute
   * @param progress told the number of points done on the Krylov path (for a progress bar)
   * @return the result
   * @throws IllegalArgumentException if a region is unknown, a point does not fit the model, or
   *     the partial dh Jacobian is asked of a model without it
   */
  public static Result run(RecurrentModel model, List<OperatingPoint> points, Request request,
      IntConsumer progress) {
    Coordinates coordinates = model.naturalCoordinates();
    Linearization lin = Linearization.of(model, coordinates, request.regions());
    Linearization partialDh = partialDh(model, request);
    double dt = model.continuousTimeStep(coordinates);
    boolean leadingOnly = request.leading() != null
        || (!request.full() && lin.size() >= LeadingOptions.LEADING_FROM);
    int count = request.leading() != null ? request.leading() : LeadingOptions.DEFAULT_COUNT;
    LeadingOptions options = LeadingOptions.largestModulus(count);
    List<StabilitySummary> summaries = new ArrayList<>();
    List<LeadingSpectrum> leadings = new ArrayList<>();
    List<Eigendecomposition> eigen = new ArrayList<>();
    Jacobians jacobians = null;
    List<RegionModes> modes = new ArrayList<>();
    int k = request.modes();
    if (k > 0 && (leadingOnly ? k > count : k > lin.size())) {
      throw new IllegalArgumentException("the number of modes to resolve by region (" + k
          + ") exceeds the " + (leadingOnly ? count + " leading eigenvalues computed"
          : lin.size() + " eigenvalues of the " + lin.size() + " linearized units"));
    }
    if (leadingOnly) {
      if (request.arrays()) {
        requireJacobiansFit(lin, points);
      }
      for (int i = 0; i < points.size(); i++) {
        LeadingSpectrum l;
        if (k > 0) {
          // one run on J, with eigenvectors, serves the stability and the modes
          RegionModes m = lin.stabilityRegionModes(points.get(i), options, k);
          modes.add(m);
          l = m.leading();
        } else {
          l = lin.leadingStability(points.get(i), options);
        }
        leadings.add(l);
        summaries.add(summary(l.eigenvalues(), dt));
        progress.accept(i + 1);
      }
      if (request.arrays()) {
        eigen.addAll(leadings.stream().map(LeadingSpectrum::eigenvalues).toList());
        jacobians = jacobians(lin, points);
      }
    } else {
      long d = lin.size();
      long per = d * (d + model.numInputs()) * Double.BYTES;
      MemoryGuard.requireHeap("the batch of " + points.size() + " Jacobians of " + d + " x " + d,
          points.size() * per * (request.arrays() ? 3 : 2) + MemoryGuard.squareMatrices(4, d),
          String.format(java.util.Locale.ROOT, "%d points x %d bytes of state and input"
              + " Jacobians, %d copies", points.size(), per, request.arrays() ? 3 : 2),
          "give fewer states (split the file), ask for the leading eigenvalues one point at a"
              + " time (--leading K), or raise the heap: MRNN4J_JAVA_OPTS=-Xmx...");
      if (k > 0) {
        // one decomposition per point (with right and left vectors) serves the stability, the
        // modes and the eigendecompositions asked for as arrays
        for (OperatingPoint p : points) {
          RegionModes m = lin.regionModes(p, k);
          modes.add(m);
          summaries.add(summary(m.spectrum(), dt));
          if (request.arrays()) {
            eigen.add(m.spectrum());
          }
        }
        if (request.arrays()) {
          jacobians = jacobians(lin, points);
        }
      } else {
        try (BatchLinearization batch = lin.batch(points)) {
          if (request.arrays()) {
            eigen.addAll(batch.eigendecompositions());
            eigen.forEach(e -> summaries.add(summary(e, dt)));
            jacobians = new Jacobians(batch.jacobians().toArray(),
                batch.inputJacobians().toArray(), batch.size(), batch.dimension(),
                batch.inputJacobians().dim(2));
          } else {
            summaries.addAll(batch.stability());
          }
        }
      }
    }
    List<Eigendecomposition> partialEigen = new ArrayList<>();
    Jacobians partialJacobians = null;
    if (partialDh != null) {
      for (OperatingPoint p : points) {
        partialEigen.add(leadingOnly ? partialDh.leading(p, options).eigenvalues()
            : partialDh.eigenvalues(p));
      }
      if (request.arrays()) {
        partialJacobians = jacobians(partialDh, points);
      }
    }
    return new Result(lin, leadingOnly, count, summaries, leadings, eigen, jacobians, partialDh,
        partialEigen, partialJacobians, modes, k > 0 ? lin.weightBlockFrobenius() : null);
  }

  /**
   * The {@code count} leading modes of the map's Jacobian (natural coordinates) at each point,
   * resolved by region over {@code regions} ({@link RegionModes}), by the path {@link #run} takes:
   * dense below {@link LeadingOptions#LEADING_FROM} linearized units, else Krylov-Schur on
   * {@code J} and {@code J^T}. For front ends that have their own points (fixed points).
   *
   * @param model the model
   * @param points the operating points, in the model's natural coordinates
   * @param regions the regions to linearize over (empty: all)
   * @param count the number of modes, at least 1 and at most the linearized units
   * @return one per point, and the weight blocks' Frobenius norms
   * @throws IllegalArgumentException if {@code count} is out of range or a region is unknown
   */
  public static ModesByPoint regionModes(RecurrentModel model, List<OperatingPoint> points,
      List<String> regions, int count) {
    Linearization lin = Linearization.of(model, model.naturalCoordinates(),
        regions == null ? List.of() : regions);
    if (count < 1 || count > lin.size()) {
      throw new IllegalArgumentException("the number of modes to resolve by region must be"
          + " between 1 and the " + lin.size() + " linearized units, got " + count);
    }
    List<RegionModes> out = new ArrayList<>();
    for (OperatingPoint p : points) {
      out.add(lin.size() < LeadingOptions.LEADING_FROM ? lin.regionModes(p, count)
          : lin.leadingRegionModes(p, LeadingOptions.largestModulus(count)));
    }
    return new ModesByPoint(out, lin.weightBlockFrobenius());
  }

  /**
   * Modes resolved by region at a list of points.
   *
   * @param modes one per point
   * @param weightBlockFrobenius {@code |W_AB|_F} between the linearized regions
   */
  public record ModesByPoint(List<RegionModes> modes, double[][] weightBlockFrobenius) {}

  private static StabilitySummary summary(Eigendecomposition e, double dt) {
    return Double.isNaN(dt) ? StabilitySummary.of(e) : StabilitySummary.of(e, dt);
  }

  /**
   * The partial dh linearization a request asks for: null when it asks for none, or when the
   * model's state is its activation (there the Jacobian in h is the map's, already the stability).
   */
  private static Linearization partialDh(RecurrentModel model, Request request) {
    if (request.partialDh() == PartialDh.NONE) {
      return null;
    }
    if (!model.coordinates().contains(Coordinates.ACTIVATION)) {
      throw new IllegalArgumentException("the partial dh Jacobian: the " + model.describe()
          + " offers only " + model.coordinates() + " coordinates");
    }
    if (model.naturalCoordinates() == Coordinates.ACTIVATION) {
      if (request.partialDh() == PartialDh.DIVIDED_BY_ALPHA) {
        throw new IllegalArgumentException("the partial dh Jacobian divided by alpha: the "
            + model.kind().label() + " model has no alpha to divide by (its Jacobian in h is its"
            + " map's)");
      }
      return null;
    }
    Linearization partial = Linearization.of(model, Coordinates.ACTIVATION, request.regions());
    return request.partialDh() == PartialDh.DIVIDED_BY_ALPHA
        ? partial.scaled(1.0 / model.spec().alpha()) : partial;
  }

  /** The Jacobians of {@code lin} at each point, formed one point at a time. */
  /**
   * Refuses, before any work, Jacobians for NumPy output that cannot fit the heap: every point's
   * state and input Jacobian held at once.
   */
  private static void requireJacobiansFit(Linearization lin, List<OperatingPoint> points) {
    int p = points.size();
    long d = lin.size();
    int in = points.isEmpty() ? 0 : points.get(0).input().length;
    MemoryGuard.requireHeap("the " + p + " Jacobians of " + d + " x " + d + " for NumPy output",
        p * d * (d + in) * Double.BYTES, p + " points x " + d * (d + in) + " doubles",
        "give fewer states, leave out --npy, or raise the heap: MRNN4J_JAVA_OPTS=-Xmx...");
  }

  static Jacobians jacobians(Linearization lin, List<OperatingPoint> points) {
    int p = points.size();
    int d = lin.size();
    double[] jac = null;
    double[] jin = null;
    int inputs = 0;
    for (int b = 0; b < p; b++) {
      try (LinearizationResult r = lin.at(points.get(b))) {
        if (jac == null) {
          inputs = r.inputJacobian().dim(1);
          jac = new double[p * d * d];
          jin = new double[p * d * inputs];
        }
        System.arraycopy(r.jacobian().toArray(), 0, jac, b * d * d, d * d);
        System.arraycopy(r.inputJacobian().toArray(), 0, jin, b * d * inputs, d * inputs);
      }
    }
    return new Jacobians(jac == null ? new double[0] : jac, jin == null ? new double[0] : jin, p,
        d, inputs);
  }
}
