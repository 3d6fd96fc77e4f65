package org.mrnn4j.models.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random-access bytes (an in-memory array or a file), so that archives are read by position without
 * loading a whole file first.
 */
abstract class ByteSource implements Closeable {

  /** The number of bytes. */
  abstract long size();

  /**
   * Reads exactly {@code len} bytes at {@code position}; callers check the range against
   * {@link #size()} first.
   */
  abstract void read(long position, byte[] dst, int off, int len) throws IOException;

  @Override
  public void close() throws IOException {}

  static ByteSource of(byte[] bytes) {
    return new ByteSource() {
      @Override
      long size() {
        return bytes.length;
      }

      @Override
      void read(long position, byte[] dst, int off, int len) {
        System.arraycopy(bytes, Math.toIntExact(position), dst, off, len);
      }
    };
  }

  static ByteSource open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    return new ByteSource() {
      private final long size = channel.size();

      @Override
      long size() {
        return size;
      }

      @Override
      void read(long position, byte[] dst, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(dst, off, len);
        long at = position;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, at);
          if (n < 0) {
            // The file shrank while being read.
            throw new EOFException(file + ": ended at byte " + at + " while reading");
          }
          at += n;
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
