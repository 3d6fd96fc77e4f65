package org.mrnn4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A noiseless forward simulation of the {@link BenchmarkNetwork}: a batch of {@value #BATCH}
 * trajectories of {@value #STEPS} steps from {@code x0 ~ N(0, 1)} with zero input, returning the
 * pre-activations and activations {@code [64, 100, n]} ({@link LeakyMRNN#simulate}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SimulationBenchmark {
  /** Trajectories simulated together. */
  public static final int BATCH = 64;
  /** Time steps. */
  public static final int STEPS = 100;

  /** The backend to measure; one that cannot run here fails its setup (see BenchmarkBackends). */
  @Param({"ejml", "nd4j", "cuda"})
  public String backend;

  /** The number of recurrent units. */
  @Param({"64", "256", "512", "1024"})
  public int n;

  private Backend compute;
  private LeakyMRNN model;
  private Tensor input;
  private Tensor x0;
  private Simulation simulation;

  /** Opens the backend, builds the network and its inputs. */
  @Setup(Level.Trial)
  public void setUp() {
    compute = BenchmarkBackends.open(backend);
    model = BenchmarkNetwork.build(compute, n);
    input = compute.zeros(BATCH, STEPS, BenchmarkNetwork.INPUTS);
    x0 = compute.fromArray(BenchmarkNetwork.gaussian(BATCH, n), BATCH, n);
    simulation = Simulation.of(input).x0(x0);
  }

  /** Frees the inputs, the network and the backend. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (input != null) {
      input.close();
    }
    if (x0 != null) {
      x0.close();
    }
    if (model != null) {
      model.close();
    }
    if (compute != null) {
      compute.close();
    }
  }

  /** {@value #BATCH} trajectories of {@value #STEPS} steps. */
  @Benchmark
  public void simulate(Blackhole bh) {
    try (Trajectory t = model.simulate(simulation)) {
      bh.consume(BenchmarkNetwork.settle(t.hs()));
      bh.consume(t);
    }
  }
}
