package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.models.io.NumpyArrays.NdArray;

/** {@code analyze --modes}: the text lines, the JSON block and the NumPy files. */
class ModesCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void analyzeModesPrintsParticipationAndWritesTheReport(@TempDir Path dir) throws Exception {
    MainTest.Run r = MainTest.run("analyze", "--modes", "--npy", "--no-plot", "-o",
        dir.toString(), "--name", "m");
    assertEquals(0, r.status(), r.err());
    String out = r.out();
    assertTrue(out.contains("modes by region"), out);
    assertTrue(out.matches("(?s).*mode 1 .*right: .*left: .*"), out);
    assertTrue(out.matches("(?s).*mode 3 .*"), out);
    assertTrue(out.contains("(share of d|lambda|/dgain"), out);
    JsonNode report = JSON.readTree(dir.resolve("m-analysis.json").toFile());
    JsonNode block = report.get("region_modes");
    List<String> regions = new ArrayList<>();
    block.get("regions").forEach(n -> regions.add(n.asText()));
    int nr = regions.size();
    assertTrue(nr >= 2, "the example network has several regions: " + regions);
    for (String key : RegionModes.DEFINITIONS.keySet()) {
      assertTrue(block.get("definitions").has(key), key);
    }
    assertEquals(nr, block.get("weight_block_frobenius").size());
    JsonNode points = block.get("points");
    assertEquals(report.get("points").size(), points.size());
    JsonNode first = points.get(0);
    assertEquals(nr, first.get("jacobian_block_frobenius").get(0).size());
    JsonNode modes = first.get("modes");
    assertEquals(3, modes.size());
    for (JsonNode m : modes) {
      assertTrue(m.get("eigenvalue").has("real"));
      assertTrue(m.get("eigenvalue").has("imag"));
      double total = 0;
      for (String region : regions) {
        total += m.get("right_participation").get(region).asDouble();
      }
      assertEquals(1.0, total, 1e-12, "right participation sums to 1");
      if (!m.get("sensitivity").isNull()) {
        JsonNode s = m.get("sensitivity");
        // sum s = lambda - a: the identity, read from the JSON alone
        double sum = 0;
        for (JsonNode row : s.get("dlambda_dgain").get("real")) {
          for (JsonNode v : row) {
            sum += v.asDouble();
          }
        }
        assertEquals(m.get("eigenvalue").get("real").asDouble()
            - first.get("identity_coefficient").asDouble(), sum, 1e-9);
        assertEquals(nr, s.get("share").size());
        assertTrue(s.has("dmodulus_dgain"));
        assertTrue(m.get("condition_number").asDouble() >= 1.0);
      } else {
        assertTrue(m.get("sensitivity_withheld").isTextual());
      }
    }
    int p = points.size();
    NdArray right = NumpyArrays.readNpy(dir.resolve("m-participation-right.npy"));
    assertArrayEquals(new int[] {p, 3, nr}, right.shape());
    assertArrayEquals(new int[] {p, 3, nr},
        NumpyArrays.readNpy(dir.resolve("m-participation-left.npy")).shape());
    assertArrayEquals(new int[] {p, 3, nr, nr},
        NumpyArrays.readNpy(dir.resolve("m-modulus-sensitivity.npy")).shape());
    assertArrayEquals(new int[] {p, nr, nr},
        NumpyArrays.readNpy(dir.resolve("m-jacobian-block-frobenius.npy")).shape());
    NdArray w = NumpyArrays.readNpy(dir.resolve("m-weight-block-frobenius.npy"));
    assertArrayEquals(new int[] {nr, nr}, w.shape());
    assertEquals(block.get("weight_block_frobenius").get(0).get(1).asDouble(), w.data()[1], 0.0);
    assertEquals(modes.get(0).get("right_participation").get(regions.get(0)).asDouble(),
        right.data()[0], 0.0);
    assertTrue(dir.resolve("m-sensitivity.npy").toFile().isFile());
  }

  @Test
  void modesBeyondTheLeadingCountAreRefused(@TempDir Path dir) throws Exception {
    MainTest.Run r = MainTest.run("analyze", "--modes=5", "--leading", "3", "--no-plot", "-o",
        dir.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--modes 5 exceeds the 3 leading eigenvalues"), r.err());
    MainTest.Run zero = MainTest.run("analyze", "--modes=0", "--no-plot", "-o", dir.toString());
    assertEquals(2, zero.status());
    assertTrue(zero.err().contains("--modes must be 1 or more"), zero.err());
  }

  @Test
  void fixedPointsModesPerFixedPoint(@TempDir Path dir) throws Exception {
    MainTest.Run r = MainTest.run("fixed-points", "-b", "ejml", "-n", "32", "--seed", "0",
        "--modes", "2", "--npy", "--no-plot", "-o", dir.toString(), "--name", "f");
    assertEquals(0, r.status(), r.err());
    JsonNode report = JSON.readTree(dir.resolve("f-fixed-points.json").toFile());
    int found = report.get("fixed_points").size();
    assertTrue(found >= 1, r.out());
    assertTrue(r.out().contains("fixed point 1  mode 1"), r.out());
    JsonNode block = report.get("region_modes");
    assertEquals(found, block.get("points").size());
    assertEquals("fixed point 1", block.get("points").get(0).get("point").asText());
    JsonNode m = block.get("points").get(0).get("modes").get(0);
    // the first mode is the fixed point's leading eigenvalue, as its own report lists it
    assertEquals(report.get("fixed_points").get(0).get("eigenvalues").get("real").get(0)
        .asDouble(), m.get("eigenvalue").get("real").asDouble(), 1e-9);
    int nr = block.get("regions").size();
    assertArrayEquals(new int[] {found, 2, nr},
        NumpyArrays.readNpy(dir.resolve("f-fixed-point-participation-right.npy")).shape());
    MainTest.Run dh = MainTest.run("fixed-points", "--modes", "--dh", "--no-plot", "-o",
        dir.toString());
    assertEquals(2, dh.status());
    assertTrue(dh.err().contains("leave out --dh"), dh.err());
  }
}
