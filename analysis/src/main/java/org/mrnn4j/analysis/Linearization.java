package org.mrnn4j.analysis;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.RecurrentDynamics;

/**
 * The local linear analysis of a recurrent model over a subset of its recurrent regions: the Java
 * counterpart of mRNNTorch's {@code mLinearization} and {@code emLinearization}, for every model
 * kind that implements the model SPI ({@link RecurrentDynamics}), which supplies the factors of its
 * update; the tables of Jacobians are in the kinds' documentation
 * ({@code org.mrnn4j.models.LeakyMRNN}, {@code org.mrnn4j.models.ElmanMRNN}).
 *
 * <p>The regions are given in any order and used in the model's region order; a parent region
 * stands for its children; none means every recurrent region. The <em>included</em> units are
 * linearized; the <em>excluded</em> ones are held as a static input, coupled in through
 * {@link LinearizationResult#excludedJacobian()}.
 *
 * <p>Every Jacobian is materialised by the backend's structured kernel
 * ({@link org.mrnn4j.core.Backend#jacobian}, {@link org.mrnn4j.core.Backend#jacobianBatch}), from
 * the model's effective weights and the activation derivative at the operating point; the
 * eigendecompositions come from the backend's eigen kernel. Tensors returned belong to the model's
 * backend and to the caller, who closes them.
 *
 * <p>Instances are immutable and thread-safe; they hold no tensors of their own.
 */
public interface Linearization {

  /**
   * The linearization of {@code model} over the given regions (none: all), in the model's natural
   * coordinates ({@link RecurrentDynamics#naturalCoordinates()}): pre-activation {@code x} for the
   * leaky model ({@code dh = false}), {@code h} for the Elman model.
   *
   * @throws IllegalArgumentException naming an unknown region
   */
  static Linearization of(RecurrentDynamics model, String... regions) {
    return of(model, model.naturalCoordinates(), List.of(regions));
  }

  /**
   * The linearization of {@code model} over the given regions (empty: all) in the given
   * coordinates: mRNNTorch's {@code mLinearization} for the leaky model ({@code dh} is
   * {@link Coordinates#ACTIVATION}), {@code emLinearization} for the Elman model, and the same for
   * any other model kind that implements {@link RecurrentDynamics}.
   *
   * @throws IllegalArgumentException naming an unknown region, or if the model does not offer the
   *     coordinates (the Elman model has no pre-activation state)
   */
  static Linearization of(
      RecurrentDynamics model, Coordinates coordinates, Collection<String> regions) {
    return new ModelLinearization(model, coordinates, regions);
  }

  /** The model linearized. */
  RecurrentDynamics model();

  /** The coordinates of the state ({@code dh}). */
  Coordinates coordinates();

  /** The included leaf regions, in the model's order. */
  List<String> regions();

  /** The excluded leaf regions, in the model's order (empty when all are included). */
  List<String> excludedRegions();

  /** The included units: the rows and columns of {@link LinearizationResult#jacobian()}. */
  IndexRanges units();

  /** The excluded units: the columns of {@link LinearizationResult#excludedJacobian()}. */
  IndexRanges excludedUnits();

  /** The number of included units {@code d}. */
  default int size() {
    return units().size();
  }

  /**
   * Linearizes at {@code point}: the state and input Jacobians, the excluded block and
   * {@code f(p)} ({@code mLinearization.jacobian}, with and without {@code excluded_regions}).
   *
   * @throws IllegalArgumentException if the point's vectors do not match the model's sizes
   */
  LinearizationResult at(OperatingPoint point);

  /** The state Jacobian alone at {@code point}, {@code [d, d]}, owned by the caller. */
  Tensor jacobian(OperatingPoint point);

  /**
   * The first-order prediction {@code f(p) + J ds + J_exc ds_static + J_in du} at {@code point}
   * ({@code mLinearization.forward}); see {@link LinearizationResult#predict(Tensor, Tensor,
   * Tensor)} for the shapes.
   */
  default Tensor predict(
      OperatingPoint point, Tensor deltaState, Tensor deltaInput, Tensor deltaStatic) {
    try (LinearizationResult r = at(point)) {
      return r.predict(deltaState, deltaInput, deltaStatic);
    }
  }

  /** {@link #predict(OperatingPoint, Tensor, Tensor, Tensor)} on arrays. */
  default double[][] predict(
      OperatingPoint point, double[][] deltaState, double[] deltaInput, double[] deltaStatic) {
    try (LinearizationResult r = at(point)) {
      return r.predict(deltaState, deltaInput, deltaStatic);
    }
  }

  /**
   * The eigenvalues and eigenvectors of the state Jacobian at {@code point}
   * ({@code mLinearization.eigendecomposition}), in the canonical order of
   * {@link Eigendecomposition}: descending modulus, unit eigenvectors with their largest
   * component real and positive.
   */
  default Eigendecomposition eigendecomposition(OperatingPoint point) {
    try (Tensor j = jacobian(point)) {
      return Spectra.eig(j, true);
    }
  }

  /**
   * The leading eigenvalues of the state Jacobian at {@code point} without forming it: a
   * Krylov-Schur iteration on the backend's Jacobian-times-vectors kernel for large Jacobians,
   * the dense path for small ones and as fallback ({@link Spectra#leading}). No mRNNTorch
   * counterpart (it always decomposes the whole Jacobian).
   */
  LeadingSpectrum leading(OperatingPoint point, LeadingOptions options);

  /**
   * The leading eigenvalues by modulus at {@code point}, as many as it takes to count the unstable
   * modes exactly, or the honest bound where the spectrum's bulk stops the search
   * ({@link Spectra#stability}).
   */
  LeadingSpectrum leadingStability(OperatingPoint point, LeadingOptions options);

  /** The eigenvalues alone (no eigenvectors computed), in the canonical order. */
  default Eigendecomposition eigenvalues(OperatingPoint point) {
    try (Tensor j = jacobian(point)) {
      return Spectra.eig(j, false);
    }
  }

  /**
   * The stability summary at {@code point}; with the continuous-time view for the leaky model in
   * pre-activation coordinates.
   */
  StabilitySummary stability(OperatingPoint point);

  /**
   * Linearizes at many points in one call, with the backend's batched kernels.
   *
   * @param states {@code [B, N]}: {@code x} (leaky) or {@code h} (Elman)
   * @param activations the leaky model's {@code h} at each point, {@code [B, N]}, or {@code null}
   *     ({@code act(x)}); must be {@code null} for the Elman model
   * @param inputs {@code [B, I]}, or {@code [I]} for the same input at every point
   * @return the batch, owned by the caller
   */
  BatchLinearization batch(Tensor states, Tensor activations, Tensor inputs);

  /**
   * {@link #batch(Tensor, Tensor, Tensor)} for a list of points; a leaky point without an
   * activation h gets {@code act(x)}, as at a single point.
   */
  BatchLinearization batch(List<OperatingPoint> points);
}
