package org.mrnn4j.models.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.io.ModelFormatException;

/**
 * Fuzz target of mrnn4j's own model file: {@link ModelFiles#parse} either builds a model (which
 * then saves and reloads to the same spec and parameters) or ends in a {@link
 * ModelFormatException} naming the source; anything else is a finding.
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl models test -Dtest=ModelFilesFuzzTest
 * </pre>
 */
class ModelFilesFuzzTest {
  static final String NAME = "fuzz-model.json";
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
  void modelFile(byte[] data) {
    Targets.fuzz(NAME, data, () -> Targets.modelFile(data, NAME, backend));
  }
}
