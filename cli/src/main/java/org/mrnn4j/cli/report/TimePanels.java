package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The two panels under the spectra of a long sequence of operating points, stacked on one time
 * axis so that they line up: the spectral radius with {@code |lambda| = 1} marked, and the number
 * of unstable modes as a step line, with the counts that are estimates or lower bounds marked.
 * Drawn with Java2D, so that both panels share their plot area's left and right edges exactly and
 * the count axis has whole-number ticks.
 */
final class TimePanels {
  static final Color RADIUS_COLOR = new Color(31, 119, 180);
  static final Color BOUNDARY_COLOR = new Color(214, 39, 40);
  static final Color COUNT_COLOR = new Color(40, 40, 40);
  static final Color ESTIMATE_COLOR = new Color(255, 127, 14);
  static final Color BOUND_COLOR = new Color(148, 103, 189);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int RADIUS_HEIGHT = 260;
  private static final int COUNT_HEIGHT = 170;
  private static final int LEFT = 100;
  private static final int RIGHT = 40;

  private final String timeTitle;
  private final double[] t;
  private final double[] radius;
  private final int[] count;
  private final SpectrumPlot.Count[] certainty;

  /**
   * The panels of a sequence (any order: drawn sorted by time).
   *
   * @param timeTitle the time axis's title
   * @param times each point's time
   * @param radii each point's spectral radius (NaN: left out)
   * @param unstable each point's number of unstable modes
   * @param counts how far each count can be trusted
   */
  TimePanels(String timeTitle, List<Double> times, List<Double> radii, List<Integer> unstable,
      List<SpectrumPlot.Count> counts) {
    this.timeTitle = timeTitle;
    Integer[] order = new Integer[times.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(times::get));
    t = new double[order.length];
    radius = new double[order.length];
    count = new int[order.length];
    certainty = new SpectrumPlot.Count[order.length];
    for (int k = 0; k < order.length; k++) {
      t[k] = times.get(order[k]);
      radius[k] = radii.get(order[k]);
      count[k] = unstable.get(order[k]);
      certainty[k] = counts.get(order[k]);
    }
  }

  /** {@return the height of the panels} */
  static int height() {
    return RADIUS_HEIGHT + COUNT_HEIGHT + 130;
  }

  /**
   * Where a time lands on the shared horizontal axis of a picture this wide.
   *
   * @param time the time
   * @param width the picture's width
   * @return its pixel column
   */
  int x(double time, int width) {
    double[] range = timeRange();
    return LEFT + (int) Math.round((time - range[0]) / (range[1] - range[0])
        * (width - LEFT - RIGHT));
  }

  private double[] timeRange() {
    double lo = t.length == 0 ? 0 : t[0];
    double hi = t.length == 0 ? 1 : t[t.length - 1];
    return hi > lo ? new double[] {lo, hi} : new double[] {lo - 0.5, lo + 0.5};
  }

