package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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

  /**
   * More points than this are a sequence over time: coloured by time with a colour bar instead
   * of a legend entry per point, and a panel of the spectral radius and the unstable count
   * against time below.
   */
  private static final int MAX_LEGEND = 8;

  /** How far a point's count of unstable modes can be trusted, as the time panel marks it. */
  public enum Count {
    /** Every eigenvalue is known, or the count is certain. */
    EXACT,
    /** An estimate resting on the Ritz values of an unconverged bulk (the table's {@code ~}). */
    ESTIMATE,
    /** A lower bound: the search stopped among unstable modes (the table's {@code >=}). */
    LOWER_BOUND
  }

  private final String title;
  private final List<String> labels = new ArrayList<>();
  private final List<Eigendecomposition> spectra = new ArrayList<>();
  private final List<Double> times = new ArrayList<>();
  private final List<Double> radii = new ArrayList<>();
  private final List<Integer> unstable = new ArrayList<>();
  private final List<Count> counts = new ArrayList<>();
  private String timeTitle = "operating point (index)";

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
    int count = 0;
    for (int k = 0; k < eigenvalues.size(); k++) {
      count += Math.hypot(eigenvalues.real(k), eigenvalues.imag(k)) > 1 ? 1 : 0;
    }
    return add(label, spectra.size(), eigenvalues, eigenvalues.spectralRadius(), count,
        Count.EXACT);
  }

  /**
   * Adds the eigenvalues of one operating point of a sequence, with its time and its stability
   * as computed (on a leading-eigenvalue path the eigenvalues are only the leading ones, so the
   * radius and the count are given, not recomputed).
   *
   * @param label the point's name in the legend (with few points)
   * @param time the point's place in the sequence (a step, a state's number), for the colour
   *     by time and the time panel of a long sequence
   * @param eigenvalues its eigenvalues, all or the leading ones
   * @param spectralRadius its spectral radius; NaN where unknown (left out of the time panel)
   * @param unstableModes its number of eigenvalues with {@code |lambda| > 1}
   * @param count how far that number can be trusted
   * @return this plot
   */
  public SpectrumPlot add(String label, double time, Eigendecomposition eigenvalues,
      double spectralRadius, int unstableModes, Count count) {
    labels.add(label);
    spectra.add(eigenvalues);
    times.add(time);
    radii.add(spectralRadius);
    unstable.add(unstableModes);
    counts.add(count);
    return this;
  }

  /**
   * Names the time of a long sequence of points (the colour bar's label and the time panel's
   * axis), e.g. "step" or "state number in xs.npy".
   *
   * @param axisTitle what the times given to {@link #add(String, double, Eigendecomposition,
   *     double, int, Count)} are
   * @return this plot
   */
  public SpectrumPlot timeAxis(String axisTitle) {
    this.timeTitle = axisTitle;
    return this;
  }

  /**
   * {@return whether the points are drawn as a sequence over time: more than {@value
   * #MAX_LEGEND}, each coloured by its time with a colour bar, with a panel of the spectral
   * radius and the unstable count against time below}
   */
  public boolean overTime() {
    return spectra.size() > MAX_LEGEND;
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

    if (overTime()) {
      // one series per point, coloured by its time (the colour bar beside says which); the
      // legend keeps only the unit circle
      double[] range = timeRange();
      s.setMarkerSize(7);
      for (int i = 0; i < spectra.size(); i++) {
        Eigendecomposition e = spectra.get(i);
        List<Double> re = new ArrayList<>();
        List<Double> im = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
          re.add(e.real(k));
          im.add(e.imag(k));
        }
        XYSeries series = scatter(chart, "point " + i, re, im);
        if (series != null) {
          series.setMarker(SeriesMarkers.CIRCLE);
          series.setMarkerColor(timeColor(times.get(i), range));
          series.setShowInLegend(false);
        }
      }
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

  /** {@return the first and last time, a unit apart at least} */
  private double[] timeRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double t : times) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    return hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
  }

  /** Viridis, from dark purple (early) to yellow-green (late); its palest yellow left out. */
  private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140},
      {94, 201, 98}, {190, 222, 38}};

  /**
   * {@return the colour of a time on the colour bar}
   *
   * @param t the time
   * @param range the first and last time
   */
  static Color timeColor(double t, double[] range) {
    double f = Math.max(0, Math.min(1, (t - range[0]) / (range[1] - range[0])));
    double x = f * (VIRIDIS.length - 1);
    int i = Math.min((int) Math.floor(x), VIRIDIS.length - 2);
    double w = x - i;
    int[] a = VIRIDIS[i];
    int[] b = VIRIDIS[i + 1];
    return new Color((int) Math.round(a[0] + w * (b[0] - a[0])),
        (int) Math.round(a[1] + w * (b[1] - a[1])), (int) Math.round(a[2] + w * (b[2] - a[2])));
  }

  /** The width of the colour bar strip beside the planes of a long sequence. */
  static final int BAR_STRIP = 120;


  /** The colour bar of the times, a strip {@value #BAR_STRIP} wide. */
  private BufferedImage colorBar(int height) {
    BufferedImage bar = new BufferedImage(BAR_STRIP, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = bar.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, BAR_STRIP, height);
    double[] range = timeRange();
    int top = 80;
    int barHeight = height - 2 * top;
    int x = 10;
    int w = 20;
    for (int y = 0; y < barHeight; y++) {
      double t = range[1] - (range[1] - range[0]) * (y + 0.5) / barHeight;
      g.setColor(timeColor(t, range));
      g.drawLine(x, top + y, x + w - 1, top + y);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(x, top, w, barHeight);
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(tickFont);
    FontMetrics fm = g.getFontMetrics();
    double[] round = RegionHeatmap.ticksBetween(range[0], range[1]);
    // the first and last time are labelled too, unless a round tick is close to them
    List<Double> shown = new ArrayList<>();
    double step = round.length > 1 ? round[1] - round[0] : range[1] - range[0];
    if (round.length == 0 || round[0] - range[0] > 0.3 * step) {
      shown.add(range[0]);
    }
    for (double t : round) {
      shown.add(t);
    }
    if (round.length == 0 || range[1] - round[round.length - 1] > 0.3 * step) {
      shown.add(range[1]);
    }
    double[] ticks = round;
    int widest = 0;
    for (double t : shown) {
      int y = top + (int) Math.round((range[1] - t) / (range[1] - range[0]) * barHeight);
      g.drawLine(x + w, y, x + w + 4, y);
      String label = RegionHeatmap.tickLabel(t, ticks);
      g.drawString(label, x + w + 6, y + (fm.getAscent() - fm.getDescent()) / 2);
      widest = Math.max(widest, fm.stringWidth(label));
    }
    Font axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    g.setFont(axisFont);
    FontMetrics am = g.getFontMetrics();
    String label = timeTitle;
    // the label runs along the bar, shortened if it would not fit
    while (am.stringWidth(label) > height - 20 && label.length() > 4) {
      label = label.substring(0, label.length() - 4) + "...";
    }
    java.awt.geom.AffineTransform saved = g.getTransform();
    g.translate(Math.min(x + w + 6 + widest + 8 + am.getAscent(), BAR_STRIP - am.getDescent()
        - 2), top + (barHeight + am.stringWidth(label)) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(label, 0, 0);
    g.setTransform(saved);
    g.dispose();
    return bar;
  }

  /**
   * {@return the panels under the planes of a long sequence: the spectral radius and the
   * unstable count against time}
   */
  TimePanels timePanels() {
    return new TimePanels(timeTitle, times, radii, unstable, counts);
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
    if (overTime()) {
      // the plane (and its magnified part) with a colour bar of the times beside, and the
      // spectral radius and unstable count against time below
      List<BufferedImage> planes = new ArrayList<>();
      planes.add(BitmapEncoder.getBufferedImage(chart()));
      if (box != null) {
        planes.add(BitmapEncoder.getBufferedImage(chart("Near lambda = 1 (magnified)", box[0],
            box[1], box[2], box[3])));
      }
      int planesWidth = planes.stream().mapToInt(BufferedImage::getWidth).sum();
      int planesHeight = planes.stream().mapToInt(BufferedImage::getHeight).max().orElse(0);
      BufferedImage bar = colorBar(planesHeight);
      BufferedImage time = timePanels().image(planesWidth + BAR_STRIP);
      BufferedImage all = new BufferedImage(planesWidth + BAR_STRIP,
          planesHeight + time.getHeight(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = all.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, all.getWidth(), all.getHeight());
      int x = 0;
      for (BufferedImage plane : planes) {
        g.drawImage(plane, x, 0, null);
        x += plane.getWidth();
      }
      g.drawImage(bar, x, 0, null);
      g.drawImage(time, 0, planesHeight, null);
      g.dispose();
      ImageIO.write(all, "png", file.toFile());
      return;
    }
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
