package org.mrnn4j.models;

import java.util.Locale;

/**
 * The sign of a region's outgoing connections under Dale's law: excitatory ({@code pos}) or
 * inhibitory ({@code neg}).
 */
public enum Sign {
  /** Excitatory: outgoing effective weights are {@code >= 0}. */
  POS("pos", 1.0),
  /** Inhibitory: outgoing effective weights are {@code <= 0}. */
  NEG("neg", -1.0);

  private final String label;
  private final double value;

  Sign(String label, double value) {
    this.label = label;
    this.value = value;
  }

  /** {@return {@code pos} or {@code neg}, as in mRNNTorch configs} */
  public String label() {
    return label;
  }

  /** {@return {@code +1} or {@code -1}} */
  public double value() {
    return value;
  }

  /**
   * Parses {@code pos}/{@code neg} (also {@code exc}/{@code inhib}, {@code +}/{@code -}).
   *
   * @param name {@code pos} or {@code neg}
   * @return the sign of that name
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Sign fromName(String name) {
    if (name != null) {
      switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "pos", "exc", "excitatory", "+" -> {
          return POS;
        }
        case "neg", "inhib", "inhibitory", "-" -> {
          return NEG;
        }
        default -> { }
      }
    }
    throw new IllegalArgumentException("unknown sign '" + name + "': expected pos or neg");
  }

  @Override
  public String toString() {
    return label;
  }
}
