package org.mrnn4j.core;

import java.util.List;
import org.mrnn4j.core.spi.BackendOptions;

/**
 * The static entry point for users without Guice:
 *
 * <pre>{@code
 * try (Backend backend = Backends.select("ejml")) { ... }
 * try (Backend backend = Backends.select()) { ... }   // property, env, or best available
 * Backends.list().forEach(System.out::println);
 * }</pre>
 *
 * Backends are found with {@link java.util.ServiceLoader} on the class path of this class, once.
 * See {@link BackendSelector} for the selection rules.
 */
public final class Backends {
  private Backends() {}

  private static final class Holder {
    static final BackendSelector SELECTOR =
        BackendSelector.fromServiceLoader(Backends.class.getClassLoader());
  }

  /** {@return the selector over the providers on the class path} */
  public static BackendSelector selector() {
    return Holder.SELECTOR;
  }

  /**
   * The default backend: the one named by the system property {@code mrnn4j.backend}, else by the
   * environment variable {@code MRNN4J_BACKEND}, else the highest-ranked available one.
   *
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException if that backend cannot be used
   */
  public static Backend select() {
    return select(null);
  }

  /**
   * The backend called {@code name} (null or blank for the default).
   *
   * @param name a backend's name, or null or blank for the default
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException naming the backend and why it cannot be used
   */
  public static Backend select(String name) {
    return selector().select(name, BackendOptions.none());
  }

  /**
   * The backend called {@code name}, or for a default the best one for a network of
   * {@code units} recurrent units (see {@link BackendSelector#select(String, BackendOptions, int)}:
   * small networks skip backends that load native code).
   *
   * @param name a backend's name, or null or blank for the default
   * @param units the network's size, for the size-aware default
   * @return the backend, owned by the caller
   */
  public static Backend select(String name, int units) {
    return selector().select(name, BackendOptions.none(), units);
  }

  /**
   * {@return the backend called {@code name}, created with {@code options}}
   *
   * @param name a backend's name, or null or blank for the default
   * @param options the backend's options
   */
  public static Backend select(String name, BackendOptions options) {
    return selector().select(name, options);
  }

  /** {@return every backend found, with whether it can run here and, if not, why} */
  public static List<BackendInfo> list() {
    return selector().list();
  }
}
