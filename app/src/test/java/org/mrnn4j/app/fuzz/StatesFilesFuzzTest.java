package org.mrnn4j.app.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.app.InputSequence;
import org.mrnn4j.app.StatesFile;
import org.mrnn4j.models.io.ModelFormatException;

/**
 * Structure-aware fuzz target of the states and inputs readers ({@link StatesFile},
 * {@link InputSequence}): the fuzzer's bytes choose a format ({@code .npy}, {@code .npz}, CSV,
 * JSON) and fill its structure (headers with chosen dtypes, orders and shapes, archive entries by
 * name, CSV tokens from decimals, NaN, Java's number syntax and headers, JSON arrays and objects),
 * so that mutations reach past the first checks. Every input either reads (each state then has N
 * finite values, each input I) or ends in a {@link ModelFormatException} naming the file; anything
 * else, and a read that allocates more than 64 times the file's size plus 32 MiB, is a finding.
 *
 * <p>{@code mvn verify} replays the corpus in {@code StatesFilesFuzzTestInputs/} and 3,000
 * seeded random inputs ({@link #seededRandomInputs}). To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl app test -Dtest=StatesFilesFuzzTest
 * </pre>
 */
class StatesFilesFuzzTest {
  private static final long ALLOWANCE = 32L << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
  private static Path dir;

  @BeforeAll
  static void open() throws IOException {
    dir = Files.createTempDirectory("mrnn4j-states-fuzz");
  }

  @AfterAll
  static void close() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The fuzzer's bytes, consumed as choices; past the end every choice is 0. */
  private static final class Choices {
    private final byte[] b;
    private int at;

    Choices(byte[] b) {
      this.b = b;
    }

    int next(int bound) {
      int v = at < b.length ? b[at++] & 0xFF : 0;
      if (bound > 256 && at < b.length) {
        v = (v << 8) | (b[at++] & 0xFF);
      }
      return bound <= 0 ? 0 : v % bound;
    }

    byte[] rest(int max) {
      int len = Math.min(max, Math.max(0, b.length - at));
      byte[] out = java.util.Arrays.copyOfRange(b, at, at + len);
      at += len;
      return out;
    }
  }

  private static final List<String> DESCR = List.of("<f8", "<f4", ">f8", ">f4", "=f8", "<i8",
      "|O", "<c16", "f8", "<f2");
  private static final List<String> TOKENS = List.of("0", "-0.5", "1.", ".25", "+2e-3", "1E2",
      "nan", "NaN", "-inf", "Infinity", "0x1p-3", "1d", "2f", "1_000", "x0", "", "1e999", "-",
      "1e", "007", "\u0000", "é");
  private static final List<String> SEPARATORS = List.of(",", ", ", " ", "\t", ";", ",,");

