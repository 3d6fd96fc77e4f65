package org.mrnn4j.analysis;

import org.mrnn4j.core.dynamics.Coordinates;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.testkit.contract.EigenChecks;

/** The linearizations against hand-derived values and against each other. */
class LinearizationTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  // ------------------------------------------------------------------ one unit, three inputs

  /** One recurrent unit (w = 0.5, b = 0.1) and three inputs (weights 1, -2, 3), unconstrained. */
  private static <M extends RecurrentModel> M oneUnit(ModelBuilder<M> b, Activation f) {
    double[][] ones1 = {{1}};
    double[][] ones3 = {{1, 1, 1}};
    ModelParameters p = ModelParameters.of(new double[][] {{0.5}}, ones1, ones1,
        new double[][] {{1, -2, 3}}, ones3, ones3, DType.FLOAT64);
    if (b.kind() == org.mrnn4j.models.ModelKind.LEAKY) {
      b.dt(1).tau(4);
    }
    return b.activation(f).recurrentConstrained(false).inputConstrained(false)
        .recurrentRegion(RecurrentRegion.of("r", 1).baseFiring(0.1))
        .inputRegion("i", 3)
        .recurrentConnection("r", "r")
        .inputConnection("i", "r")
        .parameters(p)
        .build(backend);
  }

  @Test
  void oneUnitLeakyInputJacobianIsARow() {
    try (LeakyMRNN model = oneUnit(ModelBuilder.leaky(), Activation.TANH);
        LinearizationResult r = Linearization.of(model)
            .at(OperatingPoint.of(new double[] {0.3}, new double[] {0.2, -0.1, 0.4}))) {
      // alpha = 1/4: J_in = alpha W_inp = [0.25, -0.5, 0.75], one row (not a column)
      assertArrayEquals(new int[] {1, 3}, r.inputJacobian().shape());
      assertArrayEquals(new double[] {0.25, -0.5, 0.75}, r.inputJacobian().toArray(), 1e-15);
      // J = (1 - alpha) + alpha w tanh'(0.3)
      double t = Math.tanh(0.3);
      assertEquals(0.75 + 0.25 * 0.5 * (1 - t * t), r.jacobian().toArray()[0], 1e-15);
    }
  }

  @Test
  void oneUnitLeakyActivationInputJacobian() {
    double x = 0.3;
    double h = -0.2;
    double[] u = {0.2, -0.1, 0.4};
    try (LeakyMRNN model = oneUnit(ModelBuilder.leaky(), Activation.TANH);
        LinearizationResult r = Linearization.of(model, Coordinates.ACTIVATION, List.of())
            .at(OperatingPoint.of(new double[] {x}, new double[] {h}, u))) {
      // x' = x + alpha (-x + w h + W_inp u + b); J = tanh'(x') alpha w; J_in = tanh'(x') alpha W_inp
      double drive = 0.5 * h + (1 * 0.2 - 2 * -0.1 + 3 * 0.4) + 0.1;
      double xn = x + 0.25 * (-x + drive);
      double d = 1 - Math.tanh(xn) * Math.tanh(xn);
      assertArrayEquals(new int[] {1, 3}, r.inputJacobian().shape());
      assertArrayEquals(new double[] {d * 0.25, d * 0.25 * -2, d * 0.25 * 3},
          r.inputJacobian().toArray(), 1e-15);
      assertEquals(d * 0.25 * 0.5, r.jacobian().toArray()[0], 1e-15);
      assertEquals(Math.tanh(xn), r.next().toArray()[0], 1e-15);
    }
  }

  @Test
  void oneUnitElmanInputJacobianIsARow() {
    double h = 0.7;
    double[] u = {0.2, -0.1, 0.4};
    try (ElmanMRNN model = oneUnit(ModelBuilder.elman(), Activation.SIGMOID);
        LinearizationResult r = Linearization.of(model).at(OperatingPoint.of(
            new double[] {h}, u))) {
      double z = 0.5 * h + (0.2 + 0.2 + 1.2) + 0.1;
      double s = 1 / (1 + Math.exp(-z));
      double d = s * (1 - s);
      assertArrayEquals(new int[] {1, 3}, r.inputJacobian().shape());
      assertArrayEquals(new double[] {d, -2 * d, 3 * d}, r.inputJacobian().toArray(), 1e-15);
      assertEquals(d * 0.5, r.jacobian().toArray()[0], 1e-15);
      assertEquals(s, r.next().toArray()[0], 1e-15);
    }
  }

  // ------------------------------------------------------------------ regions

  @Test
  void regionsInAnyOrderAreUsedInModelOrder() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.TANH, 5)) {
      Random rnd = new Random(7);
      OperatingPoint p = OperatingPoint.of(Networks.gaussian(rnd, 12, 1),
          Networks.gaussian(rnd, 3, 1));
      Linearization reversed = Linearization.of(model, "c", "a");
      Linearization ordered = Linearization.of(model, "a", "c");
      assertEquals(List.of("a", "c"), reversed.regions());
      assertEquals(List.of("b"), reversed.excludedRegions());
      // a = units 0..3, c = units 7..11; b = 4..6 excluded
      assertArrayEquals(new int[] {0, 1, 2, 3, 7, 8, 9, 10, 11}, reversed.units().toIndices());
      assertArrayEquals(new int[] {4, 5, 6}, reversed.excludedUnits().toIndices());
      try (LinearizationResult all = Linearization.of(model).at(p);
          LinearizationResult r = reversed.at(p);
          LinearizationResult o = ordered.at(p)) {
        double[][] full = all.jacobian().toMatrix();
        int[] rows = reversed.units().toIndices();
        int[] excluded = reversed.excludedUnits().toIndices();
        assertMatrix(FiniteDifferenceTest.block(full, rows, rows), r.jacobian().toMatrix(), 0);
        assertMatrix(FiniteDifferenceTest.block(full, rows, excluded),
            r.excludedJacobian().orElseThrow().toMatrix(), 0);
        assertMatrix(o.jacobian().toMatrix(), r.jacobian().toMatrix(), 0);
        double[][] fullIn = all.inputJacobian().toMatrix();
        assertMatrix(FiniteDifferenceTest.block(fullIn, rows, FiniteDifferenceTest.all(3)),
            r.inputJacobian().toMatrix(), 0);
        assertTrue(all.excludedJacobian().isEmpty());
      }
    }
  }

  @Test
  void parentRegionStandsForItsChildren() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.TANH, 5)) {
      Linearization lin = Linearization.of(model, "ab");
      assertEquals(List.of("a", "b"), lin.regions());
      assertEquals(List.of("c"), lin.excludedRegions());
      assertEquals(7, lin.size());
      // every region named explicitly: nothing excluded
      assertTrue(Linearization.of(model, "c", "b", "a").excludedRegions().isEmpty());
    }
  }

  @Test
  void unknownRegionIsNamed() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.TANH, 5)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Linearization.of(model, "a", "nope"));
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
  }

  @Test
  void elmanHasNoPreActivationCoordinates() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.TANH, 5)) {
      assertThrows(IllegalArgumentException.class,
          () -> Linearization.of(model, Coordinates.PRE_ACTIVATION, List.of()));
      assertEquals(Coordinates.ACTIVATION, Linearization.of(model).coordinates());
    }
  }

  @Test
  void pointOfTheWrongSizeIsRejected() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.TANH, 5)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Linearization.of(model).at(OperatingPoint.of(new double[11], new double[3])));
      assertTrue(e.getMessage().contains("12"), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ activation coordinates

  @Test
  void activationCoordinatesFollowTheFormula() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.SIGMOID, 9)) {
      Random rnd = new Random(3);
      double[] x = Networks.gaussian(rnd, 12, 1);
      double[] h = Networks.gaussian(rnd, 12, 1);
      double[] u = Networks.gaussian(rnd, 3, 1);
      double alpha = model.alpha();
      double[][] w = model.recurrentWeights().toMatrix();
      double[][] wi = model.inputWeights().toMatrix();
      double[] b = model.tonicInput().toArray();
      try (LinearizationResult r = Linearization.of(model, Coordinates.ACTIVATION,
          List.of()).at(OperatingPoint.of(x, h, u))) {
        double[][] j = r.jacobian().toMatrix();
        double[][] jin = r.inputJacobian().toMatrix();
        for (int i = 0; i < 12; i++) {
          double drive = b[i];
          for (int k = 0; k < 12; k++) {
            drive += w[i][k] * h[k];
          }
          for (int k = 0; k < 3; k++) {
            drive += wi[i][k] * u[k];
          }
          double xn = x[i] + alpha * (-x[i] + drive);
          double d = Activation.SIGMOID.derivative(xn);
          for (int k = 0; k < 12; k++) {
            assertEquals(d * alpha * w[i][k], j[i][k], 1e-15);
          }
          for (int k = 0; k < 3; k++) {
            assertEquals(d * alpha * wi[i][k], jin[i][k], 1e-15);
          }
        }
      }
    }
  }

  @Test
  void activationDefaultsToActOfX() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.TANH, 9)) {
      Random rnd = new Random(4);
      double[] x = Networks.gaussian(rnd, 12, 1);
      double[] u = Networks.gaussian(rnd, 3, 1);
      double[] h = new double[12];
      for (int i = 0; i < 12; i++) {
        h[i] = Math.tanh(x[i]);
      }
      Linearization lin = Linearization.of(model, Coordinates.ACTIVATION, List.of());
      try (Tensor a = lin.jacobian(OperatingPoint.of(x, u));
          Tensor b = lin.jacobian(OperatingPoint.of(x, h, u))) {
        assertArrayEquals(b.toArray(), a.toArray(), 1e-15);
      }
    }
  }

  // ------------------------------------------------------------------ prediction

  @Test
  void predictionWithAndWithoutStaticPerturbation() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.TANH, 21)) {
      Random rnd = new Random(8);
      OperatingPoint p = OperatingPoint.of(Networks.gaussian(rnd, 12, 1),
          Networks.gaussian(rnd, 3, 1));
      Linearization lin = Linearization.of(model, "c", "a"); // 9 included, 3 excluded
      double[][] ds = {Networks.gaussian(rnd, 9, 0.1), Networks.gaussian(rnd, 9, 0.1)};
      double[] du = Networks.gaussian(rnd, 3, 0.1);
      double[] dss = Networks.gaussian(rnd, 3, 0.1);
      try (LinearizationResult r = lin.at(p)) {
        double[][] j = r.jacobian().toMatrix();
        double[][] jin = r.inputJacobian().toMatrix();
        double[][] jexc = r.excludedJacobian().orElseThrow().toMatrix();
        double[] f = r.next().toArray();
        double[][] without = lin.predict(p, ds, du, null);
        double[][] with = lin.predict(p, ds, du, dss);
        for (int k = 0; k < 2; k++) {
          for (int i = 0; i < 9; i++) {
            double e = f[i] + dot(j[i], ds[k]) + dot(jin[i], du);
            assertEquals(e, without[k][i], 1e-14);
            assertEquals(e + dot(jexc[i], dss), with[k][i], 1e-14);
          }
        }
        // no input perturbation: f(p) + J ds
        double[][] plain = r.predict(ds, null, null);
        for (int i = 0; i < 9; i++) {
          assertEquals(f[i] + dot(j[i], ds[0]), plain[0][i], 1e-14);
        }
      }
    }
  }

  @Test
  void higherRankPerturbationsAreFlattened() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.TANH, 22)) {
      Random rnd = new Random(9);
      OperatingPoint p = OperatingPoint.of(Networks.gaussian(rnd, 12, 1),
          Networks.gaussian(rnd, 3, 1));
      Linearization lin = Linearization.of(model);
      double[] flat = Networks.gaussian(rnd, 2 * 3 * 12, 0.1);
      double[] du = Networks.gaussian(rnd, 3, 0.1);
      try (LinearizationResult r = lin.at(p);
          Tensor ds3 = backend.fromArray(flat, 2, 3, 12);
          Tensor ds2 = backend.fromArray(flat, 6, 12);
          Tensor dut = backend.fromArray(du, 3);
          Tensor a = r.predict(ds3, dut, null);
          Tensor b = r.predict(ds2, dut, null)) {
        assertArrayEquals(new int[] {6, 12}, a.shape());
        assertArrayEquals(b.toArray(), a.toArray(), 0.0);
      }
    }
  }

  @Test
  void staticPerturbationWithoutExcludedRegionsIsRejected() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.TANH, 22)) {
      OperatingPoint p = OperatingPoint.of(new double[12], new double[3]);
      assertThrows(IllegalArgumentException.class, () -> Linearization.of(model)
          .predict(p, new double[1][12], null, new double[] {1.0}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Linearization.of(model).predict(p, new double[1][5], null, null));
      assertTrue(e.getMessage().contains("12"), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ batches

  @Test
  void batchEqualsPointByPoint() {
    for (Coordinates c : Coordinates.values()) {
      try (LeakyMRNN model = Networks.leaky(backend, Activation.SOFTPLUS, 31)) {
        Random rnd = new Random(10);
        List<OperatingPoint> points = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          double[] x = Networks.gaussian(rnd, 12, 1);
          double[] u = Networks.gaussian(rnd, 3, 1);
          // some points with h, some without (h = act(x))
          points.add(k % 2 == 0 ? OperatingPoint.of(x, Networks.gaussian(rnd, 12, 1), u)
              : OperatingPoint.of(x, u));
        }
        Linearization lin = Linearization.of(model, c, List.of("b", "c"));
        try (BatchLinearization batch = lin.batch(points)) {
          assertEquals(5, batch.size());
          assertEquals(8, batch.dimension());
          List<Eigendecomposition> eigs = batch.eigenvalues();
          // the partial dh Jacobian's eigenvalues are not stability: only the map's batch has it
          List<StabilitySummary> stability = c == Coordinates.PRE_ACTIVATION ? batch.stability()
              : null;
          if (stability == null) {
            assertThrows(IllegalStateException.class, batch::stability);
          }
          for (int k = 0; k < 5; k++) {
            try (LinearizationResult one = lin.at(points.get(k));
                LinearizationResult fromBatch = batch.point(k)) {
              assertArrayEquals(one.jacobian().toArray(), fromBatch.jacobian().toArray(), 1e-15);
              assertArrayEquals(one.inputJacobian().toArray(),
                  fromBatch.inputJacobian().toArray(), 1e-15);
              assertArrayEquals(one.excludedJacobian().orElseThrow().toArray(),
                  fromBatch.excludedJacobian().orElseThrow().toArray(), 1e-15);
              assertArrayEquals(one.next().toArray(), fromBatch.next().toArray(), 1e-15);
              Eigendecomposition e = lin.eigenvalues(points.get(k));
              assertArrayEquals(e.realParts(), eigs.get(k).realParts(), 1e-12);
              assertArrayEquals(e.imagParts(), eigs.get(k).imagParts(), 1e-12);
              if (stability != null) {
                assertEquals(e.spectralRadius(), stability.get(k).spectralRadius(), 1e-12);
                assertTrue(stability.get(k).hasContinuousTime());
              }
            }
          }
        }
      }
    }
  }

  @Test
  void batchFromTensorsWithOneInputForAll() {
    try (ElmanMRNN model = Networks.elman(backend, Activation.RELU, 32)) {
      Random rnd = new Random(11);
      double[] hs = Networks.gaussian(rnd, 4 * 12, 1);
      double[] u = Networks.gaussian(rnd, 3, 1);
      Linearization lin = Linearization.of(model, "c");
      try (Tensor states = backend.fromArray(hs, 4, 12);
          Tensor input = backend.fromArray(u, 3);
          BatchLinearization batch = lin.batch(states, null, input)) {
        assertArrayEquals(new int[] {4, 5, 5}, batch.jacobians().shape());
        assertArrayEquals(new int[] {4, 5, 3}, batch.inputJacobians().shape());
        assertArrayEquals(new int[] {4, 5, 7}, batch.excludedJacobians().orElseThrow().shape());
        assertArrayEquals(new int[] {4, 5}, batch.next().shape());
        for (int k = 0; k < 4; k++) {
          double[] h = java.util.Arrays.copyOfRange(hs, k * 12, (k + 1) * 12);
          try (LinearizationResult one = lin.at(OperatingPoint.of(h, u));
              LinearizationResult fromBatch = batch.point(k)) {
            assertArrayEquals(one.jacobian().toArray(), fromBatch.jacobian().toArray(), 1e-15);
            assertArrayEquals(one.inputJacobian().toArray(),
                fromBatch.inputJacobian().toArray(), 1e-15);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ eigen

  @Test
  void eigenvectorsSatisfyTheirEquation() {
    for (Activation f : Activation.values()) {
      try (LeakyMRNN leaky = Networks.leaky(backend, f, 41);
          ElmanMRNN elman = Networks.elman(backend, f, 42)) {
        Random rnd = new Random(12);
        for (Linearization lin : List.of(Linearization.of(leaky),
            Linearization.of(leaky, Coordinates.ACTIVATION, List.of("c")),
            Linearization.of(elman, "ab"))) {
          OperatingPoint p = OperatingPoint.of(Networks.gaussian(rnd, 12, 1),
              Networks.gaussian(rnd, 3, 1));
          Eigendecomposition e = lin.eigendecomposition(p);
          Eigendecomposition values = lin.eigenvalues(p);
          assertFalse(values.hasVectors());
          assertArrayEquals(e.realParts(), values.realParts(), 1e-12);
          assertArrayEquals(e.imagParts(), values.imagParts(), 1e-12);
          try (Tensor j = lin.jacobian(p)) {
            double[][] m = j.toMatrix();
            for (int k = 0; k < e.size(); k++) {
              double r = EigenChecks.residual(
                  m, e.real(k), e.imag(k), e.vectorReal(k), e.vectorImag(k))
                  / EigenChecks.norm(e.vectorReal(k), e.vectorImag(k));
              assertTrue(r < 1e-12, f + " " + lin + " eigenpair " + k + ": residual " + r);
              assertEquals(1.0, norm(e.vectorReal(k), e.vectorImag(k)), 1e-12);
            }
            // descending modulus
            for (int k = 1; k < e.size(); k++) {
              assertTrue(e.modulus(k) <= e.modulus(k - 1) + 1e-15);
            }
          }
        }
      }
    }
  }

  @Test
  void stabilityOfTheLeakyModelHasTheContinuousTimeView() {
    try (LeakyMRNN model = Networks.leaky(backend, Activation.TANH, 51);
        ElmanMRNN elman = Networks.elman(backend, Activation.TANH, 51)) {
      OperatingPoint p = OperatingPoint.of(new double[12], new double[3]);
      StabilitySummary s = Linearization.of(model).stability(p);
      assertEquals(10.0, s.dt().getAsDouble(), 0.0);
      Eigendecomposition e = s.eigenvalues();
      for (int k = 0; k < e.size(); k++) {
        assertEquals((e.real(k) - 1) / 10.0, s.continuousReal()[k], 1e-15);
        assertEquals(10.0 / (1 - e.real(k)), s.timeConstants()[k], 1e-9);
      }
      // asked in h (mRNNTorch's partial dh Jacobian), the stability is still the map's, in x
      StabilitySummary inH = Linearization.of(model, Coordinates.ACTIVATION, List.of())
          .stability(p);
      assertTrue(inH.hasContinuousTime());
      assertArrayEquals(e.realParts(), inH.eigenvalues().realParts(), 0.0);
      assertFalse(Linearization.of(elman).stability(p).hasContinuousTime());
    }
  }

  private static double norm(double[] re, double[] im) {
    double s = 0;
    for (int i = 0; i < re.length; i++) {
      s += re[i] * re[i] + im[i] * im[i];
    }
    return Math.sqrt(s);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void assertMatrix(double[][] expected, double[][] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], tol, "row " + i);
    }
  }
}
