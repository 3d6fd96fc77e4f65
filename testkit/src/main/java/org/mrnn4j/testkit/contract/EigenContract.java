package org.mrnn4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Part of the backend contract ({@link BackendContractTest} runs every part): The eigendecomposition: canonical order, residuals on the matrix itself, repeated and defective eigenvalues, badly scaled and large Jacobians, batches, the refusal of non-finite input.
 */
public abstract class EigenContract extends ContractSupport {

  /** Decomposes with vectors when the backend can, checking the canonical form and residuals. */
  private Eigendecomposition checkedEig(double[][] a) {
    Eigendecomposition e = backend.eig(m(a), vectors());
    assertEquals(a.length, e.size());
    EigenChecks.assertCanonical(e);
    if (vectors()) {
      EigenChecks.assertEigenpairs(a, e, EIG_TOL);
    }
    return e;
  }

  /** {@code S D S^-1} with {@code S = I + 0.3 G / sqrt(n)}, well conditioned, and D diagonal. */
  private static double[][] similar(double[] diagonal, long seed) {
    int n = diagonal.length;
    Random random = new Random(seed);
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = (i == j ? 1 : 0) + 0.3 * random.nextGaussian() / Math.sqrt(n);
      }
    }
    double[][] sd = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        sd[i][j] = s[i][j] * diagonal[j];
      }
    }
    return naiveProduct(sd, inverse(s));
  }

  /** The inverse by Gauss-Jordan elimination with partial pivoting. */
  private static double[][] inverse(double[][] s) {
    int n = s.length;
    double[][] aug = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(s[i], 0, aug[i], 0, n);
      aug[i][n + i] = 1;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(aug[i][k]) > Math.abs(aug[p][k])) {
          p = i;
        }
      }
      double[] tmp = aug[k];
      aug[k] = aug[p];
      aug[p] = tmp;
      double pivot = aug[k][k];
      for (int j = 0; j < 2 * n; j++) {
        aug[k][j] /= pivot;
      }
      for (int i = 0; i < n; i++) {
        if (i != k && aug[i][k] != 0) {
          double f = aug[i][k];
          for (int j = 0; j < 2 * n; j++) {
            aug[i][j] -= f * aug[k][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(aug[i], n, inv[i], 0, n);
    }
    return inv;
  }

  /** The indices of the eigenvalues within {@code tolerance} of {@code re + i im}. */
  private static int[] near(Eigendecomposition e, double re, double im, double tolerance) {
    return java.util.stream.IntStream.range(0, e.size())
        .filter(k -> Math.hypot(e.real(k) - re, e.imag(k) - im) <= tolerance).toArray();
  }

  @Test
  void eigOfA1x1Matrix() {
    Eigendecomposition e = checkedEig(new double[][] {{-2.5}});
    assertEquals(-2.5, e.real(0), 1e-15);
    assertEquals(0.0, e.imag(0));
    if (e.hasVectors()) {
      assertArrayEquals(new double[] {1.0}, e.vectorReal(0), 1e-15);
      assertArrayEquals(new double[] {0.0}, e.vectorImag(0), 1e-15);
    }
  }

  @Test
  void eigOfARotationHasAConjugatePair() {
    double theta = 0.7;
    double[][] a = {{2 * Math.cos(theta), -2 * Math.sin(theta)}, {2 * Math.sin(theta), 2 * Math.cos(theta)}};
    Eigendecomposition e = checkedEig(a);
    // same modulus and real part: the positive imaginary part first
    assertEquals(2 * Math.cos(theta), e.real(0), 1e-14);
    assertEquals(2 * Math.sin(theta), e.imag(0), 1e-14);
    assertEquals(2 * Math.cos(theta), e.real(1), 1e-14);
    assertEquals(-2 * Math.sin(theta), e.imag(1), 1e-14);
    assertEquals(2.0, e.spectralRadius(), 1e-14);
    if (e.hasVectors()) {
      // (1, -i)/sqrt 2 belongs to cos + i sin, (1, i)/sqrt 2 to cos - i sin; both components tie
      // in modulus, so the normalisation may have made either one real: compare up to phase
      double h = Math.sqrt(0.5);
      assertEquals(1.0, overlap(new double[] {h, 0}, new double[] {0, -h}, e, 0), 1e-14, "v0");
      assertEquals(1.0, overlap(new double[] {h, 0}, new double[] {0, h}, e, 1), 1e-14, "v1");
    }
  }

  /** {@code |<u, v_k>|} for the unit vector {@code u = ur + i ui}: 1 when parallel. */
  private static double overlap(double[] ur, double[] ui, Eigendecomposition e, int k) {
    double[] vr = e.vectorReal(k);
    double[] vi = e.vectorImag(k);
    double cr = 0;
    double ci = 0;
    for (int i = 0; i < ur.length; i++) {
      cr += ur[i] * vr[i] + ui[i] * vi[i];
      ci += ur[i] * vi[i] - ui[i] * vr[i];
    }
    return Math.hypot(cr, ci);
  }

  @Test
  void eigOrdersByModulusThenRealThenImaginaryPart() {
    // eigenvalues -5, 3, 1, +-4i (the 2x2 block), and 2 and -2, which tie in modulus
    double[][] a = {
      {3, 0, 0, 0, 0, 0, 0},
      {0, -5, 0, 0, 0, 0, 0},
      {0, 0, 1, 0, 0, 0, 0},
      {0, 0, 0, 0, -4, 0, 0},
      {0, 0, 0, 4, 0, 0, 0},
      {0, 0, 0, 0, 0, -2, 0},
      {0, 0, 0, 0, 0, 0, 2},
    };
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[] {-5, 0, 0, 3, 2, -2, 1}, e.realParts(), 1e-14, "real parts");
    assertClose(new double[] {0, 4, -4, 0, 0, 0, 0}, e.imagParts(), 1e-14, "imaginary parts");
    if (e.hasVectors()) {
      assertClose(new double[] {0, 1, 0, 0, 0, 0, 0}, e.vectorReal(0), 1e-14, "vector of -5");
      assertClose(new double[] {0, 0, 0, 0, 0, 0, 1}, e.vectorReal(4), 1e-14, "vector of 2");
      assertClose(new double[] {0, 0, 0, 0, 0, 1, 0}, e.vectorReal(5), 1e-14, "vector of -2");
    }
  }

  @Test
  void eigOfATriangularMatrixGivesItsDiagonal() {
    double[][] a = {{4, 1, -2, 7}, {0, -1, 3, 2}, {0, 0, 0.5, 9}, {0, 0, 0, 2.5}};
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[] {4, 2.5, -1, 0.5}, e.realParts(), 1e-13, "eigenvalues");
    assertClose(new double[4], e.imagParts(), 1e-13, "imaginary parts");
  }

  @Test
  void eigOfAJordanBlock() {
    double[][] jordan = {{3, 1, 0}, {0, 3, 1}, {0, 0, 3}};
    Eigendecomposition e = checkedEig(jordan);
    EigenChecks.assertEigenvalues(new double[] {3, 3, 3}, new double[3], e, 1e-12);
    if (e.hasVectors()) {
      for (int k = 0; k < 3; k++) {
        assertClose(new double[] {1, 0, 0}, e.vectorReal(k), 1e-8, "eigenvector " + k);
      }
    }
    // a Jordan block disguised by a similarity: eigenvalues are only accurate to eps^(1/3), yet
    // every returned pair must still have a small residual
    double[][] s = {{1, 2, 0}, {0, 1, -1}, {1, 0, 1}};
    double[][] disguised = naiveProduct(naiveProduct(s, jordan), inverse(s));
    Eigendecomposition d = checkedEig(disguised);
    EigenChecks.assertEigenvalues(new double[] {3, 3, 3}, new double[3], d, 1e-3);
    // two Jordan blocks of the same eigenvalue
    Eigendecomposition two = checkedEig(new double[][] {
        {1, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 0, 1}});
    EigenChecks.assertEigenvalues(new double[] {1, 1, 1, 1}, new double[4], two, 1e-12);
  }

  @Test
  void eigOfADiagonalizableMatrixWithARepeatedEigenvalue() {
    double[][] a = similar(new double[] {2, 2, 2, -1, 0.5, 2}, 8);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(new double[] {2, 2, 2, 2, -1, 0.5}, new double[6], e, 1e-8);
    if (e.hasVectors()) {
      // a diagonalizable matrix has as many independent eigenvectors as copies of the eigenvalue
      int[] copies = near(e, 2, 0, 1e-6);
      assertEquals(4, copies.length, "copies of the eigenvalue 2 in " + e);
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @Test
  void eigOfRepeatedComplexPairs() {
    // two identical rotation blocks and a real eigenvalue, mixed by a similarity
    double[][] block = {
      {1, -2, 0, 0, 0}, {2, 1, 0, 0, 0}, {0, 0, 1, -2, 0}, {0, 0, 2, 1, 0}, {0, 0, 0, 0, -0.5}};
    Random random = new Random(9);
    double[][] q = randomMatrix(random, 5, 5);
    // orthonormalise q (Gram-Schmidt) so that Q B Q^T is an exact similarity
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < 5; j++) {
          dot += q[i][j] * q[k][j];
        }
        for (int j = 0; j < 5; j++) {
          q[i][j] -= dot * q[k][j];
        }
      }
      double len = Math.sqrt(Arrays.stream(q[i]).map(v -> v * v).sum());
      for (int j = 0; j < 5; j++) {
        q[i][j] /= len;
      }
    }
    double[][] a = naiveProduct(naiveProduct(transposed(q), block), q);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(new double[] {1, 1, 1, 1, -0.5}, new double[] {2, 2, -2, -2, 0},
        e, 1e-7);
    if (e.hasVectors()) {
      int[] upper = near(e, 1, 2, 1e-6);
      assertEquals(2, upper.length, "copies of 1+2i in " + e);
      EigenChecks.assertIndependent(e, upper, 1e-3);
      int[] lower = near(e, 1, -2, 1e-6);
      assertEquals(2, lower.length, "copies of 1-2i in " + e);
      EigenChecks.assertIndependent(e, lower, 1e-3);
    }
  }

  @Test
  void eigOfAJacobianWithInactiveUnits() {
    // J = (1 - alpha) I + alpha W diag(c) with c = 0 on four units (a relu below threshold): each
    // inactive unit j gives the eigenvector e_j of 1 - alpha, so 1 - alpha is at least 4-fold
    // and has 4 independent eigenvectors
    int n = 12;
    Random random = new Random(14);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = (i % 3 == 1) ? 0 : random.nextDouble();
    }
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] /= Math.sqrt(n);
      }
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.8).scale(0.2)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    Eigendecomposition e = checkedEig(a);
    int[] copies = near(e, 0.8, 0, 1e-8);
    assertTrue(copies.length >= 4, "1 - alpha should be at least 4-fold in " + e);
    if (e.hasVectors()) {
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @Test
  void eigLeavesItsOperandUnchanged() {
    double[][] x = randomMatrix(new Random(15), 9, 9);
    Tensor a = m(x);
    backend.eig(a, vectors());
    backend.eig(a, false);
    assertArrayEquals(flatten(x), a.toArray());
  }

  @Test
  void eigOfASymmetricMatrixIsReal() {
    Random random = new Random(10);
    double[][] g = randomMatrix(random, 12, 12);
    double[][] a = new double[12][12];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        a[i][j] = g[i][j] + g[j][i];
      }
    }
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[12], e.imagParts(), 1e-12, "imaginary parts");
    if (e.hasVectors()) {
      for (int k = 0; k < 12; k++) {
        assertClose(new double[12], e.vectorImag(k), 1e-10, "imaginary part of vector " + k);
      }
    }
  }

  @Test
  void eigOfZeroAndIdentityMatrices() {
    Eigendecomposition zero = checkedEig(new double[4][4]);
    assertArrayEquals(new double[4], zero.realParts(), 0.0);
    double[][] identity = new double[4][4];
    for (int i = 0; i < 4; i++) {
      identity[i][i] = 1;
    }
    Eigendecomposition one = checkedEig(identity);
    assertArrayEquals(new double[] {1, 1, 1, 1}, one.realParts(), 1e-15);
    if (one.hasVectors()) {
      EigenChecks.assertIndependent(one, new int[] {0, 1, 2, 3}, 1e-3);
      EigenChecks.assertIndependent(zero, new int[] {0, 1, 2, 3}, 1e-3);
    }
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {2, 3, 5, 16, 50, 200})
  void eigOfRandomNonSymmetricMatrices(int n) {
    double[][] a = randomMatrix(new Random(100 + n), n, n);
    Eigendecomposition e = checkedEig(a);
    // complex eigenvalues of a real matrix come in conjugate pairs, adjacent in canonical order
    for (int k = 0; k < n; k++) {
      if (e.imag(k) > 0) {
        assertTrue(k + 1 < n, "eigenvalue " + k + " lacks its conjugate");
        assertEquals(e.real(k), e.real(k + 1), 1e-10 * e.modulus(k), "conjugate of " + k);
        assertEquals(-e.imag(k), e.imag(k + 1), 1e-10 * e.modulus(k), "conjugate of " + k);
      }
    }
    // the trace is the sum of the eigenvalues
    double trace = 0;
    double sum = 0;
    double imagSum = 0;
    for (int i = 0; i < n; i++) {
      trace += a[i][i];
      sum += e.real(i);
      imagSum += e.imag(i);
    }
    assertEquals(trace, sum, 1e-10 * n * EigenChecks.norm(a), "sum of eigenvalues vs trace");
    assertEquals(0.0, imagSum, 1e-10 * n * EigenChecks.norm(a), "imaginary parts cancel");
  }

  @Test
  void eigOfAKnownSpectrumAtBlockedSizes() {
    // n = 256: beyond the sizes from which LAPACK's Hessenberg reduction and QR sweeps block
    int n = 256;
    double[] diagonal = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      diagonal[i] = (i + 1) / 16.0;
    }
    double[][] a = similar(diagonal, 23);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(diagonal, im, e, 1e-8);
  }

  /**
   * A Jacobian {@code diag(r) W} (the Elman and {@code dh} form) whose every third row is scaled
   * by {@code s}: units whose activation derivative underflows, as softplus at -75 gives 3e-33.
   */
  private static double[][] rowScaledJacobian(int n, double s, long seed) {
    double[][] a = randomMatrix(new Random(seed), n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] /= Math.sqrt(n);
        if (i % 3 == 0) {
          a[i][j] *= s;
        }
      }
    }
    return a;
  }

  @ParameterizedTest(name = "row scale {0}")
  @ValueSource(doubles = {1e-30, 1e-100, 1e-200, 1e-300, 0.0})
  void eigenvectorsOfBadlyScaledJacobiansMeetTheBoundOnTheMatrixItself(double s) {
    // balancing scales such rows up; its eigenvectors are accurate for the balanced matrix, and
    // mapped back they missed the bound on J by up to 0.4. The contract is on J.
    for (int n : new int[] {60, 150}) {
      double[][] a = rowScaledJacobian(n, s, 31 + n);
      Eigendecomposition e = checkedEig(a);
      Eigendecomposition values = backend.eig(m(a), false);
      double tol = 1e-12 * EigenChecks.norm(a);
      assertClose(values.realParts(), e.realParts(), tol, "real parts with and without vectors");
      assertClose(values.imagParts(), e.imagParts(), tol, "imag parts with and without vectors");
      if (e.hasVectors()) {
        // the n / 3 scaled units leave n / 3 eigenvalues of order s (computed as rounding-size
        // values, eps |A|), whose eigenvectors are independent
        int[] small = java.util.stream.IntStream.range(0, n)
            .filter(k -> e.modulus(k) <= 1e-12).toArray();
        assertEquals((n + 2) / 3, small.length, "eigenvalues of order " + s + " in " + e);
        EigenChecks.assertIndependent(e, small, 1e-3);
      }
    }
  }

  @Test
  void eigenvectorsWithZeroRowsColumnsAndADeadUnitMeetTheBound() {
    // leaky Jacobian (1 - alpha) I + alpha W diag(c) with c = 0 on one unit (relu'(0) = 0), a
    // zero row and column elsewhere, and a column scaled by 1e-290
    int n = 40;
    Random random = new Random(41);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = 0.2 + random.nextDouble();
    }
    c[7] = 0.0;
    c[19] = 1e-290;
    double[][] w = randomMatrix(random, n, n);
    for (int j = 0; j < n; j++) {
      w[11][j] = 0;
      w[j][11] = 0;
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.9).scale(0.1)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    checkedEig(a);
    // and the Elman form diag(r) W with those rows
    double[][] rows = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        rows[i][k] = c[i] * w[i][k];
      }
    }
    checkedEig(rows);
  }

  @Test
  void eigOfALargeJacobianWithAHeavilyRepeatedEigenvalue() {
    // n = 300, a third of the units inactive: 1 - alpha = 0.9 is at least 100-fold (as in the
    // cbgtcl checkpoint), with 100 independent eigenvectors
    int n = 300;
    Random random = new Random(43);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = i % 3 == 0 ? 0 : random.nextDouble();
    }
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int k = 0; k < n; k++) {
        row[k] /= Math.sqrt(n);
      }
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.9).scale(0.1)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    Eigendecomposition e = checkedEig(a);
    int[] copies = near(e, 0.9, 0, 1e-9);
    assertTrue(copies.length >= 100, copies.length + " copies of 0.9 within 1e-9 in " + e);
    if (e.hasVectors()) {
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 10})
  void eigOfACbgtclSizedJacobianWithAlmostAllUnitsInactive(int active) {
    // the cbgtcl checkpoint's operating points: 350 relu units, (almost) all inactive, so 0.9 is
    // an eigenvalue of multiplicity 350 - active with the unit vectors of the inactive units as
    // eigenvectors; the active units couple strongly (gain 2), which perturbs every copy by up
    // to 1e-4 in a solver that does not first isolate them (permutation balancing)
    int n = 350;
    Random random = new Random(350 + active);
    double[] c = new double[n];
    for (int k = 0; k < active; k++) {
      c[(k * 37 + 11) % n] = 0.5 + random.nextDouble();
    }
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int k = 0; k < n; k++) {
        row[k] *= 2 / Math.sqrt(n);
      }
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.9).scale(0.1)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    Eigendecomposition values = backend.eig(m(a), false);
    int[] valueCopies = near(values, 0.9, 0, 1e-9);
    assertEquals(n - active, valueCopies.length, () -> "copies of 0.9 within 1e-9 among the "
        + "eigenvalues only (" + (n - active) + " inactive units); farthest copy within 1e-3 at "
        + farthest(values, 0.9, 1e-3));
    Eigendecomposition e = checkedEig(a);
    int[] copies = near(e, 0.9, 0, 1e-9);
    assertEquals(n - active, copies.length, () -> "copies of 0.9 within 1e-9 with vectors; "
        + "farthest copy within 1e-3 at " + farthest(e, 0.9, 1e-3));
    if (e.hasVectors()) {
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  /** The largest distance from {@code re} of the eigenvalues within {@code window} of it. */
  private static double farthest(Eigendecomposition e, double re, double window) {
    double worst = 0;
    for (int k = 0; k < e.size(); k++) {
      double d = Math.hypot(e.real(k) - re, e.imag(k));
      if (d <= window) {
        worst = Math.max(worst, d);
      }
    }
    return worst;
  }

  @Test
  void eigenvaluesOnlyModeGivesTheSameEigenvalues() {
    double[][] a = randomMatrix(new Random(11), 30, 30);
    Eigendecomposition values = backend.eig(m(a), false);
    assertFalse(values.hasVectors());
    assertRejects(IllegalStateException.class, () -> values.vectorReal(0), "eigenvalues only");
    EigenChecks.assertCanonical(values);
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    Eigendecomposition full = backend.eig(m(a), true);
    assertTrue(full.hasVectors());
    double tol = 1e-12 * EigenChecks.norm(a);
    assertClose(full.realParts(), values.realParts(), tol, "real parts");
    assertClose(full.imagParts(), values.imagParts(), tol, "imaginary parts");
  }

  @Test
  void eigenvectorsAreRefusedWithoutTheCapability() {
    assumeFalse(vectors(), "the backend computes eigenvectors");
    assertRejects(UnsupportedOperationException.class,
        () -> backend.eig(m(new double[][] {{1}}), true), "eigenvectors");
  }

  @Test
  void eigBatchDecomposesEachMatrix() {
    Random random = new Random(12);
    int n = 6;
    double[][][] mats = {randomMatrix(random, n, n), similar(new double[] {1, 1, 2, 3, -4, 0}, 3),
        randomMatrix(random, n, n)};
    double[] flat = new double[3 * n * n];
    for (int b = 0; b < 3; b++) {
      System.arraycopy(flatten(mats[b]), 0, flat, b * n * n, n * n);
    }
    for (boolean withVectors : new boolean[] {false, vectors()}) {
      List<Eigendecomposition> all = backend.eigBatch(t(flat, 3, n, n), withVectors);
      assertEquals(3, all.size());
      for (int b = 0; b < 3; b++) {
        Eigendecomposition one = backend.eig(m(mats[b]), withVectors);
        Eigendecomposition fromBatch = all.get(b);
        assertEquals(withVectors, fromBatch.hasVectors());
        EigenChecks.assertCanonical(fromBatch);
        double tol = 1e-12 * EigenChecks.norm(mats[b]);
        assertClose(one.realParts(), fromBatch.realParts(), tol, "batch " + b + " real parts");
        assertClose(one.imagParts(), fromBatch.imagParts(), tol, "batch " + b + " imaginary parts");
        if (withVectors) {
          EigenChecks.assertEigenpairs(mats[b], fromBatch, EIG_TOL);
        }
      }
    }
  }

  @Test
  void eigRejectsBadInput() {
    assertRejects(IllegalArgumentException.class, () -> backend.eig(t(new double[6], 2, 3), false),
        "square", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.eig(t(new double[8], 2, 2, 2), false),
        "[2, 2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatch(t(new double[4], 2, 2), false), "[B, n, n]", "[2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatch(t(new double[12], 2, 2, 3), false), "[2, 2, 3]");
    double[][] nan = {{1, Double.NaN}, {0, 1}};
    assertRejects(ArithmeticException.class, () -> backend.eig(m(nan), false), "NaN");
    assertRejects(ArithmeticException.class, () -> backend.eig(m(nan), vectors()), "NaN");
    double[][] inf = {{1, 0}, {Double.NEGATIVE_INFINITY, 1}};
    assertRejects(ArithmeticException.class, () -> backend.eig(m(inf), false), "inf");
    double[] batch = new double[8];
    batch[6] = Double.POSITIVE_INFINITY;
    assertRejects(ArithmeticException.class, () -> backend.eigBatch(t(batch, 2, 2, 2), false), "inf");
  }

  @Test
  void eigWithLeftVectorsRejectsBadInput() {
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigWithLeftVectors(t(new double[6], 2, 3)), "square", "[2, 3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigWithLeftVectors(t(new double[8], 2, 2, 2)), "[2, 2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatchWithLeftVectors(t(new double[4], 2, 2)), "[B, n, n]", "[2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatchWithLeftVectors(t(new double[12], 2, 2, 3)), "[2, 2, 3]");
    double[][] nan = {{1, Double.NaN}, {0, 1}};
    assertRejects(ArithmeticException.class, () -> backend.eigWithLeftVectors(m(nan)), "NaN");
    double[] batch = new double[8];
    batch[6] = Double.POSITIVE_INFINITY;
    assertRejects(ArithmeticException.class,
        () -> backend.eigBatchWithLeftVectors(t(batch, 2, 2, 2)), "inf");
  }

  /** Checks left vectors: residual of w^H A = lambda w^H, unit norm, w^H v real positive, biorthogonality. */
  private void checkLeftVectors(double[][] a, Eigendecomposition e) {
    int n = a.length;
    assertTrue(e.hasLeftVectors(), "eigWithLeftVectors must return left vectors");
    EigenChecks.assertCanonical(e);
    EigenChecks.assertEigenpairs(a, e, EIG_TOL);
    double[][] at = transposed(a);
    double normA = EigenChecks.norm(a);
    for (int k = 0; k < n; k++) {
      double[] wr = e.leftVectorReal(k);
      double[] wi = e.leftVectorImag(k);
      assertEquals(1.0, EigenChecks.norm(wr, wi), 1e-12, "norm of left vector " + k);
      // w^H A = lambda w^H  <=>  A^T conj(w) = lambda conj(w)
      double[] negWi = new double[n];
      for (int i = 0; i < n; i++) {
        negWi[i] = -wi[i];
      }
      double r = EigenChecks.residual(at, e.real(k), e.imag(k), wr, negWi);
      assertTrue(r <= 1e-9 * normA, "left residual of eigenvalue " + k + ": " + r);
      for (int j = 0; j < n; j++) {
        double[] vr = e.vectorReal(j);
        double[] vi = e.vectorImag(j);
        double pr = 0;
        double pi = 0;
        for (int i = 0; i < n; i++) {
          pr += wr[i] * vr[i] + wi[i] * vi[i];
          pi += wr[i] * vi[i] - wi[i] * vr[i];
        }
        if (j == k) {
          assertTrue(pr > 1e-3, "w^H v of eigenvalue " + k + " must be real positive: " + pr);
          assertEquals(0.0, pi, 1e-12, "imaginary part of w^H v of eigenvalue " + k);
        } else if (Math.hypot(e.real(j) - e.real(k), e.imag(j) - e.imag(k)) > 1e-3) {
          assertEquals(0.0, Math.hypot(pr, pi), 1e-9, "w_" + k + "^H v_" + j + " (distinct eigenvalues)");
        }
      }
    }
  }

  @Test
  void leftEigenvectorsOfANonsymmetricMatrixWithComplexPairs() {
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    Random random = new Random(29);
    double[][] a = randomMatrix(random, 17, 17);
    Eigendecomposition e = backend.eigWithLeftVectors(m(a));
    int complex = 0;
    for (int k = 0; k < e.size(); k++) {
      complex += e.imag(k) != 0 ? 1 : 0;
    }
    assertTrue(complex >= 2, "the test matrix must have a complex pair");
    checkLeftVectors(a, e);
    // the eigenvalues are eig's
    Eigendecomposition plain = backend.eig(m(a), false);
    assertArrayEquals(plain.realParts(), e.realParts(), 1e-12 * EigenChecks.norm(a));
    assertArrayEquals(plain.imagParts(), e.imagParts(), 1e-12 * EigenChecks.norm(a));
  }

  @Test
  void leftEigenvectorsOfABatch() {
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    Random random = new Random(31);
    double[][] a0 = randomMatrix(random, 6, 6);
    double[][] a1 = randomMatrix(random, 6, 6);
    double[] flat = new double[72];
    System.arraycopy(flatten(a0), 0, flat, 0, 36);
    System.arraycopy(flatten(a1), 0, flat, 36, 36);
    List<Eigendecomposition> list = backend.eigBatchWithLeftVectors(t(flat, 2, 6, 6));
    assertEquals(2, list.size());
    checkLeftVectors(a0, list.get(0));
    checkLeftVectors(a1, list.get(1));
  }

  @Test
  void leftEigenvectorOfAnIsolatedEigenvalueBesideAJordanBlock() {
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    // S J S^-1 with J: a Jordan block of size 3 at 0.5 and an isolated 0.1 (V is singular)
    double[][] j = {{0.5, 1, 0, 0}, {0, 0.5, 1, 0}, {0, 0, 0.5, 0}, {0, 0, 0, 0.1}};
    Random random = new Random(7);
    double[][] s = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        s[r][c] = (r == c ? 1 : 0) + 0.3 * random.nextGaussian();
      }
    }
    double[][] a = naiveProduct(naiveProduct(s, j), inverse(s));
    Eigendecomposition e = backend.eigWithLeftVectors(m(a));
    int k = e.size() - 1;
    assertEquals(0.1, e.real(k), 1e-10);
    double[] wr = e.leftVectorReal(k);
    double[] wi = e.leftVectorImag(k);
    double[] negWi = new double[4];
    for (int i = 0; i < 4; i++) {
      negWi[i] = -wi[i];
    }
    double r = EigenChecks.residual(transposed(a), e.real(k), e.imag(k), wr, negWi);
    assertTrue(r <= 1e-9 * EigenChecks.norm(a), "left residual of the isolated eigenvalue: " + r);
    double[] vr = e.vectorReal(k);
    double[] vi = e.vectorImag(k);
    double p = 0;
    for (int i = 0; i < 4; i++) {
      p += wr[i] * vr[i] + wi[i] * vi[i];
    }
    assertTrue(p > 1e-3, "w^H v of the isolated eigenvalue: " + p);
  }
}
