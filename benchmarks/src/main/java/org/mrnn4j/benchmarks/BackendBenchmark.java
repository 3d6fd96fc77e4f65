package org.mrnn4j.benchmarks;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentModel;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code backend} parameter and the trial's resources, shared by the benchmarks that measure
 * one backend.
 *
 * <p>A subclass's {@code @Setup} opens the backend ({@link #openBackend}, or {@link #network} for
 * the {@link BenchmarkNetwork}) and registers what else it allocates with {@code own}; the
 * {@link #tearDown} here frees all of it, newest first, so a setup that failed half-way (a skipped
 * backend, a missing checkpoint) frees only what it had.
 *
 * <p>The run settings here (average time in milliseconds, one fork, 3 warm-up and 5 measured
 * iterations of a second) apply to every subclass that does not set its own.
 */
@State(Scope.Benchmark) // JMH accepts @Param only in a @State class
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class BackendBenchmark {

  /** The backend to measure; one that cannot run here fails its setup (see BenchmarkBackends). */
  @Param({"ejml", "nd4j", "cuda"})
  public String backend;

  /** The backend of this trial, once {@link #openBackend} has run. */
  protected Backend compute;

  // Newest first: tensors and the network before the backend that holds them.
  private final Deque<Runnable> owned = new ArrayDeque<>();

  /**
   * Opens the backend {@link #backend} names as {@link #compute}.
   *
   * @return the opened backend, also in {@link #compute}; closed by {@link #tearDown}
   * @throws BenchmarkBackends.SkippedException if it cannot run here
   */
  protected final Backend openBackend() {
    compute = BenchmarkBackends.open(backend);
    Backend opened = compute;
    owned.push(opened::close);
    return opened;
  }

  /**
   * Opens the backend and builds the {@link BenchmarkNetwork} of {@code n} units on it.
   *
   * @param n the number of recurrent units, at least 5
   * @return the benchmark network on {@link #compute}, closed by {@link #tearDown}
   * @throws BenchmarkBackends.SkippedException if the backend cannot run here
   */
  protected final LeakyMRNN network(int n) {
    return own(BenchmarkNetwork.build(openBackend(), n));
  }

  /**
   * Registers {@code tensor} to be closed by {@link #tearDown}, and returns it.
   *
   * @param tensor the tensor the setup allocated
   * @return {@code tensor}
   */
  protected final Tensor own(Tensor tensor) {
    owned.push(tensor::close);
    return tensor;
  }

  /**
   * Registers {@code model} to be closed by {@link #tearDown}, and returns it.
   *
   * @param <M> the type of the model
   * @param model the model the setup built
   * @return {@code model}
   */
  protected final <M extends RecurrentModel> M own(M model) {
    owned.push(model::close);
    return model;
  }

  /** Frees what the setup allocated, newest first, and the backend last. */
  @TearDown(Level.Trial)
  public void tearDown() {
    while (!owned.isEmpty()) {
      owned.pop().run();
    }
  }
}