  /**
   * {@return the two panels, this wide}
   *
   * @param width the picture's width
   */
  BufferedImage image(int width) {
    BufferedImage image = new BufferedImage(width, height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, image.getHeight());
    double[] range = timeRange();
    double[] xTicks = RegionHeatmap.ticksBetween(range[0], range[1], 10);

    // the spectral radius, with the stability boundary
    double lo = 1;
    double hi = 1;
    for (double r : radius) {
      if (!Double.isNaN(r)) {
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
    }
    double pad = Math.max(0.05 * (hi - lo), 0.01);
    lo -= pad;
    hi += pad;
    int top = 56;
    int bottom = top + RADIUS_HEIGHT - 40;
    frame(g, width, top, bottom, xTicks, RegionHeatmap.ticksBetween(lo, hi, 6), lo, hi,
        "spectral radius", "Spectral radius over time");
    legend(g, width, top - 9, List.of(
        new Entry("spectral radius", RADIUS_COLOR, false, 'o'),
        new Entry("|lambda| = 1 (stability boundary)", BOUNDARY_COLOR, true, ' ')));
    Stroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {8f, 5f}, 0f);
    g.setColor(BOUNDARY_COLOR);
    g.setStroke(dashed);
    int y1 = y(1, lo, hi, top, bottom);
    g.drawLine(LEFT, y1, width - RIGHT, y1);
    g.setColor(RADIUS_COLOR);
    g.setStroke(new BasicStroke(2f));
    Path2D.Double line = new Path2D.Double();
    boolean open = false;
    for (int k = 0; k < t.length; k++) {
      if (Double.isNaN(radius[k])) {
        open = false; // an unknown radius breaks the line
        continue;
      }
      int x = x(t[k], width);
      int y = y(radius[k], lo, hi, top, bottom);
      if (open) {
        line.lineTo(x, y);
      } else {
        line.moveTo(x, y);
        open = true;
      }
    }
    g.draw(line);
    int dot = t.length > 120 ? 3 : 7;
    for (int k = 0; k < t.length; k++) {
      if (!Double.isNaN(radius[k])) {
        g.fillOval(x(t[k], width) - dot / 2, y(radius[k], lo, hi, top, bottom) - dot / 2, dot,
            dot);
      }
    }

    // the unstable count, a step line held from each point to the next
    int maxCount = 1;
    for (int c : count) {
      maxCount = Math.max(maxCount, c);
    }
    int step = 1;
    while (maxCount / step > 5) {
      step = step == 1 ? 2 : step == 2 ? 5 : step % 5 == 0 ? step * 2 : step * 5 / 2;
    }
    List<Double> countTicks = new ArrayList<>();
    for (int c = 0; c <= maxCount; c += step) {
      countTicks.add((double) c);
    }
    double cHi = maxCount + 0.3 * step;
    double cLo = -0.15 * step;
    int ctop = bottom + 100;
    int cbottom = ctop + COUNT_HEIGHT - 40;
    frame(g, width, ctop, cbottom, xTicks,
        countTicks.stream().mapToDouble(Double::doubleValue).toArray(), cLo, cHi,
        "unstable modes", "Unstable modes (|lambda| > 1) over time");
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry("unstable modes", COUNT_COLOR, false, ' '));
    if (Arrays.stream(certainty).anyMatch(c -> c == SpectrumPlot.Count.ESTIMATE)) {
      entries.add(new Entry("~ estimate (unconverged bulk taken as stable)", ESTIMATE_COLOR,
          false, 'd'));
    }
    if (Arrays.stream(certainty).anyMatch(c -> c == SpectrumPlot.Count.LOWER_BOUND)) {
      entries.add(new Entry(">= lower bound", BOUND_COLOR, false, '^'));
    }
    legend(g, width, ctop - 9, entries);
    g.setColor(COUNT_COLOR);
    g.setStroke(new BasicStroke(2f));
    Path2D.Double steps = new Path2D.Double();
    for (int k = 0; k < t.length; k++) {
      int x = x(t[k], width);
      int y = y(count[k], cLo, cHi, ctop, cbottom);
      if (k == 0) {
        steps.moveTo(x, y);
      } else {
        steps.lineTo(x, y(count[k - 1], cLo, cHi, ctop, cbottom));
        steps.lineTo(x, y);
      }
    }
    g.draw(steps);
    for (int k = 0; k < t.length; k++) {
      if (certainty[k] != SpectrumPlot.Count.EXACT) {
        marker(g, certainty[k] == SpectrumPlot.Count.ESTIMATE ? 'd' : '^',
            certainty[k] == SpectrumPlot.Count.ESTIMATE ? ESTIMATE_COLOR : BOUND_COLOR,
            x(t[k], width), y(count[k], cLo, cHi, ctop, cbottom));
      }
    }
    // the shared time axis's title
    g.setFont(AXIS);
    g.setColor(Color.BLACK);
    FontMetrics am = g.getFontMetrics();
    g.drawString(timeTitle, LEFT + (width - LEFT - RIGHT - am.stringWidth(timeTitle)) / 2,
        cbottom + 24 + am.getAscent());
    g.dispose();
    return image;
  }

  private static int y(double v, double lo, double hi, int top, int bottom) {
    return bottom - (int) Math.round((v - lo) / (hi - lo) * (bottom - top));
  }

  /** A legend entry: a line (solid or dashed) or a marker. */
  private record Entry(String label, Color color, boolean dashed, char marker) {}

  private static void legend(Graphics2D g, int width, int baseline, List<Entry> entries) {
    g.setFont(LEGEND);
    FontMetrics fm = g.getFontMetrics();
    int x = width - RIGHT;
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      x -= fm.stringWidth(e.label());
      g.setColor(Color.BLACK);
      g.drawString(e.label(), x, baseline);
      x -= 34;
      int y = baseline - (fm.getAscent() - fm.getDescent()) / 2;
      g.setColor(e.color());
      if (e.marker() == 'd' || e.marker() == '^') {
        marker(g, e.marker(), e.color(), x + 14, y);
      } else {
        g.setStroke(e.dashed() ? new BasicStroke(1.6f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
        g.drawLine(x, y, x + 28, y);
        if (e.marker() == 'o') {
          g.fillOval(x + 10, y - 3, 7, 7);
        }
      }
      x -= 18;
    }
  }

  private static void marker(Graphics2D g, char kind, Color color, int x, int y) {
    g.setColor(color);
    Polygon p = new Polygon();
    if (kind == 'd') {
      p.addPoint(x, y - 7);
      p.addPoint(x + 6, y);
      p.addPoint(x, y + 7);
      p.addPoint(x - 6, y);
    } else {
      p.addPoint(x, y - 7);
      p.addPoint(x + 7, y + 5);
      p.addPoint(x - 7, y + 5);
    }
    g.fillPolygon(p);
  }

  /** Axes, grid, ticks and titles of one panel (the legend goes on the line under the title). */
  private void frame(Graphics2D g, int width, int top, int bottom, double[] xTicks,
      double[] yTicks, double lo, double hi, String yTitle, String title) {
    int right = width - RIGHT;
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {3f, 3f}, 0f));
    g.setColor(new Color(215, 215, 215));
    for (double v : xTicks) {
      int x = x(v, width);
      g.drawLine(x, top, x, bottom);
    }
    for (double v : yTicks) {
      int y = y(v, lo, hi, top, bottom);
      g.drawLine(LEFT, y, right, y);
    }
    g.setStroke(new BasicStroke(1f));
    g.setColor(Color.DARK_GRAY);
    g.drawRect(LEFT, top, right - LEFT, bottom - top);
    g.setFont(TICK);
    FontMetrics tm = g.getFontMetrics();
    g.setColor(Color.BLACK);
    for (double v : xTicks) {
      int x = x(v, width);
      g.drawLine(x, bottom, x, bottom + 4);
      String s = RegionHeatmap.tickLabel(v, xTicks);
      // every panel gets its numbers: they share the axis, but a reader looks at one at a time
      g.drawString(s, x - tm.stringWidth(s) / 2, bottom + 6 + tm.getAscent());
    }
    for (double v : yTicks) {
      int y = y(v, lo, hi, top, bottom);
      g.drawLine(LEFT - 4, y, LEFT, y);
      String s = RegionHeatmap.tickLabel(v, yTicks);
      g.drawString(s, LEFT - 7 - tm.stringWidth(s), y + (tm.getAscent() - tm.getDescent()) / 2);
    }
    g.setFont(AXIS);
    FontMetrics am = g.getFontMetrics();
    AffineTransform saved = g.getTransform();
    g.translate(18 + am.getAscent(), (top + bottom + am.stringWidth(yTitle)) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(yTitle, 0, 0);
    g.setTransform(saved);
    g.setFont(TITLE);
    g.drawString(title, LEFT, top - 30);
  }
}
