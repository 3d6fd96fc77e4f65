package org.mrnn4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.report.RegionHeatmap.Panel;
import org.mrnn4j.cli.report.RegionHeatmap.Scale;

/** The heat maps of region analyses: read back as pixels. */
class RegionHeatmapTest {
  private static final List<String> ABC = List.of("A", "B", "C");

  /** The colour a few pixels inside a cell's top-left corner: away from its printed value. */
  private static Color corner(BufferedImage image, Rectangle cell) {
    return new Color(image.getRGB(cell.x + 4, cell.y + 4));
  }

  /** Whether a cell holds pixels of another colour than its corner (a printed value). */
  private static boolean hasText(BufferedImage image, Rectangle cell) {
    int background = image.getRGB(cell.x + 4, cell.y + 4);
    for (int y = cell.y + 3; y < cell.y + cell.height - 3; y++) {
      for (int x = cell.x + 3; x < cell.x + cell.width - 3; x++) {
        if (image.getRGB(x, y) != background) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void aDivergingMapIsRedWhereLargeBlueWhereNegativeWhiteAtZero(@TempDir Path dir)
      throws Exception {
    double[][] v = {{0, 5, 0}, {0, 0, 0}, {-5, 0, 0}};
    RegionHeatmap map = new RegionHeatmap("signed", List.of(Panel.of("p", ABC, ABC, v,
        Scale.DIVERGING).withAxes("destination region", "source region").withColorBar("v")));
    Path png = dir.resolve("sub/map.png");
    map.writePng(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'},
        java.util.Arrays.copyOf(Files.readAllBytes(png), 4));
    // three rows and columns: cells of 64 pixels, the whole matrix inside the picture
    Rectangle first = map.cell(0, 0, 0);
    Rectangle last = map.cell(0, 2, 2);
    assertEquals(64, first.width);
    assertTrue(last.x + last.width < image.getWidth() && last.y + last.height
        < image.getHeight(), image.getWidth() + " x " + image.getHeight());
    // +5 is the limit: RdBu's darkest red (178, 24, 43); -5 its darkest blue (33, 102, 172)
    Color red = corner(image, map.cell(0, 0, 1));
    assertTrue(red.getRed() > 150 && red.getGreen() < 60 && red.getBlue() < 70, red.toString());
    Color blue = corner(image, map.cell(0, 2, 0));
    assertTrue(blue.getBlue() > 150 && blue.getRed() < 60, blue.toString());
    for (int[] rc : new int[][] {{0, 0}, {1, 1}, {2, 2}, {1, 2}}) {
      assertEquals(Color.WHITE, corner(image, map.cell(0, rc[0], rc[1])));
    }
    // small: each cell prints its value
    assertTrue(hasText(image, map.cell(0, 0, 1)));
  }

  @Test
  void aZeroMatrixIsWhiteOnEitherScale(@TempDir Path dir) throws Exception {
    for (Scale scale : Scale.values()) {
      double[][] zero = new double[3][3];
      RegionHeatmap map = new RegionHeatmap("", List.of(Panel.of("zero", ABC, ABC, zero,
          scale)));
      Path png = dir.resolve(scale + ".png");
      map.writePng(png);
      BufferedImage image = ImageIO.read(png.toFile());
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(Color.WHITE, corner(image, map.cell(0, r, c)), scale + " " + r + c);
        }
      }
    }
  }

  @Test
  void nanIsAGreyCellReadingNa() {
    double[][] v = {{0.5, Double.NaN}, {1, 0}};
    RegionHeatmap map = new RegionHeatmap("", List.of(Panel.of("p", List.of("a", "b"),
        List.of("x", "y"), v, Scale.SEQUENTIAL)));
    BufferedImage image = map.image();
    assertEquals(new Color(200, 200, 200), corner(image, map.cell(0, 0, 1)));
    assertTrue(hasText(image, map.cell(0, 0, 1)));
    // sequential: 0 is white, the largest value (1, the limit) the darkest purple
    assertEquals(Color.WHITE, corner(image, map.cell(0, 1, 1)));
    Color dark = corner(image, map.cell(0, 1, 0));
    assertTrue(dark.getRed() + dark.getGreen() + dark.getBlue() < 250, dark.toString());
  }

  @Test
  void valuesArePrintedUpToTwelveByTwelve() {
    for (int n : new int[] {12, 13}) {
      List<String> labels = java.util.stream.IntStream.range(0, n).mapToObj(i -> "r" + i)
          .toList();
      double[][] v = new double[n][n];
      v[0][0] = 0.5;
      RegionHeatmap map = new RegionHeatmap("", List.of(Panel.of("p", labels, labels, v,
          Scale.SEQUENTIAL).withLimit(1)));
      BufferedImage image = map.image();
      assertEquals(n == 12, hasText(image, map.cell(0, 0, 0)), "n = " + n);
    }
  }

  @Test
  void panelsSitSideBySideAndWrapAfterFour() {
    double[][] v = {{1, 2}, {3, 4}};
    List<String> l = List.of("a", "b");
    Panel p = Panel.of("p", l, l, v, Scale.SEQUENTIAL);
    RegionHeatmap two = new RegionHeatmap("t", List.of(p, p));
    BufferedImage image = two.image();
    assertTrue(two.cell(1, 0, 0).x > two.cell(0, 0, 1).x + two.cell(0, 0, 1).width);
    assertEquals(two.cell(0, 0, 0).y, two.cell(1, 0, 0).y);
    assertTrue(image.getWidth() > 2 * 2 * two.cell(0, 0, 0).width);
    RegionHeatmap five = new RegionHeatmap("t", List.of(p, p, p, p, p));
    five.image();
    assertTrue(five.cell(4, 0, 0).y > five.cell(0, 1, 0).y, "the fifth panel wraps");
    assertEquals(five.cell(0, 0, 0).x, five.cell(4, 0, 0).x);
  }

  @Test
  void shapesAndSignsAreChecked() {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Panel.of("norms", ABC, ABC, new double[][] {{0, 0, 0}, {0, -1, 0}, {0, 0, 0}},
            Scale.SEQUENTIAL));
    assertTrue(negative.getMessage().contains("row 1 (B), column 1 (B)"),
        negative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Panel.of("p", ABC, List.of("x"),
        new double[][] {{1}, {1}}, Scale.DIVERGING));
    assertThrows(IllegalArgumentException.class, () -> Panel.of("p", List.of("a"), ABC,
        new double[][] {{1, 2}}, Scale.DIVERGING));
    assertThrows(IllegalArgumentException.class, () -> Panel.of("p", List.of("a"),
        List.of("x"), new double[][] {{1}}, Scale.DIVERGING).withLimit(-1));
  }

