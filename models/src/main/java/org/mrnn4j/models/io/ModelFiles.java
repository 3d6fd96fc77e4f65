package org.mrnn4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.RecurrentModel;

/**
 * mrnn4j's own model file: one JSON document holding the network (an mRNNTorch config with its
 * {@code model} block, so mRNNTorch can read the regions and connections) and its parameters.
 *
 * <pre>
 * {
 *   "format": "mrnn4j-model",
 *   "version": 1,
 *   "config": { "model": {"type": "leaky", "activation": "tanh", ...},
 *               "recurrent_regions": [...], "input_regions": [...],
 *               "recurrent_connections": [...], "input_connections": [...] },
 *   "parameters": { "dtype": "float64",
 *                   "W_rec": [[...], ...], "W_rec_mask": ..., "W_rec_sign_matrix": ...,
 *                   "W_inp": ..., "W_inp_mask": ..., "W_inp_sign_matrix": ... }
 * }
 * </pre>
 *
 * Matrices are lists of rows (rows = destination units). Numbers are written in the shortest form
 * that reads back to the same double ({@link Double#toString}), so {@link #save} then
 * {@link #load} reproduces the model exactly: same spec, bit-identical parameters. {@code dtype}
 * records the precision the weights came from (informative; values are always doubles).
 */
public final class ModelFiles {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "mrnn4j-model";
  /** The version written and the highest understood. */
  public static final int VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String EXPECTED = "expected an mrnn4j model file";
  private static final String[] KEYS = {
    ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
    ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN
  };

  private ModelFiles() {}

