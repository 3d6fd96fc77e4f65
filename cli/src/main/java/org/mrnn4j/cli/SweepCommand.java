package org.mrnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mrnn4j.spark.SweepJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mrnn4j sweep TASKS --out DIR}: many tasks on Apache Spark (local or a cluster). */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Run many analyses on Apache Spark: every task of TASKS (JSON Lines, one task per line:"
          + " id, model, input, steps or states, regions, analysis = summary | spectrum |"
          + " fixed_points, seed; paths relative to the file's folder) becomes one row per"
          + " analysed state in DIR/results.parquet and DIR/results.jsonl (spectral_radius,"
          + " unstable_modes, leading eigenvalues, backend, and error: null, or why the task"
          + " could not run).",
      "Runs on local[*] by default; under spark-submit on the cluster's master. A bad task gives"
          + " an error row, never a failed sweep."
    })
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TASKS", description = "The tasks, one JSON object per line.")
  Path tasks;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
      description = "Where the results go (created; results.* in it replaced).")
  Path out;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[2] or spark://host:7077 (default: the one"
          + " spark-submit sets, else local[*]).")
  String master;

  @Option(names = {"-b", "--backend"}, paramLabel = "NAME",
      description = "Backend of every task (default: each executor's best for the model's size;"
          + " the backend used is in each row).")
  String backend;

  @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "3600",
      description = "The most one task may take; a longer one gives an error row"
          + " (default: ${DEFAULT-VALUE}).")
  long timeLimit;

  @Override
  public Integer call() throws IOException {
    if (timeLimit < 1) {
      throw new UserException("--time-limit must be at least 1 second, got " + timeLimit);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    SweepJob.Summary s;
    try {
      s = SweepJob.run(tasks, out, master, backend, timeLimit);
    } catch (NoClassDefFoundError e) {
      if (String.valueOf(e.getMessage()).contains("org/apache/spark")) {
        throw new UserException("the sweep command needs Apache Spark on the class path: the"
            + " ./mrnn4j launcher adds spark/target/plugin/ (made by 'mvn -B package'), and"
            + " spark-submit brings its own", e);
      }
      throw e;
    }
    stdout.printf("sweep: %d tasks on %s: %d rows, %d with errors%n", s.tasks(), s.master(),
        s.rows(), s.errors());
    for (String e : s.firstErrors()) {
      stderr.println("mrnn4j: error row: " + e);
    }
    if (s.errors() > s.firstErrors().size()) {
      stderr.println("mrnn4j: ... and " + (s.errors() - s.firstErrors().size())
          + " more error rows (the error column of " + s.jsonl() + ")");
    }
    stdout.println("wrote " + s.parquet());
    stdout.println("wrote " + s.jsonl());
    stdout.flush();
    stderr.flush();
    return 0;
  }
}