  @Test
  void modesAreLabelledByTheirEigenvalue() {
    assertEquals("1: 1.313", RegionHeatmap.modeLabel(1, 1.3131, 0));
    assertEquals("2: 0.95+0.10i", RegionHeatmap.modeLabel(2, 0.95, 0.1));
    assertEquals("3: 0.95-0.10i", RegionHeatmap.modeLabel(3, 0.95, -0.1));
  }

  @Test
  void theFactoriesBuildTheirPanels() {
    List<String> regions = List.of("E", "I");
    RegionHeatmap participation = RegionHeatmap.participation("t", regions,
        new double[] {1.313, 0.95}, new double[] {0, 0.1}, new double[][] {{1, 0}, {0.5, 0.5}},
        new double[][] {{0.9, 0.1}, {0.2, 0.8}});
    assertEquals(2, participation.panels().size());
    assertEquals(List.of("1: 1.313", "2: 0.95+0.10i"),
        participation.panels().get(0).rowLabels());
    assertEquals(1.0, participation.panels().get(1).effectiveLimit());
    assertEquals(Scale.SEQUENTIAL, participation.panels().get(0).scale());
    // sensitivities: one panel per mode, one limit for all, the largest |share| (0.5)
    RegionHeatmap sensitivity = RegionHeatmap.sensitivity("t", regions,
        new double[] {1.313, 0.9}, new double[] {0, 0},
        List.of(new double[][] {{0.5, -0.25}, {0.125, -0.125}},
            new double[][] {{0.25, 0.25}, {-0.25, 0.25}}));
    assertEquals(2, sensitivity.panels().size());
    for (Panel p : sensitivity.panels()) {
      assertEquals(0.5, p.effectiveLimit());
      assertEquals(Scale.DIVERGING, p.scale());
      assertEquals("destination region", p.rowAxisTitle());
      assertEquals("source region", p.columnAxisTitle());
    }
    assertEquals("mode 2: 0.900", sensitivity.panels().get(1).title());
    // the second mode's 0.25 is half the limit: paler than the first mode's 0.5
    BufferedImage image = sensitivity.image();
    Color full = corner(image, sensitivity.cell(0, 0, 0));
    Color half = corner(image, sensitivity.cell(1, 0, 0));
    assertTrue(half.getGreen() > full.getGreen() + 40, full + " vs " + half);
    RegionHeatmap norms = RegionHeatmap.blockNorms("t", regions,
        new double[][] {{1, 2}, {3, 4}}, null, null);
    assertEquals(1, norms.panels().size());
    assertEquals(2, RegionHeatmap.blockNorms("t", regions, new double[][] {{1, 2}, {3, 4}},
        new double[][] {{0.1, 0}, {0, 0.2}}, "after 200 steps").panels().size());
  }
}
