package org.mrnn4j.analysis;

import java.util.Collection;
import java.util.List;
import org.mrnn4j.analysis.regions.RegionModes;
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
 * <p><b>The map's Jacobian and the partial {@code dh} Jacobian.</b> In the model's natural
 * coordinates ({@code x} for the leaky model, {@code h} for the Elman model) the state Jacobian is
 * the Jacobian of the network's one-step map, and its eigenvalues are the network's local
 * stability. The leaky model's {@link Coordinates#ACTIVATION} Jacobian is mRNNTorch's {@code dh}
 * Jacobian, {@code d h' / d h} with {@code x} held fixed: {@code diag(act'(x')) alpha W_rec}. It
 * leaves out the leak term {@code (1 - alpha) x}, which carries {@code x} (and with it {@code h})
 * into the next step, so it is not the Jacobian of any map of the network and its eigenvalues say
 * nothing about stability ({@link #isMapJacobian()} is false). The stability methods
 * ({@link #stability}, {@link #leadingStability}) therefore always analyse the map
 * ({@link #map()}), whatever this linearization's coordinates; the others ({@link #at},
 * {@link #jacobian}, {@link #eigendecomposition}, {@link #leading}, {@link #batch}) give this
 * linearization's own matrices.
 *
 * <p>Instances are immutable and thread-safe; they hold no tensors of their own.
 */
public interface Linearization {

  /**
   * The linearization of {@code model} over the given regions (none: all), in the model's natural
   * coordinates ({@link RecurrentDynamics#naturalCoordinates()}): pre-activation {@code x} for the
   * leaky model ({@code dh = false}), {@code h} for the Elman model.
   *
   * @param model the model to linearize
   * @param regions the regions to include, by name; none for all recurrent regions
   * @return the linearization
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
   * @param model the model to linearize
   * @param coordinates the coordinates of the state ({@code dh})
   * @param regions the regions to include, by name; empty for all recurrent regions
   * @return the linearization
   * @throws IllegalArgumentException naming an unknown region, or if the model does not offer the
   *     coordinates (the Elman model has no pre-activation state)
   */
  static Linearization of(
      RecurrentDynamics model, Coordinates coordinates, Collection<String> regions) {
    return new ModelLinearization(model, coordinates, regions);
  }

  /** {@return the model linearized} */
  RecurrentDynamics model();

  /** {@return the coordinates of the state ({@code dh})} */
  Coordinates coordinates();

  /**
   * {@return whether the state Jacobian is the Jacobian of the network's one-step map (natural
   * coordinates, not {@linkplain #scaled scaled}), whose eigenvalues are its local stability;
   * false for mRNNTorch's partial {@code dh} Jacobian of the leaky model}
   */
  boolean isMapJacobian();

  /**
   * {@return the linearization of the network's map over the same regions: this one when
   * {@link #isMapJacobian()}, else the one in the model's natural coordinates, unscaled}
   */
  Linearization map();

  /**
   * This linearization with every Jacobian (state, input and excluded blocks) multiplied by
   * {@code factor}; {@code f(p)} is unchanged, and the first-order predictions use the scaled
   * Jacobians, as mRNNTorch's {@code forward} does. mRNNTorch's {@code alpha_scaling=True} is
   * {@code scaled(1 / alpha)} of the leaky model's {@link Coordinates#ACTIVATION} linearization
   * (its default, {@code alpha_scaling=False}, is the linearization itself). A scaled
   * linearization is not the map's ({@link #isMapJacobian()} is false) and has no
   * continuous-time view.
   *
   * @param factor the factor, finite and nonzero; factors compose by multiplication
   * @return the scaled linearization
   * @throws IllegalArgumentException if {@code factor} is zero or not finite
   */
  Linearization scaled(double factor);

  /** {@return the factor every Jacobian is multiplied by ({@link #scaled}); 1 unless scaled} */
  double scale();

  /** {@return the included leaf regions, in the model's order} */
  List<String> regions();

  /** {@return the excluded leaf regions, in the model's order (empty when all are included)} */
  List<String> excludedRegions();

  /**
   * {@return the included units: the rows and columns of
   * {@link LinearizationResult#jacobian()}}
   */
  IndexRanges units();

  /** {@return the excluded units: the columns of {@link LinearizationResult#excludedJacobian()}} */
  IndexRanges excludedUnits();

  /** {@return the number of included units {@code d}} */
  default int size() {
    return units().size();
  }

  /**
   * Linearizes at {@code point}: the state and input Jacobians, the excluded block and
   * {@code f(p)} ({@code mLinearization.jacobian}, with and without {@code excluded_regions}).
   *
   * @param point the operating point
   * @return the linearization at {@code point}, owned by the caller
   * @throws IllegalArgumentException if the point's vectors do not match the model's sizes
   */
  LinearizationResult at(OperatingPoint point);

  /**
   * The state Jacobian alone at {@code point}.
   *
   * @param point the operating point
   * @return the state Jacobian, {@code [d, d]}, owned by the caller
   * @throws IllegalArgumentException if the point's vectors do not match the model's sizes
   */
  Tensor jacobian(OperatingPoint point);

  /**
   * The first-order prediction {@code f(p) + J ds + J_exc ds_static + J_in du} at {@code point}
   * ({@code mLinearization.forward}); see {@link LinearizationResult#predict(Tensor, Tensor,
   * Tensor)} for the shapes.
   *
   * @param point the operating point
   * @param deltaState the state perturbation, {@code [k, d]} or {@code [d]}
   * @param deltaInput the input perturbation, {@code [I]} or {@code [k, I]}, or {@code null}
   * @param deltaStatic the perturbation of the excluded units, {@code [e]} or {@code [k, e]}, or
   *     {@code null}
   * @return the prediction, {@code [k, d]}, owned by the caller
   */
  default Tensor predict(
      OperatingPoint point, Tensor deltaState, Tensor deltaInput, Tensor deltaStatic) {
    try (LinearizationResult r = at(point)) {
      return r.predict(deltaState, deltaInput, deltaStatic);
    }
  }

  /**
   * {@link #predict(OperatingPoint, Tensor, Tensor, Tensor)} on arrays.
   *
   * @param point the operating point
   * @param deltaState the state perturbations, {@code [k][d]}
   * @param deltaInput the input perturbation, {@code [I]}, or {@code null}
   * @param deltaStatic the perturbation of the excluded units, {@code [e]}, or {@code null}
   * @return the prediction, {@code [k][d]}
   */
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
   *
   * @param point the operating point
   * @return the eigenvalues and eigenvectors of the state Jacobian
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
   *
   * @param point the operating point
   * @param options how many eigenvalues, and the iteration's settings
   * @return the leading eigenvalues
   */
  LeadingSpectrum leading(OperatingPoint point, LeadingOptions options);

  /**
   * The leading eigenvalues by modulus of the map's Jacobian ({@link #map()}) at {@code point}, as
   * many as it takes to count the unstable modes exactly, or the honest bound where the spectrum's
   * bulk stops the search ({@link Spectra#stability}). For a linearization that is not the map's
   * (the partial {@code dh} Jacobian) these are the eigenvalues of the map's Jacobian, not of
   * {@link #jacobian}: use {@link #leading} for those.
   *
   * @param point the operating point
   * @param options the starting count and the iteration's settings; the order is always by
   *     modulus
   * @return the leading eigenvalues, with the count of unstable modes and its certainty
   */
  LeadingSpectrum leadingStability(OperatingPoint point, LeadingOptions options);

  /**
   * The {@code count} leading modes (by modulus) of the state Jacobian at {@code point} resolved
   * by region, from the dense eigendecomposition with right and left eigenvectors: participation
   * of each leaf region in the right and left eigenvectors, and the sensitivity of each eigenvalue
   * to the gain of each connection between regions (see {@link RegionModes} for the definitions).
   * The regions are {@link #regions()}, over the linearized units.
   *
   * @param point the operating point
   * @param count how many modes, from 1 to {@link #size()}
   * @return the modes, leading first
   * @throws IllegalArgumentException if {@code count} is out of range or the point does not fit
   */
  RegionModes regionModes(OperatingPoint point, int count);

  /**
   * {@link #regionModes(OperatingPoint, int)} without forming the Jacobian: the right vectors from
   * a Krylov-Schur run on {@code J}, the left ones from a second run on {@code J^T}, paired by
   * eigenvalue; the dense path for small Jacobians, as {@link #leading}.
   *
   * @param point the operating point
   * @param options the number of modes and the iteration's settings (always by modulus)
   * @return the converged modes, leading first
   */
  RegionModes leadingRegionModes(OperatingPoint point, LeadingOptions options);

  /**
   * {@link #leadingStability} of this linearization's Jacobian with eigenvectors, and the first
   * {@code count} of its converged modes resolved by region (left vectors from a Krylov-Schur run
   * on {@code J^T}): one run on {@code J} serves both; {@link RegionModes#leading()} holds the
   * stability answer. On a linearization that is not the map's this is its own Jacobian's.
   *
   * @param point the operating point
   * @param options the starting count and the iteration's settings
   * @param count the most modes to resolve
   * @return the modes, with the stability answer
   */
  RegionModes stabilityRegionModes(OperatingPoint point, LeadingOptions options, int count);

  /**
   * {@return the Frobenius norms {@code |W_AB|_F} of the effective recurrent weights between the
   * linearized regions ({@link #regions()}; rows destination, columns source), independent of any
   * point}
   */
  double[][] weightBlockFrobenius();

  /**
   * The eigenvalues alone (no eigenvectors computed), in the canonical order.
   *
   * @param point the operating point
   * @return the eigenvalues of the state Jacobian, without eigenvectors
   */
  default Eigendecomposition eigenvalues(OperatingPoint point) {
    try (Tensor j = jacobian(point)) {
      return Spectra.eig(j, false);
    }
  }

  /**
   * The stability summary at {@code point}, from the eigenvalues of the map's Jacobian
   * ({@link #map()}), whatever this linearization's coordinates; with the continuous-time view for
   * the leaky model (pre-activation coordinates, where the map's Jacobian is {@code I + dt A}).
   *
   * @param point the operating point
   * @return the stability summary of the map's Jacobian at {@code point}
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
   *
   * @param points the operating points, not empty
   * @return the batch, owned by the caller
   * @throws IllegalArgumentException if the list is empty or a point does not match the model
   */
  BatchLinearization batch(List<OperatingPoint> points);
}
