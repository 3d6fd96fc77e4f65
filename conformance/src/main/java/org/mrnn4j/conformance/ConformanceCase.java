package org.mrnn4j.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;

/**
 * One mRNNTorch conformance case ({@code cases/*.json}, described in the conformance README),
 * with typed access to every field, and {@link #buildModel(Backend)} to rebuild its network from
 * config + state dict. Immutable; arrays are returned as copies.
 */
public final class ConformanceCase {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private final String id;
  private final DType dtype;
  private final JsonNode modelNode;
  private final MrnnConfig.ModelOptions model;
  private final Double alpha;
  private final JsonNode configNode;
  private final MrnnConfig config;
  private final Map<String, NumericArray> stateDict;
  private final String checkpoint;
  private final String checkpointPrefix;
  private final Expect expect;
  private final List<Linearization> linearizations;
  private final List<SimulationCase> simulations;
  private final Readout readout;
  private final JsonNode task;
  private final FixedPoints fixedPoints;

  // ------------------------------------------------------------------ typed parts

  /**
   * The {@code expect} block. Real cases hold only part of it: absent items are null (numbers,
   * arrays, indices) or empty (lists).
   *
   * @param totalNumUnits N
   * @param totalNumInputs I
   * @param recurrentEffective {@code W_rec_effective}
   * @param inputEffective {@code W_inp_effective}
   * @param regionIndices region name to {@code [start, end)}, recurrent and input regions
   * @param tonicInput {@code tonic_inp}
   * @param initialCondition {@code initial_condition}
   * @param weightSubsets {@code weight_subsets}
   * @param projections {@code projections}
   * @param regionActivity {@code region_activity}
   */
  public record Expect(Integer totalNumUnits, Integer totalNumInputs, NumericArray recurrentEffective,
      NumericArray inputEffective, Map<String, IndexRange> regionIndices, NumericArray tonicInput,
      NumericArray initialCondition, List<WeightSubset> weightSubsets,
      List<Projection> projections, List<RegionActivity> regionActivity) {}

  /** {@code get_weight_subset(*regions)}. @param regions the regions @param weight the result */
  public record WeightSubset(List<String> regions, NumericArray weight) {}

  /**
   * {@code get_projection(to, from_)}.
   *
   * @param to receiving region (recurrent or parent)
   * @param from sending region (recurrent or input)
   * @param weight the result
   */
  public record Projection(String to, String from, NumericArray weight) {}

  /**
   * {@code get_region_activity(act, *regions)}.
   *
   * @param regions the regions, in the order given
   * @param act activity {@code [2, 3, N]}
   * @param result the reference's result
   */
  public record RegionActivity(List<String> regions, NumericArray act, NumericArray result) {}

  /**
   * One linearization operating point and the reference's answers.
   *
   * @param regions included regions (empty: all), any order
   * @param dh leaky only: linearise the activation update
   * @param input input at the operating point {@code [I]}
   * @param x leaky: pre-activation {@code [N]}; null for Elman
   * @param h leaky with dh, and Elman: the activation state {@code [N]}; else null
   * @param jacobian included x included
   * @param inputJacobian included x all inputs
   * @param excludedJacobian included x excluded regions, or null when nothing is excluded
   * @param eigenvaluesReal real parts of the eigenvalues of {@code jacobian} (LAPACK's order)
   * @param eigenvaluesImag imaginary parts
   * @param forward affine predictions for perturbations
   */
  public record Linearization(List<String> regions, boolean dh, NumericArray input, NumericArray x,
      NumericArray h, NumericArray jacobian, NumericArray inputJacobian,
      NumericArray excludedJacobian, double[] eigenvaluesReal, double[] eigenvaluesImag,
      List<Forward> forward) {}

  /**
   * A first-order prediction.
   *
   * @param deltaInput input perturbation {@code [I]}
   * @param deltaState state perturbations {@code [k, included]}
   * @param deltaStateStatic excluded-region perturbation {@code [excluded]}, or null
   * @param result the reference's predictions {@code [k, included]}
   */
  public record Forward(NumericArray deltaInput, NumericArray deltaState,
      NumericArray deltaStateStatic, NumericArray result) {}

