package org.mrnn4j.core.spi;

import org.mrnn4j.core.Backend;

/**
 * Finds and creates one kind of {@link Backend}. Implementations are discovered with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.mrnn4j.core.spi.BackendProvider}. They need a public no-argument
 * constructor that does no work: loading native libraries belongs in {@link #probe()}.
 *
 * <p>The selector ({@link org.mrnn4j.core.Backends}) calls {@link #probe()} at most once per JVM and
 * catches anything it throws, {@link LinkageError}s included, turning it into an unavailable
 * answer; a provider should still catch what it expects and say why in words. When the probe
 * answers available, the selector creates a backend with no options and runs the known-answer
 * {@link org.mrnn4j.core.KnownAnswerProbe} on it; a backend that fails is reported unavailable with
 * what went wrong, and selection moves on to the next one.
 */
public interface BackendProvider {

  /** {@return the backend's name, lower case, for example {@code ejml}; unique among providers} */
  String name();

  /**
   * Preference among available backends; the highest-ranked available one is the default. The
   * built-ins use 100 (EJML), 200 (ND4J) and 300 (CUDA, when a device is present).
   *
   * @return the rank: higher is preferred as the default
   */
  int rank();

  /** {@return one line for users: what this backend is} */
  String description();

  /**
   * Whether the backend can run in this JVM: native libraries load, a device is present. Should be
   * cheap after the first call; must not leave the JVM unusable when it fails.
   *
   * @return whether the backend can run here, and why not
   */
  Availability probe();

  /**
   * Whether the backend runs native code that costs time to load (native libraries, a device
   * context). {@link org.mrnn4j.core.BackendSelector#select(String, BackendOptions, int)} passes
   * over such backends for small problems, where loading them costs more than they save. False
   * by default.
   *
   * @return whether creating the backend loads native libraries
   */
  default boolean loadsNativeCode() {
    return false;
  }

  /**
   * What a user can do when this backend fails the known-answer self-test that the selector runs
   * after {@link #probe()} ({@link org.mrnn4j.core.KnownAnswerProbe}), for example which library
   * setting to change; appended to the reason. Empty by default: the reason then only advises
   * selecting another backend.
   *
   * @return what to tell a user whose backend failed its self-test
   */
  default String selfTestRemedy() {
    return "";
  }

  /**
   * Creates a backend. Called only after {@link #probe()} answered available.
   *
   * @param options the backend's options
   * @return a new backend, owned by the caller
   * @throws RuntimeException with a message saying what failed
   */
  Backend create(BackendOptions options);
}