  static byte[] npy(Choices c, int n) {
    String descr = DESCR.get(c.next(DESCR.size()));
    int rank = c.next(5);
    StringBuilder shape = new StringBuilder("(");
    long count = 1;
    for (int k = 0; k < rank; k++) {
      long d = k == rank - 1 && c.next(2) == 0 ? n : c.next(6);
      if (c.next(16) == 0) {
        d = c.next(70000) * 40000L; // a dimension far beyond the data (past 2^31 too)
      }
      shape.append(d).append(k == 0 && rank == 1 ? "," : ", ");
      count = d == 0 || count <= (1L << 40) / d ? count * d : 1L << 40; // saturating
    }
    long capped = Math.min(count, 4096);
    shape.append(')');
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (c.next(2) == 0 ? "False"
        : "True") + ", 'shape': " + shape + ", }";
    if (c.next(8) == 0) {
      dict = dict.replace("'shape'", "'extra': 1, 'shape'");
    }
    int version = 1 + c.next(3);
    ByteBuffer out = ByteBuffer.allocate(12 + dict.length() + 1 + 8 * (int) capped
        + 64).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    byte[] header = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    if (version == 1) {
      out.putShort((short) header.length);
    } else {
      out.putInt(header.length);
    }
    out.put(header);
    int item = descr.endsWith("4") ? 4 : 8;
    long values = capped + (c.next(8) == 0 ? 1 : 0);
    for (long k = 0; k < values && out.remaining() >= item; k++) {
      double v = c.next(20) == 0 ? Double.NaN : (c.next(256) - 128) / 16.0;
      if (item == 4) {
        out.putFloat((float) v);
      } else {
        out.putDouble(v);
      }
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  static byte[] npz(Choices c, int n, int inputs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      int entries = 1 + c.next(3);
      for (int k = 0; k < entries; k++) {
        String name = List.of("xs.npy", "states.npy", "inputs.npy", "other.npy", "xs.txt",
            "dir/").get(c.next(6));
        ZipEntry e = new ZipEntry(name);
        if (c.next(2) == 0) {
          e.setMethod(ZipEntry.STORED);
          byte[] body = name.startsWith("inputs") ? npy(c, inputs) : npy(c, n);
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(body);
          e.setSize(body.length);
          e.setCrc(crc.getValue());
          try {
            zip.putNextEntry(e);
            zip.write(body);
            zip.closeEntry();
          } catch (java.util.zip.ZipException duplicate) {
            // a repeated name: skip it
          }
        } else {
          try {
            zip.putNextEntry(e);
            zip.write(name.startsWith("inputs") ? npy(c, inputs) : npy(c, n));
            zip.closeEntry();
          } catch (java.util.zip.ZipException duplicate) {
            // a repeated name: skip it
          }
        }
      }
    }
    byte[] out = bytes.toByteArray();
    if (c.next(8) == 0 && out.length > 0) {
      out[c.next(out.length)] ^= (byte) (1 + c.next(255)); // one damaged byte
    }
    return out;
  }

  static byte[] csv(Choices c, int n, int inputs) {
    StringBuilder sb = new StringBuilder();
    if (c.next(4) == 0) {
      sb.append("# states\n");
    }
    int rows = c.next(6);
    for (int r = 0; r < rows; r++) {
      int cols = c.next(4) == 0 ? c.next(12) : n + (c.next(2) == 0 ? 0 : inputs);
      for (int k = 0; k < cols; k++) {
        sb.append(k == 0 ? "" : SEPARATORS.get(c.next(SEPARATORS.size())));
        sb.append(c.next(4) == 0 ? TOKENS.get(c.next(TOKENS.size()))
            : Integer.toString(c.next(200) - 100));
      }
      sb.append(c.next(8) == 0 ? "\r\n" : "\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] json(Choices c, int n, int inputs) {
    StringBuilder states = new StringBuilder("[");
    int rows = c.next(5);
    for (int r = 0; r < rows; r++) {
      states.append(r == 0 ? "" : ",").append('[');
      int cols = c.next(4) == 0 ? c.next(10) : n;
      for (int k = 0; k < cols; k++) {
        states.append(k == 0 ? "" : ",").append(List.of("0", "1.5", "-2e3", "1e999", "\"1\"",
            "null", "[]", "true", "NaN").get(c.next(4) == 0 ? c.next(9) : 0));
      }
      states.append(']');
    }
    states.append(']');
    String text = switch (c.next(4)) {
      case 0 -> states.toString();
      case 1 -> "{\"states\": " + states + "}";
      case 2 -> "{\"states\": " + states + ", \"inputs\": [" + "0,".repeat(inputs) + "0]}";
      default -> "{\"states\": " + states + ", \"states\": []}";
    };
    byte[] tail = c.rest(16);
    return (text + new String(tail, StandardCharsets.ISO_8859_1))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** One input: the format, the model's sizes, then the file's structure. */
  static void target(byte[] data) throws IOException {
    Choices c = new Choices(data);
    int format = c.next(4);
    int n = 1 + c.next(6);
    int inputs = c.next(3);
    String ext = List.of(".npy", ".npz", ".csv", ".json").get(format);
    byte[] body = switch (format) {
      case 0 -> npy(c, n);
      case 1 -> npz(c, n, inputs);
      case 2 -> csv(c, n, inputs);
      default -> json(c, n, inputs);
    };
    Path file = dir.resolve("fuzz" + ext);
    Files.write(file, body);
    bounded(file, body.length, () -> {
      for (StatesFile.Entry e : StatesFile.read(file, n, inputs)) {
        assertEquals(n, e.state().length);
        for (double v : e.state()) {
          assertTrue(Double.isFinite(v), "an accepted state is finite");
        }
        if (e.input() != null) {
          assertEquals(inputs, e.input().length);
        }
      }
    });
    if (format <= 1 && inputs > 0) {
      bounded(file, body.length, () -> {
        InputSequence s = InputSequence.read(file, inputs, c.next(2) == 0);
        assertEquals((long) s.batch() * s.steps() * inputs, s.data().length);
      });
    }
  }

  @FunctionalInterface
  private interface Read {
    void run() throws IOException;
  }

  /** Runs {@code read}: accepted, or a {@link ModelFormatException} naming the file; bounded. */
  private static void bounded(Path file, int size, Read read) throws IOException {
    long id = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(id);
    try {
      read.run();
    } catch (ModelFormatException expected) {
      assertEquals(file.toString(), expected.file(), expected::getMessage);
      assertTrue(!expected.getMessage().isBlank());
    }
    long allocated = THREADS.getThreadAllocatedBytes(id) - before;
    long bound = 64L * size + ALLOWANCE;
    if (allocated > bound) {
      // the first run of a path also allocates for class loading, JIT and (under Jazzer) the
      // instrumentation's tables: measure once more before calling it a finding
      long again = THREADS.getThreadAllocatedBytes(id);
      try {
        read.run();
      } catch (ModelFormatException expected) {
        // as before
      }
      allocated = THREADS.getThreadAllocatedBytes(id) - again;
    }
    long measured = allocated;
    assertTrue(measured <= bound, () -> "a file of " + size + " bytes made the reader allocate "
        + measured + " bytes, more than 64 times its size plus 32 MiB");
  }

  @FuzzTest(maxDuration = "60s")
  void statesAndInputs(byte[] data) throws IOException {
    target(data);
  }

  @Test
  void seededRandomInputs() throws IOException {
    Random random = new Random(28);
    for (int k = 0; k < 3000; k++) {
      byte[] data = new byte[random.nextInt(200)];
      random.nextBytes(data);
      target(data);
    }
  }
}
