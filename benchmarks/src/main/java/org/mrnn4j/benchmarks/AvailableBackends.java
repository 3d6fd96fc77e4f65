package org.mrnn4j.benchmarks;

import java.util.List;
import java.util.stream.Collectors;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;

/**
 * Prints the backends that can run in this JVM as a comma-separated list on standard output (the
 * form JMH's {@code -p backend=...} takes), and one line per unavailable backend, with the reason,
 * on standard error. Exits with status 1 when none can run. {@code run-profile.sh} uses it so that
 * a profile measures only what can run here instead of failing on it.
 *
 * <pre>
 * java -cp benchmarks.jar org.mrnn4j.benchmarks.AvailableBackends     # ejml,nd4j
 * </pre>
 */
public final class AvailableBackends {
  private AvailableBackends() {}

  /**
   * Entry point.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<BackendInfo> all = Backends.list();
    for (BackendInfo info : all) {
      if (!info.available()) {
        System.err.println("SKIPPED backend=" + info.name() + ": " + info.detail());
      }
    }
    String available = all.stream()
        .filter(BackendInfo::available)
        .map(BackendInfo::name)
        .collect(Collectors.joining(","));
    System.out.println(available);
    // The probes may have started native thread pools (ND4J); do not wait for them.
    System.exit(available.isEmpty() ? 1 : 0);
  }
}
