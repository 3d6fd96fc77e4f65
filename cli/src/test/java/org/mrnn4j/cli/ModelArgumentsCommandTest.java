package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with a config as mRNNTorch writes it (no model block) and a checkpoint saved
 * from a wrapper module ({@code rnn.*} and {@code readout.*}), both written here: a missing
 * constructor argument is refused with the option that gives it, the options give the same
 * network as a model block, and {@code --mrnntorch-defaults} says what it assumed.
 */
class ModelArgumentsCommandTest {
  private static final String REGIONS = TestNetwork.REGIONS;
  private static final String BLOCK = TestNetwork.BLOCK;

  private static final String[] OPTIONS = {"--kind", "leaky", "--activation", "tanh", "--dt",
    "10", "--tau", "50", "--rec-constrained", "true", "--inp-constrained", "false"};

  private static Path write(Path dir, String name, String config) throws Exception {
    return TestNetwork.write(dir, name, config);
  }

  private static JsonNode analyze(Path pth, Path out, String... extra) throws Exception {
    String[] args = new String[6 + extra.length];
    System.arraycopy(new String[] {"analyze", pth.toString(), "--steps", "0,5", "-o",
        out.toString()}, 0, args, 0, 6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    MainTest.Run r = MainTest.run(args);
    assertEquals(0, r.status(), r.err());
    String stem = pth.getFileName().toString().replace(".pth", "");
    return new ObjectMapper().readTree(out.resolve(stem + "-analysis.json").toFile());
  }

  @Test
  void aPlainConfigIsRefusedAndTheOptionsGiveTheBlocksNetwork(@TempDir Path dir)
      throws Exception {
    Path plain = write(dir.resolve("plain"), "twoarea", "{" + REGIONS + "}");
    MainTest.Run refused = MainTest.run("analyze", plain.toString(), "--no-plot", "-o",
        dir.toString());
    assertEquals(2, refused.status(), refused.err());
    String line = refused.err().strip();
    assertEquals(1, line.lines().count(), refused.err());
    assertTrue(line.contains("missing model parameters: type (--kind), activation"
        + " (--activation), dt (--dt), tau (--tau), rec_constrained (--rec-constrained),"
        + " inp_constrained (--inp-constrained)"), line);
    assertTrue(line.contains("--mrnntorch-defaults"), line);

    Path block = write(dir.resolve("block"), "twoarea", "{" + BLOCK + REGIONS + "}");
    JsonNode a = analyze(block, dir.resolve("out-block"), "--no-plot");
    String[] withOptions = new String[OPTIONS.length + 1];
    System.arraycopy(OPTIONS, 0, withOptions, 0, OPTIONS.length);
    withOptions[OPTIONS.length] = "--no-plot";
    JsonNode b = analyze(plain, dir.resolve("out-options"), withOptions);
    for (int p = 0; p < 2; p++) {
      double ra = a.at("/points/" + p + "/spectral_radius").asDouble();
      double rb = b.at("/points/" + p + "/spectral_radius").asDouble();
      assertTrue(ra > 0, a.toString());
      assertEquals(ra, rb, 1e-12, "point " + p);
    }
    assertEquals("config", a.at("/model/arguments_from/activation").asText());
    assertEquals("option", b.at("/model/arguments_from/activation").asText());
    assertEquals("[\"head.weight\",\"head.bias\"]",
        b.at("/model/unused_checkpoint_keys").toString());
  }

  @Test
  void aTypoInTheModelBlockIsRefusedWithTheNearestKey(@TempDir Path dir) throws Exception {
    Path typo = write(dir, "twoarea", "{\"model\": {\"type\": \"leaky\", \"actvation\": \"tanh\","
        + " \"dt\": 10, \"tau\": 50, \"rec_constrained\": true, \"inp_constrained\": false}, "
        + REGIONS + "}");
    MainTest.Run r = MainTest.run("analyze", typo.toString(), "--no-plot", "-o", dir.toString());
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("model.actvation: unknown key 'actvation' in the model block;"
        + " did you mean 'activation'?"), r.err());
  }

  @Test
  void mrnntorchDefaultsSayWhatWasAssumed(@TempDir Path dir) throws Exception {
    Path plain = write(dir, "twoarea", "{" + REGIONS + "}");
    Path out = dir.resolve("out");
    MainTest.Run r = MainTest.run("analyze", plain.toString(), "--no-plot", "--steps", "0",
        "--activation", "tanh", "--mrnntorch-defaults", "-o", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("mrnn4j: --mrnntorch-defaults: assumed type = leaky, dt = 10,"
        + " tau = 100, rec_constrained = true, inp_constrained = true"), r.err());
    assertTrue(r.err().contains("checkpoint keys the model does not use: head.weight,"
        + " head.bias"), r.err());
    JsonNode report = new ObjectMapper().readTree(out.resolve("twoarea-analysis.json").toFile());
    assertEquals("[\"type\",\"dt\",\"tau\",\"rec_constrained\",\"inp_constrained\"]",
        report.at("/model/assumed_defaults").toString());
    assertEquals("mrnntorch default", report.at("/model/arguments_from/tau").asText());
    assertEquals("option", report.at("/model/arguments_from/activation").asText());
    assertEquals(100.0, report.at("/model/tau").asDouble());
  }
}
