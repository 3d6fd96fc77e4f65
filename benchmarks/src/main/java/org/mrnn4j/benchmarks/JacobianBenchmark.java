package org.mrnn4j.benchmarks;

import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.LeakyMRNN;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The linearization of the {@link BenchmarkNetwork} at one operating point, through the analysis
 * module's API ({@link Linearization#at}): the state Jacobian {@code [n, n]} and the input Jacobian
 * {@code [n, 8]}, then optionally their eigenvalues or full eigendecomposition.
 *
 * <p>The three methods share the Jacobian step, so their differences are the cost of the
 * eigenvalues and of the eigenvectors.
 */
@State(Scope.Benchmark)
public class JacobianBenchmark extends BackendBenchmark {

  /** The number of recurrent units. */
  @Param({"64", "256", "512", "1024"})
  public int n;

  private LeakyMRNN model;
  private Linearization linearization;
  private OperatingPoint point;

  /** Opens the backend and builds the network and its operating point. */
  @Setup(Level.Trial)
  public void setUp() {
    model = network(n);
    linearization = Linearization.of(model);
    point = OperatingPoint.of(BenchmarkNetwork.operatingPoint(n), new double[BenchmarkNetwork.INPUTS]);
  }

  /**
   * The state and input Jacobians at the operating point.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void jacobian(Blackhole bh) {
    try (LinearizationResult r = linearization.at(point)) {
      bh.consume(BenchmarkNetwork.settle(r.jacobian()));
      bh.consume(BenchmarkNetwork.settle(r.inputJacobian()));
    }
  }

  /**
   * The Jacobians and the eigenvalues of the state Jacobian.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void jacobianAndEigenvalues(Blackhole bh) {
    try (LinearizationResult r = linearization.at(point)) {
      bh.consume(BenchmarkNetwork.settle(r.inputJacobian()));
      Eigendecomposition e = r.eigenvalues();
      bh.consume(e);
    }
  }

  /**
   * The Jacobians and the eigenvalues and eigenvectors of the state Jacobian.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void jacobianAndEigendecomposition(Blackhole bh) {
    try (LinearizationResult r = linearization.at(point)) {
      bh.consume(BenchmarkNetwork.settle(r.inputJacobian()));
      Eigendecomposition e = r.eigendecomposition();
      bh.consume(e);
    }
  }
}
