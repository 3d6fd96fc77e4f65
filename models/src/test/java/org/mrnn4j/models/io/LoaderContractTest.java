package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;

/**
 * The package's contract on malformed input (see its package documentation): one checked
 * exception naming file, field and expectation; sizes checked before allocation; strict JSON;
 * finite weights.
 */
class LoaderContractTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static ModelFormatException rejects(Executable read, String location, String... parts) {
    ModelFormatException e = assertThrows(ModelFormatException.class, read);
    if (location != null) {
      assertEquals(location, e.location(), e.getMessage());
    }
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "lacks '" + part + "': " + e.getMessage());
    }
    return e;
  }

  private static final String REGIONS = """
      "recurrent_regions": [{"name": "a", "num_units": %s}, {"name": "b", "num_units": %s}],
      "input_regions": [{"name": "u", "num_units": 1}]""";

  private static String config(Object a, Object b) {
    return "{" + String.format(REGIONS, a, b) + "}";
  }

  // ---- sizes before allocation ---------------------------------------------------------------

  @Test
  void hugeUnitCountsFailFastWithAMessage() {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      rejects(() -> MrnnConfig.parse(config("2000000000", 1), "big.json"),
          "recurrent_regions[0].num_units", "big.json: ", "at most 46340", "got 2000000000");
      // a decimal is not an integer, as in the schema checked by pydantic's strict mode
      rejects(() -> MrnnConfig.parse(config("2e9", 1), "big.json"),
          "recurrent_regions[0].num_units", "expected a positive integer", "got 2.0E9");
      rejects(() -> MrnnConfig.parse(config(40000, 40000), "big.json"), "recurrent_regions",
          "N = 80000", "6400000000 elements");
      rejects(() -> MrnnConfig.parse("""
          {"recurrent_regions": [{"name": "a", "num_units": 40000}],
           "input_regions": [{"name": "u", "num_units": 30000}, {"name": "v", "num_units": 30000}]}
          """, "wide.json"), "input_regions", "I = 60000", "2400000000 elements");
      // Built in code, the same bound holds before anything of size N is made.
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LeakyMRNN.builder().recurrentRegion("a", 46340).recurrentRegion("b", 1)
              .inputRegion("u", 1).spec());
      assertTrue(e.getMessage().contains("N = 46341") && e.getMessage().contains("N <= 46340"),
          e.getMessage());
      // Counts whose squares overflow a long are caught too.
      e = assertThrows(IllegalArgumentException.class, () -> LeakyMRNN.builder()
          .recurrentRegion("a", Integer.MAX_VALUE).recurrentRegion("b", Integer.MAX_VALUE)
          .inputRegion("u", 1).spec());
      assertTrue(e.getMessage().contains("N = 4294967294"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> LeakyMRNN.builder()
          .recurrentRegion("a", 1).inputRegion("u", Integer.MAX_VALUE)
          .inputRegion("v", Integer.MAX_VALUE).spec());
      assertTrue(e.getMessage().contains("I = 4294967294"), e.getMessage());
    });
  }

  @Test
  void anIncompleteConfigIsAFormatErrorOfTheConfigFile(@TempDir Path tmp) throws IOException {
    Path config = tmp.resolve("net.json");
    Files.writeString(config, "{\"model\": {\"type\": \"elman\", \"activation\": \"tanh\","
        + " \"rec_constrained\": true, \"inp_constrained\": true},"
        + " \"recurrent_regions\": [{\"name\": \"a\", \"num_units\": 2}]}");
    Path checkpoint = tmp.resolve("net.pth");
    Files.write(checkpoint, new byte[] {1, 2, 3});
    ModelFormatException e = rejects(() -> CheckpointLoader.load(checkpoint, config, backend),
        null, "no input region");
    assertEquals(config.toString(), e.file());
  }

  @Test
  void configFieldsAreCheckedWhereTheyAre() {
    rejects(() -> MrnnConfig.parse(config(2, 2).replace("\"b\"", "\"a\""), "c.json"),
        "recurrent_regions[1].name", "'a' is already the name of the region at recurrent_regions[0]");
    rejects(() -> MrnnConfig.parse(config(2, 2).replace("\"u\"", "\"b\""), "c.json"),
        "input_regions[0].name", "already the name");
    rejects(() -> MrnnConfig.parse("{\"model\": {\"dt\": -1}}", "c.json"), "model.dt",
        "expected a positive number, got -1.0");
    rejects(() -> MrnnConfig.parse("{\"model\": {\"tau\": 1e999}}", "c.json"), "model.tau",
        "expected a finite number");
    rejects(() -> MrnnConfig.parse("{\"model\": {\"activation\": \"gelu\"}}", "c.json"),
        "model.activation", "gelu");
    rejects(() -> MrnnConfig.parse("{" + String.format(REGIONS, 1, 1)
        + ", \"input_connections\": [{\"src_region\": \"a\", \"dst_region\": \"b\"}]}", "c.json"),
        "input_connections[0].src_region", "'a' is a recurrent region");
    rejects(() -> MrnnConfig.parse("{" + String.format(REGIONS, 1, 1)
        + ", \"recurrent_connections\": [{\"src_region\": \"a\", \"dst_region\": \"b\"},"
        + " {\"src_region\": \"a\", \"dst_region\": \"b\"}]}", "c.json"),
        "recurrent_connections[1]", "duplicate of recurrent_connections[0] (a -> b)");
  }

  // ---- strict JSON ---------------------------------------------------------------------------

  @Test
  void jsonIsReadStrictly() {
    rejects(() -> MrnnConfig.parse(config(1, 1) + " {}", "c.json"), "line 2, column 51",
        "not valid JSON", "Trailing token");
    rejects(() -> MrnnConfig.parse("{\"model\": {}, \"model\": {}}", "c.json"), null,
        "Duplicate field 'model'");
    rejects(() -> MrnnConfig.parse("{\"model\": {\"dt\": NaN}}", "c.json"), null,
        "not valid JSON");
    rejects(() -> MrnnConfig.parse(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'},
        "c.json"), null, "not valid JSON");
    rejects(() -> MrnnConfig.parse("[".repeat(5000), "c.json"), null, "not valid JSON",
        "nesting depth");
    rejects(() -> MrnnConfig.parse(new byte[0], "c.json"), null,
        "a config must be a JSON object, got nothing");
  }

  // ---- model files ---------------------------------------------------------------------------

  private static String modelFile() {
    try (LeakyMRNN m = LeakyMRNN.builder().recurrentRegion("a", 2).inputRegion("u", 1)
        .recurrentConnection("a", "a").inputConnection("u", "a").build(backend)) {
      return ModelFiles.toJson(m).toString();
    }
  }

  @Test
  void modelFilesNameTheMatrixEntry() {
    String ok = modelFile();
    int at = ok.indexOf("\"W_rec\":[[") + "\"W_rec\":[[".length();
    String overflow = ok.substring(0, at) + "1e999," + ok.substring(ok.indexOf(',', at) + 1);
    rejects(() -> ModelFiles.parse(overflow.getBytes(StandardCharsets.UTF_8), "m.json", backend),
        "parameters.W_rec[0][0]",
        "expected a finite number, got a number beyond the range of a double");
    String extraRow = ok.replace("\"W_inp\":[", "\"W_inp\":[[0.5],");
    rejects(() -> ModelFiles.parse(extraRow.getBytes(StandardCharsets.UTF_8), "m.json", backend),
        "parameters.W_inp", "has 3 rows; the config needs [2, 1]");
    String version = ok.replace("\"version\":1", "\"version\":\"1\"");
    rejects(() -> ModelFiles.parse(version.getBytes(StandardCharsets.UTF_8), "m.json", backend),
        "version", "unsupported version \"1\"");
    String units = ok.replace("\"num_units\":2", "\"num_units\":-2");
    rejects(() -> ModelFiles.parse(units.getBytes(StandardCharsets.UTF_8), "m.json", backend),
        "config.recurrent_regions[0].num_units", "expected a positive integer");
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  /** A state dict for N = 2, I = 1 with W_rec = {@code wRec} (float64). */
  private static byte[] stateDict(double[] wRec, boolean duplicateKey) {
    Pickle p = new Pickle().beginStateDict();
    Archive a = new Archive("archive/");
    String[] keys = {"W_rec", "W_rec_mask", "W_rec_sign_matrix", "W_inp", "W_inp_mask",
        "W_inp_sign_matrix"};
    for (int k = 0; k < 6; k++) {
      int cols = k < 3 ? 2 : 1;
      double[] values = k == 0 ? wRec : k < 3 ? new double[] {1, 1, 1, 1} : new double[] {1, 1};
      p.tensor(duplicateKey && k == 5 ? "W_rec" : keys[k], "DoubleStorage", "" + k, 2L * cols,
          0, new long[] {2, cols}, new long[] {cols, 1});
      a.put("data/" + k, CheckpointFixtures.doubles(ByteOrder.LITTLE_ENDIAN, values));
    }
    return a.pickle(p.endStateDict()).bytes();
  }

  private static final ModelSpec SPEC = LeakyMRNN.builder().recurrentRegion("a", 2)
      .inputRegion("u", 1).spec();

  @Test
  void checkpointsNameNonFiniteWeightsAndDuplicateKeys() throws IOException {
    TorchCheckpoint ok = TorchCheckpoint.read(stateDict(new double[] {1, 2, 3, 4}, false), "ok");
    assertEquals(SPEC.numUnits(), CheckpointLoader.parameters(ok, SPEC, null).numUnits());
    TorchCheckpoint nan = TorchCheckpoint.read(
        stateDict(new double[] {1, 2, Double.NaN, 4}, false), "nan.pth");
    rejects(() -> CheckpointLoader.parameters(nan, SPEC, null), "W_rec",
        "nan.pth: W_rec: element [1, 0] is NaN; expected finite weights");
    rejects(() -> TorchCheckpoint.read(stateDict(new double[] {1, 2, 3, 4}, true), "dup.pth"),
        null, "the dict key 'W_rec' appears twice");
  }

  @Test
  void viewsCannotMaterialiseMoreThanTheBytesJustify() {
    byte[] four = CheckpointFixtures.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);
    // A broadcast view larger than its storage.
    byte[] broadcast = new Archive("archive/").pickle(new Pickle().beginStateDict()
        .tensor("w", "FloatStorage", "0", 4, 0, new long[] {1000, 4}, new long[] {0, 1})
        .endStateDict()).put("data/0", four).bytes();
    rejects(() -> TorchCheckpoint.read(broadcast, "b.pth"), "key 'w'", "4000 elements",
        "holds only 4 float32 elements", "no larger than its storage");
    // Many views of one storage, over a lowered budget.
    Pickle p = new Pickle().beginStateDict();
    for (int k = 0; k < 10; k++) {
      p.tensor("w" + k, "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1});
    }
    byte[] views = new Archive("archive/").pickle(p.endStateDict()).put("data/0", four).bytes();
    CheckpointLimits limits = new CheckpointLimits(100, 1L << 20, 1L << 20, 100, 1000, 1000, 20);
    rejects(() -> TorchCheckpoint.read(ByteSource.of(views), "v.pth", limits), "key 'w5'",
        "brings the tensors' elements to 24", "at most 20");
  }
}
