package org.mrnn4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mrnn4j.core.Activation;
import org.mrnn4j.models.Connection;
import org.mrnn4j.models.InputRegion;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/**
 * An mRNNTorch JSON config, read as mRNNTorch reads it: top-level {@code recurrent_regions},
 * {@code input_regions}, {@code recurrent_connections}, {@code input_connections} (each optional,
 * default empty), plus an optional {@code model} block with the constructor options (as the
 * conformance checkpoints' configs carry). Unknown keys, such as {@code __comment_regions}, are
 * ignored.
 *
 * <p>mRNNTorch's defaults fill missing fields: recurrent regions {@code name = "region_" + index},
 * {@code sign = "pos"}, {@code base_firing = 0}, {@code init = 0}, {@code parent_region = null},
 * {@code learnable_bias = false}; input regions {@code sign = "pos"}; connections
 * {@code sparsity = null} (dense). {@code num_units}, input region names, and connection
 * {@code src_region}/{@code dst_region} are required. Immutable.
 *
 * <p>Configs come from strangers' repositories, so reading is strict (see the {@linkplain
 * org.mrnn4j.models.io package documentation}): one JSON value without duplicate keys, fields of
 * the right types and ranges (finite numbers, {@code dt}, {@code tau} and {@code spectral_radius}
 * positive, noise levels non-negative, sparsity in [0, 1], at most {@link ModelSpec#MAX_UNITS}
 * units), unique region names, parent names distinct from region names, and connections between
 * known regions of the right kinds, each once. Every violation is a {@link ModelFormatException}
 * naming the field, such as {@code recurrent_connections[3].dst_region}.
 *
 * <p>Apply it with {@link org.mrnn4j.models.ModelBuilder#fromConfig(MrnnConfig)} (kind and
 * options from the model block) or {@link org.mrnn4j.models.ModelBuilder#config(MrnnConfig)}
 * (regions and connections only).
 */
public final class MrnnConfig {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String EXPECTED = "expected an mRNNTorch config";

  private final List<RecurrentRegion> recurrentRegions;
  private final List<InputRegion> inputRegions;
  private final List<Connection> recurrentConnections;
  private final List<Connection> inputConnections;
  private final ModelOptions model;

  /**
   * A config from its parts.
   *
   * @param model the model block, or null when absent
   * @param recurrentRegions the recurrent regions, in unit order
   * @param inputRegions the input regions, in input order
   * @param recurrentConnections the recurrent connections
   * @param inputConnections the input connections
   */
  public MrnnConfig(List<RecurrentRegion> recurrentRegions, List<InputRegion> inputRegions,
      List<Connection> recurrentConnections, List<Connection> inputConnections,
      ModelOptions model) {
    this.recurrentRegions = List.copyOf(recurrentRegions);
    this.inputRegions = List.copyOf(inputRegions);
    this.recurrentConnections = List.copyOf(recurrentConnections);
    this.inputConnections = List.copyOf(inputConnections);
    this.model = model;
  }

