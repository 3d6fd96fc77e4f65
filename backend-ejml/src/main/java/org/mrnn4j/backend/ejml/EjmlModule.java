package org.mrnn4j.backend.ejml;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import org.mrnn4j.core.Backend;

/**
 * Guice wiring that binds {@link Backend} to one {@link EjmlBackend} directly, without backend
 * discovery:
 *
 * <pre>{@code
 * Backend backend = Guice.createInjector(new EjmlModule()).getInstance(Backend.class);
 * }</pre>
 */
public final class EjmlModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(Backend.class).to(EjmlBackend.class).in(Singleton.class);
  }
}
