package org.mrnn4j.benchmarks;

import java.util.List;
import org.mrnn4j.analysis.BatchLinearization;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.Trajectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The analysis of a whole trajectory: the state and input Jacobians and the eigenvalues of the
 * state Jacobian at {@link #points} operating points, with the batched API
 * ({@link Linearization#batch}, {@link BatchLinearization#eigenvalues}).
 *
 * <p>The trajectory is simulated once, in setup: {@code points} steps of the
 * {@link BenchmarkNetwork} from {@code x0 ~ N(0, 1)} with zero input; the operating points are its
 * states {@code x_1 ... x_points}. The points are analysed in chunks so that one chunk of
 * Jacobians stays near 64 MiB ({@link #chunkSize}); the chunking is part of what is measured, as it
 * would be in an application.
 *
 * <p>Each operation solves {@code points} eigenvalue problems of size {@code n}, so it is long:
 * about a second at {@code n = 64} and tens of seconds at {@code n = 256} on a laptop core. The
 * default sizes stop there; {@code -p n=512,1024} is possible but takes many minutes per
 * iteration on a CPU backend.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 1, time = 1) // each operation is long: fewer iterations than the others
@Measurement(iterations = 3, time = 1)
public class BatchBenchmark extends BackendBenchmark {

  /** Doubles in one chunk of Jacobians: 8 Mi doubles = 64 MiB. */
  static final long CHUNK_DOUBLES = 8L << 20;

  /** The number of recurrent units. */
  @Param({"64", "256"})
  public int n;

  /** The number of operating points along the trajectory. */
  @Param({"1000"})
  public int points;

  private LeakyMRNN model;
  private Linearization linearization;
  private Tensor states;
  private Tensor input;
  private int chunk;

  /** Opens the backend, builds the network and simulates the trajectory. */
  @Setup(Level.Trial)
  public void setUp() {
    model = network(n);
    linearization = Linearization.of(model);
    try (Tensor u = compute.zeros(1, points, BenchmarkNetwork.INPUTS);
        Tensor x0 = compute.fromArray(BenchmarkNetwork.gaussian(1, n), 1, n);
        Trajectory t = model.simulate(u, x0)) {
      states = own(compute.reshape(t.xs(), points, n)); // [1, T, N] -> [T, N]
    }
    input = own(compute.zeros(BenchmarkNetwork.INPUTS));
    chunk = chunkSize(n, points);
  }

  /** Points per batched call: as many as fit {@link #CHUNK_DOUBLES}, at least one. */
  static int chunkSize(int n, int points) {
    long perPoint = (long) n * n;
    return (int) Math.max(1, Math.min(points, CHUNK_DOUBLES / perPoint));
  }

  /**
   * Jacobians and eigenvalues at every point of the trajectory.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void trajectory(Blackhole bh) {
    for (int from = 0; from < points; from += chunk) {
      int to = Math.min(points, from + chunk);
      try (Tensor part = compute.slice(states, from, to);
          BatchLinearization batch = linearization.batch(part, null, input)) {
        bh.consume(BenchmarkNetwork.settle(batch.inputJacobians()));
        List<Eigendecomposition> eigenvalues = batch.eigenvalues();
        bh.consume(eigenvalues);
      }
    }
  }
}
