package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * A sweep task's {@code states} in every form {@code analyze --states} reads (the sweep took only
 * {@code [1, T, N]} before): {@code [B, T, N]} and CSV give one row per state, each the
 * linearization's stability at that state computed directly. Spark-free: the per-task function.
 */
class SweepStatesTest {
  private static final String CONFIG = """
      {"model": {"type": "leaky", "activation": "tanh", "dt": 1, "tau": 4,
                 "rec_constrained": true, "inp_constrained": true, "spectral_radius": 1.4},
       "recurrent_regions": [{"name": "a", "num_units": 4}, {"name": "b", "num_units": 2,
                              "sign": "neg"}],
       "input_regions": [{"name": "u", "num_units": 1}],
       "recurrent_connections": [{"src_region": "a", "dst_region": "a"},
                                 {"src_region": "a", "dst_region": "b"},
                                 {"src_region": "b", "dst_region": "a"}],
       "input_connections": [{"src_region": "u", "dst_region": "a"}]}""";

  @Test
  void everyStatesShapeGivesOneRowPerState(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("net.json");
    Files.writeString(config, CONFIG);
    double[] flat = new double[6 * 6];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = Math.sin(1.3 * i) * 0.8;
    }
    Path btn = dir.resolve("btn.npy");
    NumpyArrays.writeNpy(btn, new int[] {2, 3, 6}, flat);
    Path csv = dir.resolve("states.csv");
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < 6; t++) {
      for (int k = 0; k < 6; k++) {
        text.append(k == 0 ? "" : ",").append(flat[t * 6 + k]);
      }
      text.append('\n');
    }
    Files.writeString(csv, text);
    double[] expected = new double[6];
    try (Backend b = Backends.select("ejml");
        RecurrentModel model = ModelLoader.load(config, 0, b).model()) {
      for (int t = 0; t < 6; t++) {
        OperatingPoint p = OperatingPoint.of(java.util.Arrays.copyOfRange(flat, t * 6,
            t * 6 + 6), new double[] {0.5});
        expected[t] = Linearization.of(model).stability(p).spectralRadius();
      }
    }
    for (Path states : List.of(btn, csv)) {
      SweepTask task = new SweepTask();
      task.setId(states.getFileName().toString());
      task.setModel(config.toString());
      task.setStates(states.toString());
      task.setInput(List.of(0.5));
      List<SweepResult> rows = new SweepAnalysis("ejml", 600).apply(task);
      assertEquals(6, rows.size(), states + ": " + rows.get(0).getError());
      for (int t = 0; t < 6; t++) {
        assertNull(rows.get(t).getError());
        assertEquals(t, rows.get(t).getState());
        assertEquals(expected[t], rows.get(t).getSpectralRadius(), 1e-12, states + " state " + t);
      }
    }
    assertTrue(expected[0] > 0);
  }
}
