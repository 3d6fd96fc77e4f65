package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mrnn4j.analysis.continuation.Bifurcation;
import org.mrnn4j.analysis.continuation.BifurcationKind;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationPoint;

/**
 * The bifurcation diagram of {@code mrnn4j continue}: the parameter against one coordinate of
 * the fixed points, each branch a curve, solid where the point is stable (every eigenvalue of the
 * map inside the unit circle) and dashed where it has unstable modes, with the located
 * bifurcations marked (a marker per kind, named in the legend and by a short label beside each).
 */
public final class ContinuationPlot {
  private static final Color STABLE = new Color(20, 60, 160);
  private static final Color UNSTABLE = new Color(200, 30, 30);
  private static final Map<BifurcationKind, Color> COLORS = new EnumMap<>(BifurcationKind.class);
  private static final Map<BifurcationKind, Marker> MARKERS =
      new EnumMap<>(BifurcationKind.class);

  static {
    COLORS.put(BifurcationKind.FOLD, new Color(0, 0, 0));
    COLORS.put(BifurcationKind.BRANCH_POINT, new Color(130, 0, 160));
    COLORS.put(BifurcationKind.PERIOD_DOUBLING, new Color(0, 140, 60));
    COLORS.put(BifurcationKind.NEIMARK_SACKER, new Color(230, 120, 0));
    COLORS.put(BifurcationKind.HOPF_CONTINUOUS, new Color(0, 150, 200));
    MARKERS.put(BifurcationKind.FOLD, SeriesMarkers.DIAMOND);
    MARKERS.put(BifurcationKind.BRANCH_POINT, SeriesMarkers.SQUARE);
    MARKERS.put(BifurcationKind.PERIOD_DOUBLING, SeriesMarkers.TRIANGLE_DOWN);
    MARKERS.put(BifurcationKind.NEIMARK_SACKER, SeriesMarkers.TRIANGLE_UP);
    MARKERS.put(BifurcationKind.HOPF_CONTINUOUS, SeriesMarkers.CIRCLE);
  }

  private ContinuationPlot() {}

  /**
   * {@return the short label of a kind in the diagram: LP, BP, PD, NS or H}
   *
   * @param kind the bifurcation's kind
   */
  public static String shortLabel(BifurcationKind kind) {
    return kind.shortLabel();
  }

  /**
   * Draws the diagram.
   *
   * @param file the PNG to write
   * @param title the chart's title
   * @param parameter the x axis's title
   * @param coordinateName the y axis's title
   * @param coordinate the plotted coordinate of a state
   * @param branches the branches
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, String title, String parameter, String coordinateName,
      ToDoubleFunction<double[]> coordinate, List<Branch> branches) throws IOException {
    XYChart chart = new XYChartBuilder().width(1000).height(700).title(title)
        .xAxisTitle(parameter).yAxisTitle(coordinateName).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(10);
    boolean[] legend = {false, false};
    int series = 0;
    for (int bi = 0; bi < branches.size(); bi++) {
      List<ContinuationPoint> pts = branches.get(bi).points();
      int i = 0;
      while (i < pts.size() - 1) {
        boolean stable = pts.get(i).stable();
        int j = i + 1;
        while (j < pts.size() - 1 && pts.get(j).stable() == stable) {
          j++;
        }
        // the segment i..j (sharing its ends with its neighbours)
        double[] x = new double[j - i + 1];
        double[] y = new double[j - i + 1];
        for (int k = i; k <= j; k++) {
          x[k - i] = pts.get(k).parameter();
          y[k - i] = coordinate.applyAsDouble(pts.get(k).state());
        }
        int which = stable ? 0 : 1;
        XYSeries s = chart.addSeries(legend[which] ? "segment " + series
            : stable ? "stable" : "with unstable modes", x, y);
        s.setShowInLegend(!legend[which]);
        legend[which] = true;
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(stable ? STABLE : UNSTABLE);
        s.setLineStyle(stable ? new BasicStroke(2f) : new BasicStroke(1.5f,
            BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        series++;
        i = j;
      }
    }
    Map<BifurcationKind, List<double[]>> marks = new EnumMap<>(BifurcationKind.class);
    for (Branch b : branches) {
      for (Bifurcation f : b.bifurcations()) {
        if (f.located()) {
          marks.computeIfAbsent(f.kind(), k -> new ArrayList<>())
              .add(new double[] {f.parameter(), coordinate.applyAsDouble(f.state())});
        }
      }
    }
    double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (XYSeries s : chart.getSeriesMap().values()) {
      for (double v : s.getYData()) {
        yr[0] = Math.min(yr[0], v);
        yr[1] = Math.max(yr[1], v);
      }
    }
    double dy = 0.025 * Math.max(yr[1] - yr[0], 1e-12);
    for (Map.Entry<BifurcationKind, List<double[]>> e : marks.entrySet()) {
      List<double[]> m = e.getValue();
      double[] x = m.stream().mapToDouble(v -> v[0]).toArray();
      double[] y = m.stream().mapToDouble(v -> v[1]).toArray();
      XYSeries s = chart.addSeries(e.getKey().label() + " (" + e.getKey().shortLabel() + ", "
          + m.size() + ")", x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(MARKERS.get(e.getKey()));
      s.setMarkerColor(COLORS.get(e.getKey()));
      for (double[] v : m) {
        chart.addAnnotation(new AnnotationText(e.getKey().shortLabel(), v[0], v[1] + dy, false));
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no branch", new double[] {0}, new double[] {0});
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
