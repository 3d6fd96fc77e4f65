package org.mrnn4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;

/**
 * NaN and infinity at the API: rejected where they enter (builder, parameters, simulate), with
 * the argument and the first bad index named; propagated row by row by step(), as documented.
 * Shape mismatches name both shapes.
 */
class NumericalInputTest {
  private static Backend backend;
  private static LeakyMRNN leaky;
  private static ElmanMRNN elman;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
    leaky = LeakyMRNN.builder().activation(Activation.TANH).dt(1).tau(2).seed(5)
        .recurrentRegion("a", 2).recurrentRegion("b", 1, Sign.NEG).inputRegion("u", 2)
        .recurrentConnection("a", "b").recurrentConnection("b", "a").recurrentConnection("a", "a")
        .inputConnection("u", "a").build(backend);
    elman = ElmanMRNN.builder().activation(Activation.TANH).seed(5)
        .recurrentRegion("a", 3).inputRegion("u", 2).recurrentConnection("a", "a")
        .inputConnection("u", "a").build(backend);
  }

  @AfterAll
  static void close() {
    leaky.close();
    elman.close();
    backend.close();
  }

  private static IllegalArgumentException rejects(Runnable r, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "lacks '" + f + "': " + e.getMessage());
    }
    return e;
  }

  // ---- builder and parameters ----------------------------------------------------------------

  @Test
  void nonFiniteParametersAreNamedWithTheirIndex() {
    double[][] w = {{0, 1}, {2, 3}};
    double[][] bad = {{0, 1}, {2, Double.NaN}};
    double[][] u = {{1}, {1}};
    rejects(() -> ModelParameters.of(bad, w, w, u, u, u, DType.FLOAT64), "W_rec[1][1]",
        "not finite: NaN");
    double[][] inf = {{Double.NEGATIVE_INFINITY}, {1}};
    rejects(() -> ModelParameters.of(w, w, w, u, u, inf, DType.FLOAT64), "W_inp_sign_matrix[0][0]",
        "-Infinity");
  }

  @Test
  void nonFiniteOptionsAndRegionValuesAreNamed() {
    rejects(() -> LeakyMRNN.builder().dt(Double.NaN), "dt must be positive and finite, got NaN");
    rejects(() -> LeakyMRNN.builder().tau(Double.POSITIVE_INFINITY), "tau", "Infinity");
    rejects(() -> LeakyMRNN.builder().spectralRadius(Double.POSITIVE_INFINITY), "spectral radius");
    rejects(() -> LeakyMRNN.builder().noiseLevels(Double.NaN, 0), "noise levels", "NaN");
    rejects(() -> RecurrentRegion.of("r", 2).baseFiring(Double.NaN), "recurrent region 'r'",
        "base_firing");
    rejects(() -> RecurrentRegion.of("r", 2).init(Double.NEGATIVE_INFINITY), "'r'", "init");
    rejects(() -> new Connection("a", "b", Double.NaN), "a -> b", "sparsity");
  }

  // ---- simulate: checked once per call -------------------------------------------------------

  @Test
  void simulateNamesTheFirstNonFiniteInput() {
    double[] values = new double[2 * 3 * 2];
    values[7] = Double.NaN; // [1, 0, 1] in [B = 2, T = 3, I = 2]
    values[9] = Double.POSITIVE_INFINITY;
    try (Tensor u = backend.fromArray(values, 2, 3, 2)) {
      rejects(() -> leaky.simulate(Simulation.of(u)).close(), "input[1, 0, 1] is NaN",
          "shape [2, 3, 2]");
      rejects(() -> elman.simulate(Simulation.of(u)).close(), "input[1, 0, 1] is NaN");
    }
  }

  @Test
  void simulateNamesNonFiniteInitialStatesAndStimuli() {
    try (Tensor u = backend.zeros(2, 3, 2);
         Tensor x0 = backend.fromArray(new double[] {0, 0, 0, 0, 0, Double.POSITIVE_INFINITY}, 2, 3);
         Tensor h0 = backend.fromArray(new double[] {0, Double.NaN, 0}, 3);
         Tensor stim = backend.fromArray(stimWithNaN(), 2, 3, 3)) {
      rejects(() -> leaky.simulate(Simulation.of(u).x0(x0)).close(), "x0[1, 2] is Infinity");
      rejects(() -> leaky.simulate(Simulation.of(u).h0(h0)).close(), "h0[1] is NaN");
      rejects(() -> elman.simulate(Simulation.of(u).h0(h0)).close(), "h0[1] is NaN");
      rejects(() -> leaky.simulate(Simulation.of(u).stim(stim)).close(), "stim[0, 2, 1] is NaN");
    }
  }

  private static double[] stimWithNaN() {
    double[] s = new double[2 * 3 * 3];
    s[2 * 3 + 1] = Double.NaN; // [0, 2, 1]
    return s;
  }

  // ---- step: propagation, documented ---------------------------------------------------------

  @Test
  void stepPropagatesNonFiniteValuesRowByRow() {
    double[] clean = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6};
    double[] dirty = clean.clone();
    dirty[1] = Double.NaN; // row 0 only
    double[] input = {1, 0, 0.5, -1};
    try (Tensor xc = backend.fromArray(clean, 2, 3);
         Tensor xd = backend.fromArray(dirty, 2, 3);
         Tensor u = backend.fromArray(input, 2, 2);
         LeakyMRNN.LeakyState c = leaky.step(xc, null, u, null);
         LeakyMRNN.LeakyState d = leaky.step(xd, null, u, null)) {
      double[] hc = c.h().toArray();
      double[] hd = d.h().toArray();
      for (int k = 0; k < 3; k++) {
        // row 0 is poisoned wherever W_rec reads the NaN unit (and at the unit itself) ...
        assertTrue(Double.isNaN(hd[k]) || hd[k] == hc[k], "row 0, unit " + k);
        // ... row 1 is exactly the clean result
        assertEquals(hc[3 + k], hd[3 + k], 0.0, "row 1, unit " + k);
      }
      assertTrue(Double.isNaN(hd[1]), "the NaN unit itself");
    }
    try (Tensor h = backend.fromArray(new double[] {0, Double.POSITIVE_INFINITY, 0, 0.1, 0.2, 0.3},
        2, 3);
         Tensor u = backend.fromArray(input, 2, 2);
         Tensor next = elman.step(h, u, null);
         Tensor h1 = backend.fromArray(new double[] {0.1, 0.2, 0.3}, 1, 3);
         Tensor u1 = backend.fromArray(new double[] {0.5, -1}, 1, 2);
         Tensor ref = elman.step(h1, u1, null)) {
      double[] out = next.toArray();
      double[] expected = ref.toArray();
      for (int k = 0; k < 3; k++) {
        assertEquals(expected[k], out[3 + k], 0.0, "row 1, unit " + k);
      }
    }
  }

  // ---- shapes --------------------------------------------------------------------------------

  @Test
  void shapeMismatchesNameBothShapes() {
    try (Tensor x = backend.zeros(2, 3);
         Tensor u = backend.zeros(2, 3);
         Tensor seq = backend.zeros(2, 4, 2);
         Tensor x0 = backend.zeros(3, 3)) {
      rejects(() -> leaky.step(x, null, u, null).close(), "input has shape [2, 3]",
          "expected [2, 2]");
      rejects(() -> elman.step(x, u, null).close(), "input has shape [2, 3]", "expected [2, 2]");
      rejects(() -> leaky.simulate(Simulation.of(seq).x0(x0)).close(), "x0 has shape [3, 3]",
          "expected [2, 3]");
      rejects(() -> leaky.simulate(Simulation.of(x0)).close(), "input has shape [3, 3]",
          "[B, T, I]");
    }
  }
}
