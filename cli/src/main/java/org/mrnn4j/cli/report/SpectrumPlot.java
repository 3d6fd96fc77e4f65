package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  /** More points than this share one legend entry, so the legend stays readable. */
  private static final int MAX_LEGEND = 8;

  private final String title;
  private final List<String> labels = new ArrayList<>();
  private final List<Eigendecomposition> spectra = new ArrayList<>();

  /** An empty plot with this title. */
  public SpectrumPlot(String title) {
    this.title = title;
  }

  /** Adds the eigenvalues of one operating point. */
  public SpectrumPlot add(String label, Eigendecomposition eigenvalues) {
    labels.add(label);
    spectra.add(eigenvalues);
    return this;
  }

  /** The chart (square, equal axes, unit circle, one series per point). */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder().width(800).height(800).title(title)
        .xAxisTitle("Re(lambda)").yAxisTitle("Im(lambda)").build();
    Styler s = chart.getStyler();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(7);
    s.setLegendVisible(true);

    double extent = 1.0;
    for (Eigendecomposition e : spectra) {
      extent = Math.max(extent, e.spectralRadius());
    }
    extent *= 1.1;
    chart.getStyler().setXAxisMin(-extent);
    chart.getStyler().setXAxisMax(extent);
    chart.getStyler().setYAxisMin(-extent);
    chart.getStyler().setYAxisMax(extent);

    int segments = 256;
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
        scatter(chart, uniqueName(chart, labels.get(i)), re, im);
      }
    }
    return chart;
  }

  private static void scatter(XYChart chart, String name, List<Double> re, List<Double> im) {
    if (re.isEmpty()) {
      return; // XChart rejects empty series
    }
    XYSeries series = chart.addSeries(name, re, im);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
  }

  private static String uniqueName(XYChart chart, String label) {
    String name = label;
    for (int k = 2; chart.getSeriesMap().containsKey(name); k++) {
      name = label + " (" + k + ")";
    }
    return name;
  }

  /** Writes the PNG to {@code file}, creating its directory. */
  public void writePng(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart(), out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
