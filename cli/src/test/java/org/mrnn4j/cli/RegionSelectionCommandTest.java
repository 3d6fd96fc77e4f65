package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * {@code --regions} selects a set of leaf regions, in model order, each once: a repeated name, a
 * parent with its own child, or another order select what the plain list selects (as mRNNTorch
 * orders and de-duplicates region lists), and the report says which leaves were used.
 */
class RegionSelectionCommandTest {
  private static final String CONFIG = "{" + TestNetwork.BLOCK + """
      "recurrent_regions": [{"name": "s", "num_units": 3},
                            {"name": "e1", "num_units": 4, "parent_region": "mem"},
                            {"name": "e2", "num_units": 2, "parent_region": "mem"}],
      "input_regions": [{"name": "in", "num_units": 2}],
      "recurrent_connections": [{"src_region": "s", "dst_region": "e1"},
                                {"src_region": "e1", "dst_region": "e2"},
                                {"src_region": "e2", "dst_region": "e1"},
                                {"src_region": "e1", "dst_region": "s"}],
      "input_connections": [{"src_region": "in", "dst_region": "s"}]}""";

  private static double[] jacobians(Path dir, Path config, String name, String regions)
      throws Exception {
    MainTest.Run r = MainTest.run("analyze", config.toString(), "--seed", "4", "-u", "0.3",
        "--regions", regions, "--npy", "--no-plot", "-o", dir.toString(), "--name", name);
    assertEquals(0, r.status(), r.err());
    return NumpyArrays.readNpy(dir.resolve(name + "-jacobians.npy")).data();
  }

  private static JsonNode regions(Path dir, String name) throws Exception {
    return new ObjectMapper().readTree(dir.resolve(name + "-analysis.json").toFile())
        .findValue("regions");
  }

  @Test
  void repeatedNestedAndReorderedRegionsSelectTheSameLeavesOnceInModelOrder(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("nested.json");
    Files.writeString(config, CONFIG);
    double[] one = jacobians(dir, config, "one", "e1");
    int points = 2; // the initial condition and the state after the default steps
    assertEquals(points * 16, one.length); // 4 x 4: e1 once
    assertArrayEquals(one, jacobians(dir, config, "twice", "e1,e1"));
    double[] mem = jacobians(dir, config, "mem", "mem");
    assertEquals(points * 36, mem.length); // e1 and e2: 6 x 6
    assertArrayEquals(mem, jacobians(dir, config, "nested", "mem,e2,e1"));
    assertArrayEquals(mem, jacobians(dir, config, "leaves", "e2,e1"));
    assertEquals("[\"e1\",\"e2\"]", regions(dir, "nested").toString());
    double[] all = jacobians(dir, config, "all", "e2,s,mem,s");
    assertEquals(points * 81, all.length);
    assertEquals("[\"s\",\"e1\",\"e2\"]", regions(dir, "all").toString());
  }
}
