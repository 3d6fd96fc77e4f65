package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import org.mrnn4j.core.Activation;

/**
 * The complete, validated description of a network, without its weights: model kind and options
 * (mRNNTorch's constructor arguments), regions and connections. Immutable; made by
 * {@link ModelBuilder}. Two specs are equal when they describe the same network.
 *
 * @param kind leaky or Elman
 * @param activation the activation function
 * @param softplusBeta softplus's {@code beta} (mRNNTorch's {@code softplus_beta}; 1 is PyTorch's
 *     default, ignored by the other activations)
 * @param recurrentConstrained Dale's law on recurrent weights
 * @param inputConstrained Dale's law on input weights
 * @param dt Euler step (leaky model; kept but unused for Elman)
 * @param tau time constant (leaky model; kept but unused for Elman)
 * @param spectralRadius requested spectral radius of the effective recurrent matrix of a freshly
 *     initialised network, or NaN for none (weights loaded from a checkpoint are never rescaled)
 * @param noiseLevelAct standard deviation parameter of hidden-state noise (mRNNTorch's
 *     {@code noise_level_act})
 * @param noiseLevelInp standard deviation parameter of input noise ({@code noise_level_inp})
 * @param recurrentRegions recurrent regions, in unit order
 * @param inputRegions input regions, in input order
 * @param recurrentConnections recurrent connections, in the order they were added
 * @param inputConnections input connections, in the order they were added
 */
