package org.mrnn4j.core.spi;

import java.util.Objects;

/**
 * The answer of {@link BackendProvider#probe()}: whether the backend can run here, and if not, why.
 *
 * @param available whether the backend can be created
 * @param reason why it cannot ("no CUDA driver", "native library libopenblas missing"), or a short
 *     description of what was found when it can
 */
public record Availability(boolean available, String reason) {
  /**
   * @throws NullPointerException if {@code reason} is null
   *
   * @param available whether the backend can run here
   * @param reason why not, or a detail of what runs, or null
   */
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * {@return available, with a note on what was found (a device name, a library version)}
   *
   * @param detail what runs, or null
   */
  public static Availability available(String detail) {
    return new Availability(true, detail);
  }

  /**
   * {@return unavailable for {@code reason}}
   *
   * @param reason why not, or a detail of what runs, or null
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
