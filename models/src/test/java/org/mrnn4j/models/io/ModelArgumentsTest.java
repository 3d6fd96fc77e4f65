package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.fuzz.Seeds;
import org.mrnn4j.models.io.ModelArguments.MissingModelArgumentsException;
import org.mrnn4j.models.io.ModelArguments.Source;
import org.mrnn4j.models.io.MrnnConfig.ModelOptions;

/**
 * A config as mRNNTorch writes it (regions and connections only) with a checkpoint saved from a
 * wrapper module ({@code rnn.*} and a {@code head.*}, which is not a {@code readout.*} and so is
 * not taken as one; see {@link ReadoutTest}): the constructor arguments are never
 * guessed, each comes from the config's model block, an option or (only when allowed)
 * mRNNTorch's defaults, and the checkpoint's unused keys are reported.
 */
class ModelArgumentsTest {
  private static Backend backend;

  /** Two regions, Dale's law: 4 excitatory and 2 inhibitory units, 2 inputs. */
  private static final String REGIONS = """
      "recurrent_regions": [{"name": "exc", "num_units": 4},
                            {"name": "inh", "num_units": 2, "sign": "neg"}],
      "input_regions": [{"name": "in", "num_units": 2}],
      "recurrent_connections": [{"src_region": "exc", "dst_region": "exc"},
                                {"src_region": "exc", "dst_region": "inh"},
                                {"src_region": "inh", "dst_region": "exc"}],
      "input_connections": [{"src_region": "in", "dst_region": "exc"}]""";

  private static final String BLOCK = """
      "model": {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
                "rec_constrained": true, "inp_constrained": false},""";

