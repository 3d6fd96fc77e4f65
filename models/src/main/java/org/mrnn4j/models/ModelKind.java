package org.mrnn4j.models;

import java.util.Locale;

/** Which mRNNTorch model a network is. */
public enum ModelKind {
  /** The leaky (Euler-discretised rate) model, mRNNTorch's {@code mRNN}. */
  LEAKY("leaky"),
  /** The Elman model, mRNNTorch's {@code ElmanmRNN}. */
  ELMAN("elman");

  private final String label;

  ModelKind(String label) {
    this.label = label;
  }

  /** {@return the name used in config files: {@code leaky} or {@code elman}} */
  public String label() {
    return label;
  }

  /**
   * Looks a kind up by its config name ({@code leaky}, {@code mrnn}, {@code elman},
   * {@code elmanmrnn}), ignoring case.
   *
   * @param name {@code leaky} or {@code elman}, or mRNNTorch's {@code mrnn} or {@code elmanmrnn}
   * @return the kind of that name
   * @throws IllegalArgumentException naming the accepted names
   */
  public static ModelKind fromName(String name) {
    if (name != null) {
      switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "leaky", "mrnn" -> {
          return LEAKY;
        }
        case "elman", "elmanmrnn" -> {
          return ELMAN;
        }
        default -> { }
      }
    }
    throw new IllegalArgumentException(
        "unknown model type '" + name + "': expected leaky (mRNN) or elman (ElmanmRNN)");
  }

  @Override
  public String toString() {
    return label;
  }
}
