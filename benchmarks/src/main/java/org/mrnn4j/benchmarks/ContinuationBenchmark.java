package org.mrnn4j.benchmarks;

import java.util.Arrays;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationFamily;
import org.mrnn4j.analysis.continuation.ContinuationOptions;
import org.mrnn4j.analysis.continuation.PseudoArclength;
import org.mrnn4j.app.ContinuationParameter;
import org.mrnn4j.models.LeakyMRNN;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One branch of {@value #POINTS} points of the {@link BenchmarkNetwork}'s fixed point at zero
 * input ({@code x = 0}: tanh and no tonic drive), continued in the input along all ones with
 * bifurcation detection at every point (tangent, bordered determinant, the map's eigenvalues:
 * the Krylov-Schur leading part, or with {@code -p eigenvalues=dense} the dense decomposition,
 * about 1.5 s per point at n = 512 on 2 shared cores). The range is wide enough that only the budget stops the branch, and
 * the step is fixed so that every trial follows the same {@value #POINTS} points. Setup prints
 * how the branch stopped, so a branch cut short cannot pass for a fast one.
 */
@State(Scope.Benchmark)
public class ContinuationBenchmark extends BackendBenchmark {
  /** The points of the branch. */
  public static final int POINTS = 500;

  /** The number of recurrent units. */
  @Param({"512"})
  public int n;

  /** How the eigenvalues are computed at each point: krylov (leading part) or dense. */
  @Param({"krylov"})
  public String eigenvalues;

  private PseudoArclength engine;
  private ContinuationFamily family;

  /** Builds the network and the family, and follows the branch once to report it. */
  @Setup(Level.Trial)
  public void setUp() {
    LeakyMRNN model = network(n);
    double[] d = new double[BenchmarkNetwork.INPUTS];
    Arrays.fill(d, 1);
    family = ContinuationParameter.input(new double[BenchmarkNetwork.INPUTS], d).family(model);
    ContinuationOptions o = ContinuationOptions.over(-1e6, 1e6).withSteps(1e-3, 1e-3, 1e-3)
        .withMaxPoints(POINTS).withDenseBelow(eigenvalues.equals("dense") ? Integer.MAX_VALUE : 1);
    engine = new PseudoArclength(model.backend(), o);
    Branch b = follow();
    System.err.println("ContinuationBenchmark n=" + n + " backend=" + backend + ": "
        + b.points().size() + " points to s = " + b.end().parameter() + ", " + b.stopDetail()
        + ", " + b.bifurcations().size() + " bifurcations");
  }

  /**
   * The branch.
   *
   * @return the branch followed
   */
  @Benchmark
  public Branch follow() {
    return engine.follow(family, 0, new double[n], 1);
  }
}
