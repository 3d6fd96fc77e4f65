package org.mrnn4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;

/** The fixed-point benchmark's set-up and body, run once outside JMH. */
class FixedPointBenchmarkTest {
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(FixedPointBenchmark.CONFORMANCE_PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(FixedPointBenchmark.CONFORMANCE_PROPERTY);
    } else {
      System.setProperty(FixedPointBenchmark.CONFORMANCE_PROPERTY, saved);
    }
  }

  @Test
  void aMissingCheckpointSkipsTheTrialWithAMessage(@TempDir Path empty) {
    System.setProperty(FixedPointBenchmark.CONFORMANCE_PROPERTY, empty.toString());
    FixedPointBenchmark b = new FixedPointBenchmark();
    b.backend = "ejml";
    var e = assertThrows(BenchmarkBackends.SkippedException.class, b::setUp);
    assertTrue(e.getMessage().startsWith("SKIPPED FixedPointBenchmark: the conformance checkpoint"),
        e.getMessage());
    assertTrue(e.getMessage().contains("flip_flop_rnn_leaky.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("-Dmrnn4j.conformance.dir"), e.getMessage());
    b.tearDown();
  }

  @Test
  void searchesTheFlipFlopCheckpoint() throws Exception {
    assumeTrue(saved != null && Files.isDirectory(Path.of(saved, "checkpoints")),
        "conformance data not available (-Dmrnn4j.conformance.dir)");
    FixedPointBenchmark b = new FixedPointBenchmark();
    b.backend = "ejml";
    try {
      b.setUp();
      FixedPointSearch search = b.flipFlop();
      assertEquals(27, search.fixedPoints().size());
      assertEquals(8, search.stableCount());
      assertTrue(search.starts().size() >= FixedPointBenchmark.STARTS);
    } finally {
      b.tearDown();
    }
  }
}
