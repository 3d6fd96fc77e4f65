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
    return printable(words(failure));
  }

  /**
   * {@code text} with control characters other than line breaks and tabs (a NUL from a file, a
   * terminal escape) shown as Java's backslash-u escapes, so that a message is never made
   * invisible or garbled by what a file held.
   *
   * @param text the text
   * @return the text, printable
   */
  public static String printable(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0)) {
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String words(Throwable failure) {
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
