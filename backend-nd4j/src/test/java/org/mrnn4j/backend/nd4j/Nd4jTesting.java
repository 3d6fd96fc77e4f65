package org.mrnn4j.backend.nd4j;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * For the tests that run once per OpenBLAS core (the pom's {@code core-*} executions set
 * {@code OPENBLAS_CORETYPE}): a core this CPU cannot run is skipped with the reason, before
 * anything native loads.
 */
final class Nd4jTesting {
  private Nd4jTesting() {}

  /** The backend, or the test skipped when {@code OPENBLAS_CORETYPE} names a core the CPU lacks. */
  static Nd4jBackend startBackend() {
    skipUnrunnableCore();
    return new Nd4jBackend();
  }

  /** Skips the calling test where {@code OPENBLAS_CORETYPE} forces a core this CPU cannot run. */
  static void skipUnrunnableCore() {
    Optional<String> why =
        OpenBlasRuntime.unrunnableForcedCore(System::getenv, OpenBlasRuntime.cpuFlags());
    if (why.isPresent()) {
      Assumptions.abort("this CPU cannot run the forced OpenBLAS core; skipping: " + why.get());
    }
  }
}
