package org.mrnn4j.models.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import org.mrnn4j.core.MemoryGuard;

/**
 * The one gate every file the program reads passes (models, configs, checkpoints, states, input
 * sequences, initial states, plane files, sweep task files): it must be a regular file once links
 * are followed (a FIFO would block forever, {@code /dev/zero} never ends), and it is read with a
 * bound: its size as the file system reports it, refused before anything is allocated when the
 * bytes (times the reader's own expansion) cannot fit the heap, and never more bytes than that
 * size even if the file grows while it is read.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Checks that {@code file} exists and is a regular file (links followed).
   *
   * @param file the file
   * @param role what the file is for, for the message ("the states file")
   * @return the file's size in bytes
   * @throws NoSuchFileException if it does not exist
   * @throws IOException if it cannot be inspected
   * @throws IllegalArgumentException naming the file and what it is instead, if it is not a
   *     regular file
   */
  public static long requireRegularFile(Path file, String role) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      String kind = a.isDirectory() ? "a directory" : a.isOther()
          ? "a device, pipe or socket" : "not a regular file";
      throw new IllegalArgumentException(file + " is " + kind + "; " + role
          + " must be a regular file (links are followed)");
    }
    return a.size();
  }

  /**
   * Reads a regular file whole, with a bound: refused before reading when {@code expansion}
   * times its size cannot fit the heap, and never more than its size read.
   *
   * @param file the file
   * @param role what the file is for, for messages
   * @param expansion how many bytes of heap the reader needs per byte of file, at least 1 (the
   *     bytes themselves, plus what is built from them)
   * @return the file's bytes
   * @throws IOException if it is missing, not a regular file, larger than an array can hold, or
   *     cannot be read
   * @throws MemoryGuard.TooLargeException if it cannot fit the heap
   */
  public static byte[] readAllBytes(Path file, String role, double expansion) throws IOException {
    long size = requireRegularFile(file, role);
    if (size > Integer.MAX_VALUE - 16) {
      throw new ModelFormatException(file, null, String.format(Locale.ROOT,
          "is %d bytes: larger than the 2 GiB %s may have here", size, role));
    }
    MemoryGuard.requireHeap("reading " + role + " " + file, (long) (Math.max(1, expansion) * size),
        String.format(Locale.ROOT, "%d bytes read, about %.0f bytes of heap per byte", size,
            Math.max(1, expansion)),
        "give a smaller file, or a larger heap: MRNN4J_JAVA_OPTS=-Xmx...");
    byte[] out = new byte[(int) size];
    try (InputStream in = Files.newInputStream(file)) {
      int at = 0;
      while (at < out.length) {
        int n = in.read(out, at, out.length - at);
        if (n < 0) {
          throw new ModelFormatException(file, null, "ended after " + at + " of its " + size
              + " bytes (it changed while being read)");
        }
        at += n;
      }
    }
    return out;
  }
}
