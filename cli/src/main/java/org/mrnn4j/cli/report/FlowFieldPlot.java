package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mrnn4j.analysis.flowfields.FlowField;

/**
 * Draws flow fields as a scientist reads them: one panel per field (nonlinear, linear) side by
 * side in one PNG, each with arrows from every grid point along its velocity, coloured by speed
 * (viridis, in six bands of the normalised speed), the trajectory projected onto the plane, the
 * state marked, and fixed points marked and numbered: in colour when they lie on the slice the
 * field is drawn on, grey and labelled with their distance from it when they do not (their
 * projection is not where the arrows would stop).
 *
 * <p>Arrows are drawn in the plot's own coordinates (an arrow points where one step moves the
 * grid point, as the trajectory does), their length proportional to the speed, the fastest one
 * 0.9 grid spacings long, so the slowest regions (near fixed points) show as short dark arrows.
 * XChart draws the axes, series and legend; the arrows are polylines broken by NaN.
 */
public final class FlowFieldPlot {
  private static final int PANEL_WIDTH = 900;
  private static final int PANEL_HEIGHT = 760;
  private static final int BANDS = 6;
  private static final Color TRAJECTORY = new Color(90, 90, 90, 150);
  private static final Color STATE = new Color(220, 20, 60);
  private static final Color STABLE = new Color(20, 60, 160);
  private static final Color UNSTABLE = new Color(200, 30, 30);
  private static final Color OFF_PLANE = new Color(160, 160, 160);
  // viridis at 0, 1/4, 1/2, 3/4, 1
  private static final int[][] VIRIDIS = {
    {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}
  };

  private FlowFieldPlot() {}

  /**
   * A field to draw, with its panel title.
   *
   * @param title e.g. "nonlinear" or "linear (first order at the state)"
   * @param field the field
   */
  public record Panel(String title, FlowField field) {}

  /**
   * A fixed point projected onto the plane.
   *
   * @param number its number in the report's table
   * @param x first plane coordinate
   * @param y second plane coordinate
   * @param stable whether it has no unstable mode
   * @param offPlane its distance in state space from the slice the field is drawn on
   * @param tolerance the largest {@code offPlane} drawn as on the plane; farther, it is drawn
   *     grey and labelled with the distance
   * @param output the readout's value there, formatted ({@code (+1.00, -1.00)}), or null
   *     without a readout
   */
  public record MarkedPoint(int number, double x, double y, boolean stable, double offPlane,
      double tolerance, String output) {

    /**
     * A marked point without a readout value.
     *
     * @param number its number
     * @param x first plane coordinate
     * @param y second plane coordinate
     * @param stable whether it has no unstable mode
     * @param offPlane its distance from the slice
     * @param tolerance the largest distance drawn as on the plane
     */
    public MarkedPoint(int number, double x, double y, boolean stable, double offPlane,
        double tolerance) {
      this(number, x, y, stable, offPlane, tolerance, null);
    }

    /** {@return whether it lies on the field's slice, within the tolerance} */
    public boolean onPlane() {
      return offPlane <= tolerance;
    }
  }

