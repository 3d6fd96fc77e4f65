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
 * The JSON report of a fixed-point search:
 *
 * <pre>
 * { "format": "mrnn4j-fixed-points", "version": 1,
 *   "form": "LEAKY_X", "coordinates": "x", "units": [...included unit indices...],
 *   "q": "1/2 |F(s) - s|^2 per state, F one step of the map (the reference's qstar)",
 *   "summary": { "starts", "converged", "slow_point_starts", "max_iterations", "diverged",
 *                "fixed_points", "stable", "with_unstable_modes", "slow_points", "outliers",
 *                "max_q", "seconds" },
 *   "fixed_points": [ { "stability", "unstable_modes", "q", "spectral_radius", "starts",
 *                       "iterations", "state", "full_state",
 *                       "eigenvalues": { "real": [...], "imag": [...] },
 *                       "eigenvectors": { "real": [[...]], "imag": [[...]] } } ],
 *   "slow_points": [ ...same... ], "outliers": [ ...same... ],
 *   "searches": [ { "start", "status", "q", "iterations" } ] }
 * </pre>
 *
 * The eigenvalues are in the library's canonical order (descending modulus); {@code
 * eigenvectors} (only when asked for, and when the backend computed them) holds one row per
 * eigenvalue, in the same order. Callers may add their own fields (model, input, options) to the
 * object {@link #toJson} returns.
 */
public final class FixedPointReport {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "mrnn4j-fixed-points";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FixedPointReport() {}

  /** The report as a JSON tree, without eigenvectors. */
  public static ObjectNode toJson(FixedPointSearch search, FixedPointSystem system) {
    return toJson(search, system, false);
  }

  /**
   * The report as a JSON tree.
   *
   * @param eigenvectors whether to include each point's eigenvectors (where computed)
   */
  public static ObjectNode toJson(FixedPointSearch search, FixedPointSystem system,
      boolean eigenvectors) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
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
    points(root.putArray("fixed_points"), search.fixedPoints(), eigenvectors);
    points(root.putArray("slow_points"), search.slowPoints(), eigenvectors);
    points(root.putArray("outliers"), search.outliers(), eigenvectors);
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

  /** Writes {@code root} to {@code file}, creating its directory. */
  public static void write(ObjectNode root, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    MAPPER.writeValue(file.toFile(), root);
  }

  private static void points(ArrayNode out, List<FixedPoint> points, boolean eigenvectors) {
    for (FixedPoint p : points) {
      ObjectNode o = out.addObject();
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
