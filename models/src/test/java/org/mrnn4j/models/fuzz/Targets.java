package org.mrnn4j.models.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.ModelFiles;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;
import org.mrnn4j.models.io.StoredTensor;
import org.mrnn4j.models.io.TorchCheckpoint;

/**
 * What the fuzz targets and the mutation corpus test do with one input. Each method returns
 * normally when the input is accepted (after checking what an accepted input promises), throws
 * {@link ModelFormatException} when it is rejected, and lets anything else escape: that is a
 * finding.
 */
final class Targets {
  private Targets() {}

  /** One target with its input bound: returns, or rejects with {@link ModelFormatException}. */
  @FunctionalInterface
  interface Target {
    void run() throws ModelFormatException;
  }

  /**
   * The body of a {@code @FuzzTest}: runs {@code target}, and checks that a rejection names the
   * source {@code name}. Any other exception escapes: that is a finding.
   */
  static void fuzz(String name, Target target) {
    try {
      target.run();
    } catch (ModelFormatException expected) {
      assertTrue(name.equals(expected.file()), expected::getMessage);
    }
  }

  /**
   * Outcomes and the worst allocation ratio of a fuzzing run, printed after it if
   * {@code JAZZER_FUZZ} is set (a fuzzing run, not the regression run of {@code mvn verify}).
   */
  static final class Stats {
    private final java.util.Map<String, java.util.Map<String, Long>> outcomes =
        new java.util.TreeMap<>();
    private double worstRatio;
    private String worst = "none";

    synchronized void record(String target, String outcome, long allocated, int inputBytes) {
      outcomes.computeIfAbsent(target, k -> new java.util.TreeMap<>()).merge(outcome, 1L,
          Long::sum);
      double ratio = (double) allocated / Math.max(1, inputBytes);
      if (inputBytes >= 1024 && ratio > worstRatio) {
        worstRatio = ratio;
        worst = target + ": " + allocated + " bytes for " + inputBytes + " (" + outcome + ")";
      }
    }

    synchronized String summary() {
      return "fuzz outcomes " + outcomes + "; worst allocation ratio for inputs of 1 KiB or more: "
          + String.format(java.util.Locale.ROOT, "%.1f", worstRatio) + " (" + worst + ")";
    }
  }

  static final Stats STATS = new Stats();

  /** Prints the run's outcomes when fuzzing (not in the regression run of {@code mvn verify}). */
  static void printStatsWhenFuzzing() {
    if (System.getenv("JAZZER_FUZZ") != null) {
      System.out.println(STATS.summary());
    }
  }

  /** Bytes an input may make a target allocate: 64 times its size plus this allowance. */
  static final long ALLOWANCE = 32L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * As {@link #fuzz(String, Target)}, and a finding too when the target allocates more than 64
   * times the input's size plus {@link #ALLOWANCE} (the loaders' memory contract), so that a
   * fuzzing run finds amplifications on its own.
   */
  static void fuzz(String name, byte[] input, Target target) {
    long id = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(id);
    String outcome = "accepted";
    try {
      target.run();
    } catch (ModelFormatException expected) {
      outcome = "ModelFormatException";
      assertTrue(name.equals(expected.file()), expected::getMessage);
    } catch (RuntimeException | Error e) {
      STATS.record(name, e.getClass().getName(), 0, input.length);
      throw e;
    }
    long allocated = THREADS.getThreadAllocatedBytes(id) - before;
    long bound = 64L * input.length + ALLOWANCE;
    if (allocated > bound) {
      // The first run of a path also allocates for class loading, JIT and (under Jazzer) the
      // instrumentation's own tables: measure once more before calling it a finding.
      long again = THREADS.getThreadAllocatedBytes(id);
      try {
        target.run();
      } catch (ModelFormatException expected) {
        // as before
      }
      allocated = THREADS.getThreadAllocatedBytes(id) - again;
    }
    STATS.record(name, outcome, allocated, input.length);
    long measured = allocated;
    assertTrue(measured <= bound, () -> "an input of " + input.length + " bytes made the "
        + "reader allocate " + measured + " bytes, more than 64 times its size plus "
        + (ALLOWANCE >> 20) + " MiB");
  }

  /**
   * Reads a config; an accepted one must write and read back to itself, and a small network must
   * build from it.
   */
  static void config(byte[] data, String name, Backend backend) throws ModelFormatException {
    MrnnConfig config = MrnnConfig.parse(data, name);
    MrnnConfig again = MrnnConfig.parse(config.toJson().toString(), "round trip");
    assertEquals(config.toJson(), again.toJson(), "a config must read back as it was written");
    ModelSpec spec = config.spec(name);
    if (spec.numUnits() <= 64 && spec.numInputs() <= 64) {
      try (RecurrentModel m = config.builder().seed(1).build(backend)) {
        assertEquals(spec, m.spec());
      } catch (IllegalStateException e) {
        // Documented: a requested spectral radius cannot be met by a zero or nilpotent matrix,
        // nor by finite weights when it is too large.
        assertTrue(spec.spectralRadiusOption().isPresent()
            && e.getMessage().startsWith("cannot rescale"), e::getMessage);
      }
    }
  }

  /**
   * Reads a checkpoint, loads it into the network of {@code config} and builds it; an accepted
   * checkpoint's tensors must hold as many values as their shapes say.
   */
  static void checkpoint(byte[] data, String name, MrnnConfig config, Backend backend)
      throws ModelFormatException {
    TorchCheckpoint checkpoint;
    try {
      checkpoint = TorchCheckpoint.read(data, name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new AssertionError("an in-memory checkpoint cannot fail to be read: " + e, e);
    }
    for (String key : checkpoint.keys()) {
      StoredTensor t = checkpoint.tensor(key);
      long numel = 1;
      for (int d : t.shape()) {
        numel *= d;
      }
      assertEquals(numel, t.data().length, key);
    }
    ModelParameters p = CheckpointLoader.parameters(checkpoint, config.spec("config"), null);
    try (RecurrentModel m = config.builder().parameters(p).build(backend)) {
      assertEquals(p, m.parameters());
    }
  }

  /** Reads a model file; an accepted one must save and reload to the same model. */
  static void modelFile(byte[] data, String name, Backend backend) throws ModelFormatException {
    try (RecurrentModel m = ModelFiles.parse(data, name, backend)) {
      byte[] saved = ModelFiles.toJson(m).toString().getBytes(StandardCharsets.UTF_8);
      try (RecurrentModel again = ModelFiles.parse(saved, "round trip", backend)) {
        assertEquals(m.spec(), again.spec());
        assertEquals(m.parameters(), again.parameters());
      }
    }
  }
}
