package org.mrnn4j.models;

import java.util.Objects;

/**
 * An input region: a named group of input channels whose connections share a sign.
 *
 * @param name unique name (unique among recurrent and input regions and parent names)
 * @param units number of input channels, {@code >= 1}
 * @param sign sign of its connections (used when Dale's law is on for inputs)
 */
public record InputRegion(String name, int units, Sign sign) {

  /**
   * @param name unique name (unique among recurrent and input regions and parent names)
   * @param units number of input channels, {@code >= 1}
   * @param sign sign of its connections (used when Dale's law is on for inputs)
   * @throws IllegalArgumentException if the name is blank or units are not positive
   */
  public InputRegion {
    Objects.requireNonNull(sign, "sign");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an input region needs a non-blank name");
    }
    if (units < 1) {
      throw new IllegalArgumentException(
          "input region '" + name + "' needs at least 1 unit, got " + units);
    }
  }

  /**
   * {@return a positive input region}
   *
   * @param name the region's name
   * @param units its number of input units
   */
  public static InputRegion of(String name, int units) {
    return new InputRegion(name, units, Sign.POS);
  }

  /**
   * {@return a copy with the given sign}
   *
   * @param s the sign
   */
  public InputRegion sign(Sign s) {
    return new InputRegion(name, units, s);
  }
}
