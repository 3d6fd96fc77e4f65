package org.mrnn4j.benchmarks.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.mrnn4j.spark.Sweep;
import org.mrnn4j.spark.SweepAnalysis;
import org.mrnn4j.spark.SweepResult;
import org.mrnn4j.spark.SweepTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole sweep on Spark, per master: {@value #TASKS} summary tasks, each {@value #STEPS} steps
 * of a 256-unit leaky tanh network (a config with a random initialisation, one seed per task, so
 * every task loads its own model) and the {@code STEPS + 1} dense eigendecompositions, on the EJML
 * backend; {@code local[1]} against {@code local[2]} gives how the sweep scales with the cores of
 * one executor. One operation is the sweep from tasks to collected rows, the session already up.
 *
 * <p>A module of its own, so that Spark (at {@code provided} scope here) never takes part in the
 * benchmarks jar's dependency mediation; run with this jar first, then the benchmarks jar, Spark's
 * jars and its JVM options (README, Sweeps).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SweepBenchmark {
  /** Tasks per sweep. */
  public static final int TASKS = 8;
  /** Steps simulated per task (each task analyses STEPS + 1 states). */
  public static final int STEPS = 10;

  /** The Spark master. */
  @Param({"local[1]", "local[2]"})
  public String master;

  private SparkSession spark;
  private List<SweepTask> tasks;
  private Path dir;

  /**
   * Starts the session and writes the config the tasks load.
   *
   * @throws IOException if the config cannot be written
   */
  @Setup(Level.Trial)
  public void start() throws IOException {
    dir = Files.createTempDirectory("mrnn4j-sweep-benchmark");
    Path config = dir.resolve("net.json");
    Files.writeString(config, """
        {"model": {"type": "leaky", "activation": "tanh", "rec_constrained": true,
                   "inp_constrained": true, "spectral_radius": 1.5, "dt": 10, "tau": 100},
         "recurrent_regions": [
           {"name": "exc", "num_units": 192, "sign": "pos", "base_firing": 0.1, "init": 0.2},
           {"name": "inh", "num_units": 64, "sign": "neg", "base_firing": 0.1, "init": 0.2}],
         "input_regions": [{"name": "stim", "num_units": 2, "sign": "pos"}],
         "recurrent_connections": [
           {"src_region": "exc", "dst_region": "exc"}, {"src_region": "exc", "dst_region": "inh"},
           {"src_region": "inh", "dst_region": "exc"}, {"src_region": "inh", "dst_region": "inh"}],
         "input_connections": [{"src_region": "stim", "dst_region": "exc"}]}
        """);
    tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      SweepTask t = new SweepTask();
      t.setId("task " + i);
      t.setModel(config.toString());
      t.setInput(List.of(0.1 * i));
      t.setSteps(STEPS);
      t.setAnalysis("summary");
      t.setSeed((long) i);
      tasks.add(t);
    }
    spark = SparkSession.builder().master(master).appName("SweepBenchmark")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  /** Stops the session. */
  @TearDown(Level.Trial)
  public void stop() {
    spark.stop();
  }

  /**
   * {@return the rows of one sweep}
   */
  @Benchmark
  public List<SweepResult> sweep() {
    List<SweepResult> rows = Sweep.run(Sweep.tasks(spark, tasks), new SweepAnalysis("ejml", 600))
        .collectAsList();
    if (rows.size() != TASKS * (STEPS + 1) || rows.stream().anyMatch(r -> r.getError() != null)) {
      throw new IllegalStateException("the sweep gave " + rows.size() + " rows, expected "
          + TASKS * (STEPS + 1) + " without errors");
    }
    return rows;
  }
}
