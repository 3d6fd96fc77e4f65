package org.mrnn4j.models.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;
import org.mrnn4j.models.io.TorchCheckpoint;

/**
 * Fuzz target of the PyTorch checkpoint reader and loader: {@link TorchCheckpoint#read(byte[],
 * String)}, then {@link CheckpointLoader#parameters} into the fixed network of
 * {@link Seeds#FIXED_CONFIG}, then building it. Every step either succeeds or ends in a {@link
 * ModelFormatException} naming the source; anything else is a finding.
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl models test -Dtest=CheckpointFuzzTest
 * </pre>
 */
class CheckpointFuzzTest {
  static final String NAME = "fuzz.pth";
  private static Backend backend;
  private static MrnnConfig config;

  @BeforeAll
  static void open() throws ModelFormatException {
    backend = Backends.select("ejml");
    config = MrnnConfig.parse(Seeds.FIXED_CONFIG, "fixed config");
  }

  @AfterAll
  static void close() {
    backend.close();
    Targets.printStatsWhenFuzzing();
  }

  @FuzzTest(maxDuration = "60s")
  void checkpoint(byte[] data) {
    Targets.fuzz(NAME, data, () -> Targets.checkpoint(data, NAME, config, backend));
  }
}
