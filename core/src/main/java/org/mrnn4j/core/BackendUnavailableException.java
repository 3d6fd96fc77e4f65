package org.mrnn4j.core;

/**
 * A backend was asked for that cannot be used here: it is not on the class path, its native
 * libraries or device are missing, or creating it failed. The message names the backend and the
 * reason.
 */
public class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The backend that was asked for. */
  private final String backendName;
  /** Why it cannot be used. */
  private final String reason;

  /**
   * @param backendName the backend asked for (or {@code "default"} when none was named)
   * @param reason why it cannot be used
   */
  public BackendUnavailableException(String backendName, String reason) {
    this(backendName, reason, null);
  }

  /**
   * @param backendName the backend asked for
   * @param reason why it cannot be used
   * @param cause the underlying failure, if any
   */
  public BackendUnavailableException(String backendName, String reason, Throwable cause) {
    super("backend '" + backendName + "' is unavailable: " + reason, cause);
    this.backendName = backendName;
    this.reason = reason;
  }

  /** {@return the backend that was asked for} */
  public String backendName() {
    return backendName;
  }

  /** {@return why it cannot be used} */
  public String reason() {
    return reason;
  }
}
