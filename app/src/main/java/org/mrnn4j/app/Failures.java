package org.mrnn4j.app;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * One wording for failures, whichever front end reports them (a command's one-line error, a
 * sweep's error row): the file and what is wrong with it, or the exception's message.
 */
public final class Failures {
  private Failures() {}

  /**
   * One line saying what went wrong: {@code no such file: net.pth}, {@code permission denied:
   * net.pth}, the file system's reason, or the message (an exception without one is named, with
   * the first cause that has words).
   *
   * @param failure the exception (an {@link UncheckedIOException} is unwrapped)
   * @return the line, never blank
   */
  public static String describe(Throwable failure) {
    Throwable t = failure instanceof UncheckedIOException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (t instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (t instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (t instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    String msg = t.getMessage();
    if (msg != null && !msg.isBlank()) {
      return msg;
    }
    // an error without words: say so, and give the first cause that has some
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        return t.getClass().getSimpleName() + " caused by " + c.getClass().getSimpleName() + ": "
            + c.getMessage();
      }
    }
    return t.getClass().getSimpleName() + " (an internal error with no message; please report"
        + " it)";
  }
}
