package org.mrnn4j.benchmarks;

import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A noiseless forward simulation of the {@link BenchmarkNetwork}: a batch of {@value #BATCH}
 * trajectories of {@value #STEPS} steps from {@code x0 ~ N(0, 1)} with zero input, returning the
 * pre-activations and activations {@code [64, 100, n]} ({@link LeakyMRNN#simulate}).
 */
@State(Scope.Benchmark)
public class SimulationBenchmark extends BackendBenchmark {
  /** Trajectories simulated together. */
  public static final int BATCH = 64;
  /** Time steps. */
  public static final int STEPS = 100;

  /** The number of recurrent units. */
  @Param({"64", "256", "512", "1024"})
  public int n;

  private LeakyMRNN model;
  private Tensor input;
  private Tensor x0;
  private Simulation simulation;

  /** Opens the backend, builds the network and its inputs. */
  @Setup(Level.Trial)
  public void setUp() {
    model = network(n);
    input = own(compute.zeros(BATCH, STEPS, BenchmarkNetwork.INPUTS));
    x0 = own(compute.fromArray(BenchmarkNetwork.gaussian(BATCH, n), BATCH, n));
    simulation = Simulation.of(input).x0(x0);
  }

  /**
   * {@value #BATCH} trajectories of {@value #STEPS} steps.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void simulate(Blackhole bh) {
    try (Trajectory t = model.simulate(simulation)) {
      bh.consume(BenchmarkNetwork.settle(t.hs()));
      bh.consume(t);
    }
  }
}
