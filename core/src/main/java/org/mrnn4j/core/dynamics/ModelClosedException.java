package org.mrnn4j.core.dynamics;

/**
 * A model was used after it was closed, or closed (by another thread) while a call on it ran. The
 * message names the operation and the model ({@link RecurrentDynamics#describe()}).
 */
public final class ModelClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private ModelClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The exception for {@code op} on {@code model}; {@code cause} is the failure on one of its closed
   * tensors, or null when the call found the model closed before it started.
   *
   * @param op the operation that was running
   * @param model the model that was closed
   * @param cause the backend's error
   * @return the exception, naming the operation and the model
   */
  public static ModelClosedException of(String op, RecurrentDynamics model, Throwable cause) {
    return new ModelClosedException(op + ": the " + model.describe() + " has been closed"
        + (cause == null ? "" : " while this ran"), cause);
  }
}
