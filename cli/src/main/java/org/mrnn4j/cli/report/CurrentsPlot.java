package org.mrnn4j.cli.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mrnn4j.app.RegionCurrents;

/**
 * Draws region-to-region currents ({@link RegionCurrents}) as a PNG: one panel per destination
 * region, stacked, each with one line per source (recurrent regions, input regions, bias): the
 * RMS current over the region's units against the time step. Headless: needs no display.
 */
public final class CurrentsPlot {
  private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14),
      new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
      new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
      new Color(188, 189, 34), new Color(23, 190, 207)};
  /** Panels drawn at most; a report names the regions left out. */
  public static final int MAX_PANELS = 12;

  private CurrentsPlot() {}

  /**
   * Writes the plot.
   *
   * @param file the PNG to write
   * @param title the title of the first panel
   * @param currents the currents
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, String title, RegionCurrents currents) throws IOException {
    int r = Math.min(currents.destinations().size(), MAX_PANELS);
    int s = currents.numSources();
    int steps = currents.steps();
    int width = 900;
    int height = 320;
    BufferedImage all = new BufferedImage(width, height * r, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    double[] time = new double[steps];
    for (int t = 0; t < steps; t++) {
      time[t] = t;
    }
    for (int a = 0; a < r; a++) {
      String dst = currents.destinations().get(a);
      XYChart chart = new XYChartBuilder().width(width).height(height)
          .title((a == 0 ? title + ": " : "") + "currents into " + dst + " (RMS over its units)")
          .xAxisTitle("step t").yAxisTitle("RMS current").build();
      chart.getStyler().setChartBackgroundColor(Color.WHITE);
      chart.getStyler().setPlotBackgroundColor(Color.WHITE);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      for (int src = 0; src < s; src++) {
        double[] y = new double[steps];
        for (int t = 0; t < steps; t++) {
          y[t] = currents.rms()[(t * currents.destinations().size() + a) * s + src];
        }
        XYSeries series = chart.addSeries("from " + currents.sources().get(src), time, y);
        series.setMarker(steps == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        series.setLineColor(COLORS[src % COLORS.length]);
        series.setMarkerColor(COLORS[src % COLORS.length]);
      }
      g.drawImage(BitmapEncoder.getBufferedImage(chart), 0, a * height, null);
    }
    g.dispose();
    ImageIO.write(all, "png", file.toFile());
  }
}
