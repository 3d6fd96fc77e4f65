package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.models.io.Json;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * What a states or inputs file may hold: finite decimal numbers only (NaN, infinities and Java's
 * own number syntax refused, naming the file, the place and the unit), regular files only (a
 * FIFO, a device behind a link), and nothing whose arrays cannot fit the heap.
 */
class StatesFileTest {
  private static final int N = 3;

  private static String message(Exception e) {
    return Failures.describe(e);
  }

  @Test
  void nonFiniteStatesAreRefusedNamingTheFileTheStateAndTheUnit(@TempDir Path dir)
      throws Exception {
    Path npy = dir.resolve("s.npy");
    double[] v = new double[2 * 4 * N];
    v[(1 * 4 + 2) * N + 1] = Double.NaN; // trajectory 1, step 2, unit 1: state 6
    NumpyArrays.writeNpy(npy, new int[] {2, 4, N}, v);
    Exception e = assertThrows(ModelFormatException.class, () -> StatesFile.read(npy, N, 0));
    assertEquals(npy + ": state 6 (index [1, 2]): unit 1 is NaN; states and inputs must be finite"
        + " numbers", message(e));

    Path csv = dir.resolve("s.csv");
    Files.writeString(csv, "a,b,c\n0,0,0\n0.5,NaN,1\n");
    e = assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 0));
    assertEquals(csv + ": line 3 (state 1): unit 1 is NaN; states and inputs must be finite"
        + " numbers", message(e));
    Files.writeString(csv, "0,0,-inf\n");
    e = assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 0));
    assertTrue(message(e).contains("line 1 (state 0): unit 2 is -Infinity"), message(e));

    Path json = dir.resolve("s.json");
    Files.writeString(json, "[[0, 0, 0], [0, 1e999, 0]]");
    e = assertThrows(ModelFormatException.class, () -> StatesFile.read(json, N, 0));
    assertTrue(message(e).contains("states[1] (state 1): unit 1 is Infinity"), message(e));
    // an input per state is held to the same
    Files.writeString(csv, "0,0,0,NaN\n");
    e = assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 1));
    assertTrue(message(e).contains("line 1 (state 0): input 0 is NaN"), message(e));
  }

  @Test
  void csvNumbersAreDecimalAsNumpysLoadtxtReadsThem(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("s.csv");
    Files.writeString(csv, "# states\nx0, x1, x2\n-.5, 1., +2e-3\n1E2;0 7\n");
    List<StatesFile.Entry> ok = StatesFile.read(csv, N, 0);
    assertArrayEquals(new double[] {-0.5, 1, 0.002}, ok.get(0).state());
    assertArrayEquals(new double[] {100, 0, 7}, ok.get(1).state());
    for (String java : List.of("0x1p-3", "1d", "2f", "1_000", "0x10", "1.5D")) {
      Files.writeString(csv, "0,0,0\n1, " + java + ", 2\n");
      Exception e = assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 0),
          java);
      assertEquals(csv + ": line 2, column 2: '" + java + "' is not a decimal number (expected"
          + " digits with an optional sign, point and exponent, as NumPy's loadtxt reads them,"
          + " such as -0.25 or 1.5e-3)", message(e));
      // nor is it a header when it stands first
      Files.writeString(csv, java + ",0,0\n");
      assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 0), java);
    }
    // Java's Infinity is Python's too: it reads, and is refused as not finite
    Files.writeString(csv, "Infinity,0,0\n");
    Exception e = assertThrows(ModelFormatException.class, () -> StatesFile.read(csv, N, 0));
    assertTrue(message(e).contains("unit 0 is Infinity"), message(e));
  }

  private static boolean mkfifo(Path p) throws Exception {
    try {
      Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
      return mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyInputPathMustBeARegularFile(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    Path fifo = dir.resolve("states.csv");
    assumeTrue(mkfifo(fifo), "mkfifo");
    Exception e = assertThrows(IllegalArgumentException.class, () -> StatesFile.read(fifo, N, 0));
    assertEquals(fifo + " is a device, pipe or socket; a states file must be a regular file"
        + " (links are followed)", message(e));
    for (String name : List.of("z.npy", "z.npz", "z.csv", "z.json")) {
      Path zero = Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/zero"));
      e = assertThrows(IllegalArgumentException.class, () -> StatesFile.read(zero, N, 0));
      assertTrue(message(e).startsWith(zero + " is a device, pipe or socket"), message(e));
      e = assertThrows(IllegalArgumentException.class, () -> InputSequence.read(zero, 2, false));
      assertTrue(message(e).startsWith(zero + " is a device, pipe or socket"), message(e));
    }
    Path random = Files.createSymbolicLink(dir.resolve("plane.json"), Path.of("/dev/urandom"));
    e = assertThrows(IllegalArgumentException.class, () -> Json.read(random, "a plane"));
    assertTrue(message(e).startsWith(random + " is a device, pipe or socket"), message(e));
    e = assertThrows(IllegalArgumentException.class, () -> NumpyArrays.readNpy(fifo));
    assertTrue(message(e).contains("a .npy file must be a regular file"), message(e));
    e = assertThrows(IllegalArgumentException.class, () -> StatesFile.read(dir, N, 0));
    assertTrue(message(e).startsWith(dir + " is a directory"), message(e));
  }

  @Test
  void aSparseNpyLargerThanTheHeapIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
    long max = Runtime.getRuntime().maxMemory();
    long values = Math.min((Integer.MAX_VALUE - 1024L) / 8, max / 32 + 1); // 8 bytes each
    assumeTrue(5 * 8 * values > max, "the heap is too large for a 2 GiB file to exceed it");
    Path npy = dir.resolve("holes.npy");
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + values + ", " + 1
        + "), }";
    String header = dict + " ".repeat(127 - 10 - dict.length()) + "\n";
    try (RandomAccessFile f = new RandomAccessFile(npy.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      f.write(header.length() & 0xFF);
      f.write(header.length() >>> 8);
      f.write(header.getBytes(StandardCharsets.ISO_8859_1));
      f.setLength(f.length() + 8 * values); // holes: no disk used
    }
    Exception e = assertThrows(MemoryGuard.TooLargeException.class,
        () -> StatesFile.read(npy, 1, 0));
    String m = message(e);
    assertTrue(m.startsWith("reading a .npy file " + npy + " needs about "), m);
    assertTrue(m.contains(8 * values + 128 + " bytes read") && m.contains("MRNN4J_JAVA_OPTS=-Xmx"),
        m);
  }

  @Test
  void aMessageIsNeverMadeInvisibleByControlCharacters() {
    assertEquals("\\u0000", Failures.describe(new IllegalArgumentException("\u0000")));
    assertEquals("region 'a\\u0000b\\u001b[2J' is unknown",
        Failures.describe(new IllegalArgumentException("region 'a\u0000b\u001b[2J' is unknown")));
    assertFalse(Failures.describe(new ModelFormatException("c.json", "regions[0].n\u0000",
        "unknown key")).contains("\u0000"));
  }
}
