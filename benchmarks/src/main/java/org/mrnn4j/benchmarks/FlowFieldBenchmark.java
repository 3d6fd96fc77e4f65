package org.mrnn4j.benchmarks;

import java.util.List;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
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
 * Flow fields of the {@link BenchmarkNetwork}, as the reference's {@code ref_flow.py} times them:
 * a trajectory of {@value #STEPS} steps from {@code x0 ~ N(0, 1)} with zero input, a PCA plane
 * fitted on all of it, and the fields at its last {@code states} states on a {@code grid x grid}
 * grid of offsets 1 that follows the trajectory, with zero input (and, for the linear field, a
 * zero input perturbation).
 *
 * <p>The network computes in float64; the reference runs in float32, which favours it.
 */
@State(Scope.Benchmark)
public class FlowFieldBenchmark extends BackendBenchmark {
  /** Steps of the trajectory the plane is fitted on. */
  public static final int STEPS = 50;

  /** The number of recurrent units. */
  @Param({"64", "512"})
  public int n;

  /** Grid points per axis. */
  @Param({"50"})
  public int grid;

  /** States of the trajectory (its last ones) at which the fields are computed. */
  @Param({"10"})
  public int states;

  private FlowFieldFinder finder;
  private double[][] picked;
  private double[][] inputs;

  /** Opens the backend, simulates the trajectory and fits the plane. */
  @Setup(Level.Trial)
  public void setUp() {
    LeakyMRNN model = network(n);
    if (states < 1 || states > STEPS) {
      throw new IllegalArgumentException("states must be in [1, " + STEPS + "], got " + states);
    }
    double[][] xs;
    try (Tensor input = compute.zeros(1, STEPS, BenchmarkNetwork.INPUTS);
        Tensor x0 = compute.fromArray(BenchmarkNetwork.gaussian(1, n), 1, n);
        Trajectory t = model.simulate(Simulation.of(input).x0(x0));
        Tensor first = compute.at(t.xs(), 0)) {
      xs = first.toMatrix();
    }
    finder = FlowFieldFinder.on(model).planeFittedOn(xs)
        .grid(FlowGrid.following(grid, 1.0, 1.0)).build();
    picked = new double[states][];
    System.arraycopy(xs, STEPS - states, picked, 0, states);
    inputs = new double[states][BenchmarkNetwork.INPUTS];
  }

  /**
   * The nonlinear field at every state: one batched step of the whole grid each.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void nonlinear(Blackhole bh) {
    List<FlowField> fields = finder.nonlinear(picked, inputs);
    bh.consume(fields);
  }

  /**
   * The linear field at every state: the linearization there, applied to the plane.
   *
   * @param bh consumes the results, so that the JIT keeps the work
   */
  @Benchmark
  public void linear(Blackhole bh) {
    List<FlowField> fields = finder.linear(picked, inputs, inputs, null);
    bh.consume(fields);
  }
}
