package org.mrnn4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/** The dynamics of both models against hand-computed values. */
class ModelDynamicsTest {
  private static final double EPS = 1e-14;
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** One unit, one input, relu, alpha = 0.5; raw W_rec = -0.5 so Dale's law makes it +0.5. */
  private static LeakyMRNN oneUnit() {
    ModelParameters p = ModelParameters.of(new double[][] {{-0.5}}, new double[][] {{1}},
        new double[][] {{1}}, new double[][] {{2}}, new double[][] {{1}}, new double[][] {{1}},
        DType.FLOAT64);
    return LeakyMRNN.builder().dt(1).tau(2)
        .recurrentRegion(RecurrentRegion.of("r", 1).baseFiring(0.1))
        .inputRegion("i", 1)
        .recurrentConnection("r", "r").inputConnection("i", "r")
        .parameters(p).build(backend);
  }

  @Test
  void oneUnitLeakyStepsByHand() {
    try (LeakyMRNN m = oneUnit(); TensorScope s = new TensorScope()) {
      assertEquals(0.5, m.alpha());
      assertArrayEquals(new double[] {0.5}, m.recurrentWeights().toArray(), 0.0);
      // x1 = 1 + 0.5 (-1 + 0.5 * relu(1) + 2 * 0.25 + 0.1) = 1.05
      Tensor x0 = s.track(backend.fromArray(new double[] {1}, 1, 1));
      Tensor u0 = s.track(backend.fromArray(new double[] {0.25}, 1, 1));
      LeakyMRNN.LeakyState s1 = m.step(x0, null, u0, null);
      s.track(s1.x());
      s.track(s1.h());
      assertArrayEquals(new double[] {1.05}, s1.x().toArray(), EPS);
      assertArrayEquals(new double[] {1.05}, s1.h().toArray(), EPS);
      // x2 = 1.05 + 0.5 (-1.05 + 0.525 - 2 + 0.1) = -0.1625, h2 = relu(x2) = 0
      Tensor u1 = s.track(backend.fromArray(new double[] {-1}, 1, 1));
      LeakyMRNN.LeakyState s2 = m.step(s1.x(), s1.h(), u1, null);
      s.track(s2.x());
      s.track(s2.h());
      assertArrayEquals(new double[] {-0.1625}, s2.x().toArray(), EPS);
      assertArrayEquals(new double[] {0.0}, s2.h().toArray(), 0.0);

      // the same two steps as a sequence, both layouts; xs and hs exclude the initial state
      Tensor seq = s.track(backend.fromArray(new double[] {0.25, -1}, 1, 2, 1));
      try (Trajectory t = m.simulate(seq, x0)) {
        assertArrayEquals(new int[] {1, 2, 1}, t.xs().shape());
        assertArrayEquals(new double[] {1.05, -0.1625}, t.xs().toArray(), EPS);
        assertArrayEquals(new double[] {1.05, 0.0}, t.hs().toArray(), EPS);
      }
      Tensor seqT = s.track(backend.fromArray(new double[] {0.25, -1}, 2, 1, 1));
      try (Trajectory t = m.simulate(Simulation.of(seqT).batchFirst(false).x0(x0))) {
        assertEquals(Layout.TIME_FIRST, t.layout());
        assertArrayEquals(new double[] {1.05, -0.1625}, t.xs().toArray(), EPS);
      }
      // an explicit h0 replaces act(x0): h0 = 0 gives x1 = 1 + 0.5 (-1 + 0 + 0.5 + 0.1) = 0.8
      Tensor h0 = s.track(backend.fromArray(new double[] {0}, 1, 1));
      try (Trajectory t = m.simulate(Simulation.of(seq).x0(x0).h0(h0))) {
        assertEquals(0.8, t.xs().toArray()[0], EPS);
      }
      // a stimulus enters scaled by alpha: x1 = 1.05 + 0.5 * 0.2
      Tensor stim = s.track(backend.fromArray(new double[] {0.2, 0}, 1, 2, 1));
      try (Trajectory t = m.simulate(Simulation.of(seq).x0(x0).stim(stim))) {
        assertEquals(1.15, t.xs().toArray()[0], EPS);
      }
      // unbatched step
      Tensor x = s.track(backend.fromArray(new double[] {1}, 1));
      Tensor u = s.track(backend.fromArray(new double[] {0.25}, 1));
      try (LeakyMRNN.LeakyState one = m.step(x, null, u, null)) {
        assertArrayEquals(new int[] {1}, one.x().shape());
        assertEquals(1.05, one.x().toArray()[0], EPS);
      }
    }
  }

