package org.mrnn4j.core;

import java.util.List;
import org.mrnn4j.core.spi.BackendOptions;

/**
 * The static entry point for users without Guice:
 *
 * <pre>{@code
 * try (Backend backend = Backends.select("ejml")) { ... }
 * try (Backend backend = Backends.select()) { ... }   // property, env, or best available
 * try (Backend backend = Backends.forUnits(30)) { ... } // ... best for a 30-unit network
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
   * environment variable {@code MRNN4J_BACKEND}, else the highest-ranked available one. It does
   * not know the network's size: where that is known, {@link #forUnits(int)} makes the choice the
   * command line makes (no native library loaded for a small network).
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
   * The default backend for a network of {@code units} recurrent units, as the command line
   * chooses it: the one named by the system property {@code mrnn4j.backend}, else by the
   * environment variable {@code MRNN4J_BACKEND}; else, below
   * {@link BackendSelector#NATIVE_FROM} units, the best available backend that loads no native
   * code (loading ND4J's libraries costs more than a whole analysis of such a network), and
   * otherwise the highest-ranked available one. The same as {@code select(null, units)}.
   *
   * @param units the network's number of recurrent units ({@code model.numUnits()}); negative
   *     when unknown, which gives {@link #select()}'s choice
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException if that backend cannot be used
   */
  public static Backend forUnits(int units) {
    return select(null, units);
  }

  /**
   * The backend called {@code name}, or for a default the best one for a network of
   * {@code units} recurrent units (see {@link BackendSelector#select(String, BackendOptions, int)}:
   * small networks skip backends that load native code).
   *
   * @param name a backend's name, or null or blank for the default
   * @param units the network's size, for the size-aware default
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException naming the backend and why it cannot be used
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