  /**
   * The options of mRNNTorch's model constructors as a config's {@code model} block holds them;
   * each field is null when absent (then the builder's default, which is mRNNTorch's, applies).
   *
   * @param kind {@code type}: leaky or elman
   * @param activation {@code activation}
   * @param recurrentConstrained {@code rec_constrained}
   * @param inputConstrained {@code inp_constrained}
   * @param spectralRadius {@code spectral_radius} (JSON null: none; stays null here)
   * @param dt {@code dt}
   * @param tau {@code tau}
   * @param noiseLevelAct {@code noise_level_act}
   * @param noiseLevelInp {@code noise_level_inp}
   */
  public record ModelOptions(
      ModelKind kind, Activation activation, Boolean recurrentConstrained,
      Boolean inputConstrained, Double spectralRadius, Double dt, Double tau,
      Double noiseLevelAct, Double noiseLevelInp) {

    /**
     * Reads a {@code model} block. {@code alpha}, if present, must equal {@code dt / tau}.
     *
     * @param node the block
     * @param source the file or a description, for messages
     * @param where the block's path in the document, for messages
     * @return the options it sets
     * @throws ModelFormatException naming the field that is malformed
     */
    public static ModelOptions fromJson(JsonNode node, Object source, String where)
        throws ModelFormatException {
      if (!node.isObject()) {
        throw new ModelFormatException(source, where, "expected an object, got "
            + node.getNodeType());
      }
      String type = optString(node, "type", source, where);
      ModelKind kind;
      try {
        kind = type == null ? null : ModelKind.fromName(type);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where + ".type", e.getMessage(), e);
      }
      String act = optString(node, "activation", source, where);
      Activation activation;
      try {
        activation = act == null ? null : Activation.fromName(act);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where + ".activation", e.getMessage(), e);
      }
      Double dt = positive(node, "dt", source, where);
      Double tau = positive(node, "tau", source, where);
      Double alpha = optNumber(node, "alpha", source, where);
      if (alpha != null && dt != null && tau != null
          && Math.abs(alpha - dt / tau) > 1e-12 * Math.max(1, Math.abs(alpha))) {
        throw new ModelFormatException(source, where + ".alpha",
            "alpha " + alpha + " differs from dt / tau = " + dt / tau);
      }
      Double act0 = optNumber(node, "noise_level_act", source, where);
      Double inp0 = optNumber(node, "noise_level_inp", source, where);
      if (act0 != null && act0 < 0) {
        throw new ModelFormatException(source, where + ".noise_level_act",
            "expected a number >= 0, got " + act0);
      }
      if (inp0 != null && inp0 < 0) {
        throw new ModelFormatException(source, where + ".noise_level_inp",
            "expected a number >= 0, got " + inp0);
      }
      return new ModelOptions(kind, activation,
          optBoolean(node, "rec_constrained", source, where),
          optBoolean(node, "inp_constrained", source, where),
          positive(node, "spectral_radius", source, where), dt, tau, act0, inp0);
    }

    private static Double positive(JsonNode node, String key, Object source, String where)
        throws ModelFormatException {
      Double v = optNumber(node, key, source, where);
      if (v != null && !(v > 0)) {
        throw new ModelFormatException(source, where + "." + key,
            "expected a positive number, got " + v);
      }
      return v;
    }

    /**
     * The options of a spec, every field present.
     *
     * @param spec the network
     * @return its options, every one set
     */
    public static ModelOptions of(ModelSpec spec) {
      return new ModelOptions(spec.kind(), spec.activation(), spec.recurrentConstrained(),
          spec.inputConstrained(),
          spec.spectralRadiusOption().isPresent() ? spec.spectralRadius() : null,
          spec.dt(), spec.tau(), spec.noiseLevelAct(), spec.noiseLevelInp());
    }

    /**
     * The block as JSON (absent fields omitted, except {@code spectral_radius}: null).
     *
     * @return the block as mRNNTorch writes it
     */
    public ObjectNode toJson() {
      ObjectNode o = MAPPER.createObjectNode();
      if (kind != null) {
        o.put("type", kind.label());
      }
      if (activation != null) {
        o.put("activation", activation.label());
      }
      if (recurrentConstrained != null) {
        o.put("rec_constrained", recurrentConstrained);
      }
      if (inputConstrained != null) {
        o.put("inp_constrained", inputConstrained);
      }
      if (spectralRadius != null) {
        o.put("spectral_radius", spectralRadius);
      } else {
        o.putNull("spectral_radius");
      }
      if (dt != null) {
        o.put("dt", dt);
      }
      if (tau != null) {
        o.put("tau", tau);
      }
      if (noiseLevelAct != null) {
        o.put("noise_level_act", noiseLevelAct);
      }
      if (noiseLevelInp != null) {
        o.put("noise_level_inp", noiseLevelInp);
      }
      return o;
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads a config file.
   *
   * @param file the JSON config
   * @return the config
   * @throws ModelFormatException naming the file and field when the JSON is malformed, a field
   *     has the wrong type or value, or the regions and connections do not fit together
   * @throws IOException if the file cannot be read
   */
  public static MrnnConfig read(Path file) throws IOException {
    return fromJson(Json.read(file, EXPECTED), file);
  }

  /**
   * Parses a config from a JSON string.
   *
   * @param source a description of where the text came from, for messages
   * @param json the document
   * @return the config
   * @throws ModelFormatException as {@link #read(Path)}
   */
  public static MrnnConfig parse(String json, Object source) throws ModelFormatException {
    return fromJson(Json.parse(json, source, EXPECTED), source);
  }

  /**
   * Parses a config from the bytes of a JSON document (UTF-8, or UTF-16/32 with a byte-order
   * mark).
   *
   * @param source a description of where the bytes came from, for messages
   * @param json the document, UTF-8
   * @return the config
   * @throws ModelFormatException as {@link #read(Path)}
   */
  public static MrnnConfig parse(byte[] json, Object source) throws ModelFormatException {
    return fromJson(Json.parse(json, source, EXPECTED), source);
  }

  /**
   * Reads a config from a parsed JSON object, checking what can be checked without the rest of
   * the network: field types and values, unique region names, parent names distinct from region
   * names, connections between regions of the right kinds, no duplicate connection, and a size
   * that a tensor can hold ({@link ModelSpec#MAX_ELEMENTS}). A config that passes builds with
   * {@link org.mrnn4j.models.ModelBuilder#fromConfig(MrnnConfig)} without error; whether it is
   * complete (at least one recurrent and one input region) is checked by {@link #spec(Object)}.
   *
   * @param source the file or a description, for messages
   * @param root the parsed document
   * @return the config
   * @throws ModelFormatException naming the source, the field (for example
   *     {@code recurrent_regions[2].num_units}) and what was expected
   */
  public static MrnnConfig fromJson(JsonNode root, Object source) throws ModelFormatException {
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(source, null, "a config must be a JSON object, got "
          + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
    }
    List<RecurrentRegion> rec = new ArrayList<>();
    Map<String, String> names = new HashMap<>(); // region name -> where it was declared
    long units = 0;
    JsonNode regions = list(root, "recurrent_regions", source);
    for (int k = 0; k < regions.size(); k++) {
      String where = "recurrent_regions[" + k + "]";
      JsonNode r = object(regions.get(k), source, where);
      String name = optString(r, "name", source, where);
      if (name == null) {
        name = "region_" + k; // mRNNTorch's default name
      }
      int n = requireUnits(r, source, where);
      String parent = optString(r, "parent_region", source, where);
      Double base = optNumber(r, "base_firing", source, where);
      Double init = optNumber(r, "init", source, where);
      Boolean learnable = optBoolean(r, "learnable_bias", source, where);
      Sign sign = sign(r, source, where);
      try {
        rec.add(new RecurrentRegion(name, n, sign, base == null ? 0.0 : base,
            init == null ? 0.0 : init, parent, learnable != null && learnable));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
      unique(names, name, where, source);
      units += n;
    }
    List<InputRegion> inp = new ArrayList<>();
    long inputUnits = 0;
    JsonNode inputs = list(root, "input_regions", source);
    for (int k = 0; k < inputs.size(); k++) {
      String where = "input_regions[" + k + "]";
      JsonNode r = object(inputs.get(k), source, where);
      String name = optString(r, "name", source, where);
      if (name == null) {
        throw new ModelFormatException(source, where + ".name", "missing; input regions need a name");
      }
      int n = requireUnits(r, source, where);
      try {
        inp.add(new InputRegion(name, n, sign(r, source, where)));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
      unique(names, name, where, source);
      inputUnits += n;
    }
    for (int k = 0; k < rec.size(); k++) {
      String parent = rec.get(k).parent();
      if (parent != null && names.containsKey(parent)) {
        throw new ModelFormatException(source, "recurrent_regions[" + k + "].parent_region",
            "'" + parent + "' is the name of the region at " + names.get(parent)
                + "; expected a parent name distinct from every region name");
      }
    }
    if (units > ModelSpec.MAX_UNITS) { // then units * units > MAX_ELEMENTS, without overflow
      throw new ModelFormatException(source, "recurrent_regions", "the regions hold N = " + units
          + " units in all, so W_rec would have N^2 = "
          + java.math.BigInteger.valueOf(units).pow(2) + " elements; at most "
          + ModelSpec.MAX_ELEMENTS + " fit in a tensor (N <= " + ModelSpec.MAX_UNITS + ")");
    }
    if (units > 0 && inputUnits > ModelSpec.MAX_ELEMENTS / units) {
      throw new ModelFormatException(source, "input_regions", "the input regions hold I = "
          + inputUnits + " units in all, so W_inp [N = " + units + ", I] would have "
          + units * inputUnits + " elements; at most " + ModelSpec.MAX_ELEMENTS
          + " fit in a tensor");
    }
    Set<String> recNames = new HashSet<>();
    rec.forEach(r -> recNames.add(r.name()));
    Set<String> inpNames = new HashSet<>();
    inp.forEach(r -> inpNames.add(r.name()));
    List<Connection> recConn =
        connections(root, "recurrent_connections", source, recNames, inpNames);
    List<Connection> inpConn = connections(root, "input_connections", source, inpNames, recNames);
    ModelOptions model = null;
    JsonNode m = root.get("model");
    if (m != null && !m.isNull()) {
      model = ModelOptions.fromJson(m, source, "model");
    }
    return new MrnnConfig(rec, inp, recConn, inpConn, model);
  }

  private static void unique(Map<String, String> names, String name, String where, Object source)
      throws ModelFormatException {
    String previous = names.putIfAbsent(name, where);
    if (previous != null) {
      throw new ModelFormatException(source, where + ".name", "'" + name
          + "' is already the name of the region at " + previous + "; expected unique names");
    }
  }

  /**
   * The complete network this config describes: kind and options from its model block
   * (mRNNTorch's defaults where absent), its regions and connections.
   *
   * @param source the file or a description, for messages
   * @return the network
   * @throws ModelFormatException naming the source if the network is incomplete (no recurrent or
   *     no input region) or otherwise invalid
   */
  public ModelSpec spec(Object source) throws ModelFormatException {
    try {
      return ModelBuilder.fromConfig(this).spec();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ModelFormatException(source, null, e.getMessage(), e);
    }
  }

  private static List<Connection> connections(JsonNode root, String key, Object source,
      Set<String> sources, Set<String> others) throws ModelFormatException {
    boolean input = key.startsWith("input");
    List<Connection> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    JsonNode list = list(root, key, source);
    for (int k = 0; k < list.size(); k++) {
      String where = key + "[" + k + "]";
      JsonNode c = object(list.get(k), source, where);
      String src = optString(c, "src_region", source, where);
      String dst = optString(c, "dst_region", source, where);
      if (src == null) {
        throw new ModelFormatException(source, where + ".src_region", "missing");
      }
      if (dst == null) {
        throw new ModelFormatException(source, where + ".dst_region", "missing");
      }
      Double sparsity = optNumber(c, "sparsity", source, where);
      if (sparsity != null && !(sparsity >= 0 && sparsity <= 1)) {
        throw new ModelFormatException(source, where + ".sparsity",
            "expected a fraction in [0, 1] (or null for dense), got " + sparsity);
      }
      try {
        out.add(new Connection(src, dst, sparsity == null ? 0.0 : sparsity));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
      String kind = input ? "input" : "recurrent";
      if (!sources.contains(src)) {
        String hint = !others.contains(src) ? ""
            : input ? " ('" + src + "' is a recurrent region: list it under recurrent_connections)"
            : " ('" + src + "' is an input region: list it under input_connections)";
        throw new ModelFormatException(source, where + ".src_region", "unknown " + kind
            + " region '" + src + "'" + hint + "; expected one of " + new TreeSet<>(sources));
      }
      Set<String> recurrent = input ? others : sources;
      if (!recurrent.contains(dst)) {
        throw new ModelFormatException(source, where + ".dst_region", "unknown recurrent region '"
            + dst + "'; expected one of " + new TreeSet<>(recurrent));
      }
      String previous = seen.putIfAbsent(src + "\u0000" + dst, where);
      if (previous != null) {
        throw new ModelFormatException(source, where, "duplicate of " + previous + " (" + src
            + " -> " + dst + "); expected each connection once");
      }
    }
    return out;
  }

  private static JsonNode list(JsonNode root, String key, Object source)
      throws ModelFormatException {
    JsonNode n = root.get(key);
    if (n == null || n.isNull() || (n.isObject() && n.isEmpty())) {
      // mRNNTorch defaults missing sections to {} and skips empty ones
      return MAPPER.createArrayNode();
    }
    if (!n.isArray()) {
      throw new ModelFormatException(source, key, "expected a list, got " + n.getNodeType());
    }
    return n;
  }

  private static JsonNode object(JsonNode n, Object source, String where)
      throws ModelFormatException {
    if (n == null || !n.isObject()) {
      throw new ModelFormatException(source, where,
          "expected an object, got " + (n == null ? "nothing" : n.getNodeType()));
    }
    return n;
  }

  private static int requireUnits(JsonNode r, Object source, String where)
      throws ModelFormatException {
    JsonNode u = r.get("num_units");
    if (u == null || u.isNull()) {
      throw new ModelFormatException(source, where + ".num_units", "missing");
    }
    if (!u.isNumber() || u.doubleValue() != Math.rint(u.doubleValue()) || u.doubleValue() < 1
        || u.doubleValue() > ModelSpec.MAX_UNITS) {
      throw new ModelFormatException(source, where + ".num_units",
          "expected a positive integer of at most " + ModelSpec.MAX_UNITS
              + " (the most units whose weight matrix fits in a tensor), got " + brief(u));
    }
    return u.intValue();
  }

  private static Sign sign(JsonNode r, Object source, String where) throws ModelFormatException {
    String s = optString(r, "sign", source, where);
    try {
      return s == null ? Sign.POS : Sign.fromName(s);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source, where + ".sign", e.getMessage(), e);
    }
  }

  static String optString(JsonNode node, String key, Object source, String where)
      throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ModelFormatException(source, where + "." + key, "expected a string, got "
          + brief(v));
    }
    return v.asText();
  }

  static Double optNumber(JsonNode node, String key, Object source, String where)
      throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new ModelFormatException(source, where + "." + key, "expected a number, got "
          + brief(v));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw new ModelFormatException(source, where + "." + key, "expected a finite number, got "
          + brief(v));
    }
    return d;
  }

  static Boolean optBoolean(JsonNode node, String key, Object source, String where)
      throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new ModelFormatException(source, where + "." + key, "expected true or false, got "
          + brief(v));
    }
    return v.booleanValue();
  }

  /** A JSON value for a message: its text, cut short (a hostile value may be megabytes). */
  static String brief(JsonNode v) {
    if (v.isNumber() && !Double.isFinite(v.doubleValue())) {
      return "a number beyond the range of a double";
    }
    String text = v.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  // ------------------------------------------------------------------ writing

  /**
   * The config of a spec, with its model block.
   *
   * @param spec the network
   * @return its config, with a model block
   */
  public static MrnnConfig of(ModelSpec spec) {
    return new MrnnConfig(spec.recurrentRegions(), spec.inputRegions(),
        spec.recurrentConnections(), spec.inputConnections(), ModelOptions.of(spec));
  }

  /**
   * This config as mRNNTorch JSON (every region field written; sparsity null when dense).
   *
   * @return the config as mRNNTorch writes it
   */
  public ObjectNode toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    if (model != null) {
      root.set("model", model.toJson());
    }
    ArrayNode rec = root.putArray("recurrent_regions");
    for (RecurrentRegion r : recurrentRegions) {
      ObjectNode o = rec.addObject();
      o.put("name", r.name());
      o.put("num_units", r.units());
      o.put("sign", r.sign().label());
      o.put("base_firing", r.baseFiring());
      o.put("init", r.init());
      if (r.parent() == null) {
        o.putNull("parent_region");
      } else {
        o.put("parent_region", r.parent());
      }
      o.put("learnable_bias", r.learnableBias());
    }
    ArrayNode inp = root.putArray("input_regions");
    for (InputRegion r : inputRegions) {
      ObjectNode o = inp.addObject();
      o.put("name", r.name());
      o.put("num_units", r.units());
      o.put("sign", r.sign().label());
    }
    writeConnections(root.putArray("recurrent_connections"), recurrentConnections);
    writeConnections(root.putArray("input_connections"), inputConnections);
    return root;
  }

  private static void writeConnections(ArrayNode out, List<Connection> connections) {
    for (Connection c : connections) {
      ObjectNode o = out.addObject();
      o.put("src_region", c.source());
      o.put("dst_region", c.destination());
      if (c.isSparse()) {
        o.put("sparsity", c.sparsity());
      } else {
        o.putNull("sparsity");
      }
    }
  }

  /**
   * Writes {@link #toJson()} to a file (pretty-printed UTF-8).
   *
   * @param file where to write it
   * @throws IOException if it cannot be written
   */
  public void write(Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), toJson());
  }

  /**
   * The recurrent regions, in order.
   *
   * @return the recurrent regions, in unit order
   */
  public List<RecurrentRegion> recurrentRegions() {
    return recurrentRegions;
  }

  /**
   * The input regions, in order.
   *
   * @return the input regions, in input order
   */
  public List<InputRegion> inputRegions() {
    return inputRegions;
  }

  /**
   * The recurrent connections, in order.
   *
   * @return the recurrent connections
   */
  public List<Connection> recurrentConnections() {
    return recurrentConnections;
  }

  /**
   * The input connections, in order.
   *
   * @return the input connections
   */
  public List<Connection> inputConnections() {
    return inputConnections;
  }

  /**
   * The model block, if the config has one.
   *
   * @return the model block, if the config has one
   */
  public Optional<ModelOptions> model() {
    return Optional.ofNullable(model);
  }

  /**
   * A copy with the given model block (null to drop it).
   *
   * @param options the model block
   * @return a copy with it
   */
  public MrnnConfig withModel(ModelOptions options) {
    return new MrnnConfig(recurrentRegions, inputRegions, recurrentConnections, inputConnections,
        options);
  }
}
