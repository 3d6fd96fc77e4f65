package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mrnn4j.core.Eigendecomposition;

/**
 * Draws eigenvalue spectra in the complex plane with the unit circle (the stability boundary of a
 * discrete-time map), as a PNG. Headless: needs no display.
 */
public final class SpectrumPlot {
  private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE,
      SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
      SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.OVAL};
  private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14),
      new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
      new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127)};

  /** More points than this share one legend entry, so the legend stays readable. */
  private static final int MAX_LEGEND = 8;

  private final String title;
  private final List<String> labels = new ArrayList<>();
  private final List<Eigendecomposition> spectra = new ArrayList<>();

  /**
   * An empty plot.
   *
   * @param title the chart's title
   */
  public SpectrumPlot(String title) {
    this.title = title;
  }

  /**
   * Adds the eigenvalues of one operating point.
   *
   * @param label the point's name in the legend
   * @param eigenvalues its eigenvalues
   * @return this plot
   */
  public SpectrumPlot add(String label, Eigendecomposition eigenvalues) {
    labels.add(label);
    spectra.add(eigenvalues);
    return this;
  }

  /**
   * The chart of the whole plane.
   *
   * @return a square chart with equal axes, the unit circle and one series per point
   */
  public XYChart chart() {
    double extent = 1.0;
    for (Eigendecomposition e : spectra) {
      extent = Math.max(extent, e.spectralRadius());
    }
    extent *= 1.1;
    return chart(title, -extent, extent, -extent, extent);
  }

  /**
   * Where the eigenvalues crowd near the stability boundary, the box {@code {x0, x1, y0, y1}}
   * around those within {@value #NEAR_ONE} of {@code lambda = 1}, with the point 1 and a margin
   * in view; null when fewer than a quarter of them are there, or they already fill the plane.
   */
  double[] nearOne() {
    int total = 0;
    List<double[]> near = new ArrayList<>();
    for (Eigendecomposition e : spectra) {
      for (int k = 0; k < e.size(); k++) {
        total++;
        if (Math.hypot(e.real(k) - 1, e.imag(k)) <= NEAR_ONE) {
          near.add(new double[] {e.real(k), e.imag(k)});
        }
      }
    }
    if (near.isEmpty() || near.size() * 4 < total) {
      return null;
    }
    double x0 = 1;
    double x1 = 1;
    double y0 = 0;
    double y1 = 0;
    for (double[] z : near) {
      x0 = Math.min(x0, z[0]);
      x1 = Math.max(x1, z[0]);
      y0 = Math.min(y0, z[1]);
      y1 = Math.max(y1, z[1]);
    }
    double half = 0.55 * Math.max(Math.max(x1 - x0, y1 - y0), 1e-3);
    double cx = (x0 + x1) / 2;
    double cy = (y0 + y1) / 2;
    return new double[] {cx - half, cx + half, cy - half, cy + half};
  }

  /** Eigenvalues this close to 1 count as crowding the stability boundary. */
  static final double NEAR_ONE = 0.25;

  private XYChart chart(String chartTitle, double x0, double x1, double y0, double y1) {
    XYChart chart = new XYChartBuilder().width(800).height(800).title(chartTitle)
        .xAxisTitle("Re(lambda)").yAxisTitle("Im(lambda)").build();
    Styler s = chart.getStyler();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(10);
    s.setLegendVisible(true);

    chart.getStyler().setXAxisMin(x0);
    chart.getStyler().setXAxisMax(x1);
    chart.getStyler().setYAxisMin(y0);
    chart.getStyler().setYAxisMax(y1);

    int segments = 4096; // smooth in a zoomed view too
    double[] cx = new double[segments + 1];
    double[] cy = new double[segments + 1];
    for (int k = 0; k <= segments; k++) {
      cx[k] = Math.cos(2 * Math.PI * k / segments);
      cy[k] = Math.sin(2 * Math.PI * k / segments);
    }
    XYSeries circle = chart.addSeries("unit circle", cx, cy);
    circle.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    circle.setMarker(SeriesMarkers.NONE);
    circle.setLineColor(Color.GRAY);
    circle.setLineStyle(new BasicStroke(1.2f));

    boolean merge = spectra.size() > MAX_LEGEND;
    if (merge) {
      List<Double> re = new ArrayList<>();
      List<Double> im = new ArrayList<>();
      for (Eigendecomposition e : spectra) {
        for (int k = 0; k < e.size(); k++) {
          re.add(e.real(k));
          im.add(e.imag(k));
        }
      }
      scatter(chart, "eigenvalues at " + spectra.size() + " points", re, im);
    } else {
      for (int i = 0; i < spectra.size(); i++) {
        Eigendecomposition e = spectra.get(i);
        List<Double> re = new ArrayList<>();
        List<Double> im = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
          re.add(e.real(k));
          im.add(e.imag(k));
        }
        XYSeries series = scatter(chart, uniqueName(chart, labels.get(i)), re, im);
        if (series != null) {
          // later points are drawn on top, in open shapes (a cross over a disc), so that points
          // whose eigenvalues coincide (a state that did not move) both stay visible
          series.setMarker(MARKERS[i % MARKERS.length]);
          series.setMarkerColor(COLORS[i % COLORS.length]);
        }
      }
    }
    return chart;
  }

  private static XYSeries scatter(XYChart chart, String name, List<Double> re,
      List<Double> im) {
    if (re.isEmpty()) {
      return null; // XChart rejects empty series
    }
    XYSeries series = chart.addSeries(name, re, im);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    return series;
  }

  private static String uniqueName(XYChart chart, String label) {
    String name = label;
    for (int k = 2; chart.getSeriesMap().containsKey(name); k++) {
      name = label + " (" + k + ")";
    }
    return name;
  }

  /**
   * Writes the PNG, with a magnified second panel near {@code lambda = 1} when the eigenvalues
   * crowd there.
   *
   * @param file the PNG (its directory is created)
   * @throws IOException if it cannot be written
   */
  public void writePng(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    double[] box = nearOne();
    if (box == null) {
      try (OutputStream out = Files.newOutputStream(file)) {
        BitmapEncoder.saveBitmap(chart(), out, BitmapEncoder.BitmapFormat.PNG);
      }
      return;
    }
    // a second panel beside the plane: the crowd of eigenvalues near lambda = 1, magnified
    BufferedImage whole = BitmapEncoder.getBufferedImage(chart());
    BufferedImage zoom = BitmapEncoder.getBufferedImage(chart(
        "Near lambda = 1 (magnified)", box[0], box[1], box[2], box[3]));
    BufferedImage both = new BufferedImage(whole.getWidth() + zoom.getWidth(),
        Math.max(whole.getHeight(), zoom.getHeight()), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, both.getWidth(), both.getHeight());
    g.drawImage(whole, 0, 0, null);
    g.drawImage(zoom, whole.getWidth(), 0, null);
    g.dispose();
    ImageIO.write(both, "png", file.toFile());
  }
}