  /**
   * A noiseless forward run.
   *
   * @param batchFirst layout of input, stimulus and results
   * @param input {@code [B, T, I]} or {@code [T, B, I]}
   * @param x0 leaky: initial pre-activation {@code [B, N]}; null for Elman
   * @param h0 leaky: initial activation or null (= act(x0)); Elman: the initial state
   * @param stimInput stimulus in the states' layout, or null
   * @param xs leaky: the reference's pre-activations; null for Elman
   * @param hs the reference's activations
   */
  public record SimulationCase(boolean batchFirst, NumericArray input, NumericArray x0,
      NumericArray h0, NumericArray stimInput, NumericArray xs, NumericArray hs) {}

  /** A trained linear readout {@code y = W h + b}. @param weight W @param bias b */
  public record Readout(NumericArray weight, NumericArray bias) {}

  /**
   * The reference's unique fixed points at an input.
   *
   * @param input the constant input {@code [I]}
   * @param unique the fixed points
   */
  public record FixedPoints(NumericArray input, List<FixedPoint> unique) {}

  /**
   * A fixed point.
   *
   * @param xstar the state
   * @param qstar the reference's speed {@code q} there
   * @param nUnstable eigenvalues of modulus above 1
   * @param maxAbsEigenvalue largest eigenvalue modulus
   * @param eigenvaluesReal real parts of the Jacobian's eigenvalues there
   * @param eigenvaluesImag imaginary parts
   */
  public record FixedPoint(NumericArray xstar, double qstar, int nUnstable,
      double maxAbsEigenvalue, double[] eigenvaluesReal, double[] eigenvaluesImag) {}

  // ------------------------------------------------------------------ reading

