package org.mrnn4j.benchmarks;

import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.StabilitySummary;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.models.LeakyMRNN;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What {@code mrnn4j analyze --modes} adds at one operating point of the {@link BenchmarkNetwork}
 * ({@link RegionModes}: right and left participation, connection sensitivities), beside plain
 * {@code analyze}, on the path {@code analyze} takes at each size: below
 * {@link LeadingOptions#LEADING_FROM} units the dense path ({@link #analyze}: the eigenvalues;
 * {@link #analyzeWithModes}: one decomposition with right and left eigenvectors, which also gives
 * the stability), from there the Krylov path ({@link #analyze}: the leading eigenvalues;
 * {@link #analyzeWithModes}: the same run with eigenvectors, then a Krylov-Schur run on
 * {@code J^T} for the left vectors of the 3 leading converged modes). Issue 29's targets: at most 1.5 times {@link #analyze} at
 * n = 512, at most 3 times at n = 4096.
 */
@State(Scope.Benchmark)
public class RegionModesBenchmark extends BackendBenchmark {

  /** The number of recurrent units. */
  @Param({"512", "4096"})
  public int n;

  /** The modes resolved by region, {@code analyze --modes}' default. */
  static final int MODES = 3;

  private Linearization linearization;
  private OperatingPoint point;
  private boolean krylov;

  /** Opens the backend, builds the network and reports what the modes look like. */
  @Setup(Level.Trial)
  public void setUp() {
    LeakyMRNN model = network(n);
    linearization = Linearization.of(model);
    point = OperatingPoint.of(BenchmarkNetwork.operatingPoint(n),
        new double[BenchmarkNetwork.INPUTS]);
    krylov = n >= LeadingOptions.LEADING_FROM;
    RegionModes m = krylov
        ? linearization.stabilityRegionModes(point, LeadingOptions.defaults(), MODES) : modes();
    System.err.println("RegionModesBenchmark n=" + n + " backend=" + backend + ": " + m + ", "
        + m.modes().size() + " modes, leading |lambda| "
        + (m.modes().isEmpty() ? Double.NaN : m.modes().get(0).modulus())
        + (m.modes().isEmpty() || m.modes().get(0).hasSensitivity() ? ""
            : ", withheld: " + m.modes().get(0).withheld()));
  }

  private RegionModes modes() {
    return krylov
        ? linearization.leadingRegionModes(point, LeadingOptions.largestModulus(MODES))
        : linearization.regionModes(point, MODES);
  }

  /**
   * Plain {@code analyze} at one point: every eigenvalue (dense) or the leading ones (Krylov).
   *
   * @return the stability summary, or the leading spectrum's eigenvalues
   */
  @Benchmark
  public Object analyze() {
    return krylov ? linearization.leadingStability(point, LeadingOptions.defaults())
        : linearization.stability(point);
  }

  /**
   * {@code analyze --modes 3} at one point, as {@code StabilityAnalysis} runs it.
   *
   * @return the modes (and, on the Krylov path, the leading spectrum before them)
   */
  @Benchmark
  public Object analyzeWithModes() {
    if (krylov) {
      return linearization.stabilityRegionModes(point, LeadingOptions.defaults(), MODES);
    }
    RegionModes m = modes();
    return new Object[] {StabilitySummary.of(m.spectrum()), m};
  }
}
