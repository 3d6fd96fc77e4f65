package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;

/** Loading PyTorch state dicts into models: the real checkpoints, and every way one can misfit. */
class CheckpointLoaderTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  // ------------------------------------------------------------------ the real checkpoints

  @Test
  void flipFlopElmanLoadsWithDalesLaw() throws IOException {
    Path dir = ConformanceData.checkpoints();
    TorchCheckpoint cp = TorchCheckpoint.read(dir.resolve("flip_flop_rnn_elman.pth"));
    try (RecurrentModel m = CheckpointLoader.load(dir.resolve("flip_flop_rnn_elman.pth"),
        dir.resolve("flip_flop_rnn_elman.json"), backend)) {
      assertTrue(m instanceof ElmanMRNN);
      assertEquals(Activation.TANH, m.activation());
      assertEquals(30, m.numUnits());
      assertEquals(3, m.numInputs());
      double[] w = cp.tensor("rnn.W_rec").data();
      double[] mask = cp.tensor("rnn.W_rec_mask").data();
      double[] sign = cp.tensor("rnn.W_rec_sign_matrix").data();
      double[] eff = m.recurrentWeights().toArray();
      for (int k = 0; k < eff.length; k++) {
        assertEquals(mask[k] * Math.abs(w[k]) * sign[k], eff[k], 0.0);
        int column = k % 30;
        assertTrue(column < 21 ? eff[k] >= 0 : eff[k] <= 0, "Dale's law at " + k);
      }
      // inputs unconstrained: W_inp * mask
      double[] wi = cp.tensor("rnn.W_inp").data();
      double[] mi = cp.tensor("rnn.W_inp_mask").data();
      double[] effIn = m.inputWeights().toArray();
      for (int k = 0; k < effIn.length; k++) {
        assertEquals(wi[k] * mi[k], effIn[k], 0.0);
      }
    }
  }

  // ------------------------------------------------------------------ misfits

  /** A float64 state dict with the given tensors (shape, values row-major). */
  private static byte[] stateDict(Map<String, double[][]> tensors) {
    Pickle p = new Pickle().beginStateDict();
    Archive a = new Archive("archive/");
    int k = 0;
    for (Map.Entry<String, double[][]> e : tensors.entrySet()) {
      double[][] m = e.getValue();
      int rows = m.length;
      int cols = m[0].length;
      p.tensor(e.getKey(), "DoubleStorage", String.valueOf(k), (long) rows * cols, 0,
          new long[] {rows, cols}, new long[] {cols, 1});
      a.put("data/" + k, CheckpointFixtures.doubles(ByteOrder.LITTLE_ENDIAN, Tol.flat(m)));
      k++;
    }
    return a.pickle(p.endStateDict()).bytes();
  }

  private static Map<String, double[][]> valid(String prefix, int n, int i) {
    Map<String, double[][]> t = new LinkedHashMap<>();
    t.put(prefix + "W_rec", filled(n, n, 0.5));
    t.put(prefix + "W_rec_mask", filled(n, n, 1));
    t.put(prefix + "W_rec_sign_matrix", filled(n, n, 1));
    t.put(prefix + "W_inp", filled(n, i, 0.25));
    t.put(prefix + "W_inp_mask", filled(n, i, 1));
    t.put(prefix + "W_inp_sign_matrix", filled(n, i, 1));
    return t;
  }

  private static double[][] filled(int rows, int cols, double v) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      java.util.Arrays.fill(row, v);
    }
    return m;
  }

  private static ModelBuilder<LeakyMRNN> twoUnits() {
    return LeakyMRNN.builder().recurrentRegion("r", 2).inputRegion("i", 1)
        .recurrentConnection("r", "r").inputConnection("i", "r");
  }

  @Test
  void prefixedCheckpointWithExtraKeysLoads(@TempDir Path tmp) throws IOException {
    Map<String, double[][]> t = valid("model.rnn.", 2, 1);
    t.put("out_layer.weight", filled(3, 2, 1));
    Path file = Files.write(tmp.resolve("ok.pth"), stateDict(t));
    try (LeakyMRNN m = CheckpointLoader.load(file, twoUnits(), backend)) {
      assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, m.recurrentWeights().toArray(), 0.0);
      assertArrayEquals(new double[] {0.25, 0.25}, m.inputWeights().toArray(), 0.0);
    }
  }

  @Test
  void wrongShapeNamesTheKeyAndBothShapes(@TempDir Path tmp) throws IOException {
    Map<String, double[][]> t = valid("", 2, 1);
    t.put("W_inp", filled(2, 4, 0.1));
    Path file = Files.write(tmp.resolve("shape.pth"), stateDict(t));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> CheckpointLoader.load(file, twoUnits(), backend));
    assertEquals("W_inp", e.location());
    assertTrue(e.getMessage().contains("shape.pth")
        && e.getMessage().contains("has shape [2, 4], but the config needs [2, 1]"),
        e.getMessage());
  }

  @Test
  void missingKeyIsNamed(@TempDir Path tmp) throws IOException {
    Map<String, double[][]> t = valid("rnn.", 2, 1);
    t.remove("rnn.W_rec_sign_matrix");
    Path file = Files.write(tmp.resolve("missing.pth"), stateDict(t));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> CheckpointLoader.load(file, twoUnits(), backend));
    assertEquals("rnn.W_rec_sign_matrix", e.location());
    assertTrue(e.getMessage().contains("missing; the checkpoint holds [rnn.W_rec"), e.getMessage());
  }

  @Test
  void notAnMrnnOrSeveralMrnnsAreExplained(@TempDir Path tmp) throws IOException {
    Map<String, double[][]> none = new LinkedHashMap<>();
    none.put("weight", filled(2, 2, 1));
    Path file = Files.write(tmp.resolve("linear.pth"), stateDict(none));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> CheckpointLoader.load(file, twoUnits(), backend));
    assertTrue(e.getMessage().contains("not an mRNNTorch state dict"), e.getMessage());

    Map<String, double[][]> two = valid("a.", 2, 1);
    two.putAll(valid("b.", 2, 1));
    Path file2 = Files.write(tmp.resolve("two.pth"), stateDict(two));
    e = assertThrows(ModelFormatException.class,
        () -> CheckpointLoader.load(file2, twoUnits(), backend));
    assertTrue(e.getMessage().contains("prefixes [a., b.]"), e.getMessage());
    // naming the prefix resolves it
    ModelParameters p = CheckpointLoader.parameters(TorchCheckpoint.read(file2),
        twoUnits().spec(), "b.");
    assertEquals(2, p.numUnits());
  }

  @Test
  void hostilePickleIsRefusedBeforeAnythingIsBuilt(@TempDir Path tmp) throws IOException {
    Pickle evil = new Pickle().proto(2).global("os", "system").string("touch /tmp/pwned")
        .op(0x85).reduce().stop();
    Path file = Files.write(tmp.resolve("evil.pth"), new Archive("archive/").pickle(evil).bytes());
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> CheckpointLoader.load(file, twoUnits(), backend));
    assertTrue(e.getMessage().contains("os.system"), e.getMessage());
    assertTrue(e.getMessage().contains("evil.pth"), e.getMessage());
  }

  /** Small array helpers. */
  static final class Tol {
    static double[] flat(double[][] m) {
      return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
  }
}
