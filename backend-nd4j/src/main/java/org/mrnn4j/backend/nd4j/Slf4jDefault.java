package org.mrnn4j.backend.nd4j;

import java.util.ServiceLoader;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Keeps ND4J's logging quiet in an application that has chosen no SLF4J binding.
 *
 * <p>ND4J logs through SLF4J; without a provider on the class path SLF4J 2 prints three lines of
 * "No SLF4J providers were found" to standard error the first time ND4J loads, in an application
 * that never asked for logging. When no provider is present and the application has not set
 * {@code slf4j.provider} itself, this selects SLF4J's own no-operation provider explicitly (the
 * documented {@code slf4j.provider} property, SLF4J 2.0.9 and later), which is what SLF4J falls
 * back to anyway, without the warning. An application with a binding (Logback, slf4j-simple,
 * Log4j) is left alone and gets ND4J's messages as usual.
 */
final class Slf4jDefault {
  static final String PROVIDER = "slf4j.provider";
  static final String VERBOSITY = "slf4j.internal.verbosity";
  static final String NOP = "org.slf4j.helpers.NOP_FallbackServiceProvider";

  private Slf4jDefault() {}

  /** Selects the no-operation provider when none is on the class path and none was chosen. */
  static synchronized void quietWhenUnbound() {
    if (System.getProperty(PROVIDER) != null) {
      return;
    }
    try {
      ClassLoader loader = Slf4jDefault.class.getClassLoader();
      if (ServiceLoader.load(SLF4JServiceProvider.class, loader).findFirst().isPresent()) {
        return;
      }
    } catch (LinkageError | java.util.ServiceConfigurationError e) {
      return; // SLF4J 1.7 (no providers, its own rules) or a broken provider: SLF4J reports it
    }
    System.setProperty(PROVIDER, NOP);
    // SLF4J reports an explicitly chosen provider at INFO on standard error: not for this one
    if (System.getProperty(VERBOSITY) == null) {
      System.setProperty(VERBOSITY, "WARN");
    }
  }
}
