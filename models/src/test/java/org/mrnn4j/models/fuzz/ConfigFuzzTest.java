package org.mrnn4j.models.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.io.ModelFormatException;

/**
 * Fuzz target of the mRNNTorch config reader. Any input either reads (and then writes and reads
 * back to the same config, and small networks build) or ends in a {@link ModelFormatException}
 * naming the source; any other exception, a hang or an out-of-memory error is a finding.
 *
 * <p>{@code mvn verify} replays the corpus in {@code ConfigFuzzTestInputs/config/} (regression
 * mode). To fuzz (one target per run; findings are written to that directory as
 * {@code crash-*} files, which then replay in every build):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl models test -Dtest=ConfigFuzzTest
 * </pre>
 */
class ConfigFuzzTest {
  static final String NAME = "fuzz-config.json";
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
    Targets.printStatsWhenFuzzing();
  }

  @FuzzTest(maxDuration = "60s")
  void config(byte[] data) {
    Targets.fuzz(NAME, data, () -> Targets.config(data, NAME, backend));
  }
}
