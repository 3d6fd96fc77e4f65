package org.mrnn4j.models.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointFixtures;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;
import org.mrnn4j.models.io.ModelFiles;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;

/**
 * Small valid inputs, built here rather than copied from anywhere: mRNNTorch configs, PyTorch
 * state dicts of the {@link #FIXED_CONFIG} network, and mrnn4j model files. They seed the Jazzer
 * corpus ({@link #main} writes it) and the mutation corpus test.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * The network every checkpoint seed fits: N = 4 (exc 3, inh 1), I = 2, leaky, tanh. The
   * checkpoint fuzz target loads fuzzed checkpoints into it.
   */
  public static final String FIXED_CONFIG = """
      {"model": {"type": "leaky", "activation": "tanh", "rec_constrained": true,
                 "inp_constrained": false, "spectral_radius": null, "dt": 1, "tau": 2},
       "recurrent_regions": [
         {"name": "exc", "num_units": 3, "sign": "pos", "base_firing": 0.5, "init": 0.1},
         {"name": "inh", "num_units": 1, "sign": "neg", "parent_region": "ctx"}],
       "input_regions": [{"name": "inp", "num_units": 2, "sign": "pos"}],
       "recurrent_connections": [
         {"src_region": "exc", "dst_region": "exc", "sparsity": 0.5},
         {"src_region": "exc", "dst_region": "inh"},
         {"src_region": "inh", "dst_region": "exc"}],
       "input_connections": [{"src_region": "inp", "dst_region": "exc"}]}
      """;

  /** The spec of {@link #FIXED_CONFIG}. */
  public static ModelSpec fixedSpec() {
    try {
      return MrnnConfig.parse(FIXED_CONFIG, "fixed config").spec("fixed config");
    } catch (ModelFormatException e) {
      throw new AssertionError(e);
    }
  }

  /** Valid mRNNTorch configs, by name. */
  public static Map<String, byte[]> configs() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("fixed", utf8(FIXED_CONFIG));
    out.put("minimal", utf8("""
        {"recurrent_regions": [{"name": "region_0", "num_units": 2}],
         "input_regions": [{"name": "u", "num_units": 1}],
         "recurrent_connections": [{"src_region": "region_0", "dst_region": "region_0"}],
         "input_connections": [{"src_region": "u", "dst_region": "region_0"}]}
        """));
    out.put("mrnntorch-style", utf8("""
        {"__comment_regions": "as in mRNNTorch's examples",
         "recurrent_regions": [
           {"name": "ctx", "num_units": 4, "sign": "pos", "base_firing": 0.0, "init": 0.0,
            "parent_region": null, "learnable_bias": false},
           {"name": "str", "num_units": 3, "sign": "neg", "base_firing": 1.5, "init": -0.25,
            "parent_region": "bg", "learnable_bias": true},
           {"name": "gpe", "num_units": 2, "sign": "neg", "parent_region": "bg"}],
         "input_regions": [{"name": "iti", "num_units": 1, "sign": "pos"},
                           {"name": "cue", "num_units": 2, "sign": "neg"}],
         "recurrent_connections": [
           {"src_region": "ctx", "dst_region": "str", "sparsity": 0.25},
           {"src_region": "str", "dst_region": "gpe", "sparsity": null},
           {"src_region": "gpe", "dst_region": "ctx"}],
         "input_connections": [{"src_region": "iti", "dst_region": "ctx"},
                               {"src_region": "cue", "dst_region": "str", "sparsity": 1}]}
        """));
    out.put("elman", utf8("""
        {"model": {"type": "elman", "activation": "relu", "rec_constrained": false,
                   "inp_constrained": true, "spectral_radius": 0.9, "noise_level_act": 0.05,
                   "noise_level_inp": 0, "dt": 10, "tau": 100, "alpha": 0.1},
         "recurrent_regions": [{"name": "a", "num_units": 3}, {"name": "b", "num_units": 2}],
         "input_regions": [{"name": "i", "num_units": 2}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "b"},
                                   {"src_region": "b", "dst_region": "a"},
                                   {"src_region": "a", "dst_region": "a"}],
         "input_connections": [{"src_region": "i", "dst_region": "a"}]}
        """));
    return out;
  }

  /** Parameters that fit {@link #fixedSpec()}: distinct, exactly representable values. */
  public static ModelParameters fixedParameters() {
    double[][][] m = new double[6][][];
    for (int k = 0; k < 6; k++) {
      int cols = k < 3 ? 4 : 2;
      m[k] = new double[4][cols];
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < cols; c++) {
          m[k][r][c] = k % 3 == 0 ? (r * cols + c - 3) * 0.125 : k % 3 == 1 ? (r + c) % 2 : 1;
        }
      }
    }
    return ModelParameters.of(m[0], m[1], m[2], m[3], m[4], m[5],
        org.mrnn4j.core.DType.FLOAT32);
  }

  private static final String[] KEYS = {
    ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
    ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN
  };

  /**
   * A state dict as torch.save writes it: the six mRNN tensors under {@code prefix}, one storage
   * each, in float32 or float64, plus any {@code extra} float32 tensors (a readout, say).
   */
  public static byte[] stateDict(ModelParameters p, String prefix, boolean float64,
      Map<String, double[][]> extra) {
    Pickle pickle = new Pickle().beginStateDict();
    Archive archive = new Archive("archive/");
    int storage = 0;
    Map<String, double[][]> all = new LinkedHashMap<>();
    for (String key : KEYS) {
      all.put(prefix + key, p.get(key));
    }
    all.putAll(extra);
    for (Map.Entry<String, double[][]> e : all.entrySet()) {
      double[][] m = e.getValue();
      int rows = m.length;
      int cols = rows == 0 ? 0 : m[0].length;
      double[] flat = new double[rows * cols];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(m[r], 0, flat, r * cols, cols);
      }
      boolean wide = float64 && e.getKey().startsWith(prefix + "W_");
      String id = Integer.toString(storage++);
      pickle.tensor(e.getKey(), wide ? "DoubleStorage" : "FloatStorage", id, flat.length, 0,
          new long[] {rows, cols}, new long[] {cols, 1});
      archive.put("data/" + id, wide ? CheckpointFixtures.doubles(ByteOrder.LITTLE_ENDIAN, flat)
          : floats(flat));
    }
    archive.put("version", utf8("3\n")).byteOrder("little");
    return archive.pickle(pickle.endStateDict()).bytes();
  }

  private static byte[] floats(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putFloat((float) v);
    }
    return b.array();
  }

  /**
   * The same archive with every central-directory CRC-32 set to 0, as PyTorch 2.5 writes with
   * {@code set_crc32_options(False)}: mutations of the data then reach the parser instead of
   * failing the checksum.
   */
  public static byte[] withoutCrcs(byte[] zip) {
    byte[] out = zip.clone();
    for (int i = 0; i + 46 <= out.length; i++) {
      if (out[i] == 'P' && out[i + 1] == 'K' && out[i + 2] == 1 && out[i + 3] == 2) {
        CheckpointFixtures.putInt(out, i + 16, 0);
      }
    }
    return out;
  }

  /** Valid checkpoints of the fixed network, by name. */
  public static Map<String, byte[]> checkpoints() {
    ModelParameters p = fixedParameters();
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("float32", stateDict(p, "", false, Map.of()));
    out.put("float64-prefixed", withoutCrcs(stateDict(p, "rnn.", true,
        Map.of("readout.weight", new double[][] {{1, 2, 3, 4}}))));
    out.put("float32-nocrc", withoutCrcs(stateDict(p, "", false, Map.of())));
    return out;
  }

  /** Valid mrnn4j model files, by name (small leaky and Elman networks). */
  public static Map<String, byte[]> modelFiles() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (Backend backend = Backends.select("ejml")) {
      for (Map.Entry<String, byte[]> c : configs().entrySet()) {
        MrnnConfig config = MrnnConfig.parse(c.getValue(), c.getKey());
        try (RecurrentModel m = config.builder().seed(3)
            .build(backend)) {
          out.put(c.getKey(), utf8(ModelFiles.toJson(m).toString()));
        }
      }
    } catch (ModelFormatException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /**
   * Inputs that escaped as something other than a {@link ModelFormatException} (or allocated
   * what the bytes did not justify) before the audit that added the fuzz targets; they replay as
   * regression inputs in every build.
   */
  public static Map<String, byte[]> configRegressions() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    String regions = """
        "recurrent_regions": [{"name": "a", "num_units": 2}],
        "input_regions": [{"name": "u", "num_units": 1}]""";
    // IllegalArgumentException from MrnnConfig.builder() / spec(), not a format error
    out.put("unknown-destination", utf8("{" + regions
        + ", \"recurrent_connections\": [{\"src_region\": \"a\", \"dst_region\": \"b\"}]}"));
    out.put("no-input-region", utf8("{\"recurrent_regions\": [{\"num_units\": 2}]}"));
    out.put("negative-dt", utf8("{\"model\": {\"dt\": -1}, " + regions + "}"));
    out.put("duplicate-region", utf8("{\"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 1},"
        + " {\"name\": \"a\", \"num_units\": 1}], \"input_regions\": [{\"name\": \"u\","
        + " \"num_units\": 1}]}"));
    // N = 2 * 2e9 overflowed the int sum of ModelSpec.numUnits()
    out.put("units-overflow", utf8("""
        {"recurrent_regions": [{"name": "a", "num_units": 2000000000},
                               {"name": "b", "num_units": 2000000000}],
         "input_regions": [{"name": "u", "num_units": 1}]}"""));
    return out;
  }

  /** Checkpoints that escaped or over-allocated before the audit (see {@link #configRegressions}). */
  public static Map<String, byte[]> checkpointRegressions() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    // A stride-0 view of 2^30 elements over a 4-byte storage: 8 GiB of doubles (OutOfMemoryError)
    out.put("broadcast-8GiB", new Archive("archive/").pickle(new Pickle().beginStateDict()
        .tensor("w", "FloatStorage", "0", 1, 0, new long[] {1L << 30}, new long[] {0})
        .endStateDict()).put("data/0", floats(new double[] {1})).bytes());
    // The same key twice: Python keeps the last silently; readers could disagree
    ModelParameters p = fixedParameters();
    Pickle pickle = new Pickle().beginStateDict();
    Archive archive = new Archive("archive/");
    int storage = 0;
    for (String key : KEYS) {
      double[][] m = p.get(key);
      int cols = m[0].length;
      double[] flat = new double[m.length * cols];
      for (int r = 0; r < m.length; r++) {
        System.arraycopy(m[r], 0, flat, r * cols, cols);
      }
      String id = Integer.toString(storage++);
      pickle.tensor(key.equals(ModelParameters.W_INP_MASK) ? ModelParameters.W_REC_MASK : key,
          "FloatStorage", id, flat.length, 0, new long[] {m.length, cols}, new long[] {cols, 1});
      archive.put("data/" + id, floats(flat));
    }
    out.put("duplicate-key", archive.pickle(pickle.endStateDict()).bytes());
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the seed corpus of the fuzz targets into {@code src/test/resources} (run from the
   * models module directory, or give the resources root as the argument). The files are
   * committed; run this again only when the formats change.
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources")
        .resolve("org/mrnn4j/models/fuzz");
    Path config = root.resolve("ConfigFuzzTest" + "Inputs/config");
    Path checkpoint = root.resolve("CheckpointFuzzTest" + "Inputs/checkpoint");
    write(config, "seed-", configs());
    write(config, "regression-", configRegressions());
    write(checkpoint, "seed-", checkpoints());
    write(checkpoint, "regression-", checkpointRegressions());
    write(root.resolve("ModelFilesFuzzTest" + "Inputs/modelFile"), "seed-", modelFiles());
  }

  private static void write(Path dir, String prefix, Map<String, byte[]> inputs)
      throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
      Files.write(dir.resolve(prefix + e.getKey()), e.getValue());
    }
  }
}
