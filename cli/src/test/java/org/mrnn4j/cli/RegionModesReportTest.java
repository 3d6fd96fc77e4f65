package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.io.NumpyArrays;
import org.mrnn4j.models.io.NumpyArrays.NdArray;

/**
 * {@link RegionModesReport} for a point with a repeated eigenvalue: one text line with the
 * reason, null participations with {@code participation_withheld} in the JSON, NaN rows in the
 * NumPy arrays, and plots that draw the row as n/a. The modes are constructed, so every value
 * the output should hold is known.
 */
class RegionModesReportTest {
  private static final String WHY = "repeated eigenvalue (m = 3): its eigenvectors are not"
      + " unique, so neither participation nor sensitivity is defined";

  private static List<RegionModes> modes() {
    RegionModes.Mode distinct = new RegionModes.Mode(1.2, 0, 1.5, new double[] {0.25, 0.75},
        new double[] {1.0, 0.0}, new double[][] {{0.1, 0.2}, {0.3, -0.3}},
        new double[][] {{0, 0}, {0, 0}}, new double[][] {{0.1, 0.2}, {0.3, -0.3}},
        new double[][] {{0.1 / 0.9, 0.2 / 0.9}, {0.3 / 0.9, -0.3 / 0.9}}, null);
    RegionModes.Mode repeated = RegionModes.Mode.repeated(0.9, 0, WHY);
    Eigendecomposition spectrum = Eigendecomposition.of(new double[] {1.2, 0.9, 0.9, 0.9},
        new double[4], null, null);
    return List.of(new RegionModes(List.of("x", "y"), 0.9, RegionModes.Method.DENSE,
        List.of(distinct, repeated), new double[][] {{1, 2}, {3, 4}}, spectrum));
  }

  @Test
  void aRepeatedEigenvalueGetsOneLineNullParticipationsAndNanRows(@TempDir Path dir)
      throws Exception {
    List<RegionModes> modes = modes();
    List<String> labels = List.of("x0");
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      RegionModesReport.print(out, labels, modes);
    }
    String[] lines = text.toString().split("\n");
    String line = null;
    for (String l : lines) {
      if (l.contains("mode 2")) {
        assertTrue(line == null, "one line for the repeated mode:\n" + text);
        line = l;
      }
    }
    assertTrue(line != null && line.matches("x0\\s+mode 2\\s+0\\.9\\s+participation withheld: "
        + java.util.regex.Pattern.quote(WHY)), text.toString());
    assertFalse(text.toString().contains("sensitivities withheld: repeated"), text.toString());
    assertTrue(text.toString().matches("(?s).*mode 1 .*right: y 0\\.75, x 0\\.25.*"), text.toString());

    ObjectNode report = Reports.MAPPER.createObjectNode();
    RegionModesReport.json(report, labels, modes, new double[][] {{1, 1}, {1, 1}});
    JsonNode list = report.get("region_modes").get("points").get(0).get("modes");
    JsonNode first = list.get(0);
    assertEquals(0.75, first.get("right_participation").get("y").asDouble(), 0.0);
    assertTrue(first.get("participation_withheld").isNull());
    JsonNode second = list.get(1);
    assertTrue(second.get("right_participation").isNull());
    assertTrue(second.get("left_participation").isNull());
    assertEquals(WHY, second.get("participation_withheld").asText());
    assertTrue(second.get("sensitivity").isNull());
    assertEquals(WHY, second.get("sensitivity_withheld").asText());
    assertTrue(second.get("condition_number").isNull());
    assertTrue(report.get("region_modes").get("definitions").has("participation_withheld"));

    OutputOptions output = new OutputOptions();
    output.out = dir;
    RegionModesReport.npy(output, "s", modes, new double[][] {{1, 1}, {1, 1}});
    for (String side : new String[] {"right", "left"}) {
      NdArray p = NumpyArrays.readNpy(dir.resolve("s-participation-" + side + ".npy"));
      assertArrayEquals(new int[] {1, 2, 2}, p.shape());
      assertFalse(Double.isNaN(p.data()[0]), side);
      assertTrue(Double.isNaN(p.data()[2]) && Double.isNaN(p.data()[3]), side + ": NaN row");
    }
    assertEquals(0.75, NumpyArrays.readNpy(dir.resolve("s-participation-right.npy")).data()[1],
        0.0);
    assertTrue(Double.isNaN(
        NumpyArrays.readNpy(dir.resolve("s-modulus-sensitivity.npy")).data()[4]));

    List<Path> plots = RegionModesReport.plots(output, "s", labels, modes,
        new double[][] {{1, 1}, {1, 1}});
    assertTrue(plots.contains(dir.resolve("s-modes-1.png")), plots.toString());
    assertTrue(plots.contains(dir.resolve("s-sensitivity-1.png")), plots.toString());
    for (Path f : plots) {
      assertTrue(Files.size(f) > 0, f.toString());
    }
  }
}
