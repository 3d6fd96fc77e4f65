package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweep tasks give the model's constructor arguments as the key {@code model_arguments}, named as
 * in a config's model block; a plain mRNNTorch config without them gives an error row naming
 * them, never a model built on guesses. Spark-free: the per-task function alone.
 */
class SweepModelArgumentsTest {
  private static final String REGIONS = """
      "recurrent_regions": [{"name": "a", "num_units": 6}, {"name": "b", "num_units": 3,
                             "sign": "neg"}],
      "input_regions": [{"name": "u", "num_units": 1}],
      "recurrent_connections": [{"src_region": "a", "dst_region": "a"},
                                {"src_region": "a", "dst_region": "b"},
                                {"src_region": "b", "dst_region": "a"}],
      "input_connections": [{"src_region": "u", "dst_region": "a"}]""";

  private static final String ARGUMENTS = "{\"type\": \"leaky\", \"activation\": \"tanh\","
      + " \"dt\": 10, \"tau\": 50, \"rec_constrained\": true, \"inp_constrained\": true}";

  @Test
  void argumentsComeFromTheTaskOrTheTaskFails(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("plain.json"), "{" + REGIONS + "}");
    Files.writeString(dir.resolve("block.json"), "{\"model\": " + ARGUMENTS + ", " + REGIONS
        + "}");
    Path tasks = dir.resolve("tasks.jsonl");
    Files.writeString(tasks, String.join("\n",
        "{\"id\": \"plain\", \"model\": \"plain.json\", \"steps\": 3}",
        "{\"id\": \"given\", \"model\": \"plain.json\", \"steps\": 3, \"model_arguments\": "
            + ARGUMENTS + "}",
        "{\"id\": \"block\", \"model\": \"block.json\", \"steps\": 3}",
        "{\"id\": \"typo\", \"model\": \"plain.json\", \"steps\": 3, \"model_arguments\":"
            + " {\"actvation\": \"tanh\"}}",
        "{\"id\": \"defaults\", \"model\": \"plain.json\", \"steps\": 3,"
            + " \"mrnntorch_defaults\": true}", ""));
    List<SweepTask> read = SweepTasks.read(tasks);
    SweepAnalysis analysis = new SweepAnalysis("ejml", 600);
    List<SweepResult> plain = analysis.apply(read.get(0));
    assertEquals(1, plain.size());
    assertNotNull(plain.get(0).getError());
    assertTrue(plain.get(0).getError().contains("the model's constructor arguments type,"
        + " activation, dt, tau, rec_constrained, inp_constrained are not given"),
        plain.get(0).getError());

    List<SweepResult> given = analysis.apply(read.get(1));
    List<SweepResult> block = analysis.apply(read.get(2));
    assertEquals(4, given.size());
    assertEquals(block.size(), given.size());
    for (int i = 0; i < given.size(); i++) {
      assertNull(given.get(i).getError(), given.get(i).getError());
      assertEquals(block.get(i).getSpectralRadius(), given.get(i).getSpectralRadius(), 0.0,
          "state " + i);
    }

    String typo = analysis.apply(read.get(3)).get(0).getError();
    assertTrue(typo.contains("line 4: model_arguments.actvation: unknown key 'actvation' in the"
        + " model block; did you mean 'activation'?"), typo);

    List<SweepResult> defaults = analysis.apply(read.get(4));
    assertNull(defaults.get(0).getError(), defaults.get(0).getError());
  }
}
