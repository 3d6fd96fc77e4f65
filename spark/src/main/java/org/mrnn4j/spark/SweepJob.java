package org.mrnn4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The whole of {@code mrnn4j sweep}: reads the tasks, runs them on Spark, writes the results. Its
 * signature holds no Spark type, so the command line loads Spark only when a sweep runs.
 */
public final class SweepJob {
  private SweepJob() {}

  /**
   * What a sweep did.
   *
   * @param tasks the tasks read
   * @param rows the rows written
   * @param errors how many of them are error rows
   * @param firstErrors the first error rows, as {@code id: error}
   * @param master the Spark master it ran on
   * @param parquet the Parquet directory written
   * @param jsonl the JSON Lines file written
   */
  public record Summary(int tasks, long rows, long errors, List<String> firstErrors,
      String master, Path parquet, Path jsonl) {}

  /**
   * Runs a sweep.
   *
   * @param tasksFile the JSON Lines file of tasks
   * @param out the output directory
   * @param master the Spark master (null: the one {@code spark-submit} set, else
   *     {@code local[*]})
   * @param backend the backend every task uses, or null for each executor's default
   * @param timeLimitSeconds the most one task may take
   * @return what it did
   * @throws IOException if the tasks cannot be read or the results written
   */
  public static Summary run(Path tasksFile, Path out, String master, String backend,
      long timeLimitSeconds) throws IOException {
    List<SweepTask> tasks = SweepTasks.read(tasksFile);
    SweepAnalysis analysis = new SweepAnalysis(backend, timeLimitSeconds);
    SparkSession.Builder builder = SparkSession.builder().appName("mrnn4j sweep")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.adaptive.enabled", "false");
    if (master != null) {
      builder.master(master);
    } else if (System.getProperty("spark.master") == null) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      SweepOutput.Written written =
          SweepOutput.write(Sweep.run(Sweep.tasks(spark, tasks), analysis), out);
      return new Summary(tasks.size(), written.rows(), written.errors(), written.firstErrors(),
          spark.sparkContext().master(), out.resolve("results.parquet"),
          out.resolve("results.jsonl"));
    } finally {
      spark.stop();
    }
  }
}
