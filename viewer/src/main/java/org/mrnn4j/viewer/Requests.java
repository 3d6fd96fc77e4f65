package org.mrnn4j.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reading and validating the fields of a JSON request; every refusal is a {@link BadRequest}. */
final class Requests {
  private Requests() {}

  /** The optional field, or null when absent or JSON null. */
  static JsonNode opt(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? null : n;
  }

  static String string(JsonNode body, String field, String dflt) {
    JsonNode n = opt(body, field);
    if (n == null) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw new BadRequest(field + " must be a string, got " + shortText(n));
    }
    return n.asText();
  }

  static boolean bool(JsonNode body, String field, boolean dflt) {
    JsonNode n = opt(body, field);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw new BadRequest(field + " must be true or false, got " + shortText(n));
    }
    return n.asBoolean();
  }

  /** An integer in {@code lo..hi}, or {@code dflt} when absent (null dflt: required). */
  static Integer integer(JsonNode body, String field, Integer dflt, long lo, long hi) {
    JsonNode n = opt(body, field);
    if (n == null) {
      if (dflt == null) {
        throw new BadRequest(field + " is missing (expected an integer " + lo + ".." + hi + ")");
      }
      return dflt;
    }
    if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
      throw new BadRequest(field + " must be an integer " + lo + ".." + hi + ", got "
          + shortText(n));
    }
    double v = n.asDouble();
    if (v < lo || v > hi) {
      throw new BadRequest(field + " must be " + lo + ".." + hi + ", got " + shortText(n));
    }
    return (int) v;
  }

  /** A long (the request's seq), 0 when absent. */
  static long seq(JsonNode body) {
    JsonNode n = opt(body, "seq");
    if (n == null) {
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new BadRequest("seq must be an integer, got " + shortText(n));
    }
    return n.asLong();
  }

  /** A finite number, or {@code dflt} when absent (null: required). */
  static Double number(JsonNode body, String field, Double dflt) {
    JsonNode n = opt(body, field);
    if (n == null) {
      if (dflt == null) {
        throw new BadRequest(field + " is missing (expected a number)");
      }
      return dflt;
    }
    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
      throw new BadRequest(field + " must be a finite number, got " + shortText(n));
    }
    return n.asDouble();
  }

  /** An array of finite numbers of the given length (-1: any), or null when absent. */
  static double[] vector(JsonNode body, String field, int length, String what) {
    JsonNode n = opt(body, field);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw new BadRequest(field + " must be an array of " + (length >= 0 ? length + " " : "")
          + "numbers" + (what == null ? "" : " (" + what + ")") + ", got " + shortText(n));
    }
    if (length >= 0 && n.size() != length) {
      throw new BadRequest(field + " must have " + length + " values, got " + n.size()
          + (what == null ? "" : " (" + what + ")"));
    }
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode e = n.get(i);
      if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
        throw new BadRequest(field + "[" + i + "] must be a finite number, got " + shortText(e));
      }
      v[i] = e.asDouble();
    }
    return v;
  }

  /** An array of strings, empty when absent. */
  static List<String> strings(JsonNode body, String field) {
    JsonNode n = opt(body, field);
    List<String> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!n.isArray()) {
      throw new BadRequest(field + " must be an array of names, got " + shortText(n));
    }
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw new BadRequest(field + "[" + i + "] must be a string, got " + shortText(n.get(i)));
      }
      out.add(n.get(i).asText());
    }
    return out;
  }

  /** A JSON value as a short one-line text for a message. */
  static String shortText(JsonNode n) {
    String s = n.isTextual() ? "'" + n.asText() + "'" : n.toString();
    s = s.replaceAll("[\\r\\n\\t]", " ");
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
