package org.mrnn4j.models;

import java.util.Objects;

/**
 * A recurrent region: a named group of units whose outgoing connections share a sign.
 *
 * <p>Immutable; the one-argument methods return modified copies, so regions read fluently:
 *
 * <pre>{@code
 * RecurrentRegion gpe = RecurrentRegion.of("gpe", 50).sign(Sign.NEG).baseFiring(1).init(1).parent("bg");
 * }</pre>
 *
 * @param name unique name (unique among recurrent and input regions and parent names)
 * @param units number of units, {@code >= 1}
 * @param sign sign of its outgoing connections (used when Dale's law is on)
 * @param baseFiring tonic input {@code b} of each of its units
 * @param init initial pre-activation {@code x0} of each of its units
 * @param parent the parent region grouping it with others, or {@code null}
 * @param learnableBias mRNNTorch's flag making {@code baseFiring} trainable; kept for fidelity of
 *     configs only (mRNNTorch never registers the parameter, so checkpoints never hold it)
 */
public record RecurrentRegion(
    String name, int units, Sign sign, double baseFiring, double init, String parent,
    boolean learnableBias) {

  /**
   * @param name unique name (unique among recurrent and input regions and parent names)
   * @param units number of units, {@code >= 1}
   * @param sign sign of its outgoing connections (used when Dale's law is on)
   * @param baseFiring tonic input {@code b} of each of its units
   * @param init initial pre-activation {@code x0} of each of its units
   * @param parent the parent region grouping it with others, or {@code null}
   * @param learnableBias mRNNTorch's flag making {@code baseFiring} trainable; kept for fidelity of
   *     configs only (mRNNTorch never registers the parameter, so checkpoints never hold it)
   * @throws IllegalArgumentException if the name is blank, units are not positive, or a value is
   *     not finite
   */
  public RecurrentRegion {
    Objects.requireNonNull(sign, "sign");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a recurrent region needs a non-blank name");
    }
    if (units < 1) {
      throw new IllegalArgumentException(
          "recurrent region '" + name + "' needs at least 1 unit, got " + units);
    }
    if (!Double.isFinite(baseFiring) || !Double.isFinite(init)) {
      throw new IllegalArgumentException("recurrent region '" + name
          + "': base_firing and init must be finite, got " + baseFiring + " and " + init);
    }
    if (parent != null && parent.isBlank()) {
      parent = null;
    }
  }

  /**
   * {@return an excitatory region with mRNNTorch's defaults: base firing 0, init 0, no parent}
   *
   * @param name the region's name
   * @param units its number of units
   */
  public static RecurrentRegion of(String name, int units) {
    return new RecurrentRegion(name, units, Sign.POS, 0.0, 0.0, null, false);
  }

  /**
   * {@return a copy with the given sign}
   *
   * @param s the sign
   */
  public RecurrentRegion sign(Sign s) {
    return new RecurrentRegion(name, units, s, baseFiring, init, parent, learnableBias);
  }

  /** {@return a copy that is inhibitory ({@link Sign#NEG})} */
  public RecurrentRegion inhibitory() {
    return sign(Sign.NEG);
  }

  /**
   * {@return a copy with the given base firing (tonic input)}
   *
   * @param b the baseline firing (tonic input)
   */
  public RecurrentRegion baseFiring(double b) {
    return new RecurrentRegion(name, units, sign, b, init, parent, learnableBias);
  }

  /**
   * {@return a copy with the given initial pre-activation}
   *
   * @param x0 the initial pre-activation of its units
   */
  public RecurrentRegion init(double x0) {
    return new RecurrentRegion(name, units, sign, baseFiring, x0, parent, learnableBias);
  }

  /**
   * {@return a copy belonging to the given parent region (null for none)}
   *
   * @param p the parent region's name
   */
  public RecurrentRegion parent(String p) {
    return new RecurrentRegion(name, units, sign, baseFiring, init, p, learnableBias);
  }

  /**
   * {@return a copy with mRNNTorch's {@code learnable_bias} flag (kept for fidelity; no effect
   *     here)}
   *
   * @param flag mRNNTorch's {@code learnable_bias}
   */
  public RecurrentRegion learnableBias(boolean flag) {
    return new RecurrentRegion(name, units, sign, baseFiring, init, parent, flag);
  }
}
