package org.mrnn4j.benchmarks;

import java.util.Optional;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Opens the backend a benchmark's {@code backend} parameter names, or skips the benchmark.
 *
 * <p>How a backend that cannot run here is skipped: JMH has no way to skip a parameter combination
 * from inside a benchmark, so the {@code @Setup} method throws {@link SkippedException}
 * after printing {@code SKIPPED backend=NAME: REASON} to standard error ({@link #skip}; other
 * missing prerequisites, such as {@link FixedPointBenchmark}'s checkpoint, are skipped the same
 * way). JMH then reports that
 * combination as failed, records no score for it, and (unless run with {@code -foe true}) goes on
 * with the next one. The alternative, returning at once from the benchmark method, would keep the
 * log quieter but put a meaningless nanosecond "result" into the JSON beside the real ones; a
 * missing result is the honest one. {@code run-profile.sh} avoids the failures altogether by
 * passing only the backends that {@link AvailableBackends} reports.
 */
final class BenchmarkBackends {
  private BenchmarkBackends() {}

  /**
   * The backend called {@code name}, created fresh for this trial.
   *
   * @throws SkippedException if no such backend is on the class path or it cannot run here
   */
  static Backend open(String name) {
    BackendSelector selector = Backends.selector();
    Optional<BackendProvider> provider = selector.provider(name);
    if (provider.isEmpty()) {
      throw skip("backend=" + name, "no backend of that name is on the class path (known: "
          + String.join(", ", selector.providers().stream().map(BackendProvider::name).toList())
          + ")");
    }
    Availability availability = selector.probe(provider.get());
    if (!availability.available()) {
      throw skip("backend=" + name, availability.reason());
    }
    try {
      return Backends.select(name);
    } catch (BackendUnavailableException e) {
      throw skip("backend=" + name, e.reason());
    }
  }

  /**
   * Prints {@code SKIPPED WHAT: REASON} to standard error and returns the exception for
   * {@code @Setup} to throw.
   */
  static SkippedException skip(String what, String reason) {
    String message = "SKIPPED " + what + ": " + reason;
    System.err.println(message);
    return new SkippedException(message);
  }

  /** Thrown from {@code @Setup} when a benchmark cannot run here (backend, missing data). */
  static final class SkippedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SkippedException(String message) {
      // No stack trace: the message says everything, and JMH prints the trace in full.
      super(message, null, false, false);
    }
  }
}
