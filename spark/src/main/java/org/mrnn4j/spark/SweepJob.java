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
    String effective = master != null ? master : System.getProperty("spark.master", "local[*]");
    String jars = jarsFor(effective, System.getProperty("spark.jars"), ownJar());
    if (jars != null) {
      builder.config("spark.jars", jars);
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

  /**
   * The {@code spark.jars} a sweep on {@code master} needs: on a cluster (any master but
   * {@code local} and {@code local[...]}) the executors load the tasks' classes
   * ({@link SweepTask}, the analyses, the models, the backends) from the jar that holds this
   * class, so it is added to the jars already set, unless they name it ({@code spark-submit}
   * sets its application jar there).
   *
   * @param master the master the sweep runs on
   * @param set the {@code spark.jars} already set, or null
   * @param own the jar this class was loaded from, or null if it was not loaded from a jar
   * @return the {@code spark.jars} to set, or null to leave it as it is
   * @throws IllegalArgumentException if the sweep runs on a cluster and this class was not loaded
   *     from a jar the executors could be sent
   */
  static String jarsFor(String master, String set, Path own) {
    if (master.equals("local") || master.startsWith("local[")) {
      return null;
    }
    if (own == null) {
      throw new IllegalArgumentException("a sweep on " + master + " sends its classes to the"
          + " executors as a jar, but they were not loaded from one: run the command line's jar"
          + " (cli/target/mrnn4j.jar) with ./mrnn4j or spark-submit --class"
          + " org.mrnn4j.cli.Main, or set spark.jars to a jar holding mrnn4j-spark and its"
          + " dependencies");
    }
    String name = own.getFileName().toString();
    if (set == null || set.isBlank()) {
      return own.toString();
    }
    for (String jar : set.split(",")) {
      String j = jar.trim();
      if (j.equals(name) || j.endsWith("/" + name)) {
        return null;
      }
    }
    return set + "," + own;
  }

  /** {@return the jar this class was loaded from, or null if not from a jar file} */
  private static Path ownJar() {
    try {
      java.security.CodeSource source = SweepJob.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      Path p = Path.of(source.getLocation().toURI()).toAbsolutePath();
      return java.nio.file.Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")
          ? p : null;
    } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }
}
