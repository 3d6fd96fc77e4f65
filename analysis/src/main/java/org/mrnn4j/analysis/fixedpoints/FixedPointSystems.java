package org.mrnn4j.analysis.fixedpoints;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.RecurrentDynamics;

/** Builds the {@link FixedPointSystem} of a model from its kind's host map. */
public final class FixedPointSystems {
  private FixedPointSystems() {}

  /**
   * The map of {@code model} at a constant input.
   *
   * @param model any model kind
   * @param coordinates one the model offers ({@link RecurrentDynamics#coordinates()})
   * @param input the constant input, length {@code I}, or null for zeros
   * @param regions the regions searched over (leaf or parent names, any order); empty or null for
   *     all
   * @param heldState a full-length state (in those coordinates) giving the excluded regions'
   *     values, or null for zeros
   * @return the map, searched over the included regions' units
   * @throws IllegalArgumentException if the model does not offer the coordinates, a region is
   *     unknown, or a length is wrong
   */
  public static FixedPointSystem of(RecurrentDynamics model, Coordinates coordinates,
      double[] input, Collection<String> regions, double[] heldState) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(coordinates, "coordinates");
    return new FixedPointSystem(model.hostMap(coordinates, input,
        model.layout().recurrentIndices(regions == null ? List.of() : regions), heldState));
  }
}
