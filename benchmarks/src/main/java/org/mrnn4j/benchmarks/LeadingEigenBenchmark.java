package org.mrnn4j.benchmarks;

import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.models.LeakyMRNN;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The leading eigenvalues of the {@link BenchmarkNetwork}'s state Jacobian at one operating point
 * without forming it ({@link Linearization#leading}: Krylov-Schur on the backend's
 * Jacobian-times-vectors kernel), beside {@link JacobianBenchmark#jacobianAndEigenvalues}, the
 * dense path, at the same sizes.
 *
 * <p>{@link #spectralRadius} is the outlier (k = 1, with its eigenvector); {@link #leading}
 * asks for k = 10 by modulus, which past the outlier lie in the random bulk, where a Krylov
 * method converges slowly: it shows what the product budget and the dense fallback cost. Setup
 * prints, once per trial, how each answer was reached (method, products, residual), so a run
 * that did not converge cannot pass for a fast one.
 */
@State(Scope.Benchmark)
public class LeadingEigenBenchmark extends BackendBenchmark {

  /** The number of recurrent units. */
  @Param({"512", "1024", "2048", "4096"})
  public int n;

  private Linearization linearization;
  private OperatingPoint point;
  private final LeadingOptions radius = LeadingOptions.largestModulus(1).withVectors(true);
  private final LeadingOptions ten = LeadingOptions.largestModulus(10);

  /** Opens the backend, builds the network and reports how each answer is reached. */
  @Setup(Level.Trial)
  public void setUp() {
    LeakyMRNN model = network(n);
    linearization = Linearization.of(model);
    point = OperatingPoint.of(BenchmarkNetwork.operatingPoint(n),
        new double[BenchmarkNetwork.INPUTS]);
    for (LeadingOptions o : new LeadingOptions[] {radius, ten}) {
      LeadingSpectrum s = linearization.leading(point, o);
      System.err.println("LeadingEigenBenchmark n=" + n + " backend=" + backend + " k="
          + o.count() + ": " + s.describe() + ", spectral radius " + s.spectralRadius()
          + ", residual " + (s.converged() > 0 ? s.residual(0) : Double.NaN));
    }
  }

  /**
   * The spectral radius and its eigenvector.
   *
   * @return the leading eigenvalue by modulus, with its eigenvector, and how it was reached
   */
  @Benchmark
  public LeadingSpectrum spectralRadius() {
    return linearization.leading(point, radius);
  }

  /**
   * What {@code mrnn4j analyze} computes by default from {@link LeadingOptions#LEADING_FROM}
   * units: the leading eigenvalues, as many as it takes to count the unstable modes.
   *
   * @return the leading eigenvalues, with the count of unstable modes and how far it is certain
   */
  @Benchmark
  public LeadingSpectrum stability() {
    return linearization.leadingStability(point, LeadingOptions.defaults());
  }

  /**
   * The 10 eigenvalues of largest modulus (no eigenvectors).
   *
   * @return the converged pairs of the 10 wanted, and how they were reached
   */
  @Benchmark
  public LeadingSpectrum leading() {
    return linearization.leading(point, ten);
  }
}