  /**
   * Writes the PNG.
   *
   * @param file the PNG (its directory is created)
   * @param title the figure's title, above every panel's own
   * @param xLabel the first axis' label (e.g. "PC1 (62.0% of variance)")
   * @param yLabel the second axis' label
   * @param panels the fields, at one state, left to right
   * @param trajectory the trajectory's plane coordinates, {@code [T][2]}, or empty
   * @param fixedPoints fixed points to mark, or empty
   * @throws IllegalArgumentException if there is no panel
   * @throws IOException if the PNG cannot be written
   */
  public static void write(Path file, String title, String xLabel, String yLabel,
      List<Panel> panels, double[][] trajectory, List<MarkedPoint> fixedPoints)
      throws IOException {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("nothing to draw: no flow field");
    }
    // the figure's title once, in a band above the panels, so that a long one (a state's label
    // and its distance from the plane) is never cut off by a panel's width
    int band = 34;
    BufferedImage out = new BufferedImage(PANEL_WIDTH * panels.size(), PANEL_HEIGHT + band,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), band);
      g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
          java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 16));
      int width = g.getFontMetrics().stringWidth(title);
      g.drawString(title, Math.max(8, (out.getWidth() - width) / 2), band - 10);
      for (int k = 0; k < panels.size(); k++) {
        XYChart chart = panel(panels.get(k).title(), xLabel, yLabel,
            panels.get(k).field(), trajectory, fixedPoints);
        g.drawImage(BitmapEncoder.getBufferedImage(chart), k * PANEL_WIDTH, band, null);
      }
    } finally {
      g.dispose();
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    ImageIO.write(out, "png", file.toFile());
  }

  private static XYChart panel(String title, String xLabel, String yLabel, FlowField field,
      double[][] trajectory, List<MarkedPoint> fixedPoints) {
    double[] xs = field.xAxis();
    double[] ys = field.yAxis();
    int p = xs.length;
    double dx = (xs[p - 1] - xs[0]) / (p - 1);
    double dy = (ys[p - 1] - ys[0]) / (p - 1);
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title(String.format(Locale.ROOT, "%s (max |v| %.3g per step)", title, field.maxSpeed()))
        .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    org.knowm.xchart.style.XYStyler st = chart.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setLegendPosition(Styler.LegendPosition.OutsideE);
    st.setLegendLayout(Styler.LegendLayout.Vertical);
    st.setLegendBorderColor(Color.WHITE);
    st.setPlotGridLinesColor(new Color(235, 235, 235));
    st.setMarkerSize(10);
    chart.getStyler().setXAxisMin(xs[0] - dx);
    chart.getStyler().setXAxisMax(xs[p - 1] + dx);
    chart.getStyler().setYAxisMin(ys[0] - dy);
    chart.getStyler().setYAxisMax(ys[p - 1] + dy);
    chart.getStyler().setDecimalPattern("#0.###");

    // the arrows' series first (drawn below the rest), with placeholder data: the legend and
    // so the plot area are final once every series exists, and the arrows are computed in it
    String[] names = new String[BANDS];
    for (int b = 0; b < BANDS; b++) {
      names[b] = String.format(Locale.ROOT, "|v| %d-%d%% of max",
          Math.round(100.0 * b / BANDS), Math.round(100.0 * (b + 1) / BANDS));
      XYSeries s = chart.addSeries(names[b], new double[] {xs[0]}, new double[] {ys[0]});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(viridis((b + 0.5) / BANDS));
      s.setLineStyle(new BasicStroke(1.4f));
    }
    if (trajectory.length > 0) {
      double[] tx = new double[trajectory.length];
      double[] ty = new double[trajectory.length];
      for (int t = 0; t < trajectory.length; t++) {
        tx[t] = trajectory[t][0];
        ty[t] = trajectory[t][1];
      }
      XYSeries s = chart.addSeries("trajectory", tx, ty);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(TRAJECTORY);
      s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
          new float[] {6f, 4f}, 0f));
    }
    // fixed points off the panel are in the report, not drawn at its edge
    double x0 = xs[0] - dx;
    double x1 = xs[p - 1] + dx;
    double y0 = ys[0] - dy;
    double y1 = ys[p - 1] + dy;
    List<MarkedPoint> shown = fixedPoints.stream()
        .filter(f -> f.x() >= x0 && f.x() <= x1 && f.y() >= y0 && f.y() <= y1).toList();
    List<MarkedPoint> on = shown.stream().filter(MarkedPoint::onPlane).toList();
    List<MarkedPoint> off = shown.stream().filter(f -> !f.onPlane()).toList();
    addPoints(chart, "stable fixed point", on, true, SeriesMarkers.CIRCLE, STABLE);
    addPoints(chart, "fixed point with unstable modes", on, false, SeriesMarkers.CROSS,
        UNSTABLE);
    addPoints(chart, "stable, off this plane", off, true, SeriesMarkers.CIRCLE, OFF_PLANE);
    addPoints(chart, "unstable, off this plane", off, false, SeriesMarkers.CROSS, OFF_PLANE);
    XYSeries state = chart.addSeries("the state", new double[] {field.center()[0]},
        new double[] {field.center()[1]});
    state.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    state.setMarker(SeriesMarkers.DIAMOND);
    state.setMarkerColor(STATE);
    for (MarkedPoint f : shown) {
      String label = (f.onPlane() ? " " + f.number() : String.format(Locale.ROOT,
          " %d (off plane by %.2g)", f.number(), f.offPlane()))
          + (f.output() == null ? "" : ": output " + f.output());
      chart.addAnnotation(new AnnotationText(label, f.x() + 0.35 * dx, f.y() + 0.35 * dy,
          false));
    }

    // lay the chart out once to learn its data-to-pixel map, then draw the arrows in pixels
    BitmapEncoder.getBufferedImage(chart);
    double[][] vx = field.xVelocity();
    double[][] vy = field.yVelocity();
    double maxPixels = 0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        maxPixels = Math.max(maxPixels, pixelLength(chart, xs[i], ys[j], vx[i][j], vy[i][j]));
      }
    }
    double spacing = Math.min(
        Math.abs(chart.getScreenXFromChart(xs[1]) - chart.getScreenXFromChart(xs[0])),
        Math.abs(chart.getScreenYFromChart(ys[1]) - chart.getScreenYFromChart(ys[0])));
    double scale = maxPixels > 0 ? 0.9 * spacing / maxPixels : 0;
    List<List<double[]>> bands = new ArrayList<>();
    for (int b = 0; b < BANDS; b++) {
      bands.add(new ArrayList<>());
    }
    double[][] speed = field.speed();
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        int b = Math.min(BANDS - 1, (int) (speed[i][j] * BANDS));
        arrow(chart, bands.get(b), xs[i], ys[j], vx[i][j], vy[i][j], scale);
      }
    }
    for (int b = 0; b < BANDS; b++) {
      List<double[]> pts = bands.get(b);
      double[] x = new double[Math.max(1, pts.size())];
      double[] y = new double[x.length];
      if (pts.isEmpty()) {
        x[0] = Double.NaN;
        y[0] = Double.NaN;
      }
      for (int k = 0; k < pts.size(); k++) {
        x[k] = pts.get(k)[0];
        y[k] = pts.get(k)[1];
      }
      chart.updateXYSeries(names[b], x, y, null);
    }
    return chart;
  }

  private static double pixelLength(XYChart c, double x, double y, double vx, double vy) {
    double px = c.getScreenXFromChart(x + vx) - c.getScreenXFromChart(x);
    double py = c.getScreenYFromChart(y + vy) - c.getScreenYFromChart(y);
    return Math.hypot(px, py);
  }

  /** Appends one arrow (shaft, then head), each polyline followed by a NaN break. */
  private static void arrow(XYChart c, List<double[]> out, double x, double y, double vx,
      double vy, double scale) {
    double x0 = c.getScreenXFromChart(x);
    double y0 = c.getScreenYFromChart(y);
    double px = (c.getScreenXFromChart(x + vx) - x0) * scale;
    double py = (c.getScreenYFromChart(y + vy) - y0) * scale;
    double len = Math.hypot(px, py);
    if (!(len > 0.5)) {
      // too short to show a direction: a dot where the grid point is
      out.add(new double[] {x, y});
      out.add(new double[] {x, y});
      out.add(new double[] {Double.NaN, Double.NaN});
      return;
    }
    double tipX = x0 + px;
    double tipY = y0 + py;
    double head = Math.min(7, 0.35 * len + 1.5);
    double ux = px / len;
    double uy = py / len;
    double cos = Math.cos(Math.toRadians(25));
    double sin = Math.sin(Math.toRadians(25));
    double lx = tipX - head * (ux * cos - uy * sin);
    double ly = tipY - head * (uy * cos + ux * sin);
    double rx = tipX - head * (ux * cos + uy * sin);
    double ry = tipY - head * (uy * cos - ux * sin);
    out.add(new double[] {x, y});
    out.add(data(c, tipX, tipY));
    out.add(new double[] {Double.NaN, Double.NaN});
    out.add(data(c, lx, ly));
    out.add(data(c, tipX, tipY));
    out.add(data(c, rx, ry));
    out.add(new double[] {Double.NaN, Double.NaN});
  }

  private static double[] data(XYChart c, double px, double py) {
    return new double[] {c.getChartXFromCoordinate((int) Math.round(px)),
        c.getChartYFromCoordinate((int) Math.round(py))};
  }

  private static void addPoints(XYChart chart, String name, List<MarkedPoint> points,
      boolean stable, org.knowm.xchart.style.markers.Marker marker, Color color) {
    List<MarkedPoint> some = points.stream().filter(f -> f.stable() == stable).toList();
    if (some.isEmpty()) {
      return;
    }
    double[] x = some.stream().mapToDouble(MarkedPoint::x).toArray();
    double[] y = some.stream().mapToDouble(MarkedPoint::y).toArray();
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }

  /** Viridis at {@code t} in [0, 1], linear between five of its colours. */
  static Color viridis(double t) {
    double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    int k = Math.min(VIRIDIS.length - 2, (int) u);
    double f = u - k;
    int[] a = VIRIDIS[k];
    int[] b = VIRIDIS[k + 1];
    return new Color((int) Math.round(a[0] + f * (b[0] - a[0])),
        (int) Math.round(a[1] + f * (b[1] - a[1])), (int) Math.round(a[2] + f * (b[2] - a[2])));
  }
}
