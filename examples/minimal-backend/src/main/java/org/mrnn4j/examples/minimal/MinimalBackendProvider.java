package org.mrnn4j.examples.minimal;

import org.mrnn4j.core.Backend;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Finds the {@link MinimalBackend} for {@code Backends.select("minimal")} and the command line
 * (listed in {@code META-INF/services/org.mrnn4j.core.spi.BackendProvider}). Rank 10, below the
 * built-in backends, so that it is used only when asked for by name.
 */
public final class MinimalBackendProvider implements BackendProvider {

  /** Required by {@link java.util.ServiceLoader}; does no work. */
  public MinimalBackendProvider() {}

  @Override
  public String name() {
    return MinimalBackend.NAME;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public String description() {
    return "a minimal heap backend in plain loops (the README's example of writing a backend)";
  }

  @Override
  public Availability probe() {
    return Availability.available("pure Java");
  }

  @Override
  public Backend create(BackendOptions options) {
    return new MinimalBackend();
  }
}
