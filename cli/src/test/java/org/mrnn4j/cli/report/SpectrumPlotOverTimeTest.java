package org.mrnn4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Eigendecomposition;

/** Spectra of a long sequence of points: coloured by time, with the radius and count below. */
class SpectrumPlotOverTimeTest {

  /** A spectrum of a real eigenvalue {@code r} and a pair {@code 0.5 +- 0.5i}. */
  private static Eigendecomposition spectrum(double r) {
    return Eigendecomposition.of(new double[] {r, 0.5, 0.5}, new double[] {0, 0.5, -0.5},
        null, null);
  }

  @Test
  void fewPointsKeepTheLegendLayout(@TempDir Path dir) throws Exception {
    SpectrumPlot plot = new SpectrumPlot("few");
    for (int i = 0; i < 8; i++) {
      plot.add("point " + i, spectrum(-0.2 - 0.05 * i));
    }
    assertFalse(plot.overTime());
    Path png = dir.resolve("few.png");
    plot.writePng(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(800, image.getWidth());
    assertEquals(800, image.getHeight());
  }

  @Test
  void aSequenceIsColouredByTimeWithItsRadiusAndCountBelow(@TempDir Path dir) throws Exception {
    SpectrumPlot plot = new SpectrumPlot("thirty").timeAxis("step");
    // the radius grows through 1 at step 150: 0.6 + 0.004 * step; unstable from 160 on
    for (int i = 0; i < 30; i++) {
      double r = 0.6 + 0.004 * (10 * i);
      plot.add("after " + (10 * i) + " steps", 10 * i, spectrum(r), r, r > 1 ? 1 : 0,
          i == 29 ? SpectrumPlot.Count.LOWER_BOUND : i == 28 ? SpectrumPlot.Count.ESTIMATE
              : SpectrumPlot.Count.EXACT);
    }
    assertTrue(plot.overTime());
    Path png = dir.resolve("thirty.png");
    plot.writePng(png);
    BufferedImage image = ImageIO.read(png.toFile());
    // the plane, the colour bar beside it, the time panels below: not the 800 x 800 legend
    assertEquals(800 + SpectrumPlot.BAR_STRIP, image.getWidth());
    assertEquals(800 + TimePanels.height(), image.getHeight());
    // the colour bar runs from viridis's dark purple (early) at its foot to yellow-green at its
    // head
    Color head = new Color(image.getRGB(800 + 20, 80 + 2));
    Color foot = new Color(image.getRGB(800 + 20, 800 - 80 - 3));
    assertTrue(head.getGreen() > 200 && head.getBlue() < 80, head.toString());
    assertTrue(foot.getRed() < 90 && foot.getGreen() < 20 && foot.getBlue() > 70,
        foot.toString());
    // the time panels (the radius panel in the first 330 pixels under the plane, the count
    // panel below): the radius line is drawn in its colour at the first step's column
    TimePanels panels = plot.timePanels();
    int x = panels.x(0, image.getWidth());
    boolean radiusDrawn = false;
    for (int y = 800; y < 800 + 330; y++) {
      radiusDrawn |= near(new Color(image.getRGB(x, y)), TimePanels.RADIUS_COLOR);
    }
    assertTrue(radiusDrawn, "no radius at step 0");
    // and |lambda| = 1, dashed red, across the panel
    boolean boundary = false;
    int xMid = panels.x(75, image.getWidth());
    for (int y = 800; y < 800 + 330; y++) {
      for (int dx = 0; dx < 14; dx++) {
        boundary |= near(new Color(image.getRGB(xMid + dx, y)), TimePanels.BOUNDARY_COLOR);
      }
    }
    assertTrue(boundary, "no |lambda| = 1 line");
    // the estimate and lower-bound markers of the last two counts
    boolean bound = false;
    int xLast = panels.x(290, image.getWidth());
    for (int y = 800 + 330; y < image.getHeight(); y++) {
      for (int dx = -6; dx <= 0; dx++) {
        bound |= near(new Color(image.getRGB(xLast + dx, y)), TimePanels.BOUND_COLOR);
      }
    }
    assertTrue(bound, "no lower-bound marker at step 290");
  }

  private static boolean near(Color a, Color b) {
    return Math.abs(a.getRed() - b.getRed()) < 12 && Math.abs(a.getGreen() - b.getGreen()) < 12
        && Math.abs(a.getBlue() - b.getBlue()) < 12;
  }
}