  private static final ModelOptions SAME_AS_BLOCK = new ModelOptions(ModelKind.LEAKY,
      Activation.TANH, null, true, false, null, 10.0, 50.0, null, null, null);

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** Raw weights with negative entries, so Dale's law and W * mask differ. */
  private static ModelParameters weights() {
    Random r = new Random(5);
    double[][] w = new double[6][6];
    double[][] mask = new double[6][6];
    double[][] sign = new double[6][6];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        boolean connected = !(i >= 4 && j >= 4); // no inh -> inh block
        w[i][j] = r.nextGaussian() * 0.6;
        mask[i][j] = connected ? 1 : 0;
        sign[i][j] = connected ? (j < 4 ? 1 : -1) : 0;
      }
    }
    double[][] wi = new double[6][2];
    double[][] mi = new double[6][2];
    double[][] si = new double[6][2];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        wi[i][j] = r.nextGaussian();
        mi[i][j] = 1;
        si[i][j] = 1;
      }
    }
    return ModelParameters.of(w, mask, sign, wi, mi, si, DType.FLOAT64);
  }

  private static Path[] files(Path dir, String config) throws IOException {
    Path json = dir.resolve("twoarea.json");
    Files.writeString(json, config);
    Path pth = dir.resolve("twoarea.pth");
    Map<String, double[][]> readout = new LinkedHashMap<>();
    readout.put("head.weight", new double[][] {{1, 0, 0, 0, 0, 0}});
    readout.put("head.bias", new double[][] {{0.5}});
    Files.write(pth, Seeds.stateDict(weights(), "rnn.", true, readout));
    return new Path[] {json, pth};
  }

  @Test
  void aPlainConfigIsRefusedNamingEveryMissingArgument(@TempDir Path dir) throws IOException {
    Path[] f = files(dir, "{" + REGIONS + "}");
    MissingModelArgumentsException e = assertThrows(MissingModelArgumentsException.class,
        () -> ModelLoader.load(f[0], f[1], null, 0, backend));
    assertEquals(List.of("type", "activation", "dt", "tau", "rec_constrained",
        "inp_constrained"), e.missing());
    assertTrue(e.getMessage().startsWith(f[0] + ": model: the model's constructor arguments"
        + " type, activation, dt, tau"), e.getMessage());
    // a typo in the model block is refused, not read as a missing key with a default
    Path[] g = files(dir, "{\"model\": {\"actvation\": \"tanh\"}, " + REGIONS + "}");
    ModelFormatException typo = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(g[0], g[1], null, 0, backend));
    assertTrue(typo.getMessage().contains("unknown key 'actvation' in the model block; did you"
        + " mean 'activation'?"), typo.getMessage());
  }

  @Test
  void optionsGiveTheModelTheBlockGives(@TempDir Path dir) throws IOException {
    Path[] plain = files(Files.createDirectories(dir.resolve("plain")), "{" + REGIONS + "}");
    Path blockDir = Files.createDirectories(dir.resolve("block"));
    Path[] withBlock = files(blockDir, "{" + BLOCK + REGIONS + "}");
    try (var a = ModelLoader.load(plain[0], plain[1],
            new ModelLoader.Request(SAME_AS_BLOCK, false, null, 0), backend).model();
        var b = ModelLoader.load(withBlock[0], withBlock[1], null, 0, backend).model()) {
      assertEquals(b.spec(), a.spec());
      assertArrayEquals(b.recurrentWeights().toArray(), a.recurrentWeights().toArray());
      assertArrayEquals(b.inputWeights().toArray(), a.inputWeights().toArray());
    }
    var loaded = ModelLoader.load(plain[0], plain[1],
        new ModelLoader.Request(SAME_AS_BLOCK, false, null, 0), backend);
    try (var m = loaded.model()) {
      assertEquals(Source.OPTION, loaded.arguments().source("activation"));
      assertEquals(Source.MRNNTORCH_DEFAULT, loaded.arguments().source("noise_level_act"));
      assertEquals(List.of(), loaded.arguments().assumed());
      assertEquals(List.of("head.weight", "head.bias"), loaded.unusedKeys());
    }
  }

  @Test
  void recConstrainedDecidesTheEffectiveWeights(@TempDir Path dir) throws IOException {
    Path[] f = files(dir, "{" + REGIONS + "}");
    ModelParameters p = weights();
    double[][] dale = p.effectiveRecurrent(true);
    for (boolean constrained : new boolean[] {true, false}) {
      ModelOptions o = SAME_AS_BLOCK.overriddenBy(new ModelOptions(null, null, null,
          constrained, null, null, null, null, null, null, null));
      try (var m = ModelLoader.load(f[0], f[1], new ModelLoader.Request(o, false, null, 0),
          backend).model()) {
        double[] got = m.recurrentWeights().toArray();
        for (int i = 0; i < 6; i++) {
          for (int j = 0; j < 6; j++) {
            double raw = p.recurrentWeights()[i][j];
            double mask = p.get(ModelParameters.W_REC_MASK)[i][j];
            double sign = p.get(ModelParameters.W_REC_SIGN)[i][j];
            // by hand: mask * |W| * sign under Dale's law, W * mask without
            double expected = constrained ? mask * Math.abs(raw) * sign : raw * mask;
            assertEquals(expected, got[i * 6 + j], 0.0, "W[" + i + "][" + j + "]");
            assertEquals(constrained ? dale[i][j] : expected, got[i * 6 + j], 0.0);
          }
        }
      }
    }
  }

  @Test
  void mrnntorchDefaultsFillOnlyWhatIsMissingAndSaySo(@TempDir Path dir) throws IOException {
    Path[] f = files(dir, "{\"model\": {\"activation\": \"tanh\"}, " + REGIONS + "}");
    ModelOptions given = new ModelOptions(null, null, null, null, false, null, 5.0, null, null,
        null, null);
    var loaded = ModelLoader.load(f[0], f[1], new ModelLoader.Request(given, true, null, 0),
        backend);
    try (var m = loaded.model()) {
      assertEquals(List.of("type", "tau", "rec_constrained"), loaded.arguments().assumed());
      assertEquals(Source.CONFIG, loaded.arguments().source("activation"));
      assertEquals(Source.OPTION, loaded.arguments().source("dt"));
      assertEquals(Source.MRNNTORCH_DEFAULT, loaded.arguments().source("tau"));
      assertEquals(Activation.TANH, m.activation());
      assertEquals(5.0, m.spec().dt());
      assertEquals(100.0, m.spec().tau());
      assertTrue(m.spec().recurrentConstrained());
      assertEquals(false, m.spec().inputConstrained());
    }
  }

  @Test
  void optionsOverrideTheBlockAndSoftplusNeedsItsBeta() throws Exception {
    ModelOptions block = new ModelOptions(ModelKind.ELMAN, Activation.SOFTPLUS, null, true, true,
        null, null, null, null, null, null);
    MissingModelArgumentsException e = assertThrows(MissingModelArgumentsException.class,
        () -> ModelArguments.resolve(block, null, false, "c.json"));
    assertEquals(List.of("softplus_beta"), e.missing(), "an Elman model needs no dt or tau");
    var r = ModelArguments.resolve(block, new ModelOptions(null, Activation.RELU, null, null,
        null, null, null, null, null, null, null), false, "c.json");
    assertEquals(Activation.RELU, r.options().activation());
    assertEquals(Source.OPTION, r.source("activation"));
    assertEquals(Source.CONFIG, r.source("type"));
    var d = ModelArguments.resolve(block, null, true, "c.json");
    assertEquals(1.0, d.options().softplusBeta());
    assertEquals(List.of("softplus_beta"), d.assumed());
  }
}
