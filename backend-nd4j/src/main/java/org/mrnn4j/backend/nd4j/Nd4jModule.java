package org.mrnn4j.backend.nd4j;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;

/**
 * Guice wiring that binds {@link Backend} to the {@link Nd4jBackend} directly, without the selection
 * rules of {@code org.mrnn4j.guice.Mrnn4jModule} (mrnn4j-guice):
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new Nd4jModule());
 * Backend backend = injector.getInstance(Backend.class);   // the ND4J backend, a singleton
 * }</pre>
 *
 * Creating the binding fails with a {@link org.mrnn4j.core.BackendUnavailableException} (inside
 * Guice's {@code ProvisionException}) when ND4J's native libraries cannot load here, or when the
 * backend fails its known-answer self-test ({@link org.mrnn4j.core.KnownAnswerProbe}).
 */
public final class Nd4jModule extends AbstractModule {

  @Provides
  @Singleton
  Backend backend() {
    // through the selector, so that the known-answer self-test runs before the backend is used
    return Backends.select(Nd4jBackendProvider.NAME);
  }
}
