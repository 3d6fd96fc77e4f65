package org.mrnn4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.models.io.InputFiles;
import org.mrnn4j.models.io.Json;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * Operating points read from a file ({@code mrnn4j analyze --states}, a sweep task's
 * {@code states}), in every form the front ends accept:
 *
 * <ul>
 *   <li>CSV or whitespace-separated text: one point per line, {@code N} state values, optionally
 *       followed by {@code I} input values; blank lines and lines starting with {@code #} are
 *       skipped, as is a first line that is not numeric (a header).
 *   <li>JSON: an array of states ({@code [[...], ...]}), a single state ({@code [...]}), or an
 *       object {@code {"states": [[...]], "inputs": [[...]] or [...]}} (inputs optional: one per
 *       state, or one for all).
 *   <li>NumPy {@code .npy}: an array {@code [N]} (one state), {@code [T, N]} (T states) or
 *       {@code [B, T, N]} (B trajectories, as {@code mrnn4j simulate} writes {@code xs}), read in
 *       that order; float32 or float64.
 *   <li>NumPy {@code .npz}: the states under {@code xs} (or {@code states}), as above, and
 *       optionally {@code inputs}: {@code [I]} for all, or one per state with the same leading
 *       dimensions ({@code [T, I]}, {@code [B, T, I]}).
 * </ul>
 *
 * The state is {@code x} for the leaky model and {@code h} for the Elman model.
 */
public final class StatesFile {
  private StatesFile() {}

  /**
   * One point from the file.
   *
   * @param state the state, N values
   * @param input the input, I values, or null (use the command's constant input)
   */
  public record Entry(double[] state, double[] input) {}

  /**
   * Reads the points of a file, its format told by its extension ({@code .npy}, {@code .npz})
   * or its first character ({@code [} or <code>{</code>: JSON; else text).
   *
   * @param file the file
   * @param n the model's number of recurrent units
   * @param inputs the model's number of inputs
   * @return the points, in the file's order (at least one)
   * @throws IOException if the file is missing or unreadable, or a {@link ModelFormatException}
   *     naming the file and the line, key or shape that is malformed
   */
  public static List<Entry> read(Path file, int n, int inputs) throws IOException {
    InputFiles.requireRegularFile(file, "a states file");
    String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".npy") || lower.endsWith(".npz")) {
      return readNumpy(file, n, inputs);
    }
    // the bytes, the text (up to two bytes a character) and the values: a decimal number takes
    // at least two bytes of text ("0,") and becomes 8 bytes, plus each row's array
    byte[] bytes = InputFiles.readAllBytes(file, "the states file", 8);
    String text = new String(bytes, StandardCharsets.UTF_8);
    String trimmed = text.stripLeading();
    List<Entry> out = trimmed.startsWith("[") || trimmed.startsWith("{")
        ? readJson(file, n, inputs) : readText(file, text, n, inputs);
    if (out.isEmpty()) {
      throw new ModelFormatException(file, null, "holds no state; expected rows of " + n
          + " numbers");
    }
    return out;
  }

  private static List<Entry> readNumpy(Path file, int n, int inputs) throws IOException {
    Map<String, NumpyArrays.NdArray> arrays = NumpyArrays.read(file);
    boolean npz = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
    String key = !npz ? "arr_0" : arrays.containsKey("xs") ? "xs" : "states";
    NumpyArrays.NdArray states = arrays.get(key);
    if (states == null) {
      throw new ModelFormatException(file, null, "holds " + arrays.keySet()
          + "; expected the states under 'xs' or 'states'");
    }
    String where = npz ? key : "shape";
    int[] shape = states.shape();
    if (shape.length < 1 || shape.length > 3 || shape[shape.length - 1] != n) {
      throw new ModelFormatException(file, where, "is " + states.shapeText() + "; expected"
          + " [" + n + "], [T, " + n + "] or [B, T, " + n + "] (one value per recurrent unit last)");
    }
    int count = states.data().length / n;
    MemoryGuard.requireHeap("holding the " + count + " states of " + file,
        count * (ENTRY_BYTES + 8L * (n + (inputs > 0 ? inputs : 0))),
        count + " states of " + n + " values, after the " + 8L * states.data().length
            + " bytes read", "give fewer states per file, or a larger heap:"
            + " MRNN4J_JAVA_OPTS=-Xmx...");
    NumpyArrays.NdArray u = npz ? arrays.get("inputs") : null;
    if (u != null) {
      int[] us = u.shape();
      boolean one = us.length == 1 && us[0] == inputs;
      boolean each = us.length == shape.length && us[us.length - 1] == inputs
          && java.util.Arrays.equals(java.util.Arrays.copyOf(us, us.length - 1),
              java.util.Arrays.copyOf(shape, shape.length - 1));
      if (!one && !each) {
        throw new ModelFormatException(file, "inputs", "is " + u.shapeText() + "; expected ["
            + inputs + "] for every state, or the states' leading dimensions then " + inputs);
      }
    }
    List<Entry> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      double[] x = java.util.Arrays.copyOfRange(states.data(), k * n, (k + 1) * n);
      double[] in = u == null ? null : u.shape().length == 1 ? u.data()
          : java.util.Arrays.copyOfRange(u.data(), k * inputs, (k + 1) * inputs);
      String at = "state " + k + (shape.length > 1 ? " (index "
          + java.util.Arrays.toString(index(k, java.util.Arrays.copyOf(shape, shape.length - 1)))
          + ")" : "");
      requireFinite(file, at, "unit", x);
      if (in != null && (k == 0 || u.shape().length > 1)) {
        requireFinite(file, u.shape().length == 1 ? "inputs" : at, "input", in);
      }
      out.add(new Entry(x, in));
    }
    return out;
  }

  /** Heap per entry besides its values: the record, two array headers, the list's slot. */
  private static final long ENTRY_BYTES = 16 + 2 * 16 + 8;

  /** The multi-index of flat index {@code k} in C order over {@code shape}. */
  private static int[] index(int k, int[] shape) {
    int[] out = new int[shape.length];
    int rest = k;
    for (int d = shape.length - 1; d >= 0; d--) {
      out[d] = rest % shape[d];
      rest /= shape[d];
    }
    return out;
  }

  /** Refuses a NaN or infinite value, naming the file, the state and the unit (from 0). */
  private static void requireFinite(Path file, String where, String what, double[] values)
      throws ModelFormatException {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new ModelFormatException(file, where, what + " " + i + " is " + values[i]
            + "; states and inputs must be finite numbers");
      }
    }
  }

  /** A decimal number as NumPy's {@code loadtxt} reads it (no hex, no Java suffixes). */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  /** NaN and infinities as Python's {@code float} spells them (refused later, as not finite). */
  private static final Pattern NON_FINITE =
      Pattern.compile("[+-]?(?:nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
  /** The start of something meant as a number: a header has none. */
  private static final Pattern NUMBER_START = Pattern.compile("[+-]?\\.?\\d.*");

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
      int bad = -1;
      for (int k = 0; k < parts.length && bad < 0; k++) {
        if (DECIMAL.matcher(parts[k]).matches()) {
          values[k] = Double.parseDouble(parts[k]);
        } else if (NON_FINITE.matcher(parts[k]).matches()) {
          values[k] = parts[k].toLowerCase(Locale.ROOT).contains("nan") ? Double.NaN
              : parts[k].startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } else {
          bad = k;
        }
      }
      if (bad >= 0 && first && java.util.Arrays.stream(parts).noneMatch(
          p -> NUMBER_START.matcher(p).matches() || NON_FINITE.matcher(p).matches())) {
        first = false;
        continue; // a header line: names, no numbers
      }
      first = false;
      if (bad >= 0) {
        throw new ModelFormatException(file, "line " + (i + 1) + ", column " + (bad + 1),
            "'" + abbreviate(parts[bad]) + "' is not a decimal number (expected digits with an"
            + " optional sign, point and exponent, as NumPy's loadtxt reads them, such as -0.25"
            + " or 1.5e-3)");
      }
      Entry e = entry(file, "line " + (i + 1), values, null, n, inputs);
      String where = "line " + (i + 1) + " (state " + out.size() + ")";
      requireFinite(file, where, "unit", e.state());
      if (e.input() != null) {
        requireFinite(file, where, "input", e.input());
      }
      out.add(e);
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static List<Entry> readJson(Path file, int n, int inputs) throws IOException {
    JsonNode root = Json.read(file, "a states file");
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
      Entry e = entry(file, "states[" + k + "]", s, u, n, inputs);
      requireFinite(file, "states[" + k + "] (state " + k + ")", "unit", e.state());
      if (e.input() != null) {
        requireFinite(file, "states[" + k + "] (state " + k + ")", "input", e.input());
      }
      out.add(e);
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
