package org.mrnn4j.spark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Sweeps on Apache Spark: a Dataset of {@link SweepTask}s in, a Dataset of {@link SweepResult}s
 * out, one row per analysed state. Each Spark task calls {@link SweepAnalysis#apply} on one sweep
 * task: mrnn4j is the library the executors call, Spark schedules, retries and speculates.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[*]").getOrCreate();
 * Dataset<SweepTask> tasks = Sweep.tasks(spark, SweepTasks.read(Path.of("tasks.jsonl")));
 * Dataset<SweepResult> rows = Sweep.run(tasks, new SweepAnalysis(null, 3600));
 * SweepOutput.write(rows, Path.of("out"));
 * }</pre>
 *
 * <p>Files: the paths in a task are read by the executor that runs it, so on a cluster they must
 * be on a filesystem every executor sees, or shipped with {@code spark-submit --files} (a path
 * that does not exist on the executor is looked up by its file name among the shipped files).
 */
public final class Sweep {
  private Sweep() {}

  /** {@return the encoder of tasks} */
  public static Encoder<SweepTask> taskEncoder() {
    return Encoders.bean(SweepTask.class);
  }

  /** {@return the encoder of result rows} */
  public static Encoder<SweepResult> resultEncoder() {
    return Encoders.bean(SweepResult.class);
  }

  /**
   * The tasks as a Dataset, one partition per task (up to 10,000), so that Spark balances uneven
   * tasks across executors.
   *
   * @param spark the session
   * @param tasks the tasks, as {@link SweepTasks#read} gives them
   * @return the Dataset of tasks
   */
  public static Dataset<SweepTask> tasks(SparkSession spark, List<SweepTask> tasks) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(tasks.size(), 10_000));
    return spark.createDataset(sc.parallelize(tasks, slices).rdd(), taskEncoder());
  }

  /**
   * Every task's rows.
   *
   * @param tasks the tasks
   * @param analysis what each task computes and its time limit
   * @return one row per analysed state (or fixed point), one error row per task that failed
   */
  public static Dataset<SweepResult> run(Dataset<SweepTask> tasks, SweepAnalysis analysis) {
    return tasks.flatMap(function(analysis), resultEncoder());
  }

  /**
   * The function each Spark task applies: {@link SweepAnalysis#apply} after finding shipped files,
   * on the {@code spark.task.cpus} cores Spark gave the task.
   *
   * @param analysis what each task computes
   * @return the function
   */
  public static FlatMapFunction<SweepTask, SweepResult> function(SweepAnalysis analysis) {
    return task -> {
      TaskContext context = TaskContext.get();
      int cpus = context != null ? context.cpus() : Runtime.getRuntime().availableProcessors();
      return analysis.apply(shipped(task), cpus).iterator();
    };
  }

  /** The task with paths that do not exist here replaced by the shipped file of that name. */
  static SweepTask shipped(SweepTask task) {
    task.setModel(shipped(task.getModel()));
    task.setStates(shipped(task.getStates()));
    return task;
  }

  private static String shipped(String path) {
    if (path == null || Files.exists(Path.of(path))) {
      return path;
    }
    try {
      String local = SparkFiles.get(new File(path).getName());
      return Files.exists(Path.of(local)) ? local : path;
    } catch (RuntimeException e) {
      return path; // no SparkContext here (the single-machine API): keep the path as given
    }
  }
}
