package org.mrnn4j.analysis.fixedpoints;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.analysis.fixedpoints.FixedPointSystem.Form;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;

/**
 * Builds the {@link FixedPointSystem} of a model: its effective weights, pulled to the host once.
 */
public final class FixedPointSystems {
  private FixedPointSystems() {}

  /**
   * The map of {@code model} at a constant input.
   *
   * @param model a leaky or Elman model
   * @param form {@link Form#LEAKY_X} or {@link Form#LEAKY_H} for a leaky model, {@link Form#ELMAN}
   *     for an Elman model
   * @param input the constant input, length {@code I}, or null for zeros
   * @param regions the regions searched over (leaf or parent names, any order); empty or null for
   *     all
   * @param heldState a full-length state (in the form's coordinates) giving the excluded regions'
   *     values, or null for zeros
   * @throws IllegalArgumentException if the form does not suit the model, a region is unknown, or a
   *     length is wrong
   */
  public static FixedPointSystem of(
      RecurrentModel model, Form form, double[] input, Collection<String> regions,
      double[] heldState) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(form, "form");
    boolean leaky = model.kind() == ModelKind.LEAKY;
    if (leaky == (form == Form.ELMAN)) {
      throw new IllegalArgumentException(
          "a " + model.kind() + " model has no " + form + " form: use "
              + (leaky ? "LEAKY_X or LEAKY_H" : "ELMAN"));
    }
    if (input != null && input.length != model.numInputs()) {
      throw new IllegalArgumentException(
          "the input must have " + model.numInputs() + " entries (one per input unit), got "
              + input.length);
    }
    FixedPointSystem.Builder b = FixedPointSystem.builder(form)
        .activation(model.activation())
        .recurrentWeights(model.recurrentWeights().toMatrix())
        .inputWeights(model.inputWeights().toMatrix())
        .bias(model.tonicInput().toArray())
        .input(input == null ? new double[model.numInputs()] : input)
        .included(model.layout().recurrentIndices(regions == null ? List.of() : regions))
        .heldState(heldState);
    if (leaky) {
      b.alpha(((LeakyMRNN) model).alpha());
    }
    return b.build();
  }

  /** The natural form of a model: {@link Form#LEAKY_X} for leaky, {@link Form#ELMAN} for Elman. */
  public static Form defaultForm(RecurrentModel model) {
    return model.kind() == ModelKind.LEAKY ? Form.LEAKY_X : Form.ELMAN;
  }
}
