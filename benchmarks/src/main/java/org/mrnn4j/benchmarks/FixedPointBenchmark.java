package org.mrnn4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole fixed-point search of {@code mrnn4j fixed-points} on a trained network: the leaky
 * 3-bit flip-flop of the conformance data ({@code checkpoints/flip_flop_rnn_leaky.pth}, 30 units)
 * at zero input, with the command's default sampling: {@value #TRAJECTORIES} trajectories of
 * {@value #STEPS} steps, {@value #STARTS} starts with noise 0.5, seed 0.
 *
 * <p>One operation is the map pulled to the host ({@link FixedPointSystems#of}), the trajectories
 * and the starts, and {@link FixedPointFinder#find} with the default options: Levenberg-Marquardt
 * and Newton polish from every start on all cores, the midpoint round, merging, outliers, and the
 * eigendecomposition (with eigenvectors) of the 27 points' Jacobians on the backend. Loading the
 * checkpoint is set-up, not timed. The backend does the weight transfer and the
 * eigendecompositions; the searches themselves run on the host's cores whatever the backend.
 *
 * <p>The checkpoint is looked up in the directory the system property {@code
 * mrnn4j.conformance.dir} names, else in {@code ../shared/conformance} relative to the working
 * directory (the repository root when run as the README says). Without it the trial is skipped
 * like an unavailable backend: {@code SKIPPED ...} on standard error, and a failed setup.
 */
@State(Scope.Benchmark)
public class FixedPointBenchmark extends BackendBenchmark {
  /** Starts sampled from the trajectories. */
  public static final int STARTS = 256;
  /** Trajectories simulated to sample the starts from. */
  public static final int TRAJECTORIES = 64;
  /** Steps per trajectory. */
  public static final int STEPS = 50;
  /** The system property naming the conformance directory. */
  public static final String CONFORMANCE_PROPERTY = "mrnn4j.conformance.dir";
  static final String CHECKPOINT = "flip_flop_rnn_leaky";

  private RecurrentModel model;
  private FixedPointFinder finder;

  /**
   * Finds the checkpoint, opens the backend, loads the network and checks one search.
   *
   * @throws BenchmarkBackends.SkippedException if the checkpoint cannot be found or the backend
   *     cannot run here
   * @throws java.io.IOException if the checkpoint or its config cannot be read or is malformed
   * @throws IllegalStateException if the check search does not find the known 27 fixed points,
   *     8 of them stable
   * @throws Exception declared for JMH, which fails the trial on any exception; the checked one
   *     thrown is the {@link java.io.IOException} above
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = checkpointDirectory();
    model = own(CheckpointLoader.load(dir.resolve(CHECKPOINT + ".pth"),
        dir.resolve(CHECKPOINT + ".json"), openBackend()));
    finder = new FixedPointFinder(compute);
    // A wrong answer measured fast is worth nothing: the known outcome (27 points, 8 stable).
    FixedPointSearch check = flipFlop();
    if (check.fixedPoints().size() != 27 || check.stableCount() != 8) {
      throw new IllegalStateException("the flip-flop search found " + check.fixedPoints().size()
          + " fixed points (" + check.stableCount() + " stable); expected 27 (8 stable)");
    }
  }

  /**
   * The whole search, {@value #STARTS} starts.
   *
   * @return the search's result: the fixed points found, with their stability, and every start
   */
  @Benchmark
  public FixedPointSearch flipFlop() {
    FixedPointSystem system = FixedPointSystems.of(model, Coordinates.PRE_ACTIVATION, null, List.of(), null);
    Random rng = new Random(0);
    List<double[]> visited =
        StartSampler.flatten(StartSampler.simulate(system, TRAJECTORIES, STEPS, 1.0, rng));
    return finder.find(system, StartSampler.sample(visited, STARTS, 0.5, rng));
  }

  /**
   * The directory holding {@value #CHECKPOINT}{@code .pth} and its config.
   *
   * @throws BenchmarkBackends.SkippedException if it cannot be found
   */
  static Path checkpointDirectory() {
    String property = System.getProperty(CONFORMANCE_PROPERTY);
    Path base = property != null && !property.isBlank()
        ? Path.of(property) : Path.of("..", "shared", "conformance");
    Path dir = base.resolve("checkpoints");
    for (String file : new String[] {CHECKPOINT + ".pth", CHECKPOINT + ".json"}) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw BenchmarkBackends.skip("FixedPointBenchmark", "the conformance checkpoint "
            + dir.resolve(file).toAbsolutePath().normalize() + " was not found ("
            + (property != null ? "-D" + CONFORMANCE_PROPERTY + "=" + property
                : "no -D" + CONFORMANCE_PROPERTY + ", so ../shared/conformance relative to the"
                    + " working directory " + Path.of("").toAbsolutePath())
            + "); run from the repository root or pass -D" + CONFORMANCE_PROPERTY + "=DIR");
      }
    }
    return dir;
  }
}
