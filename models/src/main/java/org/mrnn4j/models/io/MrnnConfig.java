package org.mrnn4j.models.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mrnn4j.core.Activation;
import org.mrnn4j.models.Connection;
import org.mrnn4j.models.InputRegion;
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
 * <p>Apply it with {@link org.mrnn4j.models.ModelBuilder#fromConfig(MrnnConfig)} (kind and
 * options from the model block) or {@link org.mrnn4j.models.ModelBuilder#config(MrnnConfig)}
 * (regions and connections only).
 */
public final class MrnnConfig {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<RecurrentRegion> recurrentRegions;
  private final List<InputRegion> inputRegions;
  private final List<Connection> recurrentConnections;
  private final List<Connection> inputConnections;
  private final ModelOptions model;

  /**
   * A config from its parts.
   *
   * @param model the model block, or null when absent
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
     * @throws ModelFormatException naming the field that is malformed
     */
    public static ModelOptions fromJson(JsonNode node, Object source, String where)
        throws ModelFormatException {
      if (!node.isObject()) {
        throw new ModelFormatException(source, where, "expected an object, got " + node.getNodeType());
      }
      ModelKind kind = null;
      Activation activation = null;
      try {
        String type = optString(node, "type", source, where);
        kind = type == null ? null : ModelKind.fromName(type);
        String act = optString(node, "activation", source, where);
        activation = act == null ? null : Activation.fromName(act);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
      Double dt = optNumber(node, "dt", source, where);
      Double tau = optNumber(node, "tau", source, where);
      Double alpha = optNumber(node, "alpha", source, where);
      if (alpha != null && dt != null && tau != null
          && Math.abs(alpha - dt / tau) > 1e-12 * Math.max(1, Math.abs(alpha))) {
        throw new ModelFormatException(source, where + ".alpha",
            "alpha " + alpha + " differs from dt / tau = " + dt / tau);
      }
      return new ModelOptions(kind, activation,
          optBoolean(node, "rec_constrained", source, where),
          optBoolean(node, "inp_constrained", source, where),
          optNumber(node, "spectral_radius", source, where), dt, tau,
          optNumber(node, "noise_level_act", source, where),
          optNumber(node, "noise_level_inp", source, where));
    }

    /** The options of a spec, every field present. */
    public static ModelOptions of(ModelSpec spec) {
      return new ModelOptions(spec.kind(), spec.activation(), spec.recurrentConstrained(),
          spec.inputConstrained(),
          spec.spectralRadiusOption().isPresent() ? spec.spectralRadius() : null,
          spec.dt(), spec.tau(), spec.noiseLevelAct(), spec.noiseLevelInp());
    }

    /** The block as JSON (absent fields omitted, except {@code spectral_radius}: null). */
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
   * @throws ModelFormatException naming the file and field when the JSON is malformed or a field
   *     has the wrong type
   * @throws IOException if the file cannot be read
   */
  public static MrnnConfig read(Path file) throws IOException {
    JsonNode root;
    try (var reader = Files.newBufferedReader(file)) {
      root = MAPPER.readTree(reader);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    return fromJson(root, file);
  }

  /**
   * Parses a config from a JSON string.
   *
   * @param source a description of where the text came from, for messages
   */
  public static MrnnConfig parse(String json, Object source) throws ModelFormatException {
    try {
      return fromJson(MAPPER.readTree(json), source);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(source, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a config from a parsed JSON object.
   *
   * @param source the file or a description, for messages
   */
  public static MrnnConfig fromJson(JsonNode root, Object source) throws ModelFormatException {
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(source, null, "a config must be a JSON object");
    }
    List<RecurrentRegion> rec = new ArrayList<>();
    JsonNode regions = list(root, "recurrent_regions", source);
    for (int k = 0; k < regions.size(); k++) {
      String where = "recurrent_regions[" + k + "]";
      JsonNode r = object(regions.get(k), source, where);
      String name = optString(r, "name", source, where);
      if (name == null) {
        name = "region_" + k; // mRNNTorch's default name
      }
      int units = requireUnits(r, source, where);
      String parent = optString(r, "parent_region", source, where);
      Double base = optNumber(r, "base_firing", source, where);
      Double init = optNumber(r, "init", source, where);
      Boolean learnable = optBoolean(r, "learnable_bias", source, where);
      Sign sign = sign(r, source, where);
      try {
        rec.add(new RecurrentRegion(name, units, sign, base == null ? 0.0 : base,
            init == null ? 0.0 : init, parent, learnable != null && learnable));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
    }
    List<InputRegion> inp = new ArrayList<>();
    JsonNode inputs = list(root, "input_regions", source);
    for (int k = 0; k < inputs.size(); k++) {
      String where = "input_regions[" + k + "]";
      JsonNode r = object(inputs.get(k), source, where);
      String name = optString(r, "name", source, where);
      if (name == null) {
        throw new ModelFormatException(source, where + ".name", "missing; input regions need a name");
      }
      int units = requireUnits(r, source, where);
      try {
        inp.add(new InputRegion(name, units, sign(r, source, where)));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where, e.getMessage(), e);
      }
    }
    List<Connection> recConn = connections(root, "recurrent_connections", source);
    List<Connection> inpConn = connections(root, "input_connections", source);
    ModelOptions model = null;
    JsonNode m = root.get("model");
    if (m != null && !m.isNull()) {
      model = ModelOptions.fromJson(m, source, "model");
    }
    return new MrnnConfig(rec, inp, recConn, inpConn, model);
  }

  private static List<Connection> connections(JsonNode root, String key, Object source)
      throws ModelFormatException {
    List<Connection> out = new ArrayList<>();
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
      try {
        out.add(new Connection(src, dst, sparsity == null ? 0.0 : sparsity));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, where + ".sparsity", e.getMessage(), e);
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
        || u.doubleValue() > Integer.MAX_VALUE) {
      throw new ModelFormatException(source, where + ".num_units",
          "expected a positive integer, got " + u);
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
      throw new ModelFormatException(source, where + "." + key, "expected a string, got " + v);
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
      throw new ModelFormatException(source, where + "." + key, "expected a number, got " + v);
    }
    return v.doubleValue();
  }

  static Boolean optBoolean(JsonNode node, String key, Object source, String where)
      throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new ModelFormatException(source, where + "." + key, "expected true or false, got " + v);
    }
    return v.booleanValue();
  }

  // ------------------------------------------------------------------ writing

  /** The config of a spec, with its model block. */
  public static MrnnConfig of(ModelSpec spec) {
    return new MrnnConfig(spec.recurrentRegions(), spec.inputRegions(),
        spec.recurrentConnections(), spec.inputConnections(), ModelOptions.of(spec));
  }

  /** This config as mRNNTorch JSON (every region field written; sparsity null when dense). */
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

  /** Writes {@link #toJson()} to a file (pretty-printed UTF-8). */
  public void write(Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), toJson());
  }

  /** The recurrent regions, in order. */
  public List<RecurrentRegion> recurrentRegions() {
    return recurrentRegions;
  }

  /** The input regions, in order. */
  public List<InputRegion> inputRegions() {
    return inputRegions;
  }

  /** The recurrent connections, in order. */
  public List<Connection> recurrentConnections() {
    return recurrentConnections;
  }

  /** The input connections, in order. */
  public List<Connection> inputConnections() {
    return inputConnections;
  }

  /** The model block, if the config has one. */
  public Optional<ModelOptions> model() {
    return Optional.ofNullable(model);
  }

  /** A copy with the given model block (null to drop it). */
  public MrnnConfig withModel(ModelOptions options) {
    return new MrnnConfig(recurrentRegions, inputRegions, recurrentConnections, inputConnections,
        options);
  }
}
