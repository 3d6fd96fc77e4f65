package org.mrnn4j.app;

import java.util.List;
import org.mrnn4j.analysis.fixedpoints.FixedPointFinder;
import org.mrnn4j.analysis.fixedpoints.FixedPointOptions;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystems;
import org.mrnn4j.analysis.fixedpoints.StartSampler;
import org.mrnn4j.models.RecurrentModel;

/**
 * The fixed-point search with {@code mrnn4j fixed-points}' defaults in one call: the map in the
 * model's natural coordinates over all units, {@link StartSampler}'s default starts from a seed,
 * {@link FixedPointOptions#defaults()}, on the model's backend.
 *
 * <pre>{@code
 * FixedPointSearch search = FixedPoints.find(model, new double[] {0, 0, 0}, 7);
 * for (FixedPoint p : search.fixedPoints()) { ... p.fullState(), p.stability() ... }
 * }</pre>
 */
public final class FixedPoints {
  private FixedPoints() {}

  /**
   * Finds the fixed points of {@code model} under the constant input {@code u}.
   *
   * @param model the model
   * @param u the input, one value per input unit
   * @param seed the seed of the starts: the same seed gives the same search
   * @return the fixed points (numbered in this order by every front end), slow points and the
   *     record of every start
   * @throws IllegalArgumentException if {@code u} does not have one finite value per input unit
   */
  public static FixedPointSearch find(RecurrentModel model, double[] u, long seed) {
    return find(model, u, List.of(), seed, null);
  }

  /**
   * {@link #find(RecurrentModel, double[], long)} over some regions (the others held at zero),
   * telling {@code progress} as starts finish.
   *
   * @param model the model
   * @param u the input, one value per input unit
   * @param regions the regions searched over (empty: all)
   * @param seed the seed of the starts
   * @param progress told as starts finish, or null
   * @return the search
   * @throws IllegalArgumentException if {@code u} does not have one finite value per input unit, or
   *     a region is unknown
   */
  public static FixedPointSearch find(RecurrentModel model, double[] u, List<String> regions,
      long seed, FixedPointFinder.ProgressListener progress) {
    Inputs.requireFits(model, u);
    return find(model, system(model, u, regions), seed, progress);
  }

  /**
   * Searches a given map of {@code model} from the default starts.
   *
   * @param model the model (its backend computes)
   * @param system the map, from {@link #system}
   * @param seed the seed of the starts
   * @param progress told as starts finish, or null
   * @return the search
   */
  public static FixedPointSearch find(RecurrentModel model, FixedPointSystem system, long seed,
      FixedPointFinder.ProgressListener progress) {
    return find(model, system, seed, StartSampler.DEFAULT_STARTS, progress);
  }

  /**
   * Searches a given map of {@code model} from {@code starts} sampled starts (otherwise sampled
   * as the default starts are).
   *
   * @param model the model (its backend computes)
   * @param system the map, from {@link #system}
   * @param seed the seed of the starts
   * @param starts the number of sampled starts, at least 1
   * @param progress told as starts finish, or null
   * @return the search
   */
  public static FixedPointSearch find(RecurrentModel model, FixedPointSystem system, long seed,
      int starts, FixedPointFinder.ProgressListener progress) {
    StartSampler.Starts drawn = StartSampler.draw(system, starts,
        StartSampler.DEFAULT_TRAJECTORIES, StartSampler.DEFAULT_STEPS,
        StartSampler.DEFAULT_INIT_SCALE, StartSampler.DEFAULT_NOISE, seed);
    return new FixedPointFinder(model.backend(), FixedPointOptions.defaults())
        .find(system, drawn.states(), progress);
  }

  /**
   * The map whose fixed points {@link #find} searches: natural coordinates, the given regions.
   *
   * @param model the model
   * @param u the input
   * @param regions the regions searched over (empty: all)
   * @return the map
   */
  public static FixedPointSystem system(RecurrentModel model, double[] u, List<String> regions) {
    return FixedPointSystems.of(model, model.naturalCoordinates(), u, regions, null);
  }
}
