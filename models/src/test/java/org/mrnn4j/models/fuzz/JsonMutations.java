package org.mrnn4j.models.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Structural mutations of a JSON document (an mRNNTorch config, or an mrnn4j model file whose
 * config sits under {@code config}): deleted and retyped fields, huge and negative sizes, wrong
 * shapes and duplicate names. Each mutant says whether the reader must reject it or may accept
 * it; the rules are the formats' documented ones.
 */
final class JsonMutations {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** A placeholder replaced by raw text after serialisation, for numbers Jackson cannot hold. */
  private static final String RAW = "@@raw@@";

  /** One structural mutant. */
  record Mutant(String kind, String description, byte[] data, boolean mustReject) {}

  private static final Set<String> NUMBERS = Set.of("num_units", "base_firing", "init",
      "sparsity", "dt", "tau", "alpha", "spectral_radius", "noise_level_act", "noise_level_inp",
      "version");
  private static final Set<String> STRINGS = Set.of("name", "sign", "parent_region",
      "src_region", "dst_region", "type", "activation", "format", "dtype");
  private static final Set<String> BOOLEANS =
      Set.of("learnable_bias", "rec_constrained", "inp_constrained");
  private static final Set<String> LISTS = Set.of("recurrent_regions", "input_regions",
      "recurrent_connections", "input_connections", "W_rec", "W_rec_mask", "W_rec_sign_matrix",
      "W_inp", "W_inp_mask", "W_inp_sign_matrix");
  private static final Set<String> OBJECTS = Set.of("model", "config", "parameters");
  private static final Set<String> REGION_LISTS = Set.of("recurrent_regions", "input_regions");

  private final JsonNode root;
  private final boolean modelFile;
  private final List<Mutant> out = new ArrayList<>();

