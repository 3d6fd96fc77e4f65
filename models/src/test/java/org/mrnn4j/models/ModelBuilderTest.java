package org.mrnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.io.MrnnConfig;

/** Building networks: initialisation, sparsity, seeds, spectral radius, and every bad input. */
class ModelBuilderTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static ModelBuilder<LeakyMRNN> excInh() {
    return LeakyMRNN.builder()
        .recurrentRegion(RecurrentRegion.of("exc", 10))
        .recurrentRegion(RecurrentRegion.of("inh", 4).inhibitory())
        .inputRegion("in", 3)
        .recurrentConnection("exc", "exc", 0.25)
        .recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc", 0.1)
        .inputConnection("in", "exc");
  }

  private static <T extends Throwable> String message(Class<T> type, Executable e) {
    return assertThrows(type, e::run).getMessage();
  }

  @FunctionalInterface
  private interface Executable {
    void run() throws Throwable;
  }

  @Test
  void sparsityZeroesCeilOfSparsityTimesRowsInEveryColumn() {
    try (LeakyMRNN m = excInh().seed(11).build(backend)) {
      double[][] mask = m.parameters().recurrentMask();
      // exc -> exc: 10 rows, sparsity 0.25 -> ceil(2.5) = 3 zeros per column
      for (int c = 0; c < 10; c++) {
        int zeros = 0;
        for (int r = 0; r < 10; r++) {
          zeros += mask[r][c] == 0 ? 1 : 0;
        }
        assertEquals(3, zeros, "column " + c + " of exc -> exc");
      }
      // inh -> exc: 10 rows, sparsity 0.1; 0.1 * 10 == 1.0 exactly in binary64: one zero
      for (int c = 10; c < 14; c++) {
        int zeros = 0;
        for (int r = 0; r < 10; r++) {
          zeros += mask[r][c] == 0 ? 1 : 0;
        }
        assertEquals(1, zeros, "column " + c + " of inh -> exc");
      }
      // exc -> inh is dense; inh -> inh is not connected: zero block in all three matrices
      double[][] sign = m.parameters().recurrentSign();
      double[][] w = m.parameters().recurrentWeights();
      for (int r = 10; r < 14; r++) {
        for (int c = 0; c < 10; c++) {
          assertEquals(1.0, mask[r][c]);
          assertEquals(1.0, sign[r][c]);
        }
        for (int c = 10; c < 14; c++) {
          assertEquals(0.0, mask[r][c]);
          assertEquals(0.0, sign[r][c]);
          assertEquals(0.0, w[r][c]);
        }
      }
      // the inhibitory columns carry sign -1 where connected
      assertEquals(-mask[0][12], sign[0][12]);
    }
  }

  @Test
  void sparsityUsesPytorchsFloatingPointCeil() {
    // 0.28 * 25 = 7.000000000000001 in binary64, so PyTorch zeroes ceil(...) = 8 per column
    try (LeakyMRNN m = LeakyMRNN.builder().recurrentRegion("r", 25).inputRegion("i", 1)
        .recurrentConnection("r", "r", 0.28).inputConnection("i", "r").build(backend)) {
      double[][] mask = m.parameters().recurrentMask();
      for (int c = 0; c < 25; c++) {
        int zeros = 0;
        for (int r = 0; r < 25; r++) {
          zeros += mask[r][c] == 0 ? 1 : 0;
        }
        assertEquals(8, zeros);
      }
    }
  }

  @Test
  void sameSeedSameNetworkOtherSeedOtherNetwork() {
    try (LeakyMRNN a = excInh().seed(5).build(backend);
         LeakyMRNN b = excInh().seed(5).build(backend);
         LeakyMRNN c = excInh().seed(6).build(backend)) {
      assertEquals(a.parameters(), b.parameters());
      assertArrayEquals(a.recurrentWeights().toArray(), b.recurrentWeights().toArray(), 0.0);
      assertNotEquals(a.parameters(), c.parameters());
    }
  }

  @Test
  void defaultInitialisationFollowsTheDesign() {
    try (LeakyMRNN m = excInh().seed(1).build(backend)) {
      double bound = Math.sqrt(1.0 / (2 * 14));
      for (double[] row : m.parameters().recurrentWeights()) {
        for (double v : row) {
          assertTrue(v >= 0 && v < bound, "constrained recurrent weight " + v);
        }
      }
      double inBound = Math.sqrt(1.0 / (14 + 3));
      double[][] w = m.parameters().inputWeights();
      for (int r = 0; r < 10; r++) {
        for (double v : w[r]) {
          assertTrue(v >= 0 && v < inBound, "constrained input weight " + v);
        }
      }
      // Dale's law: the effective columns of exc are >= 0, of inh <= 0
      double[][] eff = m.recurrentWeights().toMatrix();
      for (double[] row : eff) {
        for (int c = 0; c < 14; c++) {
          assertTrue(c < 10 ? row[c] >= 0 : row[c] <= 0);
        }
      }
    }
    // unconstrained: Xavier normal per block, std sqrt(2 / (rows + cols)); check the spread
    try (ElmanMRNN m = ElmanMRNN.builder().recurrentConstrained(false).seed(2)
        .recurrentRegion("r", 60).inputRegion("i", 1).recurrentConnection("r", "r")
        .inputConnection("i", "r").build(backend)) {
      double sum2 = 0;
      boolean negative = false;
      for (double[] row : m.parameters().recurrentWeights()) {
        for (double v : row) {
          sum2 += v * v;
          negative |= v < 0;
        }
      }
      double std = Math.sqrt(sum2 / 3600);
      assertEquals(Math.sqrt(2.0 / 120), std, 0.1 * Math.sqrt(2.0 / 120));
      assertTrue(negative);
    }
  }

  @Test
  void spectralRadiusRescalesTheEffectiveMatrix() {
    // all-excitatory dense: the effective matrix is positive, so its spectral radius is the
    // Perron root, which power iteration finds independently of the eigen kernel
    try (LeakyMRNN m = LeakyMRNN.builder().spectralRadius(0.9).seed(3)
        .recurrentRegion("a", 6).recurrentRegion("b", 5).inputRegion("i", 2)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("i", "a").build(backend)) {
      double[][] w = m.recurrentWeights().toMatrix();
      double[] v = new double[11];
      java.util.Arrays.fill(v, 1.0);
      double lambda = 0;
      for (int it = 0; it < 500; it++) {
        double[] next = new double[11];
        for (int r = 0; r < 11; r++) {
          for (int c = 0; c < 11; c++) {
            next[r] += w[r][c] * v[c];
          }
        }
        double norm = 0;
        for (double x : next) {
          norm = Math.max(norm, Math.abs(x));
        }
        lambda = norm;
        for (int r = 0; r < 11; r++) {
          v[r] = next[r] / norm;
        }
      }
      assertEquals(0.9, lambda, 1e-12);
    }
  }

  @Test
  void spectralRadiusOfANilpotentOrZeroMatrixIsAClearError() {
    // a -> b only: strictly block-triangular, nilpotent; the reference divides by zero (NaN)
    String msg = message(IllegalStateException.class, () -> LeakyMRNN.builder()
        .spectralRadius(1.5).recurrentRegion("a", 3).recurrentRegion("b", 2)
        .inputRegion("i", 1).recurrentConnection("a", "b").inputConnection("i", "a")
        .build(backend));
    assertTrue(msg.contains("spectral radius 1.5") && msg.contains("nilpotent"), msg);
    msg = message(IllegalStateException.class, () -> ElmanMRNN.builder().spectralRadius(1)
        .recurrentRegion("a", 3).inputRegion("i", 1).inputConnection("i", "a").build(backend));
    assertTrue(msg.contains("zero"), msg);
    message(IllegalArgumentException.class, () -> LeakyMRNN.builder().spectralRadius(0));
  }

  @Test
  void badInputsFailNamingWhatWasWrong() {
    String msg = message(IllegalArgumentException.class,
        () -> excInh().recurrentConnection("exc", "thalamus"));
    assertTrue(msg.contains("exc -> thalamus") && msg.contains("'thalamus'")
        && msg.contains("[exc, inh]"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh().recurrentConnection("exc", "exc"));
    assertTrue(msg.contains("duplicate recurrent connection exc -> exc"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh().inputConnection("in", "exc"));
    assertTrue(msg.contains("duplicate input connection in -> exc"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh().recurrentConnection("in", "exc"));
    assertTrue(msg.contains("'in' is an input region"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh().inputConnection("exc", "inh"));
    assertTrue(msg.contains("'exc' is a recurrent region"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh().recurrentRegion("in", 2));
    assertTrue(msg.contains("duplicate region 'in'"), msg);
    msg = message(IllegalArgumentException.class, () -> RecurrentRegion.of("x", 0));
    assertTrue(msg.contains("'x'") && msg.contains("at least 1 unit"), msg);
    msg = message(IllegalArgumentException.class, () -> new Connection("a", "b", 1.5));
    assertTrue(msg.contains("a -> b") && msg.contains("sparsity"), msg);
    msg = message(IllegalStateException.class, () -> ElmanMRNN.builder().dt(1));
    assertTrue(msg.contains("dt applies to the leaky model"), msg);
    msg = message(IllegalArgumentException.class,
        () -> LeakyMRNN.builder().recurrentRegion("r", 1).build(backend));
    assertTrue(msg.contains("no input region"), msg);
    msg = message(IllegalArgumentException.class, () -> excInh()
        .recurrentRegion(RecurrentRegion.of("x", 1).parent("exc")).build(backend));
    assertTrue(msg.contains("parent 'exc'"), msg);

    // a connection after build (mRNNTorch: after finalize) is refused, naming it
    ModelBuilder<LeakyMRNN> b = excInh();
    b.build(backend).close();
    msg = message(IllegalStateException.class, () -> b.recurrentConnection("inh", "inh"));
    assertTrue(msg.contains("inh -> inh") && msg.contains("finalized"), msg);
    msg = message(IllegalStateException.class, () -> b.build(backend));
    assertTrue(msg.contains("already built"), msg);
  }

  @Test
  void parametersOfTheWrongShapeAreRejectedWithBothShapes() {
    ModelParameters p = ModelParameters.of(new double[2][2], new double[2][2], new double[2][2],
        new double[2][1], new double[2][1], new double[2][1], org.mrnn4j.core.DType.FLOAT64);
    String msg = message(IllegalArgumentException.class,
        () -> excInh().parameters(p).build(backend));
    assertTrue(msg.contains("[2, 2]") && msg.contains("[14, 14]") && msg.contains("[14, 3]"), msg);
    msg = message(IllegalArgumentException.class, () -> ModelParameters.of(new double[2][2],
        new double[2][3], new double[2][2], new double[2][1], new double[2][1], new double[2][1],
        org.mrnn4j.core.DType.FLOAT64));
    assertTrue(msg.contains("W_rec_mask has shape [2, 3], expected [2, 2]"), msg);
  }

  @Test
  void configFirstThenMoreInCode() throws Exception {
    MrnnConfig cfg = MrnnConfig.parse("""
        {"__comment": ["regions first"],
         "recurrent_regions": [{"name": "a", "num_units": 2, "base_firing": 0.5},
                               {"name": "b", "num_units": 3, "sign": "neg", "init": 1,
                                "parent_region": "fam"}],
         "input_regions": [{"name": "i", "num_units": 1}],
         "recurrent_connections": [{"src_region": "a", "dst_region": "b", "sparsity": null}],
         "input_connections": [{"src_region": "i", "dst_region": "a"}]}
        """, "inline");
    try (RecurrentModel m = cfg.builder()
        .recurrentRegion(RecurrentRegion.of("c", 1).parent("fam"))
        .recurrentConnection("c", "a").recurrentConnection("b", "c")
        .build(backend)) {
      assertEquals(ModelKind.LEAKY, m.kind());
      assertEquals(6, m.numUnits());
      assertEquals(java.util.List.of("b", "c"), m.layout().childRegions("fam"));
      // baseline firing and init come from the config
      assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0, 0}, m.tonicInput().toArray(), 0.0);
      assertArrayEquals(new double[] {0, 0, 1, 1, 1, 0}, m.initialCondition().toArray(), 0.0);
      double[][] mask = m.parameters().recurrentMask();
      assertEquals(1.0, mask[2][0]); // a -> b
      assertEquals(1.0, mask[0][5]); // c -> a
      assertEquals(1.0, mask[5][2]); // b -> c
      assertEquals(0.0, mask[0][0]); // a -> a: not connected
      assertFalse(m.spec().recurrentConnections().isEmpty());
    }
  }
}
