package org.mrnn4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns JMH JSON result files ({@code -rf json}) into a Markdown report: one row per (benchmark,
 * parameters, backend) with the median and mean time per operation, then the speed ratios between
 * backends for the same benchmark and parameters.
 *
 * <pre>
 * java -cp benchmarks.jar org.mrnn4j.benchmarks.Summarize target/jmh-*.json
 * </pre>
 *
 * <p>The median is taken over every measurement iteration of every fork (JMH's {@code rawData});
 * it resists the occasional slow iteration of a shared machine better than the mean. The mean's
 * error is JMH's 99.9 % confidence half-width ({@code scoreError}), shown as {@code n/a} when JMH
 * had too few iterations to compute one.
 */
public final class Summarize {

  /** Backends in the order the report lists them; others follow alphabetically. */
  static final List<String> BACKEND_ORDER = List.of("ejml", "nd4j", "cuda");

  private Summarize() {}

  /**
   * Entry point.
   *
   * @param args JMH JSON files; with none, prints usage and exits with status 2; a file that cannot
   *     be read exits with status 1 and a message naming it
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: java -cp benchmarks.jar org.mrnn4j.benchmarks.Summarize RESULT.json...");
      System.err.println("  RESULT.json: JMH results written with -rf json -rff RESULT.json");
      System.exit(2);
    }
    List<Result> results = new ArrayList<>();
    for (String arg : args) {
      try {
        results.addAll(read(Path.of(arg)));
      } catch (IOException e) {
        System.err.println("error: " + e.getMessage());
        System.exit(1);
      }
    }
    System.out.print(markdown(results));
  }

  /** One benchmark result: a (benchmark, parameters) cell measured on one backend. */
  record Result(
      String benchmark,
      Map<String, String> params,
      String backend,
      String unit,
      double[] samples,
      double mean,
      double error) {

    /** The median of the samples (the mean of the middle two for an even count). */
    double median() {
      double[] s = samples.clone();
      Arrays.sort(s);
      int m = s.length / 2;
      return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** The parameters other than the backend, as shown in the table ("n=512"). */
    String paramLabel() {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, String> e : params.entrySet()) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(e.getKey()).append('=').append(e.getValue());
      }
      return sb.toString();
    }
  }

  /**
   * Reads a JMH JSON result file.
   *
   * @throws IOException if the file cannot be read, or is not a JMH JSON result array (the message
   *     names the file and the entry)
   */
  static List<Result> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file (expected a JMH result written with -rf json)");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not readable as JSON (expected JMH output of -rf json): "
          + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IOException(file + ": expected a JSON array of JMH results (-rf json)");
    }
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      String where = file + ": entry " + i;
      String benchmark = text(entry, "benchmark", where);
      JsonNode metric = entry.get("primaryMetric");
      if (metric == null || !metric.isObject()) {
        throw new IOException(where + " (" + benchmark + "): missing object 'primaryMetric'");
      }
      Map<String, String> params = new LinkedHashMap<>();
      String backend = "-";
      JsonNode p = entry.get("params");
      if (p != null && p.isObject()) {
        // "n" first, then the rest alphabetically, so the table reads naturally.
        TreeSet<String> names = new TreeSet<>(Comparator.comparing((String s) -> !s.equals("n"))
            .thenComparing(Comparator.naturalOrder()));
        p.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          if (name.equals("backend")) {
            backend = p.get(name).asText();
          } else {
            params.put(name, p.get(name).asText());
          }
        }
      }
      List<Double> samples = new ArrayList<>();
      JsonNode raw = metric.get("rawData");
      if (raw != null && raw.isArray()) {
        for (JsonNode fork : raw) {
          for (JsonNode v : fork) {
            samples.add(number(v));
          }
        }
      }
      double mean = number(metric.get("score"));
      if (samples.isEmpty()) {
        samples.add(mean);
      }
      out.add(new Result(
          shortName(benchmark),
          params,
          backend,
          metric.path("scoreUnit").asText("?"),
          samples.stream().mapToDouble(Double::doubleValue).toArray(),
          mean,
          number(metric.get("scoreError"))));
    }
    return out;
  }

  /** The Markdown report for {@code results}. */
  static String markdown(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    if (results.isEmpty()) {
      return "No benchmark results (did every benchmark fail or get skipped?).\n";
    }
    List<Result> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing(Result::benchmark)
        .thenComparing(r -> r.params().getOrDefault("n", ""), Summarize::compareNumeric)
        .thenComparing(Result::paramLabel)
        .thenComparing(r -> backendRank(r.backend()))
        .thenComparing(Result::backend));

    sb.append("### Time per operation (lower is better)\n\n");
    sb.append("| benchmark | params | backend | median | mean ± 99.9% CI | unit | samples |\n");
    sb.append("| --- | --- | --- | ---: | ---: | --- | ---: |\n");
    for (Result r : sorted) {
      sb.append("| ").append(r.benchmark())
          .append(" | ").append(r.paramLabel())
          .append(" | ").append(r.backend())
          .append(" | ").append(format(r.median()))
          .append(" | ").append(format(r.mean())).append(" ± ")
          .append(Double.isNaN(r.error()) ? "n/a" : format(r.error()))
          .append(" | ").append(r.unit())
          .append(" | ").append(r.samples().length)
          .append(" |\n");
    }

    // Ratios: group the rows of one (benchmark, params) cell; every pair of backends present.
    Map<String, Map<String, Result>> cells = new LinkedHashMap<>();
    TreeSet<String> backends = new TreeSet<>(
        Comparator.comparing(Summarize::backendRank).thenComparing(Comparator.naturalOrder()));
    for (Result r : sorted) {
      cells.computeIfAbsent(r.benchmark() + "\u0000" + r.paramLabel(), k -> new LinkedHashMap<>())
          .put(r.backend(), r);
      backends.add(r.backend());
    }
    List<String[]> pairs = new ArrayList<>();
    List<String> order = new ArrayList<>(backends);
    for (int i = 0; i < order.size(); i++) {
      for (int j = i + 1; j < order.size(); j++) {
        pairs.add(new String[] {order.get(i), order.get(j)});
      }
    }
    if (!pairs.isEmpty()) {
      sb.append("\n### Speed-up between backends (ratio of medians)\n\n");
      sb.append("`B vs A` = median(A) / median(B): above 1, backend B is that many times faster than A.\n\n");
      sb.append("| benchmark | params |");
      for (String[] pair : pairs) {
        sb.append(' ').append(pair[1]).append(" vs ").append(pair[0]).append(" |");
      }
      sb.append('\n').append("| --- | --- |");
      sb.append(" ---: |".repeat(pairs.size())).append('\n');
      for (Map<String, Result> cell : cells.values()) {
        Result any = cell.values().iterator().next();
        sb.append("| ").append(any.benchmark()).append(" | ").append(any.paramLabel()).append(" |");
        for (String[] pair : pairs) {
          Result a = cell.get(pair[0]);
          Result b = cell.get(pair[1]);
          sb.append(' ').append(a == null || b == null ? "–" : ratio(a.median() / b.median()))
              .append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------- helpers

  private static String text(JsonNode node, String field, String where) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException(where + ": missing text field '" + field + "'");
    }
    return v.asText();
  }

  /** A JSON number; JMH writes non-finite values as the strings "NaN" and "Infinity". */
  private static double number(JsonNode v) {
    if (v == null || v.isNull()) {
      return Double.NaN;
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    try {
      return Double.parseDouble(v.asText());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** {@code org.mrnn4j.benchmarks.JacobianBenchmark.jacobian} becomes {@code JacobianBenchmark.jacobian}. */
  static String shortName(String benchmark) {
    int method = benchmark.lastIndexOf('.');
    int cls = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
    return benchmark.substring(cls + 1);
  }

  private static int backendRank(String backend) {
    int i = BACKEND_ORDER.indexOf(backend);
    return i < 0 ? BACKEND_ORDER.size() : i;
  }

  private static int compareNumeric(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  /** Four significant digits, no exponent for the usual range. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e7)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4;
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Three significant digits, so that small ratios (0.00223×) stay readable. */
  static String ratio(double r) {
    if (!Double.isFinite(r)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, r >= 100 ? "%.0f×" : "%.3g×", r);
  }
}
