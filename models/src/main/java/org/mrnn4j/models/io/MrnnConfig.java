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
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/**
 * An mRNNTorch JSON config, read as current mRNNTorch reads it (its {@code mrnn.schema.json},
 * checked by {@code mrnn/config_check.py}): top-level {@code recurrent_regions},
 * {@code input_regions}, {@code recurrent_connections}, {@code input_connections} (each optional,
 * default empty), plus mrnn4j's own optional {@code model} block with the constructor arguments
 * (which mRNNTorch takes as arguments of {@code mRNN(...)} / {@code ElmanmRNN(...)}, not from the
 * config). Keys starting with {@code __comment} are accepted anywhere.
 *
 * <p>The schema's rules, as pydantic applies them in strict mode: every region has a string
 * {@code name} and a positive integer {@code num_units} (a JSON integer: {@code 2.0} is refused);
 * {@code sign} a string ({@code pos} or {@code neg}; default pos), {@code base_firing} and
 * {@code init} numbers (default 0), {@code parent_region} a string or null,
 * {@code learnable_bias} a boolean, {@code device} a string (PyTorch's; no effect here);
 * connections have string {@code src_region} and {@code dst_region} and a {@code sparsity} in
 * [0, 1] or null (dense); each section, when present, is a list ({@code {}} and {@code null} are
 * refused); {@code null} is refused where the schema has no null. Unknown keys are refused with
 * the nearest known key suggested. Every violation in a document is reported at once, in one
 * {@link ModelFormatException} naming each field, such as {@code recurrent_connections[3].dst_region}.
 *
 * <p>Beyond the schema (mRNNTorch fails on these later, or not at all): finite numbers, at most
 * {@link ModelSpec#MAX_UNITS} units, unique region names, parent names distinct from region
 * names, connections between known regions of the right kinds, each once.
 *
 * <p>Apply it with {@link #builder()} (kind and options from the model block, then the regions
 * and connections) or {@link #addTo(ModelBuilder)} (regions and connections only), and a model
 * block alone with {@link ModelOptions#applyTo(ModelBuilder)}: the format uses the builder, which
 * knows nothing of it; {@link ModelLoader} resolves the model block against options
 * first ({@link ModelArguments}), refusing to guess a missing one.
 */
