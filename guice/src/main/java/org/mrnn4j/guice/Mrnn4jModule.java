package org.mrnn4j.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.spi.BackendOptions;

/**
 * Guice wiring: binds {@link Backend} to the backend selected by the rules of
 * {@link BackendSelector} (a name given here, else the property {@code mrnn4j.backend}, else the
 * environment variable {@code MRNN4J_BACKEND}, else the best available), as a singleton.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new Mrnn4jModule("ejml"));
 * Backend backend = injector.getInstance(Backend.class);
 * }</pre>
 *
 * Each backend module also offers a module binding its own backend directly ({@code EjmlModule},
 * {@code Nd4jModule}, {@code CudaModule}); they need Guice, which this artifact ({@code
 * mrnn4j-guice}) brings. The injector's singleton {@link Backend} is the application's to close
 * when it is done with it.
 */
public class Mrnn4jModule extends AbstractModule {
  private final String backendName;
  private final BackendOptions options;

  /** Selects the default backend. */
  public Mrnn4jModule() {
    this(null, BackendOptions.none());
  }

  /**
   * Selects the backend called {@code backendName} (null for the default).
   *
   * @param backendName the backend to bind, or null for the default
   */
  public Mrnn4jModule(String backendName) {
    this(backendName, BackendOptions.none());
  }

  /**
   * Selects {@code backendName} (null for the default) created with {@code options}.
   *
   * @param backendName the backend to bind, or null for the default
   * @param options the backend's options
   */
  public Mrnn4jModule(String backendName, BackendOptions options) {
    this.backendName = backendName;
    this.options = options;
  }

  @Override
  protected void configure() {
    bind(BackendSelector.class).toInstance(Backends.selector());
  }

  @Provides
  @Singleton
  Backend backend(BackendSelector selector) {
    return selector.select(backendName, options);
  }
}
