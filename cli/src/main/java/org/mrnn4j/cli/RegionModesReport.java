package org.mrnn4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.cli.report.RegionHeatmap;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * The text, JSON and NumPy forms of {@code --modes}: the leading modes resolved by region
 * ({@link RegionModes}), one entry per operating point in the table's order.
 */
final class RegionModesReport {
  private RegionModesReport() {}

  /** How many connections the "driven by / opposed by" line names. */
  static final int STRONGEST = 3;

  /**
   * Prints, per point and mode, the eigenvalue with the right and left participations (regions by
   * decreasing share) and the connections with the largest share of {@code d|lambda|/dgain}; a
   * repeated eigenvalue gets one line, saying why its participation is withheld.
   */
  static void print(PrintWriter out, List<String> labels, List<RegionModes> modes) {
    if (modes.isEmpty()) {
      return;
    }
    int labelWidth = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(0));
    out.println();
    out.println("modes by region: participation = share of |v|^2 (right) and |w|^2 (left)"
        + " eigenvector in each region; connections source->destination");
    for (int i = 0; i < modes.size(); i++) {
      RegionModes rm = modes.get(i);
      List<String> names = rm.regions();
      List<RegionModes.Mode> list = rm.modes();
      for (int k = 0; k < list.size(); k++) {
        RegionModes.Mode m = list.get(k);
        String lead = String.format(Locale.ROOT, "%-" + labelWidth + "s  mode %d  %-8s",
            labels.get(i), k + 1, AnalyzeCommand.complex(m.real(), m.imag()));
        if (!m.hasParticipation()) {
          out.printf(Locale.ROOT, "%s   participation withheld: %s%n", lead,
              m.participationWithheld());
          continue;
        }
        out.printf(Locale.ROOT, "%s   right: %s   left: %s%n", lead,
            participation(names, m.rightParticipation()),
            m.leftParticipation() == null ? "-" : participation(names, m.leftParticipation()));
        String pad = " ".repeat(labelWidth + 2);
        if (!m.hasSensitivity()) {
          out.printf(Locale.ROOT, "%s  sensitivities withheld: %s%n", pad, m.withheld());
          continue;
        }
        List<String> driven = new ArrayList<>();
        List<String> opposed = new ArrayList<>();
        for (RegionModes.Connection c : m.strongest(STRONGEST)) {
          String s = names.get(c.source()) + "->" + names.get(c.destination()) + " "
              + String.format(Locale.ROOT, "%+.2f", c.share());
          (c.share() >= 0 ? driven : opposed).add(s);
        }
        StringBuilder line = new StringBuilder(pad).append("  ");
        if (!driven.isEmpty()) {
          line.append("driven by ").append(String.join(", ", driven));
        }
        if (!opposed.isEmpty()) {
          line.append(driven.isEmpty() ? "" : ", ").append("opposed by ")
              .append(String.join(", ", opposed));
        }
        line.append(String.format(Locale.ROOT, " (share of d|lambda|/dgain; condition number"
            + " %.3g)", m.conditionNumber()));
        out.println(line);
      }
    }
  }

  private static String participation(List<String> names, double[] p) {
    Integer[] order = new Integer[p.length];
    for (int r = 0; r < p.length; r++) {
      order[r] = r;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer r) -> p[r]).reversed());
    List<String> parts = new ArrayList<>();
    for (int r : order) {
      parts.add(names.get(r) + String.format(Locale.ROOT, " %.2f", p[r]));
    }
    return String.join(", ", parts);
  }

  /** Adds the {@code region_modes} block to the report. */
  static void json(ObjectNode report, List<String> labels, List<RegionModes> modes,
      double[][] weightBlocks) {
    ObjectNode block = report.putObject("region_modes");
    block.set("regions", Reports.MAPPER.valueToTree(modes.get(0).regions()));
    ObjectNode defs = block.putObject("definitions");
    for (Map.Entry<String, String> e : RegionModes.DEFINITIONS.entrySet()) {
      defs.put(e.getKey(), e.getValue());
    }
    block.put("matrices", "rows: destination region, columns: source region");
    block.set("weight_block_frobenius", Reports.finiteMatrix(weightBlocks));
    ArrayNode points = block.putArray("points");
    for (int i = 0; i < modes.size(); i++) {
      RegionModes rm = modes.get(i);
      ObjectNode p = points.addObject();
      p.put("point", labels.get(i));
      p.put("method", rm.method().name().toLowerCase(Locale.ROOT));
      p.put("identity_coefficient", rm.identity());
      p.set("jacobian_block_frobenius", Reports.finiteMatrix(rm.jacobianBlockFrobenius()));
      ArrayNode list = p.putArray("modes");
      for (RegionModes.Mode m : rm.modes()) {
        ObjectNode o = list.addObject();
        ObjectNode ev = o.putObject("eigenvalue");
        ev.put("real", m.real());
        ev.put("imag", m.imag());
        Reports.putFinite(o, "condition_number", m.conditionNumber());
        if (m.rightParticipation() == null) {
          o.putNull("right_participation");
        } else {
          o.set("right_participation", byRegion(rm.regions(), m.rightParticipation()));
        }
        if (m.leftParticipation() == null) {
          o.putNull("left_participation");
        } else {
          o.set("left_participation", byRegion(rm.regions(), m.leftParticipation()));
        }
        if (m.hasParticipation()) {
          o.putNull("participation_withheld");
        } else {
          o.put("participation_withheld", m.participationWithheld());
        }
        if (m.hasSensitivity()) {
          ObjectNode s = o.putObject("sensitivity");
          ObjectNode dl = s.putObject("dlambda_dgain");
          dl.set("real", Reports.finiteMatrix(m.sensitivityReal()));
          dl.set("imag", Reports.finiteMatrix(m.sensitivityImag()));
          s.set("dmodulus_dgain", Reports.finiteMatrix(m.modulusSensitivity()));
          s.set("share", Reports.finiteMatrix(m.share()));
          o.putNull("sensitivity_withheld");
        } else {
          o.putNull("sensitivity");
          o.put("sensitivity_withheld", m.withheld());
        }
      }
    }
  }

  private static ObjectNode byRegion(List<String> names, double[] p) {
    ObjectNode o = Reports.MAPPER.createObjectNode();
    for (int r = 0; r < p.length; r++) {
      o.put(names.get(r), p[r]);
    }
    return o;
  }


  /**
   * Writes STEM-mode-eigenvalues.npy (complex) [P, K], STEM-participation-right.npy and
   * STEM-participation-left.npy [P, K, R], STEM-sensitivity.npy (complex) and
   * STEM-modulus-sensitivity.npy [P, K, R, R], STEM-jacobian-block-frobenius.npy [P, R, R] and
   * STEM-weight-block-frobenius.npy [R, R]; NaN where a mode is missing (the Krylov path converged
   * fewer), its participations are withheld (a repeated eigenvalue: NaN rows in both participation
   * arrays), or its left vector or sensitivities are withheld.
   *
   * @return the files written
   */
  static List<Path> npy(OutputOptions output, String stem, List<RegionModes> modes,
      double[][] weightBlocks) throws IOException {
    int p = modes.size();
    int k = modes.stream().mapToInt(m -> m.modes().size()).max().orElse(0);
    int r = modes.get(0).regions().size();
    double[] evRe = nan(p * k);
    double[] evIm = nan(p * k);
    double[] right = nan(p * k * r);
    double[] left = nan(p * k * r);
    double[] sRe = nan(p * k * r * r);
    double[] sIm = nan(p * k * r * r);
    double[] mod = nan(p * k * r * r);
    double[] jac = new double[p * r * r];
    for (int b = 0; b < p; b++) {
      RegionModes rm = modes.get(b);
      double[][] jf = rm.jacobianBlockFrobenius();
      for (int a = 0; a < r; a++) {
        System.arraycopy(jf[a], 0, jac, (b * r + a) * r, r);
      }
      for (int t = 0; t < rm.modes().size(); t++) {
        RegionModes.Mode m = rm.modes().get(t);
        int bt = b * k + t;
        evRe[bt] = m.real();
        evIm[bt] = m.imag();
        if (m.rightParticipation() != null) {
          System.arraycopy(m.rightParticipation(), 0, right, bt * r, r);
        }
        if (m.leftParticipation() != null) {
          System.arraycopy(m.leftParticipation(), 0, left, bt * r, r);
        }
        if (m.hasSensitivity()) {
          double[][] xr = m.sensitivityReal();
          double[][] xi = m.sensitivityImag();
          double[][] xm = m.modulusSensitivity();
          for (int a = 0; a < r; a++) {
            System.arraycopy(xr[a], 0, sRe, (bt * r + a) * r, r);
            System.arraycopy(xi[a], 0, sIm, (bt * r + a) * r, r);
            System.arraycopy(xm[a], 0, mod, (bt * r + a) * r, r);
          }
        }
      }
    }
    double[] weights = new double[r * r];
    for (int a = 0; a < r; a++) {
      System.arraycopy(weightBlocks[a], 0, weights, a * r, r);
    }
    List<Path> files = new ArrayList<>();
    Path f = output.file(stem, "-mode-eigenvalues.npy");
    NumpyArrays.writeComplexNpy(f, new int[] {p, k}, evRe, evIm);
    files.add(f);
    files.add(write(output.file(stem, "-participation-right.npy"), new int[] {p, k, r}, right));
    files.add(write(output.file(stem, "-participation-left.npy"), new int[] {p, k, r}, left));
    f = output.file(stem, "-sensitivity.npy");
    NumpyArrays.writeComplexNpy(f, new int[] {p, k, r, r}, sRe, sIm);
    files.add(f);
    files.add(write(output.file(stem, "-modulus-sensitivity.npy"), new int[] {p, k, r, r}, mod));
    files.add(write(output.file(stem, "-jacobian-block-frobenius.npy"), new int[] {p, r, r},
        jac));
    files.add(write(output.file(stem, "-weight-block-frobenius.npy"), new int[] {r, r},
        weights));
    return files;
  }

  /** Points beyond this many get no mode plots (the JSON and NumPy output hold every point). */
  static final int MAX_PLOTTED_POINTS = 4;

  /**
   * Draws, for each of the first {@link #MAX_PLOTTED_POINTS} points, STEM-modes-N.png (right and
   * left participation, modes x regions; a repeated eigenvalue's row n/a) and, where a mode has
   * sensitivities,
   * STEM-sensitivity-N.png (the share of {@code d|lambda|/dgain}, one destination x source panel
   * per mode), and once STEM-block-norms.png (the Frobenius norms of the effective weight blocks
   * and of the first point's Jacobian blocks).
   *
   * @return the files written
   */
  static List<Path> plots(OutputOptions output, String stem, List<String> labels,
      List<RegionModes> modes, double[][] weightBlocks) throws IOException {
    List<Path> files = new ArrayList<>();
    if (modes.isEmpty()) {
      return files;
    }
    List<String> regions = modes.get(0).regions();
    Path f = output.file(stem, "-block-norms.png");
    RegionHeatmap.blockNorms("Frobenius norms of the region blocks: " + stem, regions,
        weightBlocks, modes.get(0).jacobianBlockFrobenius(), labels.get(0)).writePng(f);
    files.add(f);
    for (int i = 0; i < Math.min(MAX_PLOTTED_POINTS, modes.size()); i++) {
      List<RegionModes.Mode> list = modes.get(i).modes();
      if (list.isEmpty()) {
        continue;
      }
      double[] re = list.stream().mapToDouble(RegionModes.Mode::real).toArray();
      double[] im = list.stream().mapToDouble(RegionModes.Mode::imag).toArray();
      // a repeated eigenvalue's row is NaN (drawn n/a); the left panel is left out when a mode
      // with participations has no left vector
      int nr = regions.size();
      double[][] right = list.stream().map(m -> m.hasParticipation() ? m.rightParticipation()
          : nan(nr)).toArray(double[][]::new);
      boolean allLeft = list.stream()
          .allMatch(m -> !m.hasParticipation() || m.leftParticipation() != null);
      double[][] left = !allLeft ? null : list.stream().map(m -> m.hasParticipation()
          ? m.leftParticipation() : nan(nr)).toArray(double[][]::new);
      f = output.file(stem, "-modes-" + (i + 1) + ".png");
      RegionHeatmap.participation("Mode participation by region: " + stem + ", "
          + labels.get(i), regions, re, im, right, left).writePng(f);
      files.add(f);
      if (list.stream().anyMatch(RegionModes.Mode::hasSensitivity)) {
        // a mode whose sensitivities are withheld keeps its panel, all n/a, so that the panels'
        // numbers stay the table's
        int r = regions.size();
        List<double[][]> shares = list.stream().map(m -> m.hasSensitivity() ? m.share()
            : nanMatrix(r)).toList();
        f = output.file(stem, "-sensitivity-" + (i + 1) + ".png");
        RegionHeatmap.sensitivity("Connection sensitivity of |lambda| (share of d|lambda|/d gain):"
            + " " + stem + ", " + labels.get(i), regions, re, im, shares).writePng(f);
        files.add(f);
      }
    }
    return files;
  }

  private static double[][] nanMatrix(int r) {
    double[][] m = new double[r][];
    for (int a = 0; a < r; a++) {
      m[a] = nan(r);
    }
    return m;
  }

  private static double[] nan(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  private static Path write(Path file, int[] shape, double[] data) throws IOException {
    NumpyArrays.writeNpy(file, shape, data);
    return file;
  }
}