public record ModelSpec(
    ModelKind kind,
    Activation activation,
    double softplusBeta,
    boolean recurrentConstrained,
    boolean inputConstrained,
    double dt,
    double tau,
    double spectralRadius,
    double noiseLevelAct,
    double noiseLevelInp,
    List<RecurrentRegion> recurrentRegions,
    List<InputRegion> inputRegions,
    List<Connection> recurrentConnections,
    List<Connection> inputConnections) {

  /**
   * The most elements of one weight matrix: a tensor holds at most {@code 2^31 - 9} elements
   * ({@link org.mrnn4j.core.Shapes#elementCount}), so {@code N * N} and {@code N * I} must stay
   * within it.
   */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** The most recurrent units, {@code floor(sqrt(MAX_ELEMENTS))}: W_rec is {@code [N, N]}. */
  public static final int MAX_UNITS = 46_340;

  /**
   * Validates the description.
   *
   * @param kind leaky or Elman
   * @param activation the activation function
   * @param softplusBeta softplus's {@code beta} (1 is PyTorch's default; ignored by the other
   *     activations)
   * @param recurrentConstrained Dale's law on recurrent weights
   * @param inputConstrained Dale's law on input weights
   * @param dt Euler step (leaky model; kept but unused for Elman)
   * @param tau time constant (leaky model; kept but unused for Elman)
   * @param spectralRadius requested spectral radius of the effective recurrent matrix of a freshly
   *     initialised network, or NaN for none (weights loaded from a checkpoint are never rescaled)
   * @param noiseLevelAct standard deviation parameter of hidden-state noise (mRNNTorch's
   *     {@code noise_level_act})
   * @param noiseLevelInp standard deviation parameter of input noise ({@code noise_level_inp})
   * @param recurrentRegions recurrent regions, in unit order
   * @param inputRegions input regions, in input order
   * @param recurrentConnections recurrent connections, in the order they were added
   * @param inputConnections input connections, in the order they were added
   * @throws IllegalArgumentException naming the offending region or connection: no recurrent or
   *     no input region, a duplicate name, a parent named like a region, a connection naming an
   *     unknown region or the wrong kind of region, a duplicate connection, bad numbers, or more
   *     units than a weight matrix can hold ({@link #MAX_ELEMENTS})
   */
  public ModelSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(activation, "activation");
    Activation.requireBeta(softplusBeta);
    recurrentRegions = List.copyOf(recurrentRegions);
    inputRegions = List.copyOf(inputRegions);
    recurrentConnections = List.copyOf(recurrentConnections);
    inputConnections = List.copyOf(inputConnections);
    if (!(dt > 0) || !(tau > 0) || !Double.isFinite(dt) || !Double.isFinite(tau)) {
      throw new IllegalArgumentException(
          "dt and tau must be positive and finite, got dt=" + dt + ", tau=" + tau);
    }
    double alpha = dt / tau;
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha = dt / tau must be positive and finite, got dt="
          + dt + " / tau=" + tau + " = " + alpha);
    }
    if (!Double.isNaN(spectralRadius) && !(spectralRadius > 0 && Double.isFinite(spectralRadius))) {
      throw new IllegalArgumentException(
          "the requested spectral radius must be positive and finite (or absent), got "
              + spectralRadius);
    }
    if (!(noiseLevelAct >= 0) || !(noiseLevelInp >= 0)
        || !Double.isFinite(noiseLevelAct) || !Double.isFinite(noiseLevelInp)) {
      throw new IllegalArgumentException("noise levels must be finite and >= 0, got act="
          + noiseLevelAct + ", inp=" + noiseLevelInp);
    }
    if (recurrentRegions.isEmpty()) {
      throw new IllegalArgumentException("the network has no recurrent region; add at least one");
    }
    if (inputRegions.isEmpty()) {
      throw new IllegalArgumentException("the network has no input region; add at least one");
    }
    long n = 0;
    for (RecurrentRegion r : recurrentRegions) {
      n += r.units();
    }
    long i = 0;
    for (InputRegion r : inputRegions) {
      i += r.units();
    }
    // Checked before anything of size N is made, so a config claiming 2e9 units fails here.
    // Compared by division: the products of huge counts would overflow a long.
    if (n > MAX_UNITS || i > MAX_ELEMENTS / n) {
      throw new IllegalArgumentException("the network has N = " + n + " recurrent and I = " + i
          + " input units: W_rec [N, N] and W_inp [N, I] would have N * N and N * I elements, "
          + "but a tensor holds at most " + MAX_ELEMENTS + " (N <= " + MAX_UNITS + ")");
    }
    Set<String> rec = new HashSet<>();
    Set<String> inp = new HashSet<>();
    for (RecurrentRegion r : recurrentRegions) {
      if (!rec.add(r.name())) {
        throw new IllegalArgumentException("duplicate recurrent region '" + r.name() + "'");
      }
    }
    for (InputRegion r : inputRegions) {
      if (rec.contains(r.name())) {
        throw new IllegalArgumentException(
            "input region '" + r.name() + "' has the name of a recurrent region");
      }
      if (!inp.add(r.name())) {
        throw new IllegalArgumentException("duplicate input region '" + r.name() + "'");
      }
    }
    for (RecurrentRegion r : recurrentRegions) {
      if (r.parent() != null && (rec.contains(r.parent()) || inp.contains(r.parent()))) {
        throw new IllegalArgumentException("recurrent region '" + r.name() + "' has parent '"
            + r.parent() + "', which is the name of a region; parent names must differ from "
            + "region names");
      }
    }
    checkConnections("recurrent", recurrentConnections, rec, rec, inp);
    checkConnections("input", inputConnections, inp, rec, rec);
  }

  private static void checkConnections(
      String what, List<Connection> connections, Set<String> sources, Set<String> destinations,
      Set<String> wrongSources) {
    Set<String> seen = new HashSet<>();
    for (Connection c : connections) {
      if (!sources.contains(c.source())) {
        String hint = wrongSources.contains(c.source())
            ? " ('" + c.source() + "' is a" + (what.equals("input") ? " recurrent" : "n input")
                + " region; use " + (what.equals("input") ? "a recurrent" : "an input")
                + " connection)"
            : "";
        throw new IllegalArgumentException(what + " connection " + c.source() + " -> "
            + c.destination() + ": unknown source region '" + c.source() + "'" + hint
            + "; known " + (what.equals("input") ? "input" : "recurrent") + " regions: "
            + new ArrayList<>(sources));
      }
      if (!destinations.contains(c.destination())) {
        throw new IllegalArgumentException(what + " connection " + c.source() + " -> "
            + c.destination() + ": unknown destination recurrent region '" + c.destination()
            + "'; known recurrent regions: " + new ArrayList<>(destinations));
      }
      if (!seen.add(c.source() + "\u0000" + c.destination())) {
        throw new IllegalArgumentException(
            "duplicate " + what + " connection " + c.source() + " -> " + c.destination());
      }
    }
  }

  /**
   * What is legal but unusual about this network, one sentence each (the command line prints
   * them): a leaky model with {@code alpha = dt / tau} above 1, whose every step overshoots the
   * leak ({@code x' = x + alpha (-x + ...)}); mRNNTorch allows it, and its reference cases use
   * alpha up to 5.
   *
   * @return what is legal but unusual about this network (for example alpha above 1), for users
   */
  public List<String> warnings() {
    if (kind == ModelKind.LEAKY && alpha() > 1) {
      return List.of("alpha = dt / tau = " + dt + " / " + tau + " = " + alpha() + " is above 1: "
          + "each step overshoots the leak (x' = x + alpha (-x + ...)); legal, as in mRNNTorch, "
          + "but unusual for a leaky network (dt is usually a fraction of tau)");
    }
    return List.of();
  }

  /** {@return {@code dt / tau}, the leaky model's integration factor} */
  public double alpha() {
    return dt / tau;
  }

  /** {@return the requested spectral radius, if any} */
  public OptionalDouble spectralRadiusOption() {
    return Double.isNaN(spectralRadius) ? OptionalDouble.empty() : OptionalDouble.of(spectralRadius);
  }

  /** {@return the number of recurrent units, N} */
  public int numUnits() {
    return recurrentRegions.stream().mapToInt(RecurrentRegion::units).sum();
  }

  /** {@return the number of input units, I} */
  public int numInputs() {
    return inputRegions.stream().mapToInt(InputRegion::units).sum();
  }

  /** {@return the region layout this spec defines} */
  public RegionLayout layout() {
    return new RegionLayout(recurrentRegions, inputRegions);
  }
}