  /** A two-region network of 7 units and 3 inputs, tonic input from base firing. */
  private static RecurrentModel sevenUnits(ModelBuilder<? extends RecurrentModel> b) {
    return b.activation("tanh").seed(5).recurrentConstrained(false).inputConstrained(false)
        .recurrentRegion(RecurrentRegion.of("a", 4).baseFiring(0.3))
        .recurrentRegion(RecurrentRegion.of("b", 3).baseFiring(-0.2))
        .inputRegion("u", 3)
        .recurrentConnection("a", "a").recurrentConnection("a", "b")
        .recurrentConnection("b", "a").recurrentConnection("b", "b")
        .inputConnection("u", "a").inputConnection("u", "b").build(backend);
  }

  private static double[] gaussian(Random r, int count) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  @Test
  void theProjectedStepIsTheStepProjected() {
    Random r = new Random(3);
    for (ModelBuilder<? extends RecurrentModel> b
        : java.util.List.of(ModelBuilder.leaky(), ModelBuilder.elman())) {
      try (RecurrentModel m = sevenUnits(b); TensorScope s = new TensorScope()) {
        int batch = 5;
        Tensor states = s.track(backend.fromArray(gaussian(r, batch * 7), batch, 7));
        Tensor inputs = s.track(backend.fromArray(gaussian(r, batch * 3), batch, 3));
        Tensor stim = s.track(backend.fromArray(gaussian(r, batch * 7), batch, 7));
        Tensor lesion = s.track(backend.fromArray(gaussian(r, 49), 7, 7));
        Tensor projection = s.track(backend.fromArray(gaussian(r, 2 * 7), 2, 7));
        double[][] p = projection.toMatrix();
        for (Tensor w : new Tensor[] {null, lesion}) {
          for (Tensor st : new Tensor[] {null, stim}) {
            double[][] next = s.track(w == null ? m.step(states, inputs, st)
                : m.stepWith(w, states, inputs, st)).toMatrix();
            double[][] got = s.track(m.projectedStep(projection, w, states, inputs, st))
                .toMatrix();
            for (int row = 0; row < batch; row++) {
              for (int k = 0; k < 2; k++) {
                double expected = 0;
                for (int i = 0; i < 7; i++) {
                  expected += p[k][i] * next[row][i];
                }
                assertEquals(expected, got[row][k], 1e-13, m.describe() + " row " + row
                    + ", component " + k + (w == null ? "" : ", lesioned")
                    + (st == null ? "" : ", stimulated"));
              }
            }
          }
        }
        Tensor wrong = s.track(backend.fromArray(new double[12], 2, 6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> m.projectedStep(wrong, null, states, inputs, null));
        assertTrue(e.getMessage().contains("[2, 6]") && e.getMessage().contains("7"),
            e.getMessage());
        Tensor badLesion = s.track(backend.fromArray(new double[36], 6, 6));
        e = assertThrows(IllegalArgumentException.class,
            () -> m.projectedStep(projection, badLesion, states, inputs, null));
        assertTrue(e.getMessage().contains("[6, 6]"), e.getMessage());
      }
    }
  }

  @Test
  void defaultInitialStateIsTheRegionsInitAndItsActivation() {
    try (LeakyMRNN m = LeakyMRNN.builder().dt(1).tau(2).activation(Activation.LINEAR)
            .recurrentRegion(RecurrentRegion.of("r", 1).init(2.0))
            .inputRegion("i", 1)
            .parameters(ModelParameters.of(new double[][] {{0}}, new double[][] {{0}},
                new double[][] {{0}}, new double[][] {{0}}, new double[][] {{0}},
                new double[][] {{0}}, DType.FLOAT64))
            .build(backend);
         Tensor u = backend.zeros(1, 1, 1);
         Trajectory t = m.simulate(Simulation.of(u))) {
      // no connections: x1 = 2 + 0.5 (-2) = 1
      assertEquals(1.0, t.xs().toArray()[0], EPS);
    }
  }

  /**
   * Two regions: a (pos) and b (neg), connections a->a, b->a, a->b, input i->a; raw weights
   * [[0.2, 0.3], [0.4, 9]] (9 is masked out), inputs [[0.5], [0.7]] (0.7 masked out).
   */
  private static ElmanMRNN twoRegionElman(boolean constrained) {
    double[][] mask = {{1, 1}, {1, 0}};
    double[][] sign = {{1, -1}, {1, 0}};
    ModelParameters p = ModelParameters.of(new double[][] {{0.2, 0.3}, {0.4, 9}}, mask, sign,
        new double[][] {{0.5}, {0.7}}, new double[][] {{1}, {0}}, new double[][] {{1}, {0}},
        DType.FLOAT64);
    return ElmanMRNN.builder().activation("tanh")
        .recurrentConstrained(constrained).inputConstrained(constrained)
        .recurrentRegion(RecurrentRegion.of("a", 1).baseFiring(0.1))
        .recurrentRegion(RecurrentRegion.of("b", 1).inhibitory().baseFiring(-0.2))
        .inputRegion("i", 1)
        .recurrentConnection("a", "a").recurrentConnection("b", "a").recurrentConnection("a", "b")
        .inputConnection("i", "a")
        .parameters(p).build(backend);
  }

  @Test
  void twoRegionElmanByHand() {
    try (ElmanMRNN m = twoRegionElman(true); TensorScope s = new TensorScope()) {
      assertArrayEquals(new double[] {0.2, -0.3, 0.4, 0}, m.recurrentWeights().toArray(), 0.0);
      assertArrayEquals(new double[] {0.5, 0}, m.inputWeights().toArray(), 0.0);
      assertArrayEquals(new double[] {0.1, -0.2}, m.tonicInput().toArray(), 0.0);
      Tensor h0 = s.track(backend.fromArray(new double[] {0.5, -0.5}, 1, 2));
      Tensor u = s.track(backend.fromArray(new double[] {1}, 1, 1));
      // z_a = 0.2 * 0.5 + (-0.3)(-0.5) + 0.5 * 1 + 0.1 = 0.85; z_b = 0.4 * 0.5 - 0.2 = 0
      Tensor h1 = s.track(m.step(h0, u, null));
      assertArrayEquals(new double[] {Math.tanh(0.85), 0.0}, h1.toArray(), EPS);
      Tensor stim = s.track(backend.fromArray(new double[] {0, 1}, 1, 2));
      Tensor h1s = s.track(m.step(h0, u, stim));
      assertArrayEquals(new double[] {Math.tanh(0.85), Math.tanh(1.0)}, h1s.toArray(), EPS);
      // a sequence: xs are the pre-activations, hs their tanh
      Tensor seq = s.track(backend.fromArray(new double[] {1, 0}, 1, 2, 1));
      try (Trajectory t = m.simulate(seq, h0)) {
        double a1 = Math.tanh(0.85);
        double za2 = 0.2 * a1 + 0.1;
        double zb2 = 0.4 * a1 - 0.2;
        assertArrayEquals(new double[] {0.85, 0, za2, zb2}, t.xs().toArray(), EPS);
        assertArrayEquals(new double[] {a1, 0, Math.tanh(za2), Math.tanh(zb2)},
            t.hs().toArray(), EPS);
      }
    }
    // without Dale's law the effective weights are W * mask: signs kept, masked entries zero
    try (ElmanMRNN m = twoRegionElman(false)) {
      assertArrayEquals(new double[] {0.2, 0.3, 0.4, 0}, m.recurrentWeights().toArray(), 0.0);
      assertArrayEquals(new double[] {0.5, 0}, m.inputWeights().toArray(), 0.0);
    }
  }

  @Test
  void elmanRejectsX0AndWrongShapesNamingThem() {
    try (ElmanMRNN m = twoRegionElman(true); TensorScope s = new TensorScope()) {
      Tensor seq = s.track(backend.zeros(1, 2, 1));
      Tensor x0 = s.track(backend.zeros(1, 2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.simulate(Simulation.of(seq).x0(x0)));
      assertTrue(e.getMessage().contains("h0"), e.getMessage());
      Tensor badInput = s.track(backend.zeros(1, 2, 3));
      e = assertThrows(IllegalArgumentException.class, () -> m.simulate(badInput, x0));
      assertTrue(e.getMessage().contains("input has shape [1, 2, 3]"), e.getMessage());
      assertTrue(e.getMessage().contains("I = 1"), e.getMessage());
      Tensor badH = s.track(backend.zeros(1, 3));
      Tensor u = s.track(backend.zeros(1, 1));
      e = assertThrows(IllegalArgumentException.class, () -> m.step(badH, u, null));
      assertTrue(e.getMessage().startsWith("h has shape [1, 3]"), e.getMessage());
    }
  }

  @Test
  void singleUnitWithSeveralInputsKeepsItsShapes() {
    // the reference squeezes away the unit axis in this case; here W_inp stays [1, 3]
    try (LeakyMRNN m = LeakyMRNN.builder().dt(1).tau(4)
            .recurrentRegion("r", 1).inputRegion("i", 3)
            .recurrentConnection("r", "r").inputConnection("i", "r").seed(3)
            .build(backend);
         TensorScope s = new TensorScope()) {
      assertArrayEquals(new int[] {1, 3}, m.inputWeights().shape());
      assertArrayEquals(new int[] {1, 1}, m.recurrentWeights().shape());
      Tensor p = s.track(m.projection("r", "i"));
      assertArrayEquals(new int[] {1, 3}, p.shape());
      Tensor x = s.track(backend.fromArray(new double[] {0.3, -0.2}, 2, 1));
      Tensor u = s.track(backend.fromArray(new double[] {1, 2, 3, -1, 0, 1}, 2, 3));
      LeakyMRNN.LeakyState next = m.step(x, null, u, null);
      s.track(next.x());
      s.track(next.h());
      assertArrayEquals(new int[] {2, 1}, next.x().shape());
      double[] w = m.inputWeights().toArray();
      double wr = m.recurrentWeights().toArray()[0];
      double x1 = 0.3 + 0.25 * (-0.3 + wr * 0.3 + w[0] + 2 * w[1] + 3 * w[2]);
      assertEquals(x1, next.x().toArray()[0], 1e-14);
    }
  }

  /** A linear Elman model with zero recurrent weights and identity-like input weights. */
  private static ElmanMRNN noiseProbe() {
    return ElmanMRNN.builder().activation(Activation.LINEAR).noiseLevels(0.3, 0.2)
        .recurrentRegion("r", 2).inputRegion("i", 2).inputConnection("i", "r")
        .parameters(ModelParameters.of(new double[2][2], new double[2][2], new double[2][2],
            new double[][] {{1, 0}, {0, 2}}, new double[][] {{1, 1}, {1, 1}},
            new double[][] {{1, 1}, {1, 1}}, DType.FLOAT64))
        .build(backend);
  }

  @Test
  void elmanNoiseFollowsTheDocumentedScalingAndSeed() {
    // mRNNTorch's Elman model cannot add noise (it has no alpha); here it uses alpha = 1:
    // h_t = W_inp (u_t + c_i n_i) + c_h n_h with c = sqrt(2 sigma^2), normals from Random(seed)
    try (ElmanMRNN m = noiseProbe(); TensorScope s = new TensorScope()) {
      int steps = 3;
      Tensor u = s.track(backend.zeros(1, steps, 2));
      Tensor h0 = s.track(backend.zeros(1, 2));
      double ch = Math.sqrt(2 * 0.3 * 0.3);
      double ci = Math.sqrt(2 * 0.2 * 0.2);
      Random r = new Random(42);
      double[] expected = new double[steps * 2];
      for (int t = 0; t < steps; t++) {
        double nh0 = r.nextGaussian();
        double nh1 = r.nextGaussian();
        double ni0 = r.nextGaussian();
        double ni1 = r.nextGaussian();
        expected[2 * t] = ci * ni0 + ch * nh0;
        expected[2 * t + 1] = 2 * ci * ni1 + ch * nh1;
      }
      try (Trajectory t = m.simulate(Simulation.of(u).h0(h0).noise(42))) {
        assertArrayEquals(expected, t.hs().toArray(), 1e-15);
      }
      try (Trajectory a = m.simulate(Simulation.of(u).h0(h0).noise(42));
           Trajectory b = m.simulate(Simulation.of(u).h0(h0).noise(43))) {
        assertArrayEquals(expected, a.hs().toArray(), 0.0);
        assertFalse(java.util.Arrays.equals(a.hs().toArray(), b.hs().toArray()));
      }
      try (Trajectory t = m.simulate(Simulation.of(u).h0(h0))) {
        assertArrayEquals(new double[steps * 2], t.hs().toArray(), 0.0);
      }
    }
  }

  @Test
  void leakyNoiseUsesTheReferenceScaling() {
    // one step from x0 = 0 with zero weights, linear: x1 = alpha (c_i n_i w + c_h n_h),
    // c = sqrt(2 alpha sigma^2) / alpha
    double alpha = 0.25;
    try (LeakyMRNN m = LeakyMRNN.builder().dt(1).tau(4).activation(Activation.LINEAR)
            .recurrentRegion("r", 1).inputRegion("i", 1).inputConnection("i", "r")
            .parameters(ModelParameters.of(new double[][] {{0}}, new double[][] {{0}},
                new double[][] {{0}}, new double[][] {{3}}, new double[][] {{1}},
                new double[][] {{1}}, DType.FLOAT64))
            .build(backend);
         Tensor u = backend.zeros(1, 1, 1);
         Tensor x0 = backend.zeros(1, 1);
         Trajectory t = m.simulate(Simulation.of(u).x0(x0).noise(0.5, 0.1, 7))) {
      Random r = new Random(7);
      double nh = r.nextGaussian();
      double ni = r.nextGaussian();
      double ch = Math.sqrt(2 * alpha * 0.25) / alpha;
      double ci = Math.sqrt(2 * alpha * 0.01) / alpha;
      assertEquals(alpha * (3 * ci * ni + ch * nh), t.xs().toArray()[0], 1e-15);
    }
  }

  @Test
  void batchedInitialConditionRepeatsInit() {
    try (ElmanMRNN m = twoRegionElman(true); Tensor b = m.batchedInitialCondition(3)) {
      assertArrayEquals(new int[] {3, 2}, b.shape());
    }
  }
}