  /**
   * Writes {@code model} to {@code file} (replacing it).
   *
   * @param model the model
   * @param file where to write it
   * @throws IOException if it cannot be written
   */
  public static void save(RecurrentModel model, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      MAPPER.writeValue(w, toJson(model));
    }
  }

  /**
   * {@return the document {@link #save} writes}
   *
   * @param model the model
   */
  public static ObjectNode toJson(RecurrentModel model) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.set("config", MrnnConfig.of(model.spec()).toJson());
    ObjectNode params = root.putObject("parameters");
    ModelParameters p = model.parameters();
    params.put("dtype", p.sourceDType().label());
    for (String key : KEYS) {
      ArrayNode rows = params.putArray(key);
      for (double[] row : p.get(key)) {
        ArrayNode r = rows.addArray();
        for (double v : row) {
          r.add(v);
        }
      }
    }
    return root;
  }

  /**
   * Reads a model file and builds the model on {@code backend}.
   *
   * @param file a model saved by {@link #save}
   * @param backend the backend to build on
   * @return the model, owned by the caller
   * @throws ModelFormatException naming the file and field when the document is malformed, of
   *     another format or a newer version, or its parameters do not fit its config
   * @throws IOException if the file cannot be read
   */
  public static RecurrentModel load(Path file, Backend backend) throws IOException {
    return fromJson(Json.read(file, EXPECTED), file, backend);
  }

  /**
   * Builds the model a document held in memory describes (UTF-8, or UTF-16/32 with a byte-order
   * mark).
   *
   * @param source how messages name the document, for example its file name
   * @param json the document, UTF-8
   * @param backend the backend to build on
   * @return the model, owned by the caller
   * @throws ModelFormatException as {@link #load(Path, Backend)}
   */
  public static RecurrentModel parse(byte[] json, Object source, Backend backend)
      throws ModelFormatException {
    return fromJson(Json.parse(json, source, EXPECTED), source, backend);
  }

  /**
   * Builds the model a parsed document describes ({@code source} names it in messages).
   *
   * @param root the parsed document
   * @param source the file or a description, for messages
   * @param backend the backend to build on
   * @return the model, owned by the caller
   * @throws ModelFormatException as {@link #load(Path, Backend)}
   */
  public static RecurrentModel fromJson(JsonNode root, Object source, Backend backend)
      throws ModelFormatException {
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(source, null, "not an mrnn4j model file: expected a JSON "
          + "object with \"format\": \"" + FORMAT + "\"");
    }
    JsonNode format = root.get("format");
    if (format == null || !format.isTextual() || !FORMAT.equals(format.asText())) {
      throw new ModelFormatException(source, "format", "not an mrnn4j model file: expected \""
          + FORMAT + "\", got " + (format == null ? "nothing" : MrnnConfig.brief(format)));
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()
        || version.intValue() < 1 || version.intValue() > VERSION) {
      throw new ModelFormatException(source, "version", "unsupported version "
          + (version == null ? "(missing)" : MrnnConfig.brief(version))
          + "; this library reads versions 1 to " + VERSION);
    }
    JsonNode cfgNode = root.get("config");
    if (cfgNode == null || !cfgNode.isObject()) {
      throw new ModelFormatException(source, "config", "missing or not an object; expected the "
          + "network's mRNNTorch config with its model block");
    }
    MrnnConfig config;
    try {
      config = MrnnConfig.fromJson(cfgNode, source);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(source, e.location() == null ? "config"
          : "config." + e.location(), e.problem(), e);
    }
    if (config.model().isEmpty() || config.model().get().kind() == null) {
      throw new ModelFormatException(source, "config.model.type", "missing: leaky or elman");
    }
    ModelSpec spec;
    try {
      spec = config.spec(source);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(source, "config", e.problem(), e);
    }
    JsonNode params = root.get("parameters");
    if (params == null || !params.isObject()) {
      throw new ModelFormatException(source, "parameters", "missing or not an object");
    }
    DType dtype = DType.FLOAT64;
    JsonNode dtypeNode = params.get("dtype");
    if (dtypeNode != null && !dtypeNode.isNull()) {
      try {
        if (!dtypeNode.isTextual()) {
          throw new IllegalArgumentException("expected float64 or float32, got "
              + MrnnConfig.brief(dtypeNode));
        }
        dtype = DType.fromName(dtypeNode.asText());
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source, "parameters.dtype", e.getMessage(), e);
      }
    }
    double[][][] m = new double[6][][];
    for (int k = 0; k < 6; k++) {
      int[] expected = {spec.numUnits(), k < 3 ? spec.numUnits() : spec.numInputs()};
      m[k] = matrix(params.get(KEYS[k]), source, "parameters." + KEYS[k], expected);
    }
    try {
      ModelParameters p = ModelParameters.of(m[0], m[1], m[2], m[3], m[4], m[5], dtype);
      return config.builder().parameters(p).build(backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source, null, e.getMessage(), e);
    }
  }

  /**
   * A matrix of the expected shape (rows = destination units), checked before it is copied: the
   * config fixes the shape, so a document cannot make this allocate more than it holds.
   */
  static double[][] matrix(JsonNode node, Object source, String where, int[] expected)
      throws ModelFormatException {
    String shape = "[" + expected[0] + ", " + expected[1] + "]";
    if (node == null || !node.isArray()) {
      throw new ModelFormatException(source, where, "missing or not a list of rows; expected a "
          + shape + " matrix");
    }
    if (node.size() != expected[0]) {
      throw new ModelFormatException(source, where, "has " + node.size() + " rows; the config "
          + "needs " + shape);
    }
    double[][] out = new double[node.size()][];
    for (int r = 0; r < node.size(); r++) {
      JsonNode row = node.get(r);
      if (!row.isArray()) {
        throw new ModelFormatException(source, where + "[" + r + "]", "expected a list of "
            + expected[1] + " numbers, got " + row.getNodeType());
      }
      if (row.size() != expected[1]) {
        throw new ModelFormatException(source, where + "[" + r + "]", "has " + row.size()
            + " entries; the config needs " + shape);
      }
      out[r] = new double[row.size()];
      for (int c = 0; c < row.size(); c++) {
        JsonNode v = row.get(c);
        if (!v.isNumber()) {
          throw new ModelFormatException(source, where + "[" + r + "][" + c + "]",
              "expected a number, got " + MrnnConfig.brief(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
          throw new ModelFormatException(source, where + "[" + r + "][" + c + "]",
              "expected a finite number, got " + MrnnConfig.brief(v));
        }
        out[r][c] = d;
      }
    }
    return out;
  }
}
