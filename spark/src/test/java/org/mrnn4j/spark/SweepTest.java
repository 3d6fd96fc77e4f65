package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.app.ConstantInputRun;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;

/**
 * Sweeps on {@code local[2]} (Spark retrying a failed task up to 3 times) over the bundled
 * checkpoints: the rows equal the single-machine API's bit for bit, bad input gives error rows,
 * a retried task gives the same rows, and the files written hold the rows.
 */
class SweepTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  @TempDir static Path work;
  private static List<SweepTask> tasks;

  @BeforeAll
  static void start() throws IOException {
    Path checkpoints = ConformanceData.checkpoints();
    StringBuilder lines = new StringBuilder();
    String[] models = {"flip_flop_rnn_leaky.pth", "flip_flop_rnn_elman.pth", "cbgtcl-leaky.pth"};
    String[] inputs = {"0", "[1, 0, 0]", "0.5"};
    for (String m : models) {
      for (String u : inputs) {
        if (m.startsWith("cbgtcl") && u.startsWith("[")) {
          continue; // cbgtcl has another number of inputs; the scalar covers it
        }
        lines.append(String.format("{\"id\": \"%s u=%s\", \"model\": \"%s\", \"input\": %s,"
            + " \"steps\": 20, \"analysis\": \"summary\"}%n", m, u, checkpoints.resolve(m), u));
      }
    }
    lines.append(String.format("{\"id\": \"spectrum\", \"model\": \"%s\", \"input\": [0, 1, 0],"
        + " \"steps\": 3, \"analysis\": \"spectrum\"}%n",
        checkpoints.resolve("flip_flop_rnn_leaky.pth")));
    Path file = work.resolve("tasks.jsonl");
    Files.writeString(file, lines);
    tasks = SweepTasks.read(file);
    spark = SparkSession.builder().master("local[2,3]").appName("SweepTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static SweepAnalysis analysis() {
    return new SweepAnalysis("ejml", 600);
  }

  @Test
  void sparkGivesTheRowsOfTheSingleMachineApiBitForBit() {
    List<SweepResult> local = analysis().run(tasks);
    List<SweepResult> distributed = Sweep.run(Sweep.tasks(spark, tasks), analysis())
        .collectAsList();
    assertEquals(8 * 21 + 4, local.size(), "21 states per summary task, 4 for the spectrum");
    assertRowsEqual(local, distributed);
    for (SweepResult r : local) {
      assertNull(r.getError(), r.getId() + ": " + r.getError());
      assertEquals("ejml", r.getBackend());
    }
  }

  @Test
  void theRowsAreTheLinearizationsOfTheSimulatedStates() throws IOException {
    // independently of the sweep: load, simulate and linearize with the analysis API
    SweepTask t = tasks.get(1); // flip-flop leaky, input [1, 0, 0]
    List<SweepResult> rows = analysis().apply(t);
    try (Backend b = Backends.select("ejml");
        RecurrentModel model = ModelLoader.load(Path.of(t.getModel()), 0, b).model()) {
      TreeSet<Integer> steps = new TreeSet<>();
      for (int s = 0; s <= 20; s++) {
        steps.add(s);
      }
      List<OperatingPoint> points = ConstantInputRun.points(model, new double[] {1, 0, 0}, steps);
      Linearization lin = Linearization.of(model);
      assertEquals(21, rows.size());
      for (int s = 0; s <= 20; s++) {
        StabilitySummary expected = lin.stability(points.get(s));
        assertEquals(s, rows.get(s).getState());
        assertEquals(expected.spectralRadius(), rows.get(s).getSpectralRadius(), 1e-12,
            "state " + s);
        assertEquals(expected.unstableModes(), rows.get(s).getUnstableModes(), "state " + s);
        assertEquals(expected.leadingReal(), rows.get(s).getLeadingReal().get(0), 1e-12);
      }
    }
  }

  @Test
  void aBadCheckpointAmongGoodOnesGivesOneErrorRow() throws IOException {
    Path bad = work.resolve("broken.pth");
    Files.write(bad, new byte[] {'P', 'K', 3, 4, 0, 0, 1});
    Files.copy(ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.json"),
        work.resolve("broken.json"));
    List<SweepTask> mixed = new ArrayList<>(tasks.subList(0, 2));
    SweepTask t = new SweepTask();
    t.setId("broken");
    t.setModel(bad.toString());
    t.setSteps(20);
    t.setAnalysis("summary");
    mixed.add(1, t);
    SweepTask missing = new SweepTask();
    missing.setId("missing");
    missing.setModel(work.resolve("nope.json").toString());
    missing.setSteps(2);
    missing.setAnalysis("summary");
    mixed.add(missing);
    List<SweepResult> rows = Sweep.run(Sweep.tasks(spark, mixed), analysis()).collectAsList();
    assertEquals(2 * 21 + 2, rows.size());
    List<SweepResult> errors = rows.stream().filter(r -> r.getError() != null).toList();
    assertEquals(2, errors.size(), "error rows: " + errors.stream().map(SweepResult::getError)
        .toList());
    assertEquals("broken", errors.get(0).getId());
    assertTrue(errors.get(0).getError().contains(bad.toString()), errors.get(0).getError());
    assertNull(errors.get(0).getState());
    assertEquals("missing", errors.get(1).getId());
    assertEquals("no such file: " + work.resolve("nope.json"), errors.get(1).getError());
    assertRowsEqual(analysis().run(List.of(tasks.get(0), tasks.get(1))),
        rows.stream().filter(r -> r.getError() == null).toList());
  }

  @Test
  void aTaskThatFailsOnceIsRetriedWithTheSameRows() {
    List<SweepTask> some = tasks.subList(0, 4);
    String victim = some.get(2).getId();
    FlatMapFunction<SweepTask, SweepResult> f = Sweep.function(analysis());
    // local mode: the executors share this filesystem, so the first attempt leaves a mark
    String mark = work.resolve("first-attempt-failed").toString();
    FlatMapFunction<SweepTask, SweepResult> failingOnce = task -> {
      if (task.getId().equals(victim) && TaskContext.get().attemptNumber() == 0) {
        Files.writeString(Path.of(mark), "attempt 0 of " + victim);
        throw new IllegalStateException("injected failure of the first attempt of " + victim);
      }
      return f.call(task);
    };
    List<SweepResult> rows = Sweep.tasks(spark, some)
        .flatMap(failingOnce, Sweep.resultEncoder()).collectAsList();
    assertTrue(Files.exists(Path.of(mark)), "the first attempt ran and failed");
    assertRowsEqual(analysis().run(some), rows);
  }

  @Test
  void badTaskLinesBecomeErrorRowsNamingTheLineAndTheKey() throws IOException {
    Path file = work.resolve("bad-tasks.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"id\": \"a\", \"model\": \"m.json\", \"steps\": 2, \"colour\": \"red\"}",
        "not json",
        "{\"id\": \"b\", \"model\": \"m.json\", \"steps\": -1.5}",
        "{\"id\": \"c\", \"model\": \"m.json\", \"analysis\": \"everything\", \"steps\": 1}",
        "{\"id\": \"d\", \"model\": \"m.json\"}", ""));
    List<SweepResult> rows = analysis().run(SweepTasks.read(file));
    assertEquals(5, rows.size());
    String[] expected = {"line 1: unknown key 'colour'", "line 2: not JSON",
        "line 3: steps: expected a whole number, got -1.5",
        "line 4: analysis: expected one of [summary, spectrum, fixed_points], got 'everything'",
        "line 5: give steps"};
    for (int i = 0; i < 5; i++) {
      String e = rows.get(i).getError();
      assertNotNull(e, "row " + i);
      assertTrue(e.startsWith(file + ", " + expected[i]), e);
    }
  }

  @Test
  void theOutputHoldsTheRowsAsParquetAndJsonLines() throws IOException {
    Path out = work.resolve("out");
    List<SweepTask> some = new ArrayList<>(tasks.subList(0, 2));
    some.add(tasks.get(tasks.size() - 1)); // the spectrum task
    SweepOutput.Written written =
        SweepOutput.write(Sweep.run(Sweep.tasks(spark, some), analysis()), out);
    List<SweepResult> expected = analysis().run(some);
    assertEquals(expected.size(), written.rows());
    assertEquals(0, written.errors());
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertEquals(expected.size(), lines.size());
    List<Row> parquet = spark.read().parquet(out.resolve("results.parquet").toString())
        .orderBy("id", "state").collectAsList();
    assertEquals(expected.size(), parquet.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode row = JSON.readTree(lines.get(i));
      SweepResult e = expected.get(i);
      assertEquals(e.getId(), row.get("id").asText());
      assertEquals(e.getState(), row.get("state").asInt());
      assertEquals(e.getSpectralRadius(), row.get("spectral_radius").asDouble(), 0.0);
      assertEquals(e.getUnstableModes(), row.get("unstable_modes").asInt());
      assertEquals("ejml", row.get("backend").asText());
      assertTrue(row.get("error").isNull());
      assertEquals(e.getEigenvaluesReal() == null, row.get("eigenvalues_real").isNull());
    }
    for (Row r : parquet) {
      String id = r.getAs("id");
      int state = r.getAs("state");
      SweepResult e = expected.stream().filter(x -> x.getId().equals(id)
          && x.getState() == state).findFirst().orElseThrow();
      assertEquals(e.getSpectralRadius(), (double) r.getAs("spectral_radius"), 0.0);
    }
  }

  @Test
  void fixedPointTasksGiveOneRowPerFixedPoint() {
    SweepTask t = new SweepTask();
    t.setId("fp");
    t.setModel(ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth").toString());
    t.setAnalysis("fixed_points");
    t.setInput(List.of(0.0));
    List<SweepResult> rows = Sweep.run(Sweep.tasks(spark, List.of(t)), analysis())
        .collectAsList();
    // the flip-flop network's fixed points at zero input, as FlipFlopFixedPointsTest finds them
    assertEquals(27, rows.size(), rows.stream().map(r -> r.getState() + ": q " + r.getQ())
        .toList().toString());
    for (int i = 0; i < rows.size(); i++) {
      SweepResult r = rows.get(i);
      assertEquals(i, r.getState());
      assertTrue(r.getQ() < 1e-20, "q " + r.getQ());
      assertEquals(r.getUnstableModes() == 0, r.getStable());
      assertNull(r.getError());
    }
    assertEquals(8, rows.stream().filter(SweepResult::getStable).count(), "stable fixed points");
  }

  @Test
  void aTaskOverItsTimeLimitGivesAnErrorRow() {
    SweepTask t = new SweepTask();
    t.setId("slow");
    t.setModel(ConformanceData.checkpoints().resolve("cbgtcl-leaky.pth").toString());
    t.setAnalysis("fixed_points"); // several seconds at 350 units
    List<SweepResult> rows = new SweepAnalysis("ejml", 1).apply(t);
    assertEquals(1, rows.size());
    assertEquals("the task took longer than its time limit of 1 s", rows.get(0).getError());
  }

  private static void assertRowsEqual(List<SweepResult> expected, List<SweepResult> actual) {
    assertEquals(expected.size(), actual.size(), "row count");
    for (int i = 0; i < expected.size(); i++) {
      SweepResult e = expected.get(i);
      SweepResult a = actual.get(i);
      String what = "row " + i + " (" + e.getId() + ", state " + e.getState() + ")";
      assertEquals(e.getId(), a.getId(), what);
      assertEquals(e.getState(), a.getState(), what);
      assertEquals(e.getSpectralRadius(), a.getSpectralRadius(), what); // bit for bit
      assertEquals(e.getUnstableModes(), a.getUnstableModes(), what);
      assertEquals(e.getLeadingReal(), a.getLeadingReal(), what);
      assertEquals(e.getLeadingImag(), a.getLeadingImag(), what);
      assertEquals(e.getEigenvaluesReal(), a.getEigenvaluesReal(), what);
      assertEquals(e.getEigenvaluesImag(), a.getEigenvaluesImag(), what);
      assertEquals(e.getError(), a.getError(), what);
      assertEquals(e.getBackend(), a.getBackend(), what);
    }
  }
}
