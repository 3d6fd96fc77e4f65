package org.mrnn4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/**
 * The Krylov answers of {@link Spectra#leading} and {@link Spectra#stability} against the dense
 * path on Jacobians where both run: an outlier (a Dale's-law tanh network), a complex-conjugate
 * leading pair, unstable outliers above a stable bulk, and a bulk that crosses the unit circle.
 */
class LeadingEigenTest {
  private Backend backend;
  private final List<Tensor> tensors = new ArrayList<>();

  @BeforeEach
  void open() {
    backend = Backends.select("ejml");
  }

  @AfterEach
  void close() {
    tensors.forEach(Tensor::close);
    backend.close();
  }

  private Tensor track(Tensor t) {
    tensors.add(t);
    return t;
  }

  /** A Gaussian matrix with entries of variance {@code g^2 / n}: its bulk fills radius g. */
  private static double[][] bulk(Random random, int n, double g) {
    double[][] w = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] = random.nextGaussian() * g / Math.sqrt(n);
      }
    }
    return w;
  }

  /** Adds {@code s u v^T} with random unit u, v orthogonal-ish: an outlier near s (v^T u ~ 1). */
  private static void addRankOne(Random random, double[][] w, double s) {
    int n = w.length;
    double[] u = new double[n];
    double norm = 0;
    for (int i = 0; i < n; i++) {
      u[i] = random.nextGaussian();
      norm += u[i] * u[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < n; i++) {
      u[i] /= norm;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] += s * u[i] * u[j];
      }
    }
  }

  /** Adds a rotation of rate {@code s} in a random plane: outliers near {@code +-i s}. */
  private static void addRotation(Random random, double[][] w, double s) {
    int n = w.length;
    double[] u = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      u[i] = random.nextGaussian();
      v[i] = random.nextGaussian();
    }
    normalise(u);
    double d = KrylovSchur.dot(u, v);
    for (int i = 0; i < n; i++) {
      v[i] -= d * u[i];
    }
    normalise(v);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i][j] += s * (u[i] * v[j] - v[i] * u[j]);
      }
    }
  }

  private static void normalise(double[] x) {
    double s = Math.sqrt(KrylovSchur.dot(x, x));
    for (int i = 0; i < x.length; i++) {
      x[i] /= s;
    }
  }

  private JacobianSpec spec(double[][] w, double a, double b) {
    return JacobianSpec.builder(track(backend.fromMatrix(w))).identity(a).scale(b).build();
  }

  private Eigendecomposition dense(JacobianSpec spec) {
    try (Tensor j = backend.jacobian(spec)) {
      return Spectra.eig(j, false);
    }
  }

  private static double frobenius(Backend backend, JacobianSpec spec) {
    double[] j = backend.jacobian(spec).toArray();
    return Math.sqrt(KrylovSchur.dot(j, j));
  }

  /** Every converged Krylov eigenvalue is one of the dense ones, the leading ones in order. */
  private void assertLeadingAgree(JacobianSpec spec, LeadingSpectrum got, int k) {
    Eigendecomposition all = dense(spec);
    double bound = 1e-10 * frobenius(backend, spec);
    assertEquals(LeadingSpectrum.Method.KRYLOV, got.method(), got.describe());
    assertTrue(got.isComplete(), got.describe());
    assertTrue(got.converged() >= k, got.describe());
    for (int i = 0; i < got.converged(); i++) {
      Eigendecomposition e = got.eigenvalues();
      assertTrue(Math.hypot(e.real(i) - all.real(i), e.imag(i) - all.imag(i)) <= bound,
          "eigenvalue " + i + ": Krylov " + e.real(i) + "+" + e.imag(i) + "i, dense "
              + all.real(i) + "+" + all.imag(i) + "i, bound " + bound);
      assertTrue(got.residual(i) <= bound, "residual " + got.residual(i) + " > " + bound);
    }
  }

  @Test
  void spectralRadiusOfADalesLawNetworkAgreesWithTheDensePath() {
    int n = 400;
    LeakyMRNN model = LeakyMRNN.builder().activation(Activation.TANH).dt(10).tau(100)
        .recurrentConstrained(true).seed(20240611L)
        .recurrentRegion(RecurrentRegion.of("exc", 320).sign(Sign.POS))
        .recurrentRegion(RecurrentRegion.of("inh", 80).sign(Sign.NEG))
        .inputRegion("inp", 2)
        .recurrentConnection("exc", "exc").recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc").recurrentConnection("inh", "inh")
        .inputConnection("inp", "exc").build(backend);
    try (model) {
      Random random = new Random(3);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = random.nextGaussian();
      }
      OperatingPoint p = OperatingPoint.of(x, new double[2]);
      Linearization lin = Linearization.of(model);
      LeadingSpectrum s = lin.leading(p, LeadingOptions.largestModulus(1).withVectors(true));
      Eigendecomposition all = lin.eigenvalues(p);
      double bound;
      try (Tensor j = lin.jacobian(p)) {
        double[] a = j.toArray();
        bound = 1e-10 * Math.sqrt(KrylovSchur.dot(a, a));
      }
      assertEquals(LeadingSpectrum.Method.KRYLOV, s.method(), s.describe());
      assertEquals(all.spectralRadius(), s.spectralRadius(), bound);
      assertTrue(s.residual(0) <= bound, s.describe() + " residual " + s.residual(0));
      assertTrue(s.products() < 200, "an outlier converges fast: " + s.describe());
      // the eigenvector is one: J x = lambda x on the matrix itself
      try (Tensor j = lin.jacobian(p)) {
        double[][] jm = toMatrix(j.toArray(), n);
        double[] xr = s.eigenvalues().vectorReal(0);
        double lambda = s.eigenvalues().real(0);
        assertEquals(0.0, s.eigenvalues().imag(0), bound);
        double worst = 0;
        for (int i = 0; i < n; i++) {
          worst = Math.max(worst, Math.abs(KrylovSchur.dot(jm[i], xr) - lambda * xr[i]));
        }
        assertTrue(worst <= bound, "|J x - lambda x| reaches " + worst);
      }
    }
  }

  private static double[][] toMatrix(double[] a, int n) {
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(a, i * n, i * n + n);
    }
    return out;
  }

  @Test
  void aComplexConjugateLeadingPairComesWholeAndAgrees() {
    Random random = new Random(11);
    double[][] w = bulk(random, 300, 0.5);
    addRotation(random, w, 1.2);
    JacobianSpec spec = spec(w, 0.1, 1.0);
    LeadingSpectrum s = Spectra.leading(spec, LeadingOptions.largestModulus(1).withVectors(true));
    assertEquals(2, s.wanted(), "the pair is kept whole: " + s.describe());
    assertLeadingAgree(spec, s, 2);
    Eigendecomposition e = s.eigenvalues();
    assertTrue(e.imag(0) > 0.5 && e.imag(1) == -e.imag(0), e.toString());
  }

  @Test
  void unstableOutliersAboveAStableBulkAreCountedExactly() {
    Random random = new Random(12);
    double[][] w = bulk(random, 500, 0.6);
    addRankOne(random, w, 1.8);
    addRankOne(random, w, 1.5);
    addRotation(random, w, 1.3);
    JacobianSpec spec = spec(w, 0.0, 1.0);
    Eigendecomposition all = dense(spec);
    int expected = 0;
    for (int i = 0; i < all.size(); i++) {
      expected += all.modulus(i) > 1 ? 1 : 0;
    }
    assertEquals(4, expected, "the test matrix: two real outliers and a pair above the bulk");
    LeadingSpectrum s = Spectra.stability(spec, LeadingOptions.largestModulus(2));
    assertEquals(LeadingSpectrum.Method.KRYLOV, s.method(), s.describe());
    assertEquals(LeadingSpectrum.Certainty.BULK_ESTIMATE, s.unstableCertainty(), s.describe());
    assertEquals(expected, s.unstableModes(), s.describe());
    assertTrue(s.bulkRadius() < 0.7, "the bulk's Ritz values stay inside radius 0.6: " + s);
    assertTrue(s.converged() >= 4, s.describe());
    for (int i = 0; i < 4; i++) {
      Eigendecomposition e = s.eigenvalues();
      assertEquals(all.real(i), e.real(i), 1e-10 * frobenius(backend, spec));
      assertEquals(all.imag(i), e.imag(i), 1e-10 * frobenius(backend, spec));
    }
    // one stable outlier above the bulk makes the count exact
    addRankOne(random, w, 0.95);
    JacobianSpec withStable = spec(w, 0.0, 1.0);
    LeadingSpectrum exact = Spectra.stability(withStable, LeadingOptions.largestModulus(2));
    assertEquals(LeadingSpectrum.Certainty.EXACT, exact.unstableCertainty(), exact.describe());
    assertEquals(expected, exact.unstableModes(), exact.describe());
    Eigendecomposition allWith = dense(withStable);
    double tol = 1e-10 * frobenius(backend, withStable);
    for (int i = 0; i < 5; i++) {
      assertEquals(allWith.real(i), exact.eigenvalues().real(i), tol, exact.describe());
      assertEquals(allWith.imag(i), exact.eigenvalues().imag(i), tol, exact.describe());
      assertTrue(exact.residual(i) <= tol, exact.describe());
    }
    assertEquals(all.spectralRadius(), s.spectralRadius(), 1e-10 * frobenius(backend, spec));
  }

  @Test
  void aBulkAcrossTheUnitCircleFallsBackToTheDensePathOrSaysItIsABound() {
    Random random = new Random(13);
    double[][] w = bulk(random, 400, 1.25); // the bulk itself reaches |lambda| ~ 1.25
    JacobianSpec spec = spec(w, 0.0, 1.0);
    Eigendecomposition all = dense(spec);
    int expected = 0;
    for (int i = 0; i < all.size(); i++) {
      expected += all.modulus(i) > 1 ? 1 : 0;
    }
    assertTrue(expected > 20, "the test matrix has many unstable bulk modes: " + expected);
    LeadingOptions small = LeadingOptions.largestModulus(4).withMaxProducts(150);
    LeadingSpectrum fallback = Spectra.stability(spec, small);
    assertEquals(LeadingSpectrum.Method.DENSE_FALLBACK, fallback.method(), fallback.describe());
    assertTrue(fallback.unstableModesExact());
    assertEquals(expected, fallback.unstableModes());
    assertEquals(all.spectralRadius(), fallback.spectralRadius(), 0.0);

    LeadingSpectrum bound = Spectra.stability(spec, small.withDenseLimit(0));
    assertEquals(LeadingSpectrum.Method.KRYLOV, bound.method());
    assertFalse(bound.unstableModesExact(), bound.describe());
    assertFalse(bound.isComplete(), bound.describe());
    assertTrue(bound.unstableModes() <= expected, bound.describe());
    assertTrue(bound.bulkRadius() > 1.0, bound.describe());
    assertEquals(LeadingSpectrum.Certainty.LOWER_BOUND, bound.unstableCertainty());
    assertTrue(bound.describe().contains("across the unit circle")
        && bound.describe().contains("lower bound"), bound.describe());
    // what converged is right
    double tol = 1e-10 * frobenius(backend, spec);
    for (int i = 0; i < bound.converged(); i++) {
      double re = bound.eigenvalues().real(i);
      double im = bound.eigenvalues().imag(i);
      double nearest = Double.MAX_VALUE;
      for (int d = 0; d < all.size(); d++) {
        nearest = Math.min(nearest, Math.hypot(all.real(d) - re, all.imag(d) - im));
      }
      assertTrue(nearest <= tol, "converged eigenvalue " + re + "+" + im + "i is off by " + nearest);
    }
  }

  @Test
  void largestRealPartAndRegionBlocksAgreeWithTheDensePath() {
    Random random = new Random(14);
    int n = 360;
    double[][] w = bulk(random, n, 0.7);
    addRankOne(random, w, -2.5); // the largest modulus, but the smallest real part
    addRankOne(random, w, 1.4);
    double[] r = new double[n];
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = 0.5 + random.nextDouble();
      c[i] = 0.5 + random.nextDouble();
    }
    IndexRanges units = IndexRanges.of(List.of(new org.mrnn4j.core.IndexRange(0, 100),
        new org.mrnn4j.core.IndexRange(140, 360)));
    JacobianSpec spec = JacobianSpec.builder(track(backend.fromMatrix(w))).identity(0.9).scale(0.1)
        .rowScale(track(backend.fromArray(r, n))).columnScale(track(backend.fromArray(c, n)))
        .rows(units).columns(units).build();
    LeadingSpectrum s = Spectra.leading(spec, LeadingOptions.largestModulus(3)
        .withOrder(LeadingOptions.Order.REAL_PART));
    assertEquals(LeadingSpectrum.Method.KRYLOV, s.method(), s.describe());
    Eigendecomposition all = dense(spec);
    double[] bestReal = all.realParts();
    java.util.Arrays.sort(bestReal);
    double tol = 1e-10 * frobenius(backend, spec);
    double gotBest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.converged(); i++) {
      gotBest = Math.max(gotBest, s.eigenvalues().real(i));
    }
    assertEquals(bestReal[bestReal.length - 1], gotBest, tol, s.describe());
  }

  @Test
  void eightThreadsGetTheSameBits() throws Exception {
    Random random = new Random(15);
    double[][] w = bulk(random, 300, 0.5);
    addRotation(random, w, 1.1);
    addRankOne(random, w, 0.9);
    JacobianSpec spec = spec(w, 0.2, 0.9);
    LeadingOptions options = LeadingOptions.largestModulus(3).withVectors(true);
    LeadingSpectrum expected = Spectra.leading(spec, options);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<LeadingSpectrum>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          List<LeadingSpectrum> out = new ArrayList<>();
          for (int rep = 0; rep < 3; rep++) {
            out.add(Spectra.leading(spec, options));
          }
          return out;
        }));
      }
      start.countDown();
      for (Future<List<LeadingSpectrum>> f : futures) {
        for (LeadingSpectrum got : f.get(120, TimeUnit.SECONDS)) {
          assertArrayEquals(expected.eigenvalues().realParts(), got.eigenvalues().realParts());
          assertArrayEquals(expected.eigenvalues().imagParts(), got.eigenvalues().imagParts());
          assertArrayEquals(expected.residuals(), got.residuals());
          for (int i = 0; i < expected.converged(); i++) {
            assertArrayEquals(expected.eigenvalues().vectorReal(i), got.eigenvalues().vectorReal(i));
            assertArrayEquals(expected.eigenvalues().vectorImag(i), got.eigenvalues().vectorImag(i));
          }
          assertEquals(expected.products(), got.products());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void smallJacobiansTakeTheDensePathAndBadSpecsAreRefused() {
    Random random = new Random(16);
    double[][] w = bulk(random, 30, 1.0);
    JacobianSpec spec = spec(w, 0.5, 0.5);
    LeadingSpectrum s = Spectra.leading(spec, LeadingOptions.largestModulus(2).withVectors(true));
    assertEquals(LeadingSpectrum.Method.DENSE, s.method());
    assertEquals(dense(spec).spectralRadius(), s.spectralRadius(), 0.0);
    assertTrue(s.residual(0) <= 1e-10 * frobenius(backend, spec), "residual " + s.residual(0));
    JacobianSpec rectangular = JacobianSpec.builder(track(backend.fromMatrix(w)))
        .rows(IndexRanges.of(0, 10)).columns(IndexRanges.of(5, 15)).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Spectra.leading(rectangular, LeadingOptions.defaults()));
    assertTrue(e.getMessage().contains("square"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LeadingOptions.largestModulus(0));
  }
}