public final class MrnnConfig {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String EXPECTED = "expected an mRNNTorch config";
  private static final String UNITS_BOUND =
      " (the most units whose weight matrix fits in a tensor)";

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
   * The arguments of mRNNTorch's model constructors ({@code mRNN(...)}, {@code ElmanmRNN(...)})
   * as a config's {@code model} block or command-line options hold them; each field is null when
   * not given. {@link ModelArguments} says which are required and resolves them.
   *
   * @param kind {@code type}: leaky ({@code mRNN}) or elman ({@code ElmanmRNN})
   * @param activation {@code activation}
   * @param softplusBeta {@code softplus_beta} (softplus only: {@code log(1 + exp(beta x)) / beta})
   * @param recurrentConstrained {@code rec_constrained} (Dale's law on the recurrent weights)
   * @param inputConstrained {@code inp_constrained} (Dale's law on the input weights)
   * @param spectralRadius {@code spectral_radius} (JSON null: none; stays null here); applied to
   *     a random initialisation only, never to loaded weights
   * @param dt {@code dt} (leaky only)
   * @param tau {@code tau} (leaky only)
   * @param noiseLevelAct {@code noise_level_act}
   * @param noiseLevelInp {@code noise_level_inp}
   * @param batchFirst {@code batch_first}: the layout of input sequences
   */
  public record ModelOptions(
      ModelKind kind, Activation activation, Double softplusBeta, Boolean recurrentConstrained,
      Boolean inputConstrained, Double spectralRadius, Double dt, Double tau,
      Double noiseLevelAct, Double noiseLevelInp, Boolean batchFirst) {

    /** No argument given. */
    public static final ModelOptions NONE =
        new ModelOptions(null, null, null, null, null, null, null, null, null, null, null);

    /**
     * Applies the options present here to a builder (absent ones are left as they are; {@link
     * #batchFirst} is no builder option). dt and tau are set whatever the kind ({@link
     * ModelBuilder#timeConstants}): an Elman config may carry mRNNTorch's unused values.
     *
     * @param <M> the model type built
     * @param b the builder
     * @return {@code b}
     * @throws IllegalArgumentException if the block names a different kind than the builder's, or
     *     an option's value is out of range
     */
    public <M extends RecurrentModel> ModelBuilder<M> applyTo(ModelBuilder<M> b) {
      if (kind != null && kind != b.kind()) {
        throw new IllegalArgumentException("the config describes a " + kind
            + " model, but this builder builds a " + b.kind() + " model");
      }
      if (activation != null) {
        b.activation(activation);
      }
      if (softplusBeta != null) {
        b.softplusBeta(softplusBeta);
      }
      if (recurrentConstrained != null) {
        b.recurrentConstrained(recurrentConstrained);
      }
      if (inputConstrained != null) {
        b.inputConstrained(inputConstrained);
      }
      if (spectralRadius != null) {
        b.spectralRadius(spectralRadius);
      }
      b.timeConstants(dt, tau);
      if (noiseLevelAct != null) {
        b.noiseLevelAct(noiseLevelAct);
      }
      if (noiseLevelInp != null) {
        b.noiseLevelInp(noiseLevelInp);
      }
      return b;
    }

    /**
     * {@return these options with every field that {@code over} sets replaced by its value}
     *
     * @param over the options that win
     */
    public ModelOptions overriddenBy(ModelOptions over) {
      return new ModelOptions(
          pick(over.kind, kind), pick(over.activation, activation),
          pick(over.softplusBeta, softplusBeta),
          pick(over.recurrentConstrained, recurrentConstrained),
          pick(over.inputConstrained, inputConstrained),
          pick(over.spectralRadius, spectralRadius), pick(over.dt, dt), pick(over.tau, tau),
          pick(over.noiseLevelAct, noiseLevelAct), pick(over.noiseLevelInp, noiseLevelInp),
          pick(over.batchFirst, batchFirst));
    }

    private static <T> T pick(T first, T second) {
      return first != null ? first : second;
    }

    /**
     * {@return the value of the field a {@code model} block key names, or null when not set}
     *
     * @param key a key of {@link ModelArguments#KEYS}
     */
    public Object get(String key) {
      return switch (key) {
        case "type" -> kind;
        case "activation" -> activation;
        case "softplus_beta" -> softplusBeta;
        case "rec_constrained" -> recurrentConstrained;
        case "inp_constrained" -> inputConstrained;
        case "spectral_radius" -> spectralRadius;
        case "dt" -> dt;
        case "tau" -> tau;
        case "noise_level_act" -> noiseLevelAct;
        case "noise_level_inp" -> noiseLevelInp;
        case "batch_first" -> batchFirst;
        default -> throw new IllegalArgumentException("no model argument '" + key + "'");
      };
    }

    /**
     * Reads a {@code model} block. {@code alpha}, if present, must equal {@code dt / tau}.
     *
     * @param node the block
     * @param source the file or a description, for messages
     * @param where the block's path in the document, for messages
     * @return the options it sets
     * @throws ModelFormatException naming every field that is malformed or unknown
     */
    public static ModelOptions fromJson(JsonNode node, Object source, String where)
        throws ModelFormatException {
      ConfigSchema schema = new ConfigSchema();
      ModelOptions o = read(node, schema, where);
      schema.throwIfAny(source);
      return o;
    }

    static ModelOptions read(JsonNode node, ConfigSchema s, String where) {
      if (!node.isObject()) {
        s.add(where, "expected an object, got " + ConfigSchema.describe(node));
        return null;
      }
      s.knownKeys(node, ConfigSchema.MODEL_KEYS, where, "the model block");
      String type = s.optString(node, "type", where, false);
      ModelKind kind = null;
      if (type != null) {
        try {
          kind = ModelKind.fromName(type);
        } catch (IllegalArgumentException e) {
          s.add(where + ".type", e.getMessage());
        }
      }
      String act = s.optString(node, "activation", where, false);
      Activation activation = null;
      if (act != null) {
        try {
          activation = Activation.fromName(act);
        } catch (IllegalArgumentException e) {
          s.add(where + ".activation", e.getMessage());
        }
      }
      Double beta = positive(node, "softplus_beta", s, where, false);
      Double dt = positive(node, "dt", s, where, false);
      Double tau = positive(node, "tau", s, where, false);
      Double alpha = s.optNumber(node, "alpha", where, false);
      if (alpha != null && dt != null && tau != null
          && Math.abs(alpha - dt / tau) > 1e-12 * Math.max(1, Math.abs(alpha))) {
        s.add(where + ".alpha", "alpha " + alpha + " differs from dt / tau = " + dt / tau);
      }
      Double act0 = nonNegative(node, "noise_level_act", s, where);
      Double inp0 = nonNegative(node, "noise_level_inp", s, where);
      return new ModelOptions(kind, activation, beta,
          s.optBoolean(node, "rec_constrained", where),
          s.optBoolean(node, "inp_constrained", where),
          positive(node, "spectral_radius", s, where, true), dt, tau, act0, inp0,
          s.optBoolean(node, "batch_first", where));
    }

    private static Double positive(JsonNode node, String key, ConfigSchema s, String where,
        boolean nullable) {
      Double v = s.optNumber(node, key, where, nullable);
      if (v != null && !(v > 0)) {
        s.add(where + "." + key, "expected a positive number, got " + v);
        return null;
      }
      return v;
    }

    private static Double nonNegative(JsonNode node, String key, ConfigSchema s, String where) {
      Double v = s.optNumber(node, key, where, false);
      if (v != null && v < 0) {
        s.add(where + "." + key, "expected a number >= 0, got " + v);
        return null;
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
      return new ModelOptions(spec.kind(), spec.activation(), spec.softplusBeta(),
          spec.recurrentConstrained(), spec.inputConstrained(),
          spec.spectralRadiusOption().isPresent() ? spec.spectralRadius() : null,
          spec.dt(), spec.tau(), spec.noiseLevelAct(), spec.noiseLevelInp(), null);
    }

    /**
     * The block as JSON (absent fields omitted, except {@code spectral_radius}: null).
     *
     * @return the block as mRNNTorch's constructor arguments
     */
    public ObjectNode toJson() {
      ObjectNode o = MAPPER.createObjectNode();
      if (kind != null) {
        o.put("type", kind.label());
      }
      if (activation != null) {
        o.put("activation", activation.label());
      }
      if (softplusBeta != null) {
        o.put("softplus_beta", softplusBeta);
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
      if (batchFirst != null) {
        o.put("batch_first", batchFirst);
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
   * @throws ModelFormatException naming the file and every malformed field when the JSON is
   *     malformed, a field has the wrong type or value, or the regions and connections do not
   *     fit together
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
   * Reads a config from a parsed JSON object, checking the schema's rules and what can be checked
   * without the rest of the network: unique region names, parent names distinct from region
   * names, connections between regions of the right kinds, no duplicate connection, and a size
   * that a tensor can hold ({@link ModelSpec#MAX_ELEMENTS}). A config that passes builds with
   * {@link #builder()} without error; whether it is
   * complete (at least one recurrent and one input region) is checked by {@link #spec(Object)}.
   *
   * @param source the file or a description, for messages
   * @param root the parsed document
   * @return the config
   * @throws ModelFormatException naming the source and every violation: its field (for example
   *     {@code recurrent_regions[2].num_units}) and what was expected
   */
  public static MrnnConfig fromJson(JsonNode root, Object source) throws ModelFormatException {
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(source, null, "a config must be a JSON object, got "
          + (root == null || root.isMissingNode() ? "nothing" : ConfigSchema.describe(root)));
    }
    ConfigSchema s = new ConfigSchema();
    s.knownKeys(root, ConfigSchema.TOP_KEYS, null, "the config");
    Map<String, String> names = new HashMap<>(); // region name -> where it was declared
    List<RecurrentRegion> rec = new ArrayList<>();
    long units = 0;
    JsonNode regions = s.list(root, "recurrent_regions");
    for (int k = 0; regions != null && k < regions.size(); k++) {
      String where = "recurrent_regions[" + k + "]";
      JsonNode r = s.object(regions.get(k), where);
      if (r == null) {
        continue;
      }
      s.knownKeys(r, ConfigSchema.RECURRENT_REGION_KEYS, where, "a recurrent region");
      String name = s.requiredString(r, "name", where);
      int n = s.positiveInteger(r, "num_units", where, ModelSpec.MAX_UNITS, UNITS_BOUND);
      String parent = s.optString(r, "parent_region", where, true);
      Double base = s.optNumber(r, "base_firing", where, false);
      Double init = s.optNumber(r, "init", where, false);
      Boolean learnable = s.optBoolean(r, "learnable_bias", where);
      s.optString(r, "device", where, false);
      Sign sign = sign(r, s, where);
      if (name != null) {
        unique(names, name, where, s);
      }
      if (name != null && n > 0 && sign != null) {
        try {
          rec.add(new RecurrentRegion(name, n, sign, base == null ? 0.0 : base,
              init == null ? 0.0 : init, parent, learnable != null && learnable));
        } catch (IllegalArgumentException e) {
          s.add(where, e.getMessage());
        }
        units += n;
      }
    }
    List<InputRegion> inp = new ArrayList<>();
    long inputUnits = 0;
    JsonNode inputs = s.list(root, "input_regions");
    for (int k = 0; inputs != null && k < inputs.size(); k++) {
      String where = "input_regions[" + k + "]";
      JsonNode r = s.object(inputs.get(k), where);
      if (r == null) {
        continue;
      }
      s.knownKeys(r, ConfigSchema.INPUT_REGION_KEYS, where, "an input region");
      String name = s.requiredString(r, "name", where);
      int n = s.positiveInteger(r, "num_units", where, ModelSpec.MAX_UNITS, UNITS_BOUND);
      s.optString(r, "device", where, false);
      Sign sign = sign(r, s, where);
      if (name != null) {
        unique(names, name, where, s);
      }
      if (name != null && n > 0 && sign != null) {
        try {
          inp.add(new InputRegion(name, n, sign));
        } catch (IllegalArgumentException e) {
          s.add(where, e.getMessage());
        }
        inputUnits += n;
      }
    }
    for (int k = 0; k < rec.size(); k++) {
      String parent = rec.get(k).parent();
      if (parent != null && names.containsKey(parent)) {
        s.add("recurrent_regions[" + k + "].parent_region", "'" + parent
            + "' is the name of the region at " + names.get(parent)
            + "; expected a parent name distinct from every region name");
      }
    }
    if (units > ModelSpec.MAX_UNITS) { // then units * units > MAX_ELEMENTS, without overflow
      s.add("recurrent_regions", "the regions hold N = " + units
          + " units in all, so W_rec would have N^2 = "
          + java.math.BigInteger.valueOf(units).pow(2) + " elements; at most "
          + ModelSpec.MAX_ELEMENTS + " fit in a tensor (N <= " + ModelSpec.MAX_UNITS + ")");
    } else if (units > 0 && inputUnits > ModelSpec.MAX_ELEMENTS / units) {
      s.add("input_regions", "the input regions hold I = "
          + inputUnits + " units in all, so W_inp [N = " + units + ", I] would have "
          + units * inputUnits + " elements; at most " + ModelSpec.MAX_ELEMENTS
          + " fit in a tensor");
    }
    Set<String> recNames = new HashSet<>();
    rec.forEach(r -> recNames.add(r.name()));
    Set<String> inpNames = new HashSet<>();
    inp.forEach(r -> inpNames.add(r.name()));
    // a region whose own fields were malformed still has its name: connections to it are not
    // reported again as unknown
    Set<String> declared = names.keySet();
    List<Connection> recConn =
        connections(root, "recurrent_connections", s, recNames, inpNames, declared);
    List<Connection> inpConn =
        connections(root, "input_connections", s, inpNames, recNames, declared);
    ModelOptions model = null;
    JsonNode m = root.get("model");
    if (m != null && !m.isNull()) {
      model = ModelOptions.read(m, s, "model");
    }
    s.throwIfAny(source);
    return new MrnnConfig(rec, inp, recConn, inpConn, model);
  }

  private static void unique(Map<String, String> names, String name, String where,
      ConfigSchema s) {
    String previous = names.putIfAbsent(name, where);
    if (previous != null) {
      s.add(where + ".name", "'" + ConfigSchema.brief(name)
          + "' is already the name of the region at " + previous + "; expected unique names");
    }
  }

  /**
   * A builder from this config: its model block (if any) sets the kind (default leaky) and
   * options, then its regions and connections are added. More may follow in code. What the block
   * leaves out keeps the builder's defaults (mRNNTorch's), as code that builds a network states
   * its own options; to load a user's files, where a missing argument must not be guessed, use
   * {@link ModelLoader}, which resolves the block first ({@link ModelArguments}).
   *
   * @return a builder holding this config's options, regions and connections
   * @throws IllegalArgumentException if the config is inconsistent (unknown or duplicate region or
   *     connection), naming what
   */
  public ModelBuilder<RecurrentModel> builder() {
    ModelKind k = model().map(ModelOptions::kind).orElse(null);
    ModelBuilder<RecurrentModel> b = ModelBuilder.of(k == null ? ModelKind.LEAKY : k);
    model().ifPresent(o -> o.applyTo(b));
    return addTo(b);
  }

  /**
   * Adds this config's regions and connections to a builder, in its order (not its model block).
   *
   * @param <M> the model type built
   * @param builder the builder
   * @return {@code builder}
   * @throws IllegalArgumentException naming an unknown or duplicate region or connection
   */
  public <M extends RecurrentModel> ModelBuilder<M> addTo(ModelBuilder<M> builder) {
    recurrentRegions().forEach(builder::recurrentRegion);
    inputRegions().forEach(builder::inputRegion);
    recurrentConnections().forEach(builder::recurrentConnection);
    inputConnections().forEach(builder::inputConnection);
    return builder;
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
      return builder().spec();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ModelFormatException(source, null, e.getMessage(), e);
    }
  }

  private static List<Connection> connections(JsonNode root, String key, ConfigSchema s,
      Set<String> sources, Set<String> others, Set<String> declared) {
    boolean input = key.startsWith("input");
    List<Connection> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    JsonNode list = s.list(root, key);
    for (int k = 0; list != null && k < list.size(); k++) {
      String where = key + "[" + k + "]";
      JsonNode c = s.object(list.get(k), where);
      if (c == null) {
        continue;
      }
      s.knownKeys(c, ConfigSchema.CONNECTION_KEYS, where, "a connection");
      String src = s.requiredString(c, "src_region", where);
      String dst = s.requiredString(c, "dst_region", where);
      Double sparsity = s.optNumber(c, "sparsity", where, true);
      if (sparsity != null && !(sparsity >= 0 && sparsity <= 1)) {
        s.add(where + ".sparsity",
            "expected a fraction in [0, 1] (or null for dense), got " + sparsity);
        sparsity = null;
      }
      if (src == null || dst == null) {
        continue;
      }
      String kind = input ? "input" : "recurrent";
      Set<String> recurrent = input ? others : sources;
      Set<String> inputNames = input ? sources : others;
      boolean known = true;
      if (!sources.contains(src)) {
        known = false;
        // a region of the right kind whose own fields were malformed was reported already
        if (!declared.contains(src) || others.contains(src)) {
          String hint = !others.contains(src) ? ""
              : input ? " ('" + src + "' is a recurrent region: list it under"
                  + " recurrent_connections)"
              : " ('" + src + "' is an input region: list it under input_connections)";
          s.add(where + ".src_region", "unknown " + kind + " region '"
              + ConfigSchema.brief(src) + "'" + hint + "; expected one of "
              + new TreeSet<>(sources));
        }
      }
      if (!recurrent.contains(dst)) {
        known = false;
        if (!declared.contains(dst) || inputNames.contains(dst)) {
          s.add(where + ".dst_region", "unknown recurrent region '" + ConfigSchema.brief(dst)
              + "'; expected one of " + new TreeSet<>(recurrent));
        }
      }
      if (!known) {
        continue;
      }
      try {
        out.add(new Connection(src, dst, sparsity == null ? 0.0 : sparsity));
      } catch (IllegalArgumentException e) {
        s.add(where, e.getMessage());
        continue;
      }
      String previous = seen.putIfAbsent(src + "\u0000" + dst, where);
      if (previous != null) {
        s.add(where, "duplicate of " + previous + " (" + src + " -> " + dst
            + "); expected each connection once");
      }
    }
    return out;
  }

  private static Sign sign(JsonNode r, ConfigSchema s, String where) {
    JsonNode v = r.get("sign");
    if (v == null) {
      return Sign.POS;
    }
    String text = s.optString(r, "sign", where, false);
    if (text == null) {
      return null;
    }
    switch (text) {
      case "pos":
        return Sign.POS;
      case "neg":
        return Sign.NEG;
      default:
        s.add(where + ".sign", "unknown sign '" + ConfigSchema.brief(text)
            + "': expected pos or neg");
        return null;
    }
  }

  /**
   * A JSON value for a message: its text, cut short (a hostile value may be megabytes).
   *
   * @param v the value
   * @return its text, at most 80 characters, control characters escaped
   */
  static String brief(JsonNode v) {
    return ConfigSchema.brief(v);
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
