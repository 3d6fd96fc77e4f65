package org.mrnn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mrnn4j.models.io.ModelFormatException;

/**
 * Operating points read from a file, for {@code mrnn4j analyze --states}:
 *
 * <ul>
 *   <li>CSV or whitespace-separated text: one point per line, {@code N} state values, optionally
 *       followed by {@code I} input values; blank lines and lines starting with {@code #} are
 *       skipped, as is a first line that is not numeric (a header).
 *   <li>JSON: an array of states ({@code [[...], ...]}), a single state ({@code [...]}), or an
 *       object {@code {"states": [[...]], "inputs": [[...]] or [...]}} (inputs optional: one per
 *       state, or one for all).
 * </ul>
 *
 * The state is {@code x} for the leaky model and {@code h} for the Elman model.
 */
final class StatesFile {
  private StatesFile() {}

  /**
   * One point from the file.
   *
   * @param state the state, N values
   * @param input the input, I values, or null (use the command's constant input)
   */
  record Entry(double[] state, double[] input) {}

  static List<Entry> read(Path file, int n, int inputs) throws IOException {
    if (!Files.exists(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString());
    }
    String text = Files.readString(file);
    String trimmed = text.stripLeading();
    List<Entry> out = trimmed.startsWith("[") || trimmed.startsWith("{")
        ? readJson(file, text, n, inputs) : readText(file, text, n, inputs);
    if (out.isEmpty()) {
      throw new ModelFormatException(file, null, "holds no state; expected rows of " + n
          + " numbers");
    }
    return out;
  }

  private static List<Entry> readText(Path file, String text, int n, int inputs)
      throws ModelFormatException {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\\R");
    boolean first = true;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("[,;\\s]+");
      double[] values = new double[parts.length];
      try {
        for (int k = 0; k < parts.length; k++) {
          values[k] = Double.parseDouble(parts[k]);
        }
      } catch (NumberFormatException e) {
        if (first) {
          first = false;
          continue; // a header line
        }
        throw new ModelFormatException(file, "line " + (i + 1), "not a number: " + e.getMessage());
      }
      first = false;
      out.add(entry(file, "line " + (i + 1), values, null, n, inputs));
    }
    return out;
  }

  private static List<Entry> readJson(Path file, String text, int n, int inputs)
      throws ModelFormatException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode states = root.isObject() ? root.get("states") : root;
    if (states == null || !states.isArray()) {
      throw new ModelFormatException(file, "states",
          "expected an array of states (each " + n + " numbers)");
    }
    if (states.size() > 0 && states.get(0).isNumber()) {
      states = JsonNodeFactory.instance.arrayNode().add(states); // a single state
    }
    JsonNode in = root.isObject() ? root.get("inputs") : null;
    List<Entry> out = new ArrayList<>();
    for (int k = 0; k < states.size(); k++) {
      double[] s = numbers(file, "states[" + k + "]", states.get(k));
      double[] u = null;
      if (in != null && !in.isNull()) {
        if (in.size() > 0 && in.get(0).isNumber()) {
          u = numbers(file, "inputs", in);
        } else if (k < in.size()) {
          u = numbers(file, "inputs[" + k + "]", in.get(k));
        } else {
          throw new ModelFormatException(file, "inputs", "has " + in.size() + " entries but there"
              + " are " + states.size() + " states; give one input per state, or one for all");
        }
        if (u.length != inputs) {
          throw new ModelFormatException(file, "inputs", "an input has " + u.length
              + " values; the model has " + inputs + " inputs");
        }
      }
      out.add(entry(file, "states[" + k + "]", s, u, n, inputs));
    }
    return out;
  }

  private static Entry entry(Path file, String where, double[] values, double[] input, int n,
      int inputs) throws ModelFormatException {
    if (input == null && values.length == n + inputs && inputs > 0) {
      double[] s = java.util.Arrays.copyOfRange(values, 0, n);
      double[] u = java.util.Arrays.copyOfRange(values, n, n + inputs);
      return new Entry(s, u);
    }
    if (values.length != n) {
      throw new ModelFormatException(file, where, String.format(Locale.ROOT,
          "has %d values; expected %d (one per recurrent unit)%s", values.length, n,
          inputs > 0 ? " or " + (n + inputs) + " (state then input)" : ""));
    }
    return new Entry(values, input);
  }

  private static double[] numbers(Path file, String where, JsonNode node)
      throws ModelFormatException {
    if (node == null || !node.isArray()) {
      throw new ModelFormatException(file, where, "expected an array of numbers");
    }
    double[] out = new double[node.size()];
    for (int k = 0; k < out.length; k++) {
      if (!node.get(k).isNumber()) {
        throw new ModelFormatException(file, where + "[" + k + "]", "expected a number, got "
            + node.get(k));
      }
      out[k] = node.get(k).asDouble();
    }
    return out;
  }
}
