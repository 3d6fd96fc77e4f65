package org.mrnn4j.core.spi;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Options passed to {@link BackendProvider#create}: string keys and values that each backend
 * documents (for example {@code device=1} for CUDA). Unknown keys are ignored. Immutable.
 */
public final class BackendOptions {
  private static final BackendOptions NONE = new BackendOptions(Map.of());
  private final Map<String, String> values;

  private BackendOptions(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** {@return no options} */
  public static BackendOptions none() {
    return NONE;
  }

  /**
   * {@return options from a map (copied)}
   *
   * @param values the options by name
   */
  public static BackendOptions of(Map<String, String> values) {
    return new BackendOptions(values);
  }

  /**
   * {@return the value of {@code key}, if set}
   *
   * @param key the option's name
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The integer value of {@code key}, or {@code defaultValue} when unset.
   *
   * @param key the option's name
   * @param defaultValue the value when the option is absent
   * @return the option's value, or {@code defaultValue}
   * @throws IllegalArgumentException naming the key if the value is not an integer
   */
  public int getInt(String key, int defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "backend option '" + key + "' must be an integer, got '" + v + "'", e);
    }
  }

  /** {@return all options, sorted by key} */
  public Map<String, String> asMap() {
    return new TreeMap<>(values);
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
