package org.mrnn4j.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.StartRecord;
import org.mrnn4j.analysis.fixedpoints.StartStatus;

/**
 * The results part of the JSON report of a fixed-point search (format {@value #FORMAT}): after the
 * header that every report starts with, {@code coordinates}, {@code units}, {@code q},
 * {@code summary}, {@code fixed_points}, {@code slow_points}, {@code outliers} and
 * {@code searches}. Every key is described in the README's "Reports" section.
 *
 * <p>The eigenvalues are in the library's canonical order (descending modulus); {@code
 * eigenvectors} (only when asked for, and when the backend computed them) holds one row per
 * eigenvalue, in the same order.
 */
public final class FixedPointReport {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "mrnn4j-fixed-points";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FixedPointReport() {}

  /**
   * Adds the search's results to {@code root} (a report whose {@code format}, {@code version},
   * {@code model} and {@code backend} the caller has put first).
   *
   * @param root the report, its header already in place
   * @param search the search's outcome
   * @param system the searched system (its coordinates and units)
   * @param eigenvectors whether to include each point's eigenvectors (where computed)
   * @return {@code root}
   */
  public static ObjectNode fill(ObjectNode root, FixedPointSearch search, FixedPointSystem system,
      boolean eigenvectors) {
    root.put("coordinates",
        system.coordinates() == org.mrnn4j.core.dynamics.Coordinates.ACTIVATION ? "h" : "x");
    ArrayNode units = root.putArray("units");
    for (int u : system.units()) {
      units.add(u);
    }
    root.put("q", "1/2 |F(s) - s|^2 per state, F one step of the map (the reference's qstar)");
    ObjectNode summary = root.putObject("summary");
    summary.put("starts", search.starts().size());
    summary.put("converged", search.count(StartStatus.CONVERGED));
    summary.put("slow_point_starts", search.count(StartStatus.SLOW_POINT));
    summary.put("max_iterations", search.count(StartStatus.MAX_ITERATIONS));
    summary.put("diverged", search.count(StartStatus.DIVERGED));
    summary.put("fixed_points", search.fixedPoints().size());
    summary.put("stable", search.stableCount());
    summary.put("with_unstable_modes", search.fixedPoints().size() - search.stableCount());
    summary.put("slow_points", search.slowPoints().size());
    summary.put("outliers", search.outliers().size());
    summary.put("max_q", search.maxQ());
    summary.put("seconds", search.seconds());
    // numbered as the printed table and the plot number them: fixed points, then slow points
    points(root.putArray("fixed_points"), search.fixedPoints(), eigenvectors, 1);
    points(root.putArray("slow_points"), search.slowPoints(), eigenvectors,
        1 + search.fixedPoints().size());
    points(root.putArray("outliers"), search.outliers(), eigenvectors, 0);
    ArrayNode starts = root.putArray("searches");
    for (StartRecord r : search.starts()) {
      ObjectNode s = starts.addObject();
      s.put("start", r.index());
      s.put("status", r.status().name());
      s.put("q", r.q());
      s.put("iterations", r.iterations());
    }
    return root;
  }

  /** Adds {@code points}, numbered from {@code first} (0: not numbered, the number is null). */
  private static void points(ArrayNode out, List<FixedPoint> points, boolean eigenvectors,
      int first) {
    int number = first;
    for (FixedPoint p : points) {
      ObjectNode o = out.addObject();
      if (first > 0) {
        o.put("number", number++);
      } else {
        o.putNull("number");
      }
      o.put("stability", p.stability().label());
      o.put("unstable_modes", p.unstableModes());
      LeadingSpectrum l = p.leading();
      o.put("unstable_certainty", l == null ? "exact" : switch (l.unstableCertainty()) {
        case EXACT -> "exact";
        case BULK_ESTIMATE -> "bulk-estimate";
        case LOWER_BOUND -> "lower-bound";
      });
      o.put("spectrum", l == null ? "full" : "leading");
      if (l != null) {
        o.put("eigen_method", l.describe());
      }
      o.put("q", p.q());
      if (Double.isFinite(p.spectralRadius())) {
        o.put("spectral_radius", p.spectralRadius());
      } else {
        o.putNull("spectral_radius");
      }
      o.put("starts", p.starts());
      o.put("iterations", p.iterations());
      array(o.putArray("state"), p.state());
      array(o.putArray("full_state"), p.fullState());
      ObjectNode eig = o.putObject("eigenvalues");
      array(eig.putArray("real"), p.eigen().realParts());
      array(eig.putArray("imag"), p.eigen().imagParts());
      if (eigenvectors && p.eigen().hasVectors()) {
        ObjectNode vec = o.putObject("eigenvectors");
        ArrayNode re = vec.putArray("real");
        ArrayNode im = vec.putArray("imag");
        for (int k = 0; k < p.eigen().size(); k++) {
          array(re.addArray(), p.eigen().vectorReal(k));
          array(im.addArray(), p.eigen().vectorImag(k));
        }
      }
    }
  }

  private static void array(ArrayNode out, double[] values) {
    for (double v : values) {
      out.add(v);
    }
  }
}
