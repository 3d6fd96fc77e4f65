package org.mrnn4j.analysis.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentRegion;

/**
 * {@link RegionModes} against independent values: eigenvectors of the hand-formed Jacobian
 * {@code J = (1 - alpha) I + alpha W diag(tanh'(x))} and of its transpose summed per region by
 * hand, central finite differences of eigenvalues under a scaled weight block, a constructed
 * network whose unstable mode lives in region 2 by construction, and the dense path against the
 * Krylov path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionModesTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /**
   * Three regions of {@code size} units: weak random weights everywhere (std 0.3 / sqrt(n)), a
   * rank-one self-loop of gain 3 in region 2 (eigenvalue of J near 1 + 2 alpha, unstable), one of
   * gain 2 in region 3, and a rotation of gain 2.4 in region 1 (a complex pair).
   */
  static double[][] weights(int size, long seed) {
    int n = 3 * size;
    Random random = new Random(seed);
    double[][] w = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] = random.nextGaussian() * 0.3 / Math.sqrt(n);
      }
    }
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        w[size + i][size + j] += 3.0 / size;
        w[2 * size + i][2 * size + j] += 2.0 / size;
      }
    }
    // region 1: 2.4 (u v^T - v u^T) with orthonormal u, v (cosine and sine waves)
    double[] u = new double[size];
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      u[i] = Math.cos(2 * Math.PI * i / size) * Math.sqrt(2.0 / size);
      v[i] = Math.sin(2 * Math.PI * i / size) * Math.sqrt(2.0 / size);
    }
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        w[i][j] += 2.4 * (u[i] * v[j] - v[i] * u[j]);
      }
    }
    return w;
  }

  private LeakyMRNN model(int size, long seed) {
    int n = 3 * size;
    double[][] ones = new double[n][n];
    for (double[] row : ones) {
      java.util.Arrays.fill(row, 1.0);
    }
    double[][] win = new double[n][1];
    double[][] onesIn = new double[n][1];
    for (int i = 0; i < n; i++) {
      onesIn[i][0] = 1;
    }
    ModelParameters p = ModelParameters.of(weights(size, seed), ones, ones, win, onesIn, onesIn,
        DType.FLOAT64);
    ModelBuilder<LeakyMRNN> b = ModelBuilder.leaky().dt(1).tau(4).activation(Activation.TANH)
        .recurrentConstrained(false).inputConstrained(false);
    for (String r : new String[] {"r1", "r2", "r3"}) {
      b.recurrentRegion(RecurrentRegion.of(r, size));
    }
    b.inputRegion("in", 1);
    for (String s : new String[] {"r1", "r2", "r3"}) {
      for (String d : new String[] {"r1", "r2", "r3"}) {
        b.recurrentConnection(s, d);
      }
      b.inputConnection("in", s);
    }
    return b.parameters(p).build(backend);
  }

  private static OperatingPoint point(int n, long seed) {
    Random random = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 0.1 * random.nextGaussian();
    }
    return OperatingPoint.of(x, new double[1]);
  }

  /** J by hand: (1 - alpha) I + alpha W diag(1 - tanh(x)^2), W from the model's effective weights. */
  private static double[][] handJacobian(LeakyMRNN model, OperatingPoint p, int[] rowsScaled,
      int[] colsScaled, double gain) {
    double[][] w = model.recurrentWeights().toMatrix();
    double alpha = model.alpha();
    double[] x = p.state();
    int n = w.length;
    double[][] j = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double t = Math.tanh(x[k]);
        double g = rowsScaled != null && in(i, rowsScaled) && in(k, colsScaled) ? gain : 1.0;
        j[i][k] = alpha * g * w[i][k] * (1 - t * t) + (i == k ? 1 - alpha : 0);
      }
    }
    return j;
  }

  private static boolean in(int i, int[] range) {
    return i >= range[0] && i < range[1];
  }

  private Eigendecomposition eig(double[][] j, boolean vectors) {
    try (Tensor t = backend.fromMatrix(j)) {
      return Spectra.eig(t, vectors);
    }
  }

  private static int nearest(Eigendecomposition e, double re, double im) {
    int best = 0;
    for (int k = 1; k < e.size(); k++) {
      if (Math.hypot(e.real(k) - re, e.imag(k) - im)
          < Math.hypot(e.real(best) - re, e.imag(best) - im)) {
        best = k;
      }
    }
    return best;
  }

  private static double[] byRegion(double[] vr, double[] vi, int size) {
    double[] out = new double[3];
    double total = 0;
    for (int i = 0; i < vr.length; i++) {
      double m = vr[i] * vr[i] + vi[i] * vi[i];
      out[i / size] += m;
      total += m;
    }
    for (int r = 0; r < 3; r++) {
      out[r] /= total;
    }
    return out;
  }

  @Test
  void participationIsTheEigenvectorsSquaredModulusSummedByRegion() {
    int size = 40;
    LeakyMRNN model = model(size, 1);
    OperatingPoint p = point(3 * size, 2);
    RegionModes modes = Linearization.of(model).regionModes(p, 4);
    assertEquals(List.of("r1", "r2", "r3"), modes.regions());
    assertEquals(RegionModes.Method.DENSE, modes.method());
    double[][] j = handJacobian(model, p, null, null, 1);
    Eigendecomposition right = eig(j, true);
    double[][] jt = new double[j.length][j.length];
    for (int i = 0; i < j.length; i++) {
      for (int k = 0; k < j.length; k++) {
        jt[i][k] = j[k][i];
      }
    }
    Eigendecomposition left = eig(jt, true);
    for (int k = 0; k < 4; k++) {
      RegionModes.Mode m = modes.modes().get(k);
      assertEquals(right.real(k), m.real(), 1e-12);
      assertEquals(right.imag(k), m.imag(), 1e-12);
      double[] expected = byRegion(right.vectorReal(k), right.vectorImag(k), size);
      double[] got = m.rightParticipation();
      // the left vector of J at lambda is conj(z) for J^T z = lambda z: same moduli
      int l = nearest(left, m.real(), m.imag());
      double[] expectedLeft = byRegion(left.vectorReal(l), left.vectorImag(l), size);
      double[] gotLeft = m.leftParticipation();
      for (int r = 0; r < 3; r++) {
        assertEquals(expected[r], got[r], 1e-10, "right participation, mode " + k + " region " + r);
        assertEquals(expectedLeft[r], gotLeft[r], 1e-10, "left participation, mode " + k
            + " region " + r);
      }
    }
  }

  @Test
  void sensitivitiesAreCentralDifferencesOfTheEigenvalueUnderAScaledBlock() {
    int size = 40;
    LeakyMRNN model = model(size, 3);
    OperatingPoint p = point(3 * size, 4);
    RegionModes modes = Linearization.of(model).regionModes(p, 4);
    double a = 1 - model.alpha();
    assertEquals(a, modes.identity(), 1e-15);
    double eps = 1e-5;
    boolean sawComplex = false;
    for (int k = 0; k < 4; k++) {
      RegionModes.Mode m = modes.modes().get(k);
      assertTrue(m.hasSensitivity(), "mode " + k + ": " + m.withheld());
      sawComplex |= m.imag() != 0;
      double[][] sr = m.sensitivityReal();
      double[][] si = m.sensitivityImag();
      double sumR = 0;
      double sumI = 0;
      for (int dst = 0; dst < 3; dst++) {
        for (int src = 0; src < 3; src++) {
          int[] rows = {dst * size, (dst + 1) * size};
          int[] cols = {src * size, (src + 1) * size};
          Eigendecomposition plus = eig(handJacobian(model, p, rows, cols, 1 + eps), false);
          Eigendecomposition minus = eig(handJacobian(model, p, rows, cols, 1 - eps), false);
          int ip = nearest(plus, m.real(), m.imag());
          int im = nearest(minus, m.real(), m.imag());
          double fdR = (plus.real(ip) - minus.real(im)) / (2 * eps);
          double fdI = (plus.imag(ip) - minus.imag(im)) / (2 * eps);
          // relative to |s|, floored at 1e-3: the differences' rounding is ~1e-16 kappa / eps
          double scale = Math.max(Math.hypot(sr[dst][src], si[dst][src]), 1e-3);
          String what = "s[" + dst + "][" + src + "] of mode " + k;
          assertEquals(fdR, sr[dst][src], 1e-6 * scale, what + " (real)");
          assertEquals(fdI, si[dst][src], 1e-6 * scale, what + " (imag)");
          sumR += sr[dst][src];
          sumI += si[dst][src];
          // d|lambda|/dg from the same differences
          double fdMod = (Math.hypot(plus.real(ip), plus.imag(ip))
              - Math.hypot(minus.real(im), minus.imag(im))) / (2 * eps);
          assertEquals(fdMod, m.modulusSensitivity()[dst][src], 1e-6 * scale, "m, " + what);
        }
      }
      // the identity: sum s = lambda - a
      assertEquals(m.real() - a, sumR, 1e-10, "sum of s, mode " + k);
      assertEquals(m.imag(), sumI, 1e-10, "sum of s (imag), mode " + k);
      double abs = 0;
      for (double[] row : m.share()) {
        for (double v : row) {
          abs += Math.abs(v);
        }
      }
      assertEquals(1.0, abs, 1e-12, "the shares' absolute values sum to 1");
      assertTrue(m.conditionNumber() >= 1.0);
    }
    assertTrue(sawComplex, "the test network must have a complex leading mode");
  }

  @Test
  void theUnstableModeOfAStrongSelfLoopInRegion2LivesAndIsDrivenThere() {
    int size = 40;
    LeakyMRNN model = model(size, 5);
    OperatingPoint p = point(3 * size, 6);
    Linearization lin = Linearization.of(model);
    RegionModes modes = lin.regionModes(p, 3);
    RegionModes.Mode lead = modes.modes().get(0);
    // by construction: lambda ~ (1 - alpha) + alpha * 3 = 1.5
    assertTrue(lead.modulus() > 1.0, "unstable by construction: " + lead.modulus());
    assertEquals(0.0, lead.imag());
    assertTrue(lead.rightParticipation()[1] > 0.9, "right participation in r2: "
        + lead.rightParticipation()[1]);
    RegionModes.Connection top = lead.strongest(1).get(0);
    assertEquals(1, top.destination());
    assertEquals(1, top.source());
    assertTrue(top.share() > 0, "the self-loop pushes the mode outwards");
    // Frobenius norms of the weight blocks, by hand from the model's effective weights
    double[][] w = model.recurrentWeights().toMatrix();
    double[][] gains = lin.weightBlockFrobenius();
    double[][] jac = modes.jacobianBlockFrobenius();
    double alpha = model.alpha();
    double[] x = p.state();
    for (int dst = 0; dst < 3; dst++) {
      for (int src = 0; src < 3; src++) {
        double s = 0;
        double sj = 0;
        for (int i = dst * size; i < (dst + 1) * size; i++) {
          for (int k = src * size; k < (src + 1) * size; k++) {
            s += w[i][k] * w[i][k];
            double t = Math.tanh(x[k]);
            double e = alpha * w[i][k] * (1 - t * t);
            sj += e * e;
          }
        }
        assertEquals(Math.sqrt(s), gains[dst][src], 1e-12);
        assertEquals(Math.sqrt(sj), jac[dst][src], 1e-12);
      }
    }
  }

  @Test
  void theKrylovPathAgreesWithTheDensePath() {
    int size = 100;
    LeakyMRNN model = model(size, 7);
    OperatingPoint p = point(3 * size, 8);
    Linearization lin = Linearization.of(model);
    RegionModes dense = lin.regionModes(p, 4);
    RegionModes krylov = lin.leadingRegionModes(p,
        LeadingOptions.largestModulus(3).withTolerance(1e-13));
    assertEquals(RegionModes.Method.KRYLOV, krylov.method());
    assertTrue(krylov.modes().size() >= 3, "converged: " + krylov.modes().size());
    for (int k = 0; k < 3; k++) {
      RegionModes.Mode d = dense.modes().get(k);
      RegionModes.Mode q = krylov.modes().get(k);
      assertEquals(d.real(), q.real(), 1e-10);
      assertEquals(d.imag(), q.imag(), 1e-10);
      assertTrue(q.hasSensitivity(), q.withheld());
      for (int r = 0; r < 3; r++) {
        assertEquals(d.rightParticipation()[r], q.rightParticipation()[r], 1e-8);
        assertEquals(d.leftParticipation()[r], q.leftParticipation()[r], 1e-8);
        for (int c = 0; c < 3; c++) {
          assertEquals(d.sensitivityReal()[r][c], q.sensitivityReal()[r][c], 1e-8);
          assertEquals(d.sensitivityImag()[r][c], q.sensitivityImag()[r][c], 1e-8);
        }
      }
      assertEquals(d.conditionNumber(), q.conditionNumber(), 1e-6 * d.conditionNumber());
    }
    // the stability run with vectors serves the modes too: same modes, and its answer kept
    RegionModes both = lin.stabilityRegionModes(p,
        LeadingOptions.largestModulus(3).withTolerance(1e-13), 2);
    assertEquals(2, both.modes().size());
    assertNotNull(both.leading());
    assertTrue(both.leading().unstableModes() >= 2, "two unstable outliers by construction");
    for (int k = 0; k < 2; k++) {
      for (int r = 0; r < 3; r++) {
        assertEquals(dense.modes().get(k).leftParticipation()[r],
            both.modes().get(k).leftParticipation()[r], 1e-8);
        for (int c = 0; c < 3; c++) {
          assertEquals(dense.modes().get(k).sensitivityReal()[r][c],
              both.modes().get(k).sensitivityReal()[r][c], 1e-8);
        }
      }
    }
    double[][] a = dense.jacobianBlockFrobenius();
    double[][] b = krylov.jacobianBlockFrobenius();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(a[r][c], b[r][c], 1e-12);
      }
    }
  }

  @Test
  void aJordanBlockHasNoSensitivities() {
    // J = 0.5 I + N, N the shift on 3 units: one eigenvalue 0.5 with a Jordan block of size 3
    double[][] n = {{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}, {0, 0, 0, 0.1}};
    try (Tensor w = backend.fromMatrix(n)) {
      JacobianSpec spec = JacobianSpec.builder(w).identity(0.5).build();
      RegionPartition regions = new RegionPartition(List.of("x", "y"),
          List.of(new IndexRange(0, 2), new IndexRange(2, 4)));
      RegionModes modes = RegionModeAnalysis.dense(spec, regions, 4);
      // 0.6 (isolated, region y) first, then the defective 0.5
      RegionModes.Mode isolated = modes.modes().get(0);
      assertEquals(0.6, isolated.real(), 1e-12);
      assertTrue(isolated.hasSensitivity(), isolated.withheld());
      assertEquals(1.0, isolated.rightParticipation()[1], 1e-12);
      for (RegionModes.Mode m : modes.modes().subList(1, 4)) {
        assertEquals(0.5, m.real(), 1e-12);
        assertFalse(m.hasSensitivity());
        assertNotNull(m.withheld());
        assertNull(m.share());
        assertTrue(m.strongest(3).isEmpty());
      }
      assertThrows(IllegalArgumentException.class,
          () -> RegionModeAnalysis.dense(spec, regions, 5));
    }
  }

  /**
   * {@code J = 0.9 I + W diag(c)} on units x = {0, 1}, y = {2, 3, 4} with {@code c_y = 0} (the
   * activation derivative of region y vanishes): {@code J} is block lower triangular, so 0.9 is an
   * eigenvalue of multiplicity 3 (semisimple: its eigenspace is 3-dimensional) and the other two
   * are {@code 0.9 + mu}, {@code mu} the eigenvalues of {@code W_xx}.
   */
  private JacobianSpec repeatedSpec(double[][] wxx, java.util.List<Tensor> open) {
    double[][] w = new double[5][5];
    w[0][0] = wxx[0][0];
    w[0][1] = wxx[0][1];
    w[1][0] = wxx[1][0];
    w[1][1] = wxx[1][1];
    // W_yx: y0 <- x0, y1 <- x1, y2 <- x0 + x1; W_xy and W_yy are masked by c_y = 0 anyway
    w[2][0] = 1;
    w[3][1] = 1;
    w[4][0] = 1;
    w[4][1] = 1;
    w[0][3] = 5;
    w[3][4] = 7;
    Tensor wt = backend.fromMatrix(w);
    Tensor c = backend.fromArray(new double[] {1, 1, 0, 0, 0}, DType.FLOAT64, 5);
    open.add(wt);
    open.add(c);
    return JacobianSpec.builder(wt).identity(0.9).columnScale(c).build();
  }

  private static final RegionPartition XY = new RegionPartition(List.of("x", "y"),
      List.of(new IndexRange(0, 2), new IndexRange(2, 5)));

  @Test
  void aRepeatedEigenvalueHasNoParticipationAndADistinctOneKeepsItsOwn() {
    // W_xx = [[0.4, 0.1], [0.2, -0.3]]: mu = 0.05 +- sqrt(0.0025 + 0.14)
    double[][] wxx = {{0.4, 0.1}, {0.2, -0.3}};
    double mu1 = 0.05 + Math.sqrt(0.1225 + 0.02);
    double mu2 = 0.05 - Math.sqrt(0.1225 + 0.02);
    java.util.List<Tensor> open = new java.util.ArrayList<>();
    try {
      JacobianSpec spec = repeatedSpec(wxx, open);
      RegionModes dense = RegionModeAnalysis.dense(spec, XY, 5);
      RegionModes krylov = RegionModeAnalysis.krylov(spec, XY, LeadingOptions.largestModulus(4));
      for (RegionModes modes : List.of(dense, krylov)) {
        List<RegionModes.Mode> list = modes.modes();
        // 0.9 + mu1 = 1.327..., then 0.9 three times (then 0.9 + mu2 on the dense path)
        RegionModes.Mode lead = list.get(0);
        assertEquals(0.9 + mu1, lead.real(), 1e-12);
        assertTrue(lead.hasParticipation(), lead.participationWithheld());
        assertNull(lead.participationWithheld());
        // by hand: v = [u; W_yx u / mu1] with (W_xx - mu1 I) u = 0, u = (0.1, mu1 - 0.4)
        double u0 = 0.1;
        double u1 = mu1 - 0.4;
        double y0 = u0 / mu1;
        double y1 = u1 / mu1;
        double y2 = (u0 + u1) / mu1;
        double nx = u0 * u0 + u1 * u1;
        double ny = y0 * y0 + y1 * y1 + y2 * y2;
        assertEquals(nx / (nx + ny), lead.rightParticipation()[0], 1e-12, modes.method() + "");
        assertEquals(ny / (nx + ny), lead.rightParticipation()[1], 1e-12);
        // the left vector lives in x alone: w^H J = lambda w^H forces 0.9 w_y = lambda w_y
        assertEquals(1.0, lead.leftParticipation()[0], 1e-12);
        assertEquals(0.0, lead.leftParticipation()[1], 1e-12);
        assertTrue(lead.hasSensitivity(), lead.withheld());
        for (RegionModes.Mode m : list.subList(1, 4)) {
          assertEquals(0.9, m.real(), 1e-12);
          assertFalse(m.hasParticipation());
          String why = m.participationWithheld();
          assertNotNull(why);
          assertTrue(why.startsWith("repeated eigenvalue (m = 3)"), why);
          assertNull(m.rightParticipation());
          assertNull(m.leftParticipation());
          assertFalse(m.hasSensitivity());
          assertEquals(why, m.withheld());
          assertNull(m.sensitivityReal());
          assertTrue(m.strongest(3).isEmpty());
        }
      }
      // the last, distinct mode 0.9 + mu2: v = [u; W_yx u / mu2], u = (0.1, mu2 - 0.4)
      RegionModes.Mode last = dense.modes().get(4);
      assertEquals(0.9 + mu2, last.real(), 1e-12);
      assertTrue(last.hasParticipation(), last.participationWithheld());
      double u0 = 0.1;
      double u1 = mu2 - 0.4;
      double nx = u0 * u0 + u1 * u1;
      double ny = (u0 * u0 + u1 * u1 + (u0 + u1) * (u0 + u1)) / (mu2 * mu2);
      assertEquals(nx / (nx + ny), last.rightParticipation()[0], 1e-12);
    } finally {
      open.forEach(Tensor::close);
    }
  }

  @Test
  void aComplexPairIsNoRepeatEvenWhenItsPartnerIsCloserThanTheTolerance() {
    // W_xx = [[0.2, e], [-e, 0.2]]: 1.1 +- e i, eigenvectors (1, +-i) / sqrt 2 in x; with
    // e = 1e-9 the partner lies 2e-9 < 1e-8 away and is still no repeat
    for (double e : new double[] {0.3, 1e-9}) {
      java.util.List<Tensor> open = new java.util.ArrayList<>();
      try {
        JacobianSpec spec = repeatedSpec(new double[][] {{0.2, e}, {-e, 0.2}}, open);
        RegionModes modes = RegionModeAnalysis.dense(spec, XY, 5);
        int pairs = 0;
        for (RegionModes.Mode m : modes.modes()) {
          if (m.imag() == 0) {
            // 0.9 from y: multiplicity 3 (the pair, off the real axis, is not counted)
            assertEquals(0.9, m.real(), 1e-12);
            assertFalse(m.hasParticipation());
            assertTrue(m.participationWithheld().startsWith("repeated eigenvalue (m = 3)"),
                m.participationWithheld());
            continue;
          }
          pairs++;
          assertEquals(1.1, m.real(), 1e-12);
          assertEquals(e, Math.abs(m.imag()), 1e-15);
          assertTrue(m.hasParticipation(), m.participationWithheld());
          // v = (1, +-i, y) with y = W_yx v / mu, mu = 0.2 +- e i:
          // |y|^2 = (1 + 1 + |1 +- i|^2) / |mu|^2
          double ny = 4 / (0.04 + e * e);
          // the eigenvectors of a pair 2e-9 apart carry rounding of eps / 2e-9 ~ 1e-7
          double tol = e < 1e-3 ? 1e-6 : 1e-12;
          assertEquals(2 / (2 + ny), m.rightParticipation()[0], tol);
          assertEquals(1.0, m.leftParticipation()[0], tol);
        }
        assertEquals(2, pairs);
      } finally {
        open.forEach(Tensor::close);
      }
    }
  }

  @Test
  void multiplicityCountsRepeatsButNeverTheConjugatePartner() {
    double t = 1e-9;
    Eigendecomposition e = Eigendecomposition.of(
        new double[] {0.5, 0.5, 0.5, 0.5, 2.0, 2.0 + 3 * t, 2.0 + 5e-8, 0.9, 0.9},
        new double[] {0.1, 0.1, -0.1, -0.1, 0, 0, 0, t, -t}, null, null);
    // a repeated complex pair: each member twice, its conjugates not counted
    assertEquals(2, RegionModeAnalysis.multiplicity(e, 0.5, 0.1));
    assertEquals(2, RegionModeAnalysis.multiplicity(e, 0.5, -0.1));
    // 2 and 2 + 3e-9 are one eigenvalue; 2 + 5e-8 lies beyond 1e-8 * 2
    assertEquals(2, RegionModeAnalysis.multiplicity(e, 2.0, 0));
    assertEquals(1, RegionModeAnalysis.multiplicity(e, 2.0 + 5e-8, 0));
    // a pair 2e-9 apart: conjugate partners, no repeat
    assertEquals(1, RegionModeAnalysis.multiplicity(e, 0.9, t));
  }
}
