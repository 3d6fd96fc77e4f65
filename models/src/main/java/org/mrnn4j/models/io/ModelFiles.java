package org.mrnn4j.models.io;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
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
  private static final String[] KEYS = {
    ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
    ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN
  };

  private ModelFiles() {}

  /** Writes {@code model} to {@code file} (replacing it). */
  public static void save(RecurrentModel model, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      MAPPER.writeValue(w, toJson(model));
    }
  }

  /** The document {@link #save} writes. */
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
   * @throws ModelFormatException naming the file and field when the document is malformed, of
   *     another format or a newer version, or its parameters do not fit its config
   */
  public static RecurrentModel load(Path file, Backend backend) throws IOException {
    JsonNode root;
    try (var r = Files.newBufferedReader(file)) {
      root = MAPPER.readTree(r);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    return fromJson(root, file, backend);
  }

  /** Builds the model a parsed document describes ({@code source} names it in messages). */
  public static RecurrentModel fromJson(JsonNode root, Object source, Backend backend)
      throws ModelFormatException {
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
      throw new ModelFormatException(source, "format",
          "not an mrnn4j model file: expected \"format\": \"" + FORMAT + "\"");
    }
    int version = root.path("version").asInt(-1);
    if (version < 1 || version > VERSION) {
      throw new ModelFormatException(source, "version", "unsupported version "
          + root.path("version") + "; this library reads versions 1 to " + VERSION);
    }
    JsonNode cfgNode = root.get("config");
    MrnnConfig config = MrnnConfig.fromJson(cfgNode, source);
    if (config.model().isEmpty() || config.model().get().kind() == null) {
      throw new ModelFormatException(source, "config.model.type", "missing: leaky or elman");
    }
    JsonNode params = root.get("parameters");
    if (params == null || !params.isObject()) {
      throw new ModelFormatException(source, "parameters", "missing or not an object");
    }
    double[][][] m = new double[6][][];
    for (int k = 0; k < 6; k++) {
      m[k] = matrix(params.get(KEYS[k]), source, "parameters." + KEYS[k]);
    }
    DType dtype;
    try {
      dtype = DType.fromName(params.path("dtype").asText("float64"));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source, "parameters.dtype", e.getMessage(), e);
    }
    try {
      ModelParameters p = ModelParameters.of(m[0], m[1], m[2], m[3], m[4], m[5], dtype);
      return ModelBuilder.fromConfig(config).parameters(p).build(backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source, null, e.getMessage(), e);
    }
  }

  static double[][] matrix(JsonNode node, Object source, String where)
      throws ModelFormatException {
    if (node == null || !node.isArray()) {
      throw new ModelFormatException(source, where, "missing or not a list of rows");
    }
    double[][] out = new double[node.size()][];
    for (int r = 0; r < node.size(); r++) {
      JsonNode row = node.get(r);
      if (!row.isArray()) {
        throw new ModelFormatException(source, where + "[" + r + "]", "expected a list of numbers");
      }
      out[r] = new double[row.size()];
      for (int c = 0; c < row.size(); c++) {
        JsonNode v = row.get(c);
        if (!v.isNumber()) {
          throw new ModelFormatException(source, where + "[" + r + "][" + c + "]",
              "expected a number, got " + v);
        }
        out[r][c] = v.doubleValue();
      }
    }
    return out;
  }
}
