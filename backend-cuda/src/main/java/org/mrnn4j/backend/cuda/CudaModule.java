package org.mrnn4j.backend.cuda;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.spi.BackendOptions;

/**
 * Guice module binding {@link Backend} to a {@link CudaBackend}, as a singleton:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new CudaModule());
 * try (Backend gpu = injector.getInstance(Backend.class)) { ... }
 * }</pre>
 *
 * Where CUDA cannot run, or the backend fails its known-answer self-test
 * ({@link org.mrnn4j.core.KnownAnswerProbe}, run on device 0 with the default options), provisioning
 * fails with a {@link org.mrnn4j.core.BackendUnavailableException} that names the reason.
 */
public final class CudaModule extends AbstractModule {
  private final BackendOptions options;

  /** Device 0, the default host backend. */
  public CudaModule() {
    this(BackendOptions.none());
  }

  /**
   * With options {@code device} and {@code host} (see {@link CudaBackendProvider}).
   *
   * @param options the backend options; {@code null} means none (device 0, the default host
   *     backend)
   */
  public CudaModule(BackendOptions options) {
    this.options = options == null ? BackendOptions.none() : options;
  }

  @Override
  protected void configure() {}

  @Provides
  @Singleton
  Backend backend() {
    // through the selector, so that the known-answer self-test runs before the backend is used
    return Backends.select(CudaBackendProvider.NAME, options);
  }
}
