package org.mrnn4j.analysis.fixedpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.fixedpoints.TestSystems.Form;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.TorchCheckpoint;

/**
 * The trained 3-bit flip-flop networks of the reference (conformance checkpoints), at zero input.
 */
class FlipFlopFixedPointsTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** The default sampling of the command line: 64 trajectories of 50 steps, 256 starts. */
  static List<double[]> starts(FixedPointSystem sys, long seed) {
    Random rng = new Random(seed);
    List<double[]> visited = StartSampler.flatten(StartSampler.simulate(sys, 64, 50, 1.0, rng));
    return StartSampler.sample(visited, 256, 0.5, rng);
  }

  private static RecurrentModel load(String name) throws Exception {
    Path dir = ConformanceData.checkpoints();
    return CheckpointLoader.load(dir.resolve(name + ".pth"), dir.resolve(name + ".json"), backend);
  }

  private static double maxNorm(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  private static FixedPoint nearest(List<FixedPoint> fps, double[] x) {
    FixedPoint best = null;
    for (FixedPoint p : fps) {
      if (best == null || distance(p.state(), x) < distance(best.state(), x)) {
        best = p;
      }
    }
    return best;
  }

  /**
   * The acceptance case: {@code real-flipflop-leaky-tanh} at zero input, the default
   * sampling of the command line (256 starts).
   *
   * <p>What we find: 27 distinct fixed points, 8 stable and 19 with unstable modes, every one with
   * {@code q < 1e-20} in float64 (the reference stopped its gradient descent near 1e-14 at best).
   *
   * <p>What the reference lists, and why the check is split in two: its {@code unique} list has
   * 27 entries, but they are not 27 distinct fixed points. Its search stopped early on some: five
   * entries have {@code qstar} from 9e-10 to 6e-8 and lie 2e-3 to 1.8e-2 (Euclidean; 1.1e-3 to
   * 9.9e-3 in the max-norm) from the exact fixed point they approximate, too far to be merged
   * with the other entries near that point. Started from, its 27 entries lead to only 19 distinct
   * fixed points, all among our 27. Hence the assertions:
   *
   * <ol>
   *   <li>every entry with {@code qstar <= 5e-10} (22 of the 27) lies within 1e-3 (Euclidean) of
   *       one of our points, with the same number of unstable modes;
   *   <li>every other entry (the five inaccurate ones) converges, when our solver starts from it,
   *       to one of our points (within 1e-9), which has the entry's number of unstable modes;
   *   <li>the 27 entries lead to 19 distinct points of ours; we find 27: 8 stable, 19 with
   *       unstable modes.
   * </ol>
   */
  @Test
  void leakyCheckpointMatchesTheReferenceFixedPoints() throws Exception {
    FlipFlopCase ref = FlipFlopCase.load();
    try (RecurrentModel model = load("flip_flop_rnn_leaky")) {
      FixedPointSystem sys = FixedPointSystems.of(model, Form.LEAKY_X.coordinates(), ref.input, List.of(), null);
      FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts(sys, 0));
      List<FixedPoint> fps = search.fixedPoints();
      long stable = search.stableCount();

      int accurate = 0;
      int inaccurate = 0;
      Set<Integer> reached = new HashSet<>();
      for (int k = 0; k < ref.fixedPoints.size(); k++) {
        FlipFlopCase.Reference r = ref.fixedPoints.get(k);
        if (r.qstar() <= 5e-10) {
          accurate++;
          FixedPoint p = nearest(fps, r.xstar());
          double d = distance(p.state(), r.xstar());
          assertTrue(d <= 1e-3, "entry " + k + " (q " + r.qstar() + ") is " + d + " from ours");
          assertEquals(r.unstable(), p.unstableModes(), "entry " + k + " unstable modes");
        } else {
          inaccurate++;
        }
        StartRecord from = LevenbergMarquardt.solve(sys, r.xstar(), -1,
            FixedPointOptions.defaults());
        assertTrue(from.converged(), "entry " + k + " converges");
        FixedPoint p = nearest(fps, from.fin());
        assertTrue(distance(p.state(), from.fin()) < 1e-9, "entry " + k + " leads to ours");
        assertEquals(r.unstable(), p.unstableModes(), "entry " + k + " unstable modes");
        reached.add(fps.indexOf(p));
        if (r.qstar() > 5e-10) {
          System.out.printf(Locale.ROOT, "  reference entry %2d: q %.1e, %.2e from the fixed point"
              + " it converges to (%d unstable)%n", k, r.qstar(), distance(from.fin(), r.xstar()),
              p.unstableModes());
        }
      }
      System.out.printf(Locale.ROOT, "flip-flop (leaky): %d fixed points found, %d stable, %d with"
              + " unstable modes, max q %.2e; the reference's %d entries (%d with q <= 5e-10) lead"
              + " to %d of them%n", fps.size(), stable, fps.size() - stable, search.maxQ(),
          ref.fixedPoints.size(), accurate, reached.size());
      assertEquals(22, accurate);
      assertEquals(5, inaccurate);
      assertEquals(19, reached.size());
      assertTrue(search.maxQ() < 1e-20, "max q " + search.maxQ());
      assertTrue(search.slowPoints().isEmpty());
      assertEquals(27, fps.size());
      assertEquals(8, stable);
      assertEquals(19, fps.size() - stable);
      assertEquals(search.starts().size(), search.count(StartStatus.CONVERGED));
    }
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  /** The reference's eigenvalues (float32) at its most accurate entries agree with ours. */
  @Test
  void eigenvaluesAgreeWithTheReferenceAtItsAccurateEntries() throws Exception {
    FlipFlopCase ref = FlipFlopCase.load();
    FixedPointSystem sys = ref.system(Form.LEAKY_X);
    FixedPointFinder finder = new FixedPointFinder(backend);
    for (FlipFlopCase.Reference r : ref.fixedPoints) {
      if (r.qstar() > 1e-13) {
        continue;
      }
      StartRecord rec = LevenbergMarquardt.solve(sys, r.xstar(), 0, FixedPointOptions.defaults());
      FixedPoint p = finder.analyse(sys, rec.fin());
      boolean[] used = new boolean[p.eigen().size()];
      for (int i = 0; i < r.eigReal().length; i++) {
        int match = -1;
        for (int j = 0; j < used.length; j++) {
          if (!used[j] && Math.hypot(p.eigen().real(j) - r.eigReal()[i],
              p.eigen().imag(j) - r.eigImag()[i]) < 1e-4) {
            match = j;
            break;
          }
        }
        assertTrue(match >= 0, "eigenvalue " + r.eigReal()[i] + " + " + r.eigImag()[i] + "i");
        used[match] = true;
      }
    }
  }

  /** In h the same points: h* = tanh(x*), the same stability (the Jacobians are similar). */
  @Test
  void leakyInActivationFindsTheSamePoints() throws Exception {
    try (RecurrentModel model = load("flip_flop_rnn_leaky")) {
      FixedPointSystem sx = FixedPointSystems.of(model, Form.LEAKY_X.coordinates(), null, List.of(), null);
      FixedPointSystem sh = FixedPointSystems.of(model, Form.LEAKY_H.coordinates(), null, List.of(), null);
      FixedPointFinder finder = new FixedPointFinder(backend);
      List<FixedPoint> inX = finder.find(sx, starts(sx, 0)).fixedPoints();
      List<FixedPoint> inH = finder.find(sh, starts(sh, 0)).fixedPoints();
      assertEquals(inX.size(), inH.size());
      for (FixedPoint px : inX) {
        double[] h = new double[px.state().length];
        for (int i = 0; i < h.length; i++) {
          h[i] = Math.tanh(px.state()[i]);
        }
        FixedPoint ph = nearest(inH, h);
        assertTrue(maxNorm(ph.state(), h) < 1e-12);
        assertEquals(px.unstableModes(), ph.unstableModes());
        assertEquals(px.spectralRadius(), ph.spectralRadius(), 1e-12);
        assertTrue(ph.q() < 1e-20);
      }
    }
  }

  /**
   * A region subset: with the inhibitory units held at a stable fixed point's values, the search
   * over the excitatory units finds that point's excitatory part (it solves the same equations).
   */
  @Test
  void regionSubsetWithHeldValuesFindsTheRestrictionOfAFullFixedPoint() throws Exception {
    try (RecurrentModel model = load("flip_flop_rnn_leaky")) {
      FixedPointSystem full = FixedPointSystems.of(model, Form.LEAKY_X.coordinates(), null, List.of(), null);
      FixedPointFinder finder = new FixedPointFinder(backend);
      FixedPoint stable = finder.find(full, starts(full, 1)).fixedPoints().get(0);
      assertTrue(stable.stability().isStable());
      FixedPointSystem exc = FixedPointSystems.of(model, Form.LEAKY_X.coordinates(), null, List.of("exc"),
          stable.state());
      assertEquals(21, exc.dimension());
      FixedPointSearch search = finder.find(exc, starts(exc, 2));
      double[] expected = java.util.Arrays.copyOf(stable.state(), 21);
      FixedPoint p = nearest(search.fixedPoints(), expected);
      assertTrue(maxNorm(p.state(), expected) < 1e-12);
      assertTrue(maxNorm(p.fullState(), stable.state()) < 1e-12);
      assertTrue(p.q() < 1e-20);
    }
  }

  /**
   * The Jacobians and eigenvalues reported at the fixed points are those of the analysis module's
   * linearization at the same points (an independent implementation on the backend).
   */
  @Test
  void jacobiansAgreeWithTheLinearizationApi() throws Exception {
    for (String name : new String[] {"flip_flop_rnn_leaky", "flip_flop_rnn_elman"}) {
      try (RecurrentModel model = load(name)) {
        FixedPointSystem sys = FixedPointSystems.of(model, model.naturalCoordinates(),
            null, List.of(), null);
        Linearization lin = Linearization.of(model);
        double[] u = new double[model.numInputs()];
        for (FixedPoint p : new FixedPointFinder(backend).find(sys, starts(sys, 0))
            .fixedPoints()) {
          OperatingPoint op = OperatingPoint.of(p.state(), u);
          try (Tensor j = lin.jacobian(op)) {
            double[][] expected = j.toMatrix();
            for (int i = 0; i < expected.length; i++) {
              for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[i][k], p.jacobian()[i][k], 1e-14, name);
              }
            }
          }
          Eigendecomposition e = lin.eigendecomposition(op);
          for (int i = 0; i < e.size(); i++) {
            assertEquals(e.real(i), p.eigen().real(i), 1e-12, name);
            assertEquals(e.imag(i), p.eigen().imag(i), 1e-12, name);
          }
        }
      }
    }
  }

  /**
   * The host map the search iterates is the models' own dynamics: trajectories from random states
   * at a non-zero input agree with {@code model.simulate} for both models.
   */
  @Test
  void hostTrajectoriesAgreeWithTheModelsSimulation() throws Exception {
    double[] u = {0.3, -0.2, 0.5};
    for (String name : new String[] {"flip_flop_rnn_leaky", "flip_flop_rnn_elman"}) {
      try (RecurrentModel model = load(name)) {
        FixedPointSystem sys = FixedPointSystems.of(model, model.naturalCoordinates(),
            u, List.of(), null);
        int n = model.numUnits();
        int steps = 20;
        Random rng = new Random(3);
        double[] s0 = new double[n];
        for (int i = 0; i < n; i++) {
          s0[i] = rng.nextGaussian();
        }
        double[][] host = sys.trajectory(s0, steps);
        double[] seq = new double[steps * 3];
        for (int t = 0; t < steps; t++) {
          System.arraycopy(u, 0, seq, 3 * t, 3);
        }
        boolean leaky = sys.coordinates() == org.mrnn4j.core.dynamics.Coordinates.PRE_ACTIVATION;
        try (Tensor input = backend.fromArray(seq, 1, steps, 3);
            Tensor start = backend.fromArray(s0, 1, n);
            Trajectory t = model.simulate(leaky ? Simulation.of(input).x0(start)
                : Simulation.of(input).h0(start))) {
          double[] states = (leaky ? t.xs() : t.hs()).toArray();
          for (int k = 0; k < steps; k++) {
            for (int i = 0; i < n; i++) {
              assertEquals(states[k * n + i], host[k + 1][i], 1e-12, name + " step " + k);
            }
          }
        }
      }
    }
  }

  /**
   * The Elman network has no reference fixed points. Evidence: q; eight stable points whose
   * readouts carry the eight sign patterns of three bits; and the model's own simulation started
   * at each stable point stays there.
   */
  @Test
  void elmanCheckpointHasEightStableMemories() throws Exception {
    Path dir = ConformanceData.checkpoints();
    TorchCheckpoint ckpt = TorchCheckpoint.read(dir.resolve("flip_flop_rnn_elman.pth"));
    double[][] readout = ckpt.tensor("out_layer.weight").toMatrix();
    double[] readoutBias = ckpt.tensor("out_layer.bias").data();
    try (RecurrentModel model = load("flip_flop_rnn_elman")) {
      FixedPointSystem sys = FixedPointSystems.of(model, Form.ELMAN.coordinates(), null, List.of(), null);
      FixedPointSearch search = new FixedPointFinder(backend).find(sys, starts(sys, 0));
      assertTrue(search.maxQ() < 1e-20, "max q " + search.maxQ());
      assertEquals(8, search.stableCount());
      Set<String> patterns = new HashSet<>();
      int n = model.numUnits();
      for (FixedPoint p : search.fixedPoints()) {
        if (!p.stability().isStable()) {
          continue;
        }
        StringBuilder bits = new StringBuilder();
        for (int o = 0; o < readout.length; o++) {
          double y = readoutBias[o];
          for (int i = 0; i < n; i++) {
            y += readout[o][i] * p.state()[i];
          }
          assertTrue(Math.abs(y) > 0.5, "readout " + o + " = " + y + " is a clear bit");
          bits.append(y > 0 ? '+' : '-');
        }
        patterns.add(bits.toString());
        // the model's own dynamics (not our residual) leave a stable fixed point in place
        try (Tensor input = backend.zeros(1, 100, model.numInputs());
            Tensor h0 = backend.fromArray(p.state(), 1, n);
            Trajectory t = model.simulate(Simulation.of(input).h0(h0))) {
          double[] hs = t.hs().toArray();
          double[] last = new double[n];
          System.arraycopy(hs, hs.length - n, last, 0, n);
          assertTrue(maxNorm(last, p.state()) < 1e-12, "stays at its stable point");
        }
      }
      assertEquals(8, patterns.size(), patterns.toString());
      assertNotNull(search.starts());
    }
  }
}
