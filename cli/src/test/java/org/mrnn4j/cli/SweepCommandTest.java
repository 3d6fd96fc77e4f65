package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.testkit.ConformanceData;

/**
 * {@code mrnn4j sweep} on local[2] over the bundled checkpoints: its rows agree with
 * {@code mrnn4j analyze} of the same model, input and steps, and a bad task is one error row.
 */
class SweepCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sweepRowsAgreeWithAnalyzeOfTheSameModelAndSteps(@TempDir Path dir) throws Exception {
    Path checkpoints = ConformanceData.checkpoints();
    Files.copy(checkpoints.resolve("flip_flop_rnn_leaky.pth"), dir.resolve("ff.pth"));
    Files.copy(checkpoints.resolve("flip_flop_rnn_leaky.json"), dir.resolve("ff.json"));
    Files.writeString(dir.resolve("tasks.jsonl"), String.join("\n",
        "# the paths are relative to this file's folder",
        "{\"id\": \"ff\", \"model\": \"ff.pth\", \"input\": [0, 1, 0], \"steps\": 12}",
        "{\"id\": \"elman\", \"model\": \"" + checkpoints.resolve("flip_flop_rnn_elman.pth")
            + "\", \"input\": 0.25, \"steps\": 12, \"analysis\": \"spectrum\"}",
        "{\"id\": \"typo\", \"model\": \"ff.pth\", \"steps\": 12, \"inputs\": [1, 0, 0]}", ""));
    Path out = dir.resolve("out");
    Run sweep = MainTest.run("sweep", dir.resolve("tasks.jsonl").toString(), "--out",
        out.toString(), "--master", "local[2]");
    assertEquals(0, sweep.status(), sweep.out() + sweep.err());
    assertTrue(sweep.out().contains("sweep: 3 tasks on local[2]: 27 rows, 1 with errors"),
        sweep.out());
    assertTrue(sweep.err().contains("error row: typo: " + dir.resolve("tasks.jsonl")
        + ", line 4: unknown key 'inputs'"), sweep.err());
    assertTrue(Files.isDirectory(out.resolve("results.parquet")));
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
      rows.add(JSON.readTree(line));
    }
    assertEquals(27, rows.size());

    String steps = IntStream.rangeClosed(0, 12).mapToObj(Integer::toString)
        .collect(Collectors.joining(","));
    compare(rows, "ff", MainTest.run("analyze", dir.resolve("ff.pth").toString(), "-u", "0,1,0",
        "--steps", steps, "-o", dir.resolve("a1").toString(), "--no-plot", "-q"),
        dir.resolve("a1/ff-analysis.json"));
    compare(rows, "elman", MainTest.run("analyze",
        checkpoints.resolve("flip_flop_rnn_elman.pth").toString(), "--input", "0.25",
        "--steps", steps, "-o", dir.resolve("a2").toString(), "--no-plot", "-q"),
        dir.resolve("a2/flip_flop_rnn_elman-analysis.json"));
    JsonNode typo = rows.get(26);
    assertEquals("typo", typo.get("id").asText());
    assertTrue(typo.get("state").isNull() && typo.get("spectral_radius").isNull());
  }

  private static void compare(List<JsonNode> rows, String id, Run analyze, Path report)
      throws Exception {
    assertEquals(0, analyze.status(), analyze.err());
    JsonNode points = JSON.readTree(report.toFile()).get("points");
    List<JsonNode> mine = rows.stream().filter(r -> r.get("id").asText().equals(id)).toList();
    assertEquals(points.size(), mine.size(), id);
    String backend = JSON.readTree(report.toFile()).get("backend").asText();
    for (int s = 0; s < mine.size(); s++) {
      JsonNode r = mine.get(s);
      JsonNode p = points.get(s);
      assertEquals(s, r.get("state").asInt());
      assertEquals(backend, r.get("backend").asText(), "both pick the same backend by size");
      assertEquals(p.get("spectral_radius").asDouble(), r.get("spectral_radius").asDouble(), 0.0,
          id + " state " + s);
      assertEquals(p.get("unstable_modes").asInt(), r.get("unstable_modes").asInt(),
          id + " state " + s);
      assertTrue(r.get("error").isNull());
    }
  }
}
