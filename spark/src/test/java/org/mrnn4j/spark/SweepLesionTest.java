package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep key {@code lesion} on {@code local[2]}: the task's analysis runs on the lesioned
 * model and every row carries the lesion. Independent values: with every region silenced the
 * recurrent weights are zero, so the leaky map's Jacobian is {@code (1 - alpha) I} at every state
 * (spectral radius {@code 1 - dt/tau = 0.8}) and its one fixed point is {@code x = W_inp u}; a
 * factor of 1 gives the intact rows bit for bit.
 */
class SweepLesionTest {
  private static final String CONFIG = """
      {"model": {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
                 "rec_constrained": true, "inp_constrained": true},
       "recurrent_regions": [{"name": "a", "num_units": 6}, {"name": "b", "num_units": 3,
                              "sign": "neg"}],
       "input_regions": [{"name": "u", "num_units": 1}],
       "recurrent_connections": [{"src_region": "a", "dst_region": "a"},
                                 {"src_region": "a", "dst_region": "b"},
                                 {"src_region": "b", "dst_region": "a"}],
       "input_connections": [{"src_region": "u", "dst_region": "a"}]}""";

  @Test
  void theAnalysisRunsOnTheLesionedModelAndRowsCarryTheLesion(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("net.json"), CONFIG);
    Path file = dir.resolve("tasks.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"id\": \"silent\", \"model\": \"net.json\", \"steps\": 2, \"input\": 0.5,"
            + " \"lesion\": [\"silence:a\", \"silence:b\"]}",
        "{\"id\": \"silent-fp\", \"model\": \"net.json\", \"analysis\": \"fixed_points\","
            + " \"input\": 0.5, \"lesion\": [\"silence:a\", \"silence:b\"]}",
        "{\"id\": \"intact\", \"model\": \"net.json\", \"analysis\": \"fixed_points\","
            + " \"input\": 0.5}",
        "{\"id\": \"one\", \"model\": \"net.json\", \"analysis\": \"fixed_points\","
            + " \"input\": 0.5, \"lesion\": \"scale:a->b=1\"}",
        "{\"id\": \"bad\", \"model\": \"net.json\", \"steps\": 1, \"lesion\": \"cut:a\"}",
        "{\"id\": \"none\", \"model\": \"net.json\", \"steps\": 1, \"lesion\": \"cut:b->b\"}",
        ""));
    List<SweepTask> tasks = SweepTasks.read(file);
    SweepAnalysis analysis = new SweepAnalysis("ejml", 600);
    SparkSession spark = SparkSession.builder().master("local[2]").appName("SweepLesionTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    List<SweepResult> rows;
    try {
      rows = Sweep.run(Sweep.tasks(spark, tasks), analysis).collectAsList();
    } finally {
      spark.stop();
    }
    List<SweepResult> silent = rows.stream().filter(r -> r.getId().equals("silent")).toList();
    assertEquals(3, silent.size());
    for (SweepResult r : silent) {
      assertNull(r.getError(), r.getError());
      assertEquals("silence:a + silence:b", r.getLesion());
      assertEquals(0.8, r.getSpectralRadius(), 1e-12);
      assertEquals(0, r.getUnstableModes());
    }
    List<SweepResult> fp = rows.stream().filter(r -> r.getId().equals("silent-fp")).toList();
    assertEquals(1, fp.size(), fp.toString());
    assertTrue(fp.get(0).getStable());
    assertEquals(0.8, fp.get(0).getSpectralRadius(), 1e-12);

    List<SweepResult> intact = rows.stream().filter(r -> r.getId().equals("intact")).toList();
    List<SweepResult> one = rows.stream().filter(r -> r.getId().equals("one")).toList();
    assertEquals(intact.size(), one.size());
    for (int i = 0; i < intact.size(); i++) {
      assertNull(intact.get(i).getLesion());
      assertEquals("scale:a->b=1", one.get(i).getLesion());
      assertEquals(intact.get(i).getQ(), one.get(i).getQ(), 0.0);
      assertEquals(intact.get(i).getSpectralRadius(), one.get(i).getSpectralRadius(), 0.0);
    }
    SweepResult bad = rows.stream().filter(r -> r.getId().equals("bad")).findFirst()
        .orElseThrow();
    assertNotNull(bad.getError());
    assertTrue(bad.getError().contains("line 5: lesion: lesion 'cut:a'"), bad.getError());
    SweepResult none = rows.stream().filter(r -> r.getId().equals("none")).findFirst()
        .orElseThrow();
    assertTrue(none.getError().contains("has no weights"), none.getError());
    assertEquals("cut:b->b", none.getLesion());
  }
}
