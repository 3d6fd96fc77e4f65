package org.mrnn4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The rules of mRNNTorch's config schema ({@code mrnn.schema.json}, checked upstream by
 * {@code mrnn/config_check.py} with pydantic in strict mode), applied to a parsed JSON document
 * while collecting every violation instead of stopping at the first: the reader reports them all
 * at once, as pydantic does.
 *
 * <p>Strictness follows pydantic's strict mode: an integer field takes only a JSON integer
 * ({@code 2.0} and {@code "2"} are refused), a number field takes an integer or a decimal, a
 * string field only a string, a boolean only {@code true}/{@code false}, and {@code null} only
 * where the schema allows it ({@code parent_region}, {@code sparsity}). Unknown keys are refused
 * with the nearest known key suggested; keys starting with {@code __comment} are accepted
 * anywhere.
 */
final class ConfigSchema {
  /** Keys of a recurrent region ({@code device} is PyTorch's and has no effect here). */
  static final Set<String> RECURRENT_REGION_KEYS = Set.of("name", "num_units", "base_firing",
      "init", "sign", "parent_region", "learnable_bias", "device");
  /** Keys of an input region. */
  static final Set<String> INPUT_REGION_KEYS = Set.of("name", "num_units", "sign", "device");
  /** Keys of a connection. */
  static final Set<String> CONNECTION_KEYS = Set.of("src_region", "dst_region", "sparsity");
  /** Top-level keys: mRNNTorch's four sections, and mrnn4j's {@code model} block. */
  static final Set<String> TOP_KEYS = Set.of("recurrent_regions", "recurrent_connections",
      "input_regions", "input_connections", "model");
  /** Keys of mrnn4j's {@code model} block: mRNNTorch's constructor arguments. */
  static final Set<String> MODEL_KEYS = Set.of("type", "activation", "softplus_beta",
      "rec_constrained", "inp_constrained", "spectral_radius", "dt", "tau", "alpha",
      "noise_level_act", "noise_level_inp", "batch_first");

  /** One violation: where (a JSON path such as {@code recurrent_regions[2].num_units}), what. */
  record Problem(String location, String message) {}

  private final List<Problem> problems = new ArrayList<>();

  /** Records a violation. */
  void add(String location, String message) {
    problems.add(new Problem(location, message));
  }

  /** {@return the violations recorded so far, in document order} */
  List<Problem> problems() {
    return problems;
  }

  /** {@return whether nothing was recorded} */
  boolean ok() {
    return problems.isEmpty();
  }

  /**
   * Throws the violations recorded, if any: one names its location; several are listed in one
   * message, each with its location.
   */
  void throwIfAny(Object source) throws ModelFormatException {
    if (problems.isEmpty()) {
      return;
    }
    if (problems.size() == 1) {
      Problem p = problems.get(0);
      throw new ModelFormatException(source, p.location(), p.message());
    }
    StringBuilder sb = new StringBuilder().append(problems.size()).append(" problems: ");
    for (int k = 0; k < problems.size(); k++) {
      Problem p = problems.get(k);
      sb.append(k == 0 ? "" : "; ").append(p.location() == null ? "" : p.location() + ": ")
          .append(p.message());
    }
    // several locations: each is in the message, none is "the" location
    throw new ModelFormatException(source, null, sb.toString());
  }

