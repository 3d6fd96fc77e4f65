package org.mrnn4j.backend.ejml;

import org.ejml.EjmlVersion;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Finds the {@link EjmlBackend} for {@link org.mrnn4j.core.Backends}: name {@code ejml}, rank 100
 * (the default when no native backend is available). It needs nothing but the JVM, so it is always
 * available. It takes no options.
 */
public final class EjmlBackendProvider implements BackendProvider {

  /** Required by {@link java.util.ServiceLoader}; does no work. */
  public EjmlBackendProvider() {}

  @Override
  public String name() {
    return EjmlBackend.NAME;
  }

  @Override
  public int rank() {
    return 100;
  }

  @Override
  public String description() {
    return "pure-Java CPU backend on EJML: float64, general eigendecomposition with eigenvectors";
  }

  @Override
  public Availability probe() {
    return Availability.available("pure Java, EJML " + EjmlVersion.VERSION);
  }

  @Override
  public Backend create(BackendOptions options) {
    return new EjmlBackend();
  }
}