  private ConformanceCase(Path file, JsonNode root) throws ModelFormatException {
    this.file = file;
    this.id = text(root, "id", true);
    try {
      this.dtype = DType.fromName(Optional.ofNullable(text(root, "dtype", false)).orElse("float64"));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, "dtype", e.getMessage(), e);
    }
    this.checkpoint = text(root, "checkpoint", false);
    this.checkpointPrefix = text(root, "checkpoint_prefix", false);
    // a case may give only a checkpoint (the flow-field cases of the trained networks): its
    // network is then the checkpoint's config beside it (NAME.json), with the checkpoint's weights
    JsonNode source = root;
    if (!root.has("model") && checkpoint != null) {
      Path json = checkpointFile().orElseThrow().resolveSibling(
          checkpoint.replaceFirst("\\.pth$", "") + ".json");
      try (var r = Files.newBufferedReader(json)) {
        JsonNode cfg = MAPPER.readTree(r);
        source = MAPPER.createObjectNode().set("model", cfg.get("model"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) source).set("config", cfg);
        ((com.fasterxml.jackson.databind.node.ObjectNode) source).putObject("state_dict");
      } catch (IOException e) {
        throw new ModelFormatException(file, "checkpoint", "gives only a checkpoint, and its "
            + "config " + json + " cannot be read: " + e.getMessage(), e);
      }
    }
    this.modelNode = require(source, "model");
    this.model = MrnnConfig.ModelOptions.fromJson(modelNode, file, "model");
    if (model.kind() == null) {
      throw new ModelFormatException(file, "model.type", "missing: leaky or elman");
    }
    JsonNode a = modelNode.get("alpha");
    this.alpha = a == null || a.isNull() ? null : a.doubleValue();
    this.configNode = require(source, "config");
    this.config = MrnnConfig.fromJson(configNode, file);
    JsonNode sd = require(source, "state_dict");
    Map<String, NumericArray> sdm = new LinkedHashMap<>();
    for (var it = sd.fields(); it.hasNext(); ) {
      var e = it.next();
      sdm.put(e.getKey(), array(e.getValue(), "state_dict." + e.getKey()));
    }
    this.stateDict = Collections.unmodifiableMap(sdm);
    JsonNode ex = root.get("expect");
    this.expect = ex == null || ex.isNull() ? null : readExpect(ex);
    this.linearizations = readLinearizations(root.path("linearizations"));
    this.simulations = readSimulations(root.path("simulations"));
    JsonNode r = root.get("readout");
    this.readout = r == null || r.isNull() ? null
        : new Readout(array(require(r, "weight", "readout"), "readout.weight"),
            array(require(r, "bias", "readout"), "readout.bias"));
    this.task = root.get("task");
    JsonNode fp = root.get("fixed_points");
    this.fixedPoints = fp == null || fp.isNull() ? null : readFixedPoints(fp);
  }

  /**
   * Reads a case file.
   *
   * @param file the case's JSON file
   * @return the case
   * @throws ModelFormatException naming the file and the field that is missing or malformed
   * @throws IOException if it cannot be read
   */
  public static ConformanceCase read(Path file) throws IOException {
    JsonNode root;
    try (var r = Files.newBufferedReader(file)) {
      root = MAPPER.readTree(r);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file, null, "a case must be a JSON object");
    }
    return new ConformanceCase(file, root);
  }

  /**
   * {@return every {@code *.json} file of a directory, sorted by file name}
   *
   * @param casesDirectory the folder of cases
   * @throws IOException if the folder cannot be listed
   */
  public static List<Path> list(Path casesDirectory) throws IOException {
    try (Stream<Path> s = Files.list(casesDirectory)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  private Expect readExpect(JsonNode e) throws ModelFormatException {
    Map<String, IndexRange> indices = null;
    JsonNode ri = e.get("region_indices");
    if (ri != null && !ri.isNull()) {
      indices = new LinkedHashMap<>();
      for (var it = ri.fields(); it.hasNext(); ) {
        var f = it.next();
        JsonNode v = f.getValue();
        if (!v.isArray() || v.size() != 2) {
          throw new ModelFormatException(file, "expect.region_indices." + f.getKey(),
              "expected [start, end]");
        }
        indices.put(f.getKey(), new IndexRange(v.get(0).intValue(), v.get(1).intValue()));
      }
      indices = Collections.unmodifiableMap(indices);
    }
    List<WeightSubset> subsets = new ArrayList<>();
    int k = 0;
    for (JsonNode s : e.path("weight_subsets")) {
      String w = "expect.weight_subsets[" + k++ + "]";
      subsets.add(new WeightSubset(names(s.path("regions")),
          array(require(s, "weight_subset", w), w + ".weight_subset")));
    }
    List<Projection> projections = new ArrayList<>();
    k = 0;
    for (JsonNode p : e.path("projections")) {
      String w = "expect.projections[" + k++ + "]";
      projections.add(new Projection(text(p, "to", true), text(p, "from", true),
          array(require(p, "weight", w), w + ".weight")));
    }
    List<RegionActivity> activity = new ArrayList<>();
    k = 0;
    for (JsonNode ra : e.path("region_activity")) {
      String w = "expect.region_activity[" + k++ + "]";
      activity.add(new RegionActivity(names(ra.path("regions")),
          array(require(ra, "act", w), w + ".act"), array(require(ra, "result", w), w + ".result")));
    }
    JsonNode units = e.get("total_num_units");
    JsonNode inputs = e.get("total_num_inputs");
    return new Expect(units == null || units.isNull() ? null : units.intValue(),
        inputs == null || inputs.isNull() ? null : inputs.intValue(),
        optArray(e, "W_rec_effective", "expect"), optArray(e, "W_inp_effective", "expect"),
        indices, optArray(e, "tonic_inp", "expect"), optArray(e, "initial_condition", "expect"),
        List.copyOf(subsets), List.copyOf(projections), List.copyOf(activity));
  }

  private List<Linearization> readLinearizations(JsonNode list) throws ModelFormatException {
    List<Linearization> out = new ArrayList<>();
    int k = 0;
    for (JsonNode l : list) {
      String w = "linearizations[" + k++ + "]";
      List<Forward> forward = new ArrayList<>();
      int j = 0;
      for (JsonNode f : l.path("forward")) {
        String fw = w + ".forward[" + j++ + "]";
        forward.add(new Forward(optArray(f, "delta_input", fw), optArray(f, "delta_state", fw),
            optArray(f, "delta_state_static", fw), optArray(f, "result", fw)));
      }
      JsonNode ev = require(l, "eigenvalues", w);
      out.add(new Linearization(names(l.path("regions")), l.path("dh").asBoolean(false),
          optArray(l, "input", w), optArray(l, "x", w), optArray(l, "h", w),
          array(require(l, "jacobian", w), w + ".jacobian"), optArray(l, "input_jacobian", w),
          optArray(l, "excluded_jacobian", w),
          array(require(ev, "real", w + ".eigenvalues"), w + ".eigenvalues.real").data(),
          array(require(ev, "imag", w + ".eigenvalues"), w + ".eigenvalues.imag").data(),
          List.copyOf(forward)));
    }
    return List.copyOf(out);
  }

  private List<SimulationCase> readSimulations(JsonNode list) throws ModelFormatException {
    List<SimulationCase> out = new ArrayList<>();
    int k = 0;
    for (JsonNode s : list) {
      String w = "simulations[" + k++ + "]";
      out.add(new SimulationCase(s.path("batch_first").asBoolean(true),
          array(require(s, "input", w), w + ".input"), optArray(s, "x0", w), optArray(s, "h0", w),
          optArray(s, "stim_input", w), optArray(s, "xs", w),
          array(require(s, "hs", w), w + ".hs")));
    }
    return List.copyOf(out);
  }

  private FixedPoints readFixedPoints(JsonNode fp) throws ModelFormatException {
    List<FixedPoint> unique = new ArrayList<>();
    int k = 0;
    for (JsonNode p : fp.path("unique")) {
      String w = "fixed_points.unique[" + k++ + "]";
      JsonNode ev = require(p, "eigenvalues", w);
      unique.add(new FixedPoint(array(require(p, "xstar", w), w + ".xstar"),
          p.path("qstar").asDouble(Double.NaN), p.path("n_unstable").asInt(-1),
          p.path("max_abs_eigenvalue").asDouble(Double.NaN),
          array(require(ev, "real", w + ".eigenvalues"), w + ".eigenvalues.real").data(),
          array(require(ev, "imag", w + ".eigenvalues"), w + ".eigenvalues.imag").data()));
    }
    return new FixedPoints(optArray(fp, "input", "fixed_points"), List.copyOf(unique));
  }

  private JsonNode require(JsonNode node, String key) throws ModelFormatException {
    return require(node, key, null);
  }

  private JsonNode require(JsonNode node, String key, String where) throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new ModelFormatException(file, where == null ? key : where + "." + key, "missing");
    }
    return v;
  }

  private String text(JsonNode node, String key, boolean required) throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new ModelFormatException(file, key, "missing");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new ModelFormatException(file, key, "expected a string, got " + v);
    }
    return v.asText();
  }

  private List<String> names(JsonNode list) throws ModelFormatException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      if (!n.isTextual()) {
        throw new ModelFormatException(file, "regions", "expected region names, got " + n);
      }
      out.add(n.asText());
    }
    return List.copyOf(out);
  }

  private NumericArray optArray(JsonNode node, String key, String where)
      throws ModelFormatException {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : array(v, where + "." + key);
  }

  /** Parses nested lists of numbers into a rectangular array. */
  private NumericArray array(JsonNode node, String where) throws ModelFormatException {
    List<Integer> shape = new ArrayList<>();
    JsonNode probe = node;
    while (probe.isArray()) {
      shape.add(probe.size());
      if (probe.isEmpty()) {
        break;
      }
      probe = probe.get(0);
    }
    if (!probe.isArray() && !probe.isNumber()) {
      throw new ModelFormatException(file, where, "expected numbers, got " + probe);
    }
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    long size = 1;
    for (int d : dims) {
      size *= d;
    }
    double[] data = new double[(int) size];
    int[] pos = {0};
    fill(node, 0, dims, data, pos, where);
    return new NumericArray(dims, data);
  }

  private void fill(JsonNode node, int depth, int[] dims, double[] data, int[] pos, String where)
      throws ModelFormatException {
    if (depth == dims.length) {
      if (!node.isNumber()) {
        throw new ModelFormatException(file, where, "expected a number, got " + node);
      }
      data[pos[0]++] = node.doubleValue();
      return;
    }
    if (!node.isArray() || node.size() != dims[depth]) {
      throw new ModelFormatException(file, where, "ragged array: expected " + dims[depth]
          + " entries at depth " + depth + ", got " + (node.isArray() ? node.size() : node));
    }
    for (JsonNode c : node) {
      fill(c, depth + 1, dims, data, pos, where);
    }
  }

  // ------------------------------------------------------------------ use

  /**
   * Rebuilds the case's network from its config and model block, with the state dict's
   * parameters (which override any initialisation and are never rescaled), in float64.
   *
   * @param backend the backend to build it on
   * @return the case's model with its stored weights, owned by the caller
   * @throws ModelFormatException if the state dict lacks a key or does not fit the config
   */
  public RecurrentModel buildModel(Backend backend) throws ModelFormatException {
    if (stateDict.isEmpty() && checkpoint != null) {
      Path pth = checkpointFile().orElseThrow();
      Path json = pth.resolveSibling(checkpoint.replaceFirst("\\.pth$", "") + ".json");
      try {
        return org.mrnn4j.models.io.CheckpointLoader.load(pth, json, backend);
      } catch (ModelFormatException e) {
        throw e;
      } catch (IOException e) {
        throw new ModelFormatException(file, "checkpoint", "cannot be read: " + e, e);
      }
    }
    try {
      return config.withModel(model).builder().parameters(parameters())
          .build(backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, "config/state_dict", e.getMessage(), e);
    }
  }

  /**
   * {@return the state dict's six matrices as parameters}
   *
   * @throws ModelFormatException if a stored tensor is malformed
   */
  public ModelParameters parameters() throws ModelFormatException {
    String[] keys = {ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
        ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN};
    double[][][] m = new double[6][][];
    for (int k = 0; k < 6; k++) {
      NumericArray a = stateDict.get(keys[k]);
      if (a == null) {
        throw new ModelFormatException(file, "state_dict." + keys[k], "missing");
      }
      if (a.rank() != 2) {
        throw new ModelFormatException(file, "state_dict." + keys[k],
            "expected a matrix, got shape " + java.util.Arrays.toString(a.shape()));
      }
      m[k] = a.matrix();
    }
    try {
      return ModelParameters.of(m[0], m[1], m[2], m[3], m[4], m[5], dtype);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, "state_dict", e.getMessage(), e);
    }
  }

  /** {@return the tolerance for this case's dtype} */
  public Tolerance tolerance() {
    return Tolerance.of(dtype);
  }

  /** {@return the file this case was read from} */
  public Path file() {
    return file;
  }

  /** {@return the case's unique name} */
  public String id() {
    return id;
  }

  /** {@return {@code float64}, or {@code float32} for cases built from float32 checkpoints} */
  public DType dtype() {
    return dtype;
  }

  /** {@return leaky or Elman} */
  public ModelKind kind() {
    return model.kind();
  }

  /** {@return the {@code model} block, typed} */
  public MrnnConfig.ModelOptions model() {
    return model;
  }

  /** {@return the {@code model} block's {@code alpha} (leaky), if present} */
  public Optional<Double> alpha() {
    return Optional.ofNullable(alpha);
  }

  /** {@return the {@code model} block as JSON} */
  public JsonNode modelJson() {
    return modelNode.deepCopy();
  }

  /** {@return the {@code config} block as JSON} */
  public JsonNode configJson() {
    return configNode.deepCopy();
  }

  /** {@return the {@code config} block, parsed} */
  public MrnnConfig config() {
    return config;
  }

  /** {@return the state dict's arrays by key} */
  public Map<String, NumericArray> stateDict() {
    return stateDict;
  }

  /** {@return the checkpoint file name (real cases), if any} */
  public Optional<String> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }

  /** {@return the key prefix used in the checkpoint ({@code ""} or {@code "rnn."}), if any} */
  public Optional<String> checkpointPrefix() {
    return Optional.ofNullable(checkpointPrefix);
  }

  /**
   * The checkpoint file, resolved as {@code ../checkpoints/NAME} from the case file's directory.
   *
   * @return the path, when the case names a checkpoint (whether or not the file exists)
   */
  public Optional<Path> checkpointFile() {
    return checkpoint().map(name -> {
      Path dir = file.toAbsolutePath().getParent();
      return dir.resolveSibling("checkpoints").resolve(name);
    });
  }

  /** {@return the {@code expect} block, if any} */
  public Optional<Expect> expect() {
    return Optional.ofNullable(expect);
  }

  /** {@return the linearizations (possibly none)} */
  public List<Linearization> linearizations() {
    return linearizations;
  }

  /** {@return the simulations (possibly none)} */
  public List<SimulationCase> simulations() {
    return simulations;
  }

  /** {@return the readout (flip-flop cases), if any} */
  public Optional<Readout> readout() {
    return Optional.ofNullable(readout);
  }

  /** {@return the {@code task} block (flip-flop cases), if any} */
  public Optional<JsonNode> task() {
    return Optional.ofNullable(task).map(JsonNode::deepCopy);
  }

  /** {@return the fixed points (flip-flop cases), if any} */
  public Optional<FixedPoints> fixedPoints() {
    return Optional.ofNullable(fixedPoints);
  }

  @Override
  public String toString() {
    return id;
  }
}
