package org.mrnn4j.backend.cuda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.DType;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The state Jacobians of the mRNNTorch conformance cases, as inputs of the structured Jacobian
 * kernel {@code J = a I + b diag(r) W diag(c)}:
 *
 * <ul>
 *   <li>leaky, in x ({@code dh = false}): {@code a = 1 - alpha}, {@code b = alpha},
 *       {@code c = act'(x)};
 *   <li>Elman, in h: {@code a = 0}, {@code b = 1}, {@code r = act'(z)} with
 *       {@code z = W_rec h + W_inp u + tonic}.
 * </ul>
 *
 * The kernel computes the activation derivative too; this class only gathers the point at which
 * it is taken ({@link Point#x}) and whether it scales rows or columns. Cases without the effective
 * weights (real checkpoints) and leaky linearizations in h are left out.
 */
final class ConformanceJacobians {
  private ConformanceJacobians() {}

  /** One linearization of one case. */
  record Point(
      String id,
      DType dtype,
      Activation activation,
      boolean elman,
      double a,
      double b,
      int n,
      double[] w,
      double[] x,
      int[] indices,
      double[] expected,
      double[] eigReal,
      double[] eigImag) {
    /** Float64 cases compare with rtol 1e-9, atol 1e-10; float32 cases with 1e-4, 1e-5. */
    double rtol() {
      return dtype == DType.FLOAT32 ? 1e-4 : 1e-9;
    }

    double atol() {
      return dtype == DType.FLOAT32 ? 1e-5 : 1e-10;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  private static List<Point> cached;

  /** Every usable linearization of every case (read once); skips the test if the data is absent. */
  static synchronized List<Point> all() {
    if (cached == null) {
      cached = List.copyOf(readAll());
    }
    return cached;
  }

  private static List<Point> readAll() {
    Path cases = ConformanceData.cases();
    ObjectMapper json = new ObjectMapper();
    List<Point> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(cases)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        read(json.readTree(f.toFile()), f.getFileName().toString(), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the conformance cases in " + cases, e);
    }
    return out;
  }

  private static void read(JsonNode c, String file, List<Point> out) {
    JsonNode expect = c.path("expect");
    if (!expect.has("W_rec_effective") || !expect.has("region_indices")) {
      return;
    }
    JsonNode model = c.path("model");
    boolean elman = model.path("type").asText().equals("elman");
    Activation act = Activation.fromName(model.path("activation").asText());
    DType dtype = DType.fromName(c.path("dtype").asText("float64"));
    double[][] w = matrix(expect.get("W_rec_effective"));
    int n = w.length;
    double[] wFlat = flatten(w);
    int k = 0;
    for (JsonNode lin : c.path("linearizations")) {
      String id = file + "#" + k++;
      int[] idx = indices(c, lin.path("regions"));
      double[] expected = flatten(matrix(lin.get("jacobian")));
      double[] er = vector(lin.path("eigenvalues").path("real"));
      double[] ei = vector(lin.path("eigenvalues").path("imag"));
      if (elman) {
        double[][] wi = matrix(expect.get("W_inp_effective"));
        double[] h = vector(lin.get("h"));
        double[] u = vector(lin.get("input"));
        double[] tonic = vector(expect.get("tonic_inp"));
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
          double s = 0;
          for (int j = 0; j < n; j++) {
            s += w[i][j] * h[j];
          }
          for (int j = 0; j < u.length; j++) {
            s += wi[i][j] * u[j];
          }
          z[i] = s + tonic[i];
        }
        out.add(new Point(id, dtype, act, true, 0.0, 1.0, n, wFlat, z, idx, expected, er, ei));
      } else if (!lin.path("dh").asBoolean(false)) {
        double alpha = model.path("alpha").asDouble();
        out.add(new Point(id, dtype, act, false, 1.0 - alpha, alpha, n, wFlat,
            vector(lin.get("x")), idx, expected, er, ei));
      }
    }
  }

  /** The units of the regions named (all recurrent regions when none), in ascending order. */
  private static int[] indices(JsonNode c, JsonNode regions) {
    JsonNode ri = c.path("expect").path("region_indices");
    List<String> recurrent = new ArrayList<>();
    for (JsonNode r : c.path("config").path("recurrent_regions")) {
      recurrent.add(r.path("name").asText());
    }
    List<String> names = new ArrayList<>();
    if (regions == null || regions.isEmpty()) {
      names.addAll(recurrent);
    } else {
      for (JsonNode r : regions) {
        String name = r.asText();
        if (ri.has(name) && recurrent.contains(name)) {
          names.add(name);
        } else { // a parent region: its children
          for (JsonNode child : c.path("config").path("recurrent_regions")) {
            if (name.equals(child.path("parent_region").asText(null))) {
              names.add(child.path("name").asText());
            }
          }
        }
      }
    }
    names.sort(Comparator.comparingInt(name -> ri.get(name).get(0).asInt()));
    List<Integer> out = new ArrayList<>();
    for (String name : names) {
      for (int i = ri.get(name).get(0).asInt(); i < ri.get(name).get(1).asInt(); i++) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static double[][] matrix(JsonNode rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(rows.get(i));
    }
    return out;
  }

  static double[] vector(JsonNode v) {
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  static double[] flatten(double[][] m) {
    int cols = m.length == 0 ? 0 : m[0].length;
    double[] out = new double[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * cols, cols);
    }
    return out;
  }

  /** Asserts {@code |actual - expected| <= atol + rtol |expected|} entrywise. */
  static void assertClose(double[] expected, double[] actual, double rtol, double atol,
      String what) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length,
        what + ": number of entries");
    for (int i = 0; i < expected.length; i++) {
      double bound = atol + rtol * Math.abs(expected[i]);
      if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
        org.junit.jupiter.api.Assertions.fail(what + ": entry " + i + " is " + actual[i]
            + ", expected " + expected[i] + " (difference " + Math.abs(actual[i] - expected[i])
            + " > " + bound + ")");
      }
    }
  }
}