  private JsonMutations(byte[] seed, boolean modelFile) {
    try {
      this.root = MAPPER.readTree(seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.modelFile = modelFile;
  }

  /** Every structural mutant of a valid config ({@code modelFile} false) or model file. */
  static List<Mutant> of(byte[] seed, boolean modelFile) {
    JsonMutations m = new JsonMutations(seed, modelFile);
    m.walk(m.root, new ArrayList<>());
    m.sizes();
    m.duplicates();
    if (modelFile) {
      m.shapes();
    }
    m.duplicateKeys();
    return m.out;
  }

  // ---- deleted and retyped fields ------------------------------------------------------------

  private void walk(JsonNode node, List<Object> path) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<Object> child = with(path, e.getKey());
        add("deleted field", child, n -> remove(n, child), deletionRejected(child));
        JsonNode wrong = wrongType(e.getKey());
        if (wrong != null && !isMatrixInterior(child)) {
          add("retyped field", child, n -> set(n, child, wrong), true);
        }
        walk(e.getValue(), child);
      }
    } else if (node.isArray()) {
      Object key = path.isEmpty() ? null : path.get(path.size() - 1);
      if (!LISTS.contains(key) && !isMatrixRow(path)) {
        return; // a list under an unknown key (a comment, say): readers ignore it
      }
      for (int i = 0; i < node.size(); i++) {
        List<Object> child = with(path, i);
        boolean matrix = isMatrix(path);
        boolean row = isMatrixRow(path);
        // Matrices are large: mutate their first and last rows and first entry only.
        if ((matrix || row) && i != 0 && i != node.size() - 1) {
          continue;
        }
        if (row && i != 0) {
          continue;
        }
        add("deleted field", child, n -> remove(n, child), deletionRejected(child));
        JsonNode wrong = node.get(i).isNumber() ? TextNode.valueOf("0.5") : IntNode.valueOf(42);
        add("retyped field", child, n -> set(n, child, wrong), true);
        if (!row) {
          walk(node.get(i), child);
        }
      }
    }
  }

  /** Whether a document without the field at {@code path} is malformed. */
  private boolean deletionRejected(List<Object> path) {
    Object last = path.get(path.size() - 1);
    List<Object> parent = path.subList(0, path.size() - 1);
    String parentKey = parent.isEmpty() ? null : String.valueOf(parent.get(parent.size() - 1));
    if (last.equals("num_units") || last.equals("src_region") || last.equals("dst_region")) {
      return true;
    }
    if (last.equals("name") && parent.size() >= 2
        && "input_regions".equals(parent.get(parent.size() - 2))) {
      return true; // input regions have no default name
    }
    if (!modelFile) {
      return false; // every other config field is optional (mRNNTorch's defaults)
    }
    if (path.size() == 1) {
      return true; // format, version, config, parameters
    }
    if (path.equals(List.of("config", "model")) || path.equals(List.of("config", "model", "type"))
        || path.equals(List.of("config", "recurrent_regions"))
        || path.equals(List.of("config", "input_regions"))) {
      return true;
    }
    if (last instanceof Integer && REGION_LISTS.contains(parentKey)) {
      return true; // fewer units than the parameters hold
    }
    if (path.get(0).equals("parameters")) {
      return !last.equals("dtype"); // a matrix, a row or an entry: the wrong shape
    }
    return false;
  }

  private static JsonNode wrongType(String key) {
    if (NUMBERS.contains(key)) {
      return TextNode.valueOf("12");
    } else if (STRINGS.contains(key)) {
      return IntNode.valueOf(12);
    } else if (BOOLEANS.contains(key)) {
      return TextNode.valueOf("true");
    } else if (LISTS.contains(key)) {
      return TextNode.valueOf("[]");
    } else if (OBJECTS.contains(key)) {
      return IntNode.valueOf(12);
    }
    return null; // an unknown key, which readers ignore
  }

  private boolean isMatrix(List<Object> path) {
    return path.size() == 2 && path.get(0).equals("parameters")
        && String.valueOf(path.get(1)).startsWith("W_");
  }

  private boolean isMatrixRow(List<Object> path) {
    return path.size() == 3 && isMatrix(path.subList(0, 2));
  }

  private boolean isMatrixInterior(List<Object> path) {
    return path.size() > 2 && path.get(0).equals("parameters");
  }

  // ---- huge and negative sizes ---------------------------------------------------------------

  private void sizes() {
    JsonNode config = modelFile ? root.get("config") : root;
    List<Object> base = modelFile ? List.of("config") : List.of();
    String[] badUnits = {"2000000000", "-3", "0", "46341", "2.5", "1e400", "1" + "0".repeat(30),
        "-9223372036854775809", "NaN"};
    for (String list : REGION_LISTS) {
      JsonNode regions = config.get(list);
      for (int k = 0; regions != null && k < regions.size(); k++) {
        List<Object> at = with(with(with(base, list), k), "num_units");
        for (String v : badUnits) {
          add("huge or negative size", at, n -> set(n, at, TextNode.valueOf(RAW + v)), true);
        }
      }
    }
    JsonNode conns = config.get("recurrent_connections");
    if (conns != null && conns.size() > 0) {
      List<Object> at = with(with(with(base, "recurrent_connections"), 0), "sparsity");
      for (String v : new String[] {"-0.5", "1.5", "1e999"}) {
        add("huge or negative size", at, n -> set(n, at, TextNode.valueOf(RAW + v)), true);
      }
    }
    List<Object> model = with(base, "model");
    for (String key : new String[] {"dt", "tau", "noise_level_act", "spectral_radius"}) {
      List<Object> at = with(model, key);
      for (String v : new String[] {"-1", "1e999"}) {
        // A negative or infinite value is malformed whether the block had the key or not.
        add("huge or negative size", at, n -> {
          if (!(get(n, model) instanceof ObjectNode)) {
            set(n, model, JsonNodeFactory.instance.objectNode());
          }
          set(n, at, TextNode.valueOf(RAW + v));
        }, true);
      }
    }
    if (modelFile) {
      for (String v : new String[] {"0", "2", "-1", "1.5", "99999999999"}) {
        add("huge or negative size", List.of("version"),
            n -> set(n, List.of("version"), TextNode.valueOf(RAW + v)), true);
      }
    }
  }

  // ---- duplicate names -----------------------------------------------------------------------

  private void duplicates() {
    JsonNode config = modelFile ? root.get("config") : root;
    List<Object> base = modelFile ? List.of("config") : List.of();
    List<List<Object>> regions = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String list : new String[] {"recurrent_regions", "input_regions"}) {
      JsonNode r = config.get(list);
      for (int k = 0; r != null && k < r.size(); k++) {
        regions.add(with(with(base, list), k));
        names.add(r.get(k).has("name") ? r.get(k).get("name").asText() : "region_" + k);
      }
    }
    for (int a = 0; a < regions.size(); a++) {
      for (int b = 0; b < regions.size(); b++) {
        if (a != b && !names.get(a).equals(names.get(b))) {
          List<Object> at = with(regions.get(a), "name");
          String name = names.get(b);
          add("duplicate name", at, n -> set(n, at, TextNode.valueOf(name)), true);
        }
      }
      // a parent named like a region
      if (regions.get(a).contains("recurrent_regions")) {
        List<Object> at = with(regions.get(a), "parent_region");
        String name = names.get((a + 1) % names.size());
        add("duplicate name", at, n -> set(n, at, TextNode.valueOf(name)), true);
      }
    }
    for (String list : new String[] {"recurrent_connections", "input_connections"}) {
      JsonNode c = config.get(list);
      if (c != null && c.size() > 0) {
        List<Object> at = with(base, list);
        add("duplicate name", with(at, 0), n -> ((ArrayNode) get(n, at)).add(get(n, at).get(0)
            .deepCopy()), true);
      }
    }
  }

  /** The same key twice in one object (Python keeps the last; the readers refuse). */
  private void duplicateKeys() {
    String text = root.toString();
    String regions = "\"recurrent_regions\":[{";
    int at = text.indexOf(regions);
    if (at >= 0) {
      int cut = at + regions.length();
      out.add(new Mutant("duplicate name", "duplicate key num_units", (text.substring(0, cut)
          + "\"num_units\":1," + text.substring(cut)).getBytes(StandardCharsets.UTF_8), true));
    }
    String again = modelFile ? "\"version\":1," : "\"input_regions\":[],";
    out.add(new Mutant("duplicate name", "duplicate top-level key",
        ("{" + again + text.substring(1)).getBytes(StandardCharsets.UTF_8), true));
  }

  // ---- wrong shapes (model files) ------------------------------------------------------------

  private void shapes() {
    JsonNode regions = root.get("config").get("recurrent_regions");
    for (int k = 0; k < regions.size(); k++) {
      List<Object> at = List.of("config", "recurrent_regions", k, "num_units");
      int units = regions.get(k).get("num_units").asInt();
      for (int d : new int[] {-1, 1}) {
        if (units + d >= 1) {
          add("wrong shape", at, n -> set(n, at, IntNode.valueOf(units + d)), true);
        }
      }
    }
    JsonNode inputs = root.get("config").get("input_regions");
    List<Object> inp = List.of("config", "input_regions", 0, "num_units");
    int units = inputs.get(0).get("num_units").asInt();
    add("wrong shape", inp, n -> set(n, inp, IntNode.valueOf(units + 1)), true);
    for (String key : new String[] {"W_rec", "W_inp", "W_rec_mask", "W_inp_sign_matrix"}) {
      List<Object> at = List.of("parameters", key);
      add("wrong shape", with(at, "transposed"), n -> set(n, at, transpose(get(n, at))), !key
          .startsWith("W_rec")); // a square matrix transposes to the same shape
      add("wrong shape", with(at, "extra row"), n -> ((ArrayNode) get(n, at))
          .add(get(n, at).get(0).deepCopy()), true);
      add("wrong shape", with(at, "short rows"), n -> {
        for (JsonNode row : get(n, at)) {
          ((ArrayNode) row).remove(row.size() - 1);
        }
      }, true);
      add("wrong shape", with(at, "flattened"), n -> {
        ArrayNode flat = JsonNodeFactory.instance.arrayNode();
        get(n, at).forEach(row -> row.forEach(flat::add));
        set(n, at, flat);
      }, true);
    }
  }

  private static JsonNode transpose(JsonNode m) {
    ArrayNode t = JsonNodeFactory.instance.arrayNode();
    for (int c = 0; c < m.get(0).size(); c++) {
      ArrayNode row = t.addArray();
      for (JsonNode r : m) {
        row.add(r.get(c));
      }
    }
    return t;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private void add(String kind, List<Object> path, Consumer<JsonNode> edit, boolean mustReject) {
    JsonNode copy = root.deepCopy();
    edit.accept(copy);
    String text;
    try {
      text = MAPPER.writeValueAsString(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    text = text.replaceAll("\"" + RAW + "([^\"]*)\"", "$1");
    out.add(new Mutant(kind, path.toString(), text.getBytes(StandardCharsets.UTF_8), mustReject));
  }

  private static List<Object> with(List<Object> path, Object step) {
    List<Object> p = new ArrayList<>(path);
    p.add(step);
    return p;
  }

  private static JsonNode get(JsonNode n, List<Object> path) {
    JsonNode at = n;
    for (Object step : path) {
      at = step instanceof Integer i ? at.get(i) : at.get((String) step);
    }
    return at;
  }

  private static void remove(JsonNode n, List<Object> path) {
    JsonNode parent = get(n, path.subList(0, path.size() - 1));
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer i) {
      ((ArrayNode) parent).remove(i);
    } else {
      ((ObjectNode) parent).remove((String) last);
    }
  }

  private static void set(JsonNode n, List<Object> path, JsonNode value) {
    JsonNode parent = get(n, path.subList(0, path.size() - 1));
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer i) {
      ((ArrayNode) parent).set(i, value);
    } else {
      ((ObjectNode) parent).set((String) last, value);
    }
  }
}