  /** Records every key of {@code node} that is not in {@code known} (nor a comment). */
  void knownKeys(JsonNode node, Set<String> known, String where, String what) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (known.contains(key) || key.startsWith("__comment")) {
        continue;
      }
      String near = nearest(key, known);
      add(path(where, key), "unknown key '" + brief(key) + "' in " + what
          + (near != null ? "; did you mean '" + near + "'?"
              : "; expected one of " + new java.util.TreeSet<>(known)));
    }
  }

  /**
   * A section: absent is an empty list; a list is itself; anything else ({@code {}},
   * {@code null}, a number) is a violation, as the schema's {@code "type": "array"}.
   */
  JsonNode list(JsonNode root, String key) {
    JsonNode n = root.get(key);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      add(key, "expected a list, got " + describe(n));
      return null;
    }
    return n;
  }

  /** An element that must be an object, or null (recorded) when it is not. */
  JsonNode object(JsonNode n, String where) {
    if (n == null || !n.isObject()) {
      add(where, "expected an object, got " + (n == null ? "nothing" : describe(n)));
      return null;
    }
    return n;
  }

  /** A required string; null (recorded) when missing or not a string. */
  String requiredString(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null) {
      add(path(where, key), "missing; expected a string");
      return null;
    }
    return string(v, path(where, key), false);
  }

  /** An optional string (absent: null); {@code nullable}: JSON null allowed (then null). */
  String optString(JsonNode node, String key, String where, boolean nullable) {
    JsonNode v = node.get(key);
    return v == null ? null : string(v, path(where, key), nullable);
  }

  private String string(JsonNode v, String at, boolean nullable) {
    if (v.isNull() && nullable) {
      return null;
    }
    if (!v.isTextual()) {
      add(at, "expected a string" + (nullable ? " or null" : "") + ", got " + describe(v));
      return null;
    }
    return v.asText();
  }

  /** A required positive integer of at most {@code max}; -1 (recorded) when it is not one. */
  int positiveInteger(JsonNode node, String key, String where, int max, String why) {
    JsonNode v = node.get(key);
    String at = path(where, key);
    if (v == null) {
      add(at, "missing; expected a positive integer");
      return -1;
    }
    if (!v.isIntegralNumber()) {
      add(at, "expected a positive integer (a JSON integer such as 2, not 2.0 or \"2\"), got "
          + describe(v));
      return -1;
    }
    if (!v.canConvertToLong() || v.longValue() < 1 || v.longValue() > max) {
      add(at, "expected a positive integer of at most " + max + why + ", got " + brief(v));
      return -1;
    }
    return v.intValue();
  }

  /**
   * An optional finite number (absent: null); {@code nullable}: JSON null allowed (then null).
   * Records a violation and returns null otherwise.
   */
  Double optNumber(JsonNode node, String key, String where, boolean nullable) {
    JsonNode v = node.get(key);
    if (v == null || (v.isNull() && nullable)) {
      return null;
    }
    String at = path(where, key);
    if (!v.isNumber()) {
      add(at, "expected a number" + (nullable ? " or null" : "") + ", got " + describe(v));
      return null;
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      add(at, "expected a finite number, got " + brief(v));
      return null;
    }
    return d;
  }

  /** An optional boolean (absent: null); JSON null is refused. */
  Boolean optBoolean(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      add(path(where, key), "expected true or false, got " + describe(v));
      return null;
    }
    return v.booleanValue();
  }

  static String path(String where, String key) {
    return where == null || where.isEmpty() ? key : where + "." + key;
  }

  /** A JSON value for a message: its kind and, when short, its text. */
  static String describe(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isObject()) {
      return v.isEmpty() ? "an object {}" : "an object";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      return "the string " + brief(v);
    }
    if (v.isBoolean()) {
      return v.asText();
    }
    return brief(v);
  }

  /** A JSON value for a message: its text, cut short (a hostile value may be megabytes). */
  static String brief(JsonNode v) {
    if (v.isNumber() && !Double.isFinite(v.doubleValue())) {
      return "a number beyond the range of a double";
    }
    return brief(v.toString());
  }

  /** A text for a message, cut short and with control characters shown as escapes. */
  static String brief(String text) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < text.length() && sb.length() < 80; k++) {
      char c = text.charAt(k);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() < text.length() && sb.length() >= 80
        ? sb.substring(0, 77) + "..." : sb.toString();
  }

  /**
   * The known key closest to {@code key} in edit distance (case-insensitive), if it is close
   * enough to be a likely typo: at most a third of the longer name's length, and at least 1.
   */
  static String nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String k = key.toLowerCase(java.util.Locale.ROOT);
    if (k.length() > 100) {
      return null;
    }
    for (String candidate : new java.util.TreeSet<>(known)) {
      int d = distance(k, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int allowed = Math.max(1, Math.max(k.length(), best == null ? 0 : best.length()) / 3);
    return best != null && bestDistance <= allowed ? best : null;
  }

  /** Levenshtein distance with adjacent transpositions (optimal string alignment). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
