package org.mrnn4j.spark;

import org.mrnn4j.models.Lesion;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import org.mrnn4j.models.io.MrnnConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a sweep's tasks from a JSON Lines file: one JSON object per line (blank lines and lines
 * starting with {@code #} skipped), keys as {@link SweepTask} documents them. Paths ({@code model},
 * {@code states}) are relative to the file's folder. A line that cannot be read becomes a task
 * whose result is one error row naming the file, the line and the key, so one bad line never
 * stops the sweep.
 */
public final class SweepTasks {
  /** The keys a task may have. */
  public static final List<String> KEYS =
      List.of("id", "model", "input", "steps", "states", "regions", "analysis", "seed",
          "model_arguments", "mrnntorch_defaults", "lesion");

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SweepTasks() {}

  /**
   * Reads every task of {@code file}.
   *
   * @param file the JSON Lines file
   * @return the tasks, in file order
   * @throws IOException if the file cannot be read at all
   */
  public static List<SweepTask> read(Path file) throws IOException {
    Path base = file.toAbsolutePath().normalize().getParent();
    List<SweepTask> tasks = new ArrayList<>();
    byte[] bytes = org.mrnn4j.models.io.InputFiles.readAllBytes(file, "a sweep task file", 4);
    try (BufferedReader in = new BufferedReader(new java.io.StringReader(
        new String(bytes, StandardCharsets.UTF_8)))) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        tasks.add(parse(text, file, number, base));
      }
    }
    if (tasks.isEmpty()) {
      throw new IOException(file + " holds no task (one JSON object per line)");
    }
    return tasks;
  }

  private static SweepTask parse(String text, Path file, int line, Path base) {
    SweepTask t = new SweepTask();
    t.setId("line " + line);
    String where = file + ", line " + line;
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      t.setError(where + ": not JSON: " + e.getOriginalMessage());
      return t;
    }
    if (root == null || !root.isObject()) {
      t.setError(where + ": expected a JSON object, one task per line");
      return t;
    }
    try {
      if (root.hasNonNull("id")) {
        t.setId(text(root, "id", where));
      }
      for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException("unknown key '" + key + "' (expected " + KEYS + ")");
        }
      }
      if (!root.hasNonNull("id")) {
        throw new IllegalArgumentException("id: missing");
      }
      t.setModel(base.resolve(text(root, "model", where)).normalize().toString());
      JsonNode input = root.get("input");
      if (input != null && !input.isNull()) {
        List<Double> values = new ArrayList<>();
        if (input.isNumber()) {
          values.add(input.asDouble());
        } else if (input.isArray()) {
          for (JsonNode v : input) {
            if (!v.isNumber()) {
              throw new IllegalArgumentException("input: expected numbers, got " + v);
            }
            values.add(v.asDouble());
          }
        } else {
          throw new IllegalArgumentException("input: expected a number or a list of numbers, got "
              + input);
        }
        t.setInput(values);
      }
      if (root.hasNonNull("steps")) {
        JsonNode s = root.get("steps");
        if (!s.canConvertToInt() || !s.isIntegralNumber()) {
          throw new IllegalArgumentException("steps: expected a whole number, got " + s);
        }
        t.setSteps(s.asInt());
      }
      if (root.hasNonNull("states")) {
        t.setStates(base.resolve(text(root, "states", where)).normalize().toString());
      }
      if (root.hasNonNull("regions")) {
        JsonNode r = root.get("regions");
        List<String> regions = new ArrayList<>();
        if (r.isTextual()) {
          for (String part : r.asText().split(",")) {
            if (!part.isBlank()) {
              regions.add(part.strip());
            }
          }
        } else if (r.isArray()) {
          for (JsonNode v : r) {
            regions.add(v.asText());
          }
        } else {
          throw new IllegalArgumentException("regions: expected a list of names, got " + r);
        }
        t.setRegions(regions);
      }
      t.setAnalysis(root.hasNonNull("analysis") ? text(root, "analysis", where) : "summary");
      if (!SweepAnalysis.ANALYSES.contains(t.getAnalysis())) {
        throw new IllegalArgumentException("analysis: expected one of " + SweepAnalysis.ANALYSES
            + ", got '" + t.getAnalysis() + "'");
      }
      if (root.hasNonNull("seed")) {
        JsonNode s = root.get("seed");
        if (!s.isIntegralNumber() || !s.canConvertToLong()) {
          throw new IllegalArgumentException("seed: expected a whole number, got " + s);
        }
        t.setSeed(s.asLong());
      }
      if (root.hasNonNull("model_arguments")) {
        JsonNode m = root.get("model_arguments");
        try {
          MrnnConfig.ModelOptions.fromJson(m, file + ", line " + line, "model_arguments");
        } catch (org.mrnn4j.models.io.ModelFormatException e) {
          throw new IllegalArgumentException(
              (e.location() == null ? "" : e.location() + ": ") + e.problem(), e);
        }
        t.setModelArguments(m.toString());
      }
      if (root.hasNonNull("mrnntorch_defaults")) {
        JsonNode d = root.get("mrnntorch_defaults");
        if (!d.isBoolean()) {
          throw new IllegalArgumentException("mrnntorch_defaults: expected true or false, got "
              + d);
        }
        t.setMrnntorchDefaults(d.booleanValue());
      }
      if (root.hasNonNull("lesion")) {
        JsonNode l = root.get("lesion");
        List<String> lesions = new ArrayList<>();
        if (l.isTextual()) {
          lesions.add(l.asText());
        } else if (l.isArray() && !l.isEmpty()) {
          for (JsonNode v : l) {
            if (!v.isTextual()) {
              throw new IllegalArgumentException("lesion: expected strings such as"
                  + " \"cut:A->B\", got " + v);
            }
            lesions.add(v.asText());
          }
        } else {
          throw new IllegalArgumentException("lesion: expected a lesion (" + Lesion.SYNTAX
              + ") or a list of them, got " + l);
        }
        for (String spec : lesions) {
          try {
            Lesion.parse(spec);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lesion: " + e.getMessage(), e);
          }
        }
        t.setLesion(lesions);
      }
      if (!t.getAnalysis().equals("fixed_points") && t.getSteps() == null
          && t.getStates() == null) {
        throw new IllegalArgumentException("give steps (states simulated from the initial"
            + " condition) or states (a .npy file)");
      }
    } catch (IllegalArgumentException e) {
      t.setError(where + ": " + e.getMessage());
    }
    return t;
  }

  private static String text(JsonNode root, String key, String where) {
    JsonNode v = root.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(key + ": expected a non-empty string, got " + v);
    }
    return v.asText();
  }
}
