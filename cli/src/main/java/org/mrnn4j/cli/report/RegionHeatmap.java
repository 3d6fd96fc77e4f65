package org.mrnn4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Labelled matrices drawn as heat maps, one or more panels side by side in one PNG: mode
 * participation by region, connection sensitivities, block norms. Each panel has a title, row and
 * column labels with axis titles, a colour scale ({@link Scale#DIVERGING} for signed values,
 * {@link Scale#SEQUENTIAL} for non-negative ones) with a labelled colour bar; small matrices (at
 * most {@value #VALUES_UP_TO} rows and columns) show each value in its cell, and NaN cells are
 * grey and read "n/a". Takes plain arrays and labels only. Headless: needs no display.
 */
public final class RegionHeatmap {

  /** Matrices up to this many rows and columns print each value in its cell. */
  public static final int VALUES_UP_TO = 12;

  /** Panels per row of the picture; more wrap onto the next row. */
  static final int PANELS_PER_ROW = 4;

  /** The colour of a NaN cell. */
  static final Color NAN_COLOR = new Color(200, 200, 200);

  /** How values map to colours. */
  public enum Scale {
    /**
     * Signed values: blue (negative), white (0), red (positive), with limits symmetric about 0
     * ({@code -limit .. limit}).
     */
    DIVERGING,
    /** Non-negative values: white (0) to dark purple ({@code limit}). */
    SEQUENTIAL
  }

  /**
   * One labelled matrix.
   *
   * @param title the panel's title
   * @param rowLabels one label per row
   * @param columnLabels one label per column
   * @param values the matrix, {@code values[row][column]}; NaN shows as "n/a"
   * @param scale how values map to colours
   * @param limit the value of the darkest colour (and, diverging, minus it the darkest blue);
   *     NaN to take the largest absolute finite value of the matrix
   * @param colorBarLabel the colour bar's label (what the values are)
   * @param rowAxisTitle the title beside the row labels, e.g. "destination region"
   * @param columnAxisTitle the title under the column labels, e.g. "source region"
   */
  public record Panel(String title, List<String> rowLabels, List<String> columnLabels,
      double[][] values, Scale scale, double limit, String colorBarLabel, String rowAxisTitle,
      String columnAxisTitle) {

    /**
     * Checks the shape and the scale's sign rule, and copies the matrix.
     *
     * @param title the panel's title
     * @param rowLabels one label per row
     * @param columnLabels one label per column
     * @param values the matrix, {@code values[row][column]}
     * @param scale how values map to colours
     * @param limit the value of the darkest colour; NaN to take it from the values
     * @param colorBarLabel the colour bar's label
     * @param rowAxisTitle the title beside the row labels
     * @param columnAxisTitle the title under the column labels
     * @throws IllegalArgumentException if the labels do not match the matrix, the limit is not
     *     positive and finite (or NaN), or a SEQUENTIAL panel holds a negative value
     */
    public Panel {
      title = title == null ? "" : title;
      colorBarLabel = colorBarLabel == null ? "" : colorBarLabel;
      rowAxisTitle = rowAxisTitle == null ? "" : rowAxisTitle;
      columnAxisTitle = columnAxisTitle == null ? "" : columnAxisTitle;
      rowLabels = List.copyOf(rowLabels);
      columnLabels = List.copyOf(columnLabels);
      if (scale == null) {
        throw new IllegalArgumentException("panel '" + title + "': no scale given");
      }
      if (values.length != rowLabels.size()) {
        throw new IllegalArgumentException("panel '" + title + "': " + values.length
            + " rows of values but " + rowLabels.size() + " row labels");
      }
      double[][] copy = new double[values.length][];
      for (int r = 0; r < values.length; r++) {
        if (values[r].length != columnLabels.size()) {
          throw new IllegalArgumentException("panel '" + title + "': row " + r + " has "
              + values[r].length + " values but there are " + columnLabels.size()
              + " column labels");
        }
        copy[r] = values[r].clone();
        if (scale == Scale.SEQUENTIAL) {
          for (int c = 0; c < copy[r].length; c++) {
            if (copy[r][c] < 0) {
              throw new IllegalArgumentException("panel '" + title + "': the SEQUENTIAL scale"
                  + " is for non-negative values, got " + copy[r][c] + " at row " + r
                  + " (" + rowLabels.get(r) + "), column " + c + " (" + columnLabels.get(c)
                  + "); use DIVERGING for signed values");
            }
          }
        }
      }
      values = copy;
      if (!Double.isNaN(limit) && !(limit > 0 && Double.isFinite(limit))) {
        throw new IllegalArgumentException("panel '" + title + "': the colour limit must be"
            + " positive and finite, or NaN to take it from the values; got " + limit);
      }
    }

    /**
     * A panel with its limit taken from the values, no axis titles and no colour bar label.
     *
     * @param title the panel's title
     * @param rowLabels one label per row
     * @param columnLabels one label per column
     * @param values the matrix, {@code values[row][column]}
     * @param scale how values map to colours
     * @return the panel
     */
    public static Panel of(String title, List<String> rowLabels, List<String> columnLabels,
        double[][] values, Scale scale) {
      return new Panel(title, rowLabels, columnLabels, values, scale, Double.NaN, "", "", "");
    }

    /**
     * {@return this panel with these axis titles}
     *
     * @param rows the title beside the row labels
     * @param columns the title under the column labels
     */
    public Panel withAxes(String rows, String columns) {
      return new Panel(title, rowLabels, columnLabels, values, scale, limit, colorBarLabel, rows,
          columns);
    }

    /**
     * {@return this panel with this colour bar label}
     *
     * @param label what the values are
     */
    public Panel withColorBar(String label) {
      return new Panel(title, rowLabels, columnLabels, values, scale, limit, label, rowAxisTitle,
          columnAxisTitle);
    }

    /**
     * {@return this panel with a fixed colour limit}
     *
     * @param max the value of the darkest colour (diverging: {@code -max .. max})
     */
    public Panel withLimit(double max) {
      return new Panel(title, rowLabels, columnLabels, values, scale, max, colorBarLabel,
          rowAxisTitle, columnAxisTitle);
    }

    /** {@return the value of the darkest colour: the limit given, else from the values} */
    public double effectiveLimit() {
      if (!Double.isNaN(limit)) {
        return limit;
      }
      double max = 0;
      for (double[] row : values) {
        for (double v : row) {
          if (Double.isFinite(v)) {
            max = Math.max(max, Math.abs(v));
          }
        }
      }
      return max > 0 ? max : 1; // a zero matrix: any scale shows it white
    }

    /** {@return the matrix (a copy)} */
    @Override
    public double[][] values() {
      double[][] copy = new double[values.length][];
      for (int r = 0; r < values.length; r++) {
        copy[r] = values[r].clone();
      }
      return copy;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Panel p && title.equals(p.title) && rowLabels.equals(p.rowLabels)
          && columnLabels.equals(p.columnLabels) && Arrays.deepEquals(values, p.values)
          && scale == p.scale && Double.compare(limit, p.limit) == 0
          && colorBarLabel.equals(p.colorBarLabel) && rowAxisTitle.equals(p.rowAxisTitle)
          && columnAxisTitle.equals(p.columnAxisTitle);
    }

    @Override
    public int hashCode() {
      return title.hashCode() * 31 + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
      return "Panel[" + title + ", " + values.length + " x " + columnLabels.size() + ", " + scale
          + "]";
    }
  }

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  private static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.ITALIC, 13);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int PAD = 16;
  private static final int BAR_WIDTH = 18;

  private final String title;
  private final List<Panel> panels;
  /** Where each panel's matrix was drawn by the last {@link #image()}: its top-left and cell. */
  private final List<int[]> drawn = new ArrayList<>();

  /**
   * A picture of panels side by side (more than {@value #PANELS_PER_ROW} wrap).
   *
   * @param title the picture's title, above the panels (empty for none)
   * @param panels one or more panels
   * @throws IllegalArgumentException if there are no panels
   */
  public RegionHeatmap(String title, List<Panel> panels) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("a heat map needs at least one panel");
    }
    this.title = title == null ? "" : title;
    this.panels = List.copyOf(panels);
  }

  /** {@return the panels} */
  public List<Panel> panels() {
    return panels;
  }

  // ------------------------------------------------------------------ the three uses

  /**
   * A mode's label from its eigenvalue: {@code "1: 1.313"}, or {@code "2: 0.95+0.10i"} for a
   * complex one.
   *
   * @param index the mode's number, from 1
   * @param re the eigenvalue's real part
   * @param im its imaginary part
   * @return the label
   */
  public static String modeLabel(int index, double re, double im) {
    if (im == 0) {
      return String.format(Locale.ROOT, "%d: %.3f", index, re);
    }
    return String.format(Locale.ROOT, "%d: %.2f%s%.2fi", index, re, im < 0 ? "-" : "+",
        Math.abs(im));
  }

  private static List<String> modeLabels(double[] re, double[] im) {
    if (re.length != im.length) {
      throw new IllegalArgumentException("eigenvalues: " + re.length + " real parts but "
          + im.length + " imaginary parts");
    }
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < re.length; k++) {
      labels.add(modeLabel(k + 1, re[k], im[k]));
    }
    return labels;
  }

  /**
   * Mode participation by region: rows the modes (labelled by eigenvalue), columns the regions,
   * SEQUENTIAL from 0 to 1; one panel from the right eigenvectors and, when given, one from the
   * left.
   *
   * @param title the picture's title (say the model and the operating point)
   * @param regions the region names, one per column
   * @param re the modes' eigenvalues, real parts
   * @param im their imaginary parts
   * @param right participation from the right eigenvectors, {@code [K modes][R regions]}
   * @param left participation from the left eigenvectors, {@code [K][R]}; null for none
   * @return the picture
   */
  public static RegionHeatmap participation(String title, List<String> regions, double[] re,
      double[] im, double[][] right, double[][] left) {
    List<String> modes = modeLabels(re, im);
    List<Panel> panels = new ArrayList<>();
    panels.add(Panel.of("Right eigenvectors", modes, regions, right, Scale.SEQUENTIAL)
        .withAxes("mode (eigenvalue)", "region").withColorBar("participation").withLimit(1));
    if (left != null) {
      panels.add(Panel.of("Left eigenvectors", modes, regions, left, Scale.SEQUENTIAL)
          .withAxes("mode (eigenvalue)", "region").withColorBar("participation").withLimit(1));
    }
    return new RegionHeatmap(title, panels);
  }

  /**
   * Connection sensitivities: one panel per mode (titled by its eigenvalue), rows the
   * destination region, columns the source region, DIVERGING with one limit shared by all
   * panels (the largest absolute share), so that the modes compare.
   *
   * @param title the picture's title
   * @param regions the region names (rows and columns)
   * @param re the modes' eigenvalues, real parts
   * @param im their imaginary parts
   * @param perMode one signed {@code [R dst][R src]} matrix per mode
   * @return the picture
   */
  public static RegionHeatmap sensitivity(String title, List<String> regions, double[] re,
      double[] im, List<double[][]> perMode) {
    List<String> modes = modeLabels(re, im);
    if (modes.size() != perMode.size()) {
      throw new IllegalArgumentException("sensitivity: " + modes.size() + " eigenvalues but "
          + perMode.size() + " matrices");
    }
    double limit = 0;
    for (double[][] m : perMode) {
      limit = Math.max(limit, Panel.of("", regions, regions, m, Scale.DIVERGING)
          .effectiveLimit());
    }
    List<Panel> panels = new ArrayList<>();
    for (int k = 0; k < perMode.size(); k++) {
      panels.add(Panel.of("mode " + modes.get(k), regions, regions, perMode.get(k),
          Scale.DIVERGING).withAxes("destination region", "source region")
          .withColorBar("share of d|lambda|/d gain").withLimit(limit));
    }
    return new RegionHeatmap(title, panels);
  }

  /**
   * Block norms: the Frobenius norm of each region-to-region block, rows the destination,
   * columns the source, SEQUENTIAL; one panel for the effective weights and, when given, one for
   * the Jacobian at an operating point (each with its own limit).
   *
   * @param title the picture's title
   * @param regions the region names (rows and columns)
   * @param weights {@code |W_AB|_F}, {@code [R dst][R src]}
   * @param jacobian {@code |J_AB|_F} at the point, {@code [R][R]}; null for none
   * @param pointLabel the point's name, for the Jacobian panel's title
   * @return the picture
   */
  public static RegionHeatmap blockNorms(String title, List<String> regions, double[][] weights,
      double[][] jacobian, String pointLabel) {
    List<Panel> panels = new ArrayList<>();
    panels.add(Panel.of("Effective weights |W_AB|_F", regions, regions, weights,
        Scale.SEQUENTIAL).withAxes("destination region A", "source region B")
        .withColorBar("Frobenius norm"));
    if (jacobian != null) {
      panels.add(Panel.of("Jacobian connection part (leak left out)" + (pointLabel == null || pointLabel.isEmpty()
          ? "" : " (" + pointLabel + ")"), regions, regions, jacobian, Scale.SEQUENTIAL)
          .withAxes("destination region A", "source region B").withColorBar("Frobenius norm"));
    }
    return new RegionHeatmap(title, panels);
  }

  // ------------------------------------------------------------------ colours

  /**
   * {@return the colour of a value on a scale}
   *
   * @param scale the scale
   * @param value the value (NaN: grey)
   * @param limit the value of the darkest colour
   */
  static Color color(Scale scale, double value, double limit) {
    if (Double.isNaN(value)) {
      return NAN_COLOR;
    }
    double t = Math.max(-1, Math.min(1, value / limit));
    if (scale == Scale.SEQUENTIAL) {
      return ramp(Math.max(0, t), new int[][] {{255, 255, 255}, {188, 189, 220}, {117, 107, 177},
          {63, 0, 125}});
    }
    return t >= 0 ? ramp(t, new int[][] {{255, 255, 255}, {244, 165, 130}, {214, 96, 77},
        {178, 24, 43}}) : ramp(-t, new int[][] {{255, 255, 255}, {146, 197, 222},
        {67, 147, 195}, {33, 102, 172}});
  }

  private static Color ramp(double t, int[][] anchors) {
    double x = t * (anchors.length - 1);
    int i = Math.min((int) Math.floor(x), anchors.length - 2);
    double f = x - i;
    int[] a = anchors[i];
    int[] b = anchors[i + 1];
    return new Color((int) Math.round(a[0] + f * (b[0] - a[0])),
        (int) Math.round(a[1] + f * (b[1] - a[1])), (int) Math.round(a[2] + f * (b[2] - a[2])));
  }

  private static boolean dark(Color c) {
    return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 140;
  }

  /** The value printed in a cell or at a tick, with decimals suited to the panel's range. */
  static String format(double v, double range) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    String s;
    if (range < 10) {
      s = String.format(Locale.ROOT, "%.2f", v);
    } else if (range < 100) {
      s = String.format(Locale.ROOT, "%.1f", v);
    } else if (range < 1e4) {
      s = String.format(Locale.ROOT, "%.0f", v);
    } else {
      s = String.format(Locale.ROOT, "%.2g", v);
    }
    return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
  }

  // ------------------------------------------------------------------ drawing

  /** The cell size in pixels for a matrix of this shape. */
  private static int cellSize(int rows, int cols) {
    int n = Math.max(1, Math.max(rows, cols));
    return Math.max(4, Math.min(64, 600 / n));
  }

  /** The measured layout of one panel, relative to its top-left corner. */
  private record Geometry(int width, int height, int matrixX, int matrixY, int cell,
      boolean verticalColumnLabels, double limit, double[] ticks, int barHeight) {}

  private Geometry measure(Panel p, Graphics2D g) {
    int rows = p.rowLabels().size();
    int cols = p.columnLabels().size();
    int cell = cellSize(rows, cols);
    FontMetrics label = g.getFontMetrics(LABEL_FONT);
    FontMetrics axis = g.getFontMetrics(AXIS_FONT);
    FontMetrics tick = g.getFontMetrics(TICK_FONT);
    FontMetrics head = g.getFontMetrics(PANEL_TITLE_FONT);
    int rowLabelWidth = p.rowLabels().stream().mapToInt(label::stringWidth).max().orElse(0);
    int colLabelWidth = p.columnLabels().stream().mapToInt(label::stringWidth).max().orElse(0);
    boolean vertical = colLabelWidth > cell - 4;
    double limit = p.effectiveLimit();
    double[] ticks = ticks(p.scale(), limit);
    int tickWidth = 0;
    for (double t : ticks) {
      tickWidth = Math.max(tickWidth, tick.stringWidth(tickLabel(t, ticks)));
    }
    int x = PAD;
    if (!p.rowAxisTitle().isEmpty()) {
      x += axis.getHeight() + 6;
    }
    x += rowLabelWidth + 8;
    int matrixX = x;
    x += cols * cell + 18 + BAR_WIDTH + 5 + tickWidth;
    if (!p.colorBarLabel().isEmpty()) {
      x += 8 + axis.getHeight();
    }
    x += PAD;
    int width = Math.max(x, head.stringWidth(p.title()) + 2 * PAD);
    int y = 10 + head.getHeight() + 10;
    int matrixY = y;
    int matrixHeight = Math.max(rows * cell, 1);
    // the colour bar: at least 160 px and its label tall, centred on the matrix
    int barHeight = Math.max(Math.max(160, matrixHeight), axis.stringWidth(p.colorBarLabel())
        + 10);
    int barExtra = (barHeight - matrixHeight) / 2;
    matrixY += barExtra;
    y = matrixY + matrixHeight + Math.max(barExtra, 0);
    y += 6 + (vertical ? colLabelWidth : label.getHeight());
    if (!p.columnAxisTitle().isEmpty()) {
      y += 6 + axis.getHeight();
    }
    y += PAD;
    // centre the content if the title made the panel wider
    int shift = (width - x) / 2;
    return new Geometry(width, y, matrixX + Math.max(shift, 0), matrixY, cell, vertical, limit,
        ticks, barHeight);
  }

  /** Tick values of a colour bar: round numbers within the scale's range, and its ends. */
  static double[] ticks(Scale scale, double limit) {
    return ticksBetween(scale == Scale.DIVERGING ? -limit : 0, limit);
  }

  /** A tick's label, with as many decimals as the step between the ticks needs. */
  static String tickLabel(double t, double[] ticks) {
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(t);
    int decimals = 0;
    while (decimals < 6 && Math.abs(step * Math.pow(10, decimals)
        - Math.rint(step * Math.pow(10, decimals))) > 1e-6 * Math.pow(10, decimals) * step) {
      decimals++;
    }
    if (Math.abs(t) >= 1e5 || step > 0 && step < 1e-4) {
      return String.format(Locale.ROOT, "%.2g", t);
    }
    String s = String.format(Locale.ROOT, "%." + decimals + "f", t);
    return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
  }

  /**
   * {@return round tick values between two numbers, about five}
   *
   * @param lo the first
   * @param hi the last, above it
   */
  static double[] ticksBetween(double lo, double hi) {
    return ticksBetween(lo, hi, 4);
  }

  /**
   * {@return round tick values between two numbers, at least about {@code intervals} apart}
   *
   * @param lo the first
   * @param hi the last, above it
   * @param intervals about how many intervals between them
   */
  static double[] ticksBetween(double lo, double hi, int intervals) {
    double step = niceStep((hi - lo) / intervals);
    List<Double> ticks = new ArrayList<>();
    for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  }

  /**
   * {@return the picture}
   */
  public BufferedImage image() {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    List<Geometry> geometry = new ArrayList<>();
    for (Panel p : panels) {
      geometry.add(measure(p, sg));
    }
    int titleHeight = title.isEmpty() ? 0 : sg.getFontMetrics(TITLE_FONT).getHeight() + 16;
    int titleWidth = title.isEmpty() ? 0 : sg.getFontMetrics(TITLE_FONT).stringWidth(title)
        + 2 * PAD;
    sg.dispose();
    // panels in rows of PANELS_PER_ROW
    int width = titleWidth;
    int height = titleHeight;
    List<int[]> origins = new ArrayList<>();
    for (int start = 0; start < panels.size(); start += PANELS_PER_ROW) {
      int x = 0;
      int rowHeight = 0;
      for (int i = start; i < Math.min(panels.size(), start + PANELS_PER_ROW); i++) {
        origins.add(new int[] {x, height});
        x += geometry.get(i).width();
        rowHeight = Math.max(rowHeight, geometry.get(i).height());
      }
      width = Math.max(width, x);
      height += rowHeight;
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    if (!title.isEmpty()) {
      g.setFont(TITLE_FONT);
      g.setColor(Color.BLACK);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, (width - fm.stringWidth(title)) / 2, 10 + fm.getAscent());
    }
    drawn.clear();
    for (int i = 0; i < panels.size(); i++) {
      int[] o = origins.get(i);
      Geometry geo = geometry.get(i);
      drawPanel(g, panels.get(i), geo, o[0], o[1]);
      drawn.add(new int[] {o[0] + geo.matrixX(), o[1] + geo.matrixY(), geo.cell()});
    }
    g.dispose();
    return image;
  }

  /**
   * Where a cell was drawn by the last {@link #image()}.
   *
   * @param panel the panel's index
   * @param row the cell's row
   * @param column its column
   * @return its rectangle in the picture
   */
  Rectangle cell(int panel, int row, int column) {
    int[] d = drawn.get(panel);
    return new Rectangle(d[0] + column * d[2], d[1] + row * d[2], d[2], d[2]);
  }

  private static void drawPanel(Graphics2D g, Panel p, Geometry geo, int ox, int oy) {
    int rows = p.rowLabels().size();
    int cols = p.columnLabels().size();
    int cell = geo.cell();
    int mx = ox + geo.matrixX();
    int my = oy + geo.matrixY();
    double[][] v = p.values;
    double limit = geo.limit();
    // title, centred on the panel
    g.setFont(PANEL_TITLE_FONT);
    g.setColor(Color.BLACK);
    FontMetrics head = g.getFontMetrics();
    g.drawString(p.title(), ox + (geo.width() - head.stringWidth(p.title())) / 2,
        oy + 10 + head.getAscent());
    // cells
    boolean values = rows <= VALUES_UP_TO && cols <= VALUES_UP_TO;
    Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(14,
        cell / 4 + 2)));
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        Color color = color(p.scale(), v[r][c], limit);
        g.setColor(color);
        g.fillRect(mx + c * cell, my + r * cell, cell, cell);
        if (values) {
          String text = format(v[r][c], limit);
          g.setFont(valueFont);
          FontMetrics fm = g.getFontMetrics();
          g.setColor(Double.isNaN(v[r][c]) ? new Color(90, 90, 90)
              : dark(color) ? Color.WHITE : Color.BLACK);
          g.drawString(text, mx + c * cell + (cell - fm.stringWidth(text)) / 2,
              my + r * cell + (cell - fm.getHeight()) / 2 + fm.getAscent());
        }
      }
    }
    // thin grid lines between cells when they are large enough, and a frame
    g.setStroke(new BasicStroke(1f));
    if (cell >= 12) {
      g.setColor(new Color(255, 255, 255, 160));
      for (int r = 1; r < rows; r++) {
        g.drawLine(mx, my + r * cell, mx + cols * cell, my + r * cell);
      }
      for (int c = 1; c < cols; c++) {
        g.drawLine(mx + c * cell, my, mx + c * cell, my + rows * cell);
      }
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(mx, my, cols * cell, rows * cell);
    // row labels, right-aligned beside the rows
    g.setFont(LABEL_FONT);
    g.setColor(Color.BLACK);
    FontMetrics label = g.getFontMetrics();
    boolean everyRow = cell >= label.getHeight() - 2;
    int rowStep = everyRow ? 1 : (int) Math.ceil((label.getHeight() - 2.0) / cell);
    for (int r = 0; r < rows; r += rowStep) {
      String s = p.rowLabels().get(r);
      g.drawString(s, mx - 8 - label.stringWidth(s),
          my + r * cell + (cell - label.getHeight()) / 2 + label.getAscent());
    }
    // column labels under the columns, vertical when they are wider than a cell
    int colStep = geo.verticalColumnLabels() && cell < label.getHeight() - 2
        ? (int) Math.ceil((label.getHeight() - 2.0) / cell) : 1;
    int labelTop = my + rows * cell + 6;
    int colLabelHeight = 0;
    for (int c = 0; c < cols; c += colStep) {
      String s = p.columnLabels().get(c);
      int cx = mx + c * cell + cell / 2;
      if (geo.verticalColumnLabels()) {
        AffineTransform saved = g.getTransform();
        g.translate(cx + (label.getAscent() - label.getDescent()) / 2.0,
            labelTop + label.stringWidth(s));
        g.rotate(-Math.PI / 2);
        g.drawString(s, 0, 0);
        g.setTransform(saved);
        colLabelHeight = Math.max(colLabelHeight, label.stringWidth(s));
      } else {
        g.drawString(s, cx - label.stringWidth(s) / 2, labelTop + label.getAscent());
        colLabelHeight = label.getHeight();
      }
    }
    g.setFont(AXIS_FONT);
    FontMetrics axis = g.getFontMetrics();
    if (!p.columnAxisTitle().isEmpty()) {
      String s = p.columnAxisTitle();
      g.drawString(s, mx + (cols * cell - axis.stringWidth(s)) / 2,
          labelTop + colLabelHeight + 6 + axis.getAscent());
    }
    if (!p.rowAxisTitle().isEmpty()) {
      String s = p.rowAxisTitle();
      AffineTransform saved = g.getTransform();
      g.translate(ox + PAD + axis.getAscent(), my + (rows * cell + axis.stringWidth(s)) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(s, 0, 0);
      g.setTransform(saved);
    }
    // the colour bar, centred on the matrix
    int barHeight = geo.barHeight();
    int barY = my + rows * cell / 2 - barHeight / 2;
    int barX = mx + cols * cell + 18;
    double lo = p.scale() == Scale.DIVERGING ? -limit : 0;
    for (int y = 0; y < barHeight; y++) {
      double value = limit - (limit - lo) * (y + 0.5) / barHeight;
      g.setColor(color(p.scale(), value, limit));
      g.drawLine(barX, barY + y, barX + BAR_WIDTH - 1, barY + y);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(barX, barY, BAR_WIDTH, barHeight);
    g.setFont(TICK_FONT);
    FontMetrics tick = g.getFontMetrics();
    int tickWidth = 0;
    for (double t : geo.ticks()) {
      int y = barY + (int) Math.round((limit - t) / (limit - lo) * barHeight);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(barX + BAR_WIDTH, y, barX + BAR_WIDTH + 4, y);
      g.setColor(Color.BLACK);
      String s = tickLabel(t, geo.ticks());
      g.drawString(s, barX + BAR_WIDTH + 6, y + (tick.getAscent() - tick.getDescent()) / 2);
      tickWidth = Math.max(tickWidth, tick.stringWidth(s));
    }
    if (!p.colorBarLabel().isEmpty()) {
      String s = p.colorBarLabel();
      g.setFont(AXIS_FONT);
      AffineTransform saved = g.getTransform();
      g.translate(barX + BAR_WIDTH + 6 + tickWidth + 8 + axis.getAscent(),
          barY + (barHeight + axis.stringWidth(s)) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(s, 0, 0);
      g.setTransform(saved);
    }
  }

  /**
   * Writes the PNG.
   *
   * @param file the PNG (its directory is created)
   * @throws IOException if it cannot be written
   */
  public void writePng(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(image(), "png", file.toFile());
  }
}
