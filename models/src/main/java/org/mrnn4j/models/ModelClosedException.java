package org.mrnn4j.models;

/**
 * A model was used after {@link RecurrentModel#close()}, or closed (by another thread) while a call
 * on it ran. The message names the operation and the model.
 */
public final class ModelClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private ModelClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The exception for {@code op} on {@code model}; {@code cause} is the failure on one of its closed
   * tensors, or null when the call found the model closed before it started.
   */
  public static ModelClosedException of(String op, RecurrentModel model, Throwable cause) {
    return new ModelClosedException(op + ": the " + describe(model) + " has been closed"
        + (cause == null ? "" : " while this ran"), cause);
  }

  /** What the model is, for messages: kind, units, inputs, backend. */
  static String describe(RecurrentModel model) {
    return (model.kind() == ModelKind.LEAKY ? "leaky" : "Elman") + " mRNN (" + model.numUnits()
        + " units, " + model.numInputs() + " inputs, on " + model.backend().name() + ")";
  }
}
