package org.mrnn4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One backend, with its default options, shared by many threads: the throughput of a mixed
 * operation (a linearization with the eigendecomposition of its Jacobian, then a short batched
 * simulation) from one thread ({@link #oneThread}) and from eight at once ({@link #eightThreads}).
 * JMH reports operations per second summed over the threads, so the defaults oversubscribe the
 * cores exactly when eight threads do fewer operations than one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SharedBackendBenchmark extends BackendBenchmark {

  /** The number of recurrent units. */
  @Param({"256"})
  public int n;

  private LeakyMRNN model;
  private Linearization linearization;
  private OperatingPoint point;
  private Simulation simulation;

  /** Opens the backend and builds the network, its operating point and the simulation. */
  @Setup(Level.Trial)
  public void setUp() {
    model = network(n);
    linearization = Linearization.of(model);
    point = OperatingPoint.of(BenchmarkNetwork.operatingPoint(n),
        new double[BenchmarkNetwork.INPUTS]);
    Tensor input = own(compute.zeros(4, 20, BenchmarkNetwork.INPUTS));
    Tensor x0 = own(compute.fromArray(BenchmarkNetwork.gaussian(4, n), 4, n));
    simulation = Simulation.of(input).x0(x0);
  }

  private void work(Blackhole bh) {
    try (LinearizationResult r = linearization.at(point)) {
      bh.consume(r.eigendecomposition());
    }
    try (Trajectory t = model.simulate(simulation)) {
      bh.consume(BenchmarkNetwork.settle(t.hs()));
    }
  }

  /**
   * The mixed operation from one thread.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  @Threads(1)
  public void oneThread(Blackhole bh) {
    work(bh);
  }

  /**
   * The mixed operation from eight threads sharing the backend.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  @Threads(8)
  public void eightThreads(Blackhole bh) {
    work(bh);
  }
}
