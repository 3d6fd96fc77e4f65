package org.mrnn4j.cli;

/**
 * A mistake of the user's (a bad option value, a file in the wrong format) that the command
 * reports as one line and exit status 2, without a stack trace.
 */
public final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An error with this message.
   *
   * @param message what was wrong, in one line
   */
  public UserException(String message) {
    super(message);
  }

  /**
   * An error with this message and its cause.
   *
   * @param message what was wrong, in one line
   * @param cause the underlying error (shown with {@code --verbose})
   */
  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
