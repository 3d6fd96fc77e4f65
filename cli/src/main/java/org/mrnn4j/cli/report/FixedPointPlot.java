package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;

/**
 * Draws fixed points on the first two principal components of the visited states: trajectories
 * faint behind, stable points as filled dots, points with unstable modes as crosses, slow points as
 * triangles.
 *
 * <p>The components, and the trajectories drawn, leave out the first fifth of each trajectory: the
 * transient from a random initial state is mostly isotropic noise and would otherwise set the axes,
 * hiding the layout of the states the network settles into.
 */
public final class FixedPointPlot {
  private static final Color TRAJECTORY = new Color(120, 120, 120, 40);
  private static final Color STABLE = new Color(20, 60, 160);
  private static final Color UNSTABLE = new Color(200, 30, 30);
  private static final Color SLOW = new Color(230, 140, 0);

  private FixedPointPlot() {}

  /**
   * Writes the PNG.
   *
   * @param file the PNG to write (its directory is created)
   * @param title the chart title
   * @param search the search's outcome
   * @param trajectories the visited states, one array of states per trajectory (at least one
   *     state in all), in the search's coordinates
   * @throws IOException if the PNG cannot be written
   */
  public static void write(Path file, String title, FixedPointSearch search,
      List<double[][]> trajectories) throws IOException {
    List<double[]> visited = new ArrayList<>();
    for (double[][] traj : trajectories) {
      for (int k = traj.length / 5; k < traj.length; k++) {
        visited.add(traj[k]);
      }
    }
    if (visited.isEmpty()) {
      throw new IllegalArgumentException("no visited states to compute principal components of");
    }
    int dims = Math.min(2, visited.get(0).length);
    Pca pca = Pca.fit(visited, dims);
    double total = Math.max(pca.totalVariance(), Double.MIN_NORMAL);
    XYChart chart = new XYChartBuilder().width(900).height(700).title(title)
        .xAxisTitle(String.format(Locale.ROOT, "PC1 (%.1f%% of variance)",
            100 * pca.variance(0) / total))
        .yAxisTitle(dims > 1 ? String.format(Locale.ROOT, "PC2 (%.1f%% of variance)",
            100 * pca.variance(1) / total) : "")
        .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(9);
    int t = 0;
    for (double[][] traj : trajectories) {
      int skip = traj.length / 5;
      double[] x = new double[traj.length - skip];
      double[] y = new double[traj.length - skip];
      for (int k = skip; k < traj.length; k++) {
        double[] p = pca.project(traj[k]);
        x[k - skip] = p[0];
        y[k - skip] = dims > 1 ? p[1] : 0;
      }
      // one legend entry stands for all of them
      XYSeries s = chart.addSeries(t == 0 ? "trajectories (" + trajectories.size() + ")"
          : "trajectory " + t, x, y);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(TRAJECTORY);
      s.setLineStyle(new BasicStroke(1f));
      s.setShowInLegend(t == 0);
      t++;
    }
    List<FixedPoint> stable = new ArrayList<>();
    List<FixedPoint> unstable = new ArrayList<>();
    for (FixedPoint p : search.fixedPoints()) {
      (p.stability().isStable() ? stable : unstable).add(p);
    }
    addPoints(chart, "stable (" + stable.size() + ")", stable, pca, dims, SeriesMarkers.CIRCLE,
        STABLE);
    addPoints(chart, "with unstable modes (" + unstable.size() + ")", unstable, pca, dims,
        SeriesMarkers.CROSS, UNSTABLE);
    addPoints(chart, "slow points (" + search.slowPoints().size() + ")", search.slowPoints(), pca,
        dims, SeriesMarkers.TRIANGLE_UP, SLOW);
    // numbers beside the points, as the printed table and the JSON number them: fixed points,
    // then slow points; offset by a small fraction of the plotted range
    double[] xr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (XYSeries series : chart.getSeriesMap().values()) {
      for (double v : series.getXData()) {
        xr[0] = Math.min(xr[0], v);
        xr[1] = Math.max(xr[1], v);
      }
      for (double v : series.getYData()) {
        yr[0] = Math.min(yr[0], v);
        yr[1] = Math.max(yr[1], v);
      }
    }
    double dx = 0.012 * Math.max(xr[1] - xr[0], 1e-12);
    double dy = 0.012 * Math.max(yr[1] - yr[0], 1e-12);
    List<FixedPoint> numbered = new ArrayList<>(search.fixedPoints());
    numbered.addAll(search.slowPoints());
    for (int k = 0; k < numbered.size(); k++) {
      double[] p = pca.project(numbered.get(k).state());
      chart.addAnnotation(new AnnotationText(Integer.toString(k + 1), p[0] + dx,
          (dims > 1 ? p[1] : 0) + dy, false));
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void addPoints(XYChart chart, String name, List<FixedPoint> points, Pca pca,
      int dims, org.knowm.xchart.style.markers.Marker marker, Color color) {
    if (points.isEmpty()) {
      return;
    }
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int k = 0; k < points.size(); k++) {
      double[] p = pca.project(points.get(k).state());
      x[k] = p[0];
      y[k] = dims > 1 ? p[1] : 0;
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }
}
