package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NumPy reader and writer against files NumPy 2.4 wrote (test resources {@code npy/}, made
 * with {@code np.save}, {@code np.savez}, {@code np.savez_compressed} and
 * {@code np.lib.format.write_array}) holding {@code a = np.arange(24).reshape(2, 3, 4) / 7 + 0.5}
 * in every dtype, order and byte order read, and against hostile files built here.
 */
class NumpyArraysTest {

  /** {@code a[i, j, k] = (12 i + 4 j + k) / 7 + 0.5}, in C order, as NumPy computes it. */
  private static double[] expected() {
    double[] a = new double[24];
    for (int i = 0; i < 24; i++) {
      a[i] = i / 7.0 + 0.5;
    }
    return a;
  }

  private static double[] asFloat32(double[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(NumpyArraysTest.class.getResource("npy/" + name).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"f8-c.npy", "f8-fortran.npy", "f8-big-endian.npy", "f8-version2.npy"})
  void float64InEveryOrderReadsBackExactly(String name) throws Exception {
    NumpyArrays.NdArray a = NumpyArrays.readNpy(resource(name));
    assertArrayEquals(new int[] {2, 3, 4}, a.shape(), name);
    assertArrayEquals(expected(), a.data(), 0.0, name);
    assertEquals("float64", a.dtype());
  }

  @ParameterizedTest
  @ValueSource(strings = {"f4-c.npy", "f4-fortran.npy", "f4-big-endian-fortran.npy"})
  void float32InEveryOrderReadsBackExactly(String name) throws Exception {
    NumpyArrays.NdArray a = NumpyArrays.readNpy(resource(name));
    assertArrayEquals(new int[] {2, 3, 4}, a.shape(), name);
    assertArrayEquals(asFloat32(expected()), a.data(), 0.0, name);
    assertEquals("float32", a.dtype());
  }

  @Test
  void twoDimensionalFortranOrder() throws Exception {
    NumpyArrays.NdArray a = NumpyArrays.readNpy(resource("f8-2d-fortran.npy"));
    assertArrayEquals(new int[] {6, 4}, a.shape());
    assertArrayEquals(expected(), a.data(), 0.0);
  }

  @Test
  void scalarsAndEmptyArrays() throws Exception {
    NumpyArrays.NdArray s = NumpyArrays.readNpy(resource("scalar.npy"));
    assertArrayEquals(new int[0], s.shape());
    assertArrayEquals(new double[] {2.5}, s.data(), 0.0);
    NumpyArrays.NdArray e = NumpyArrays.readNpy(resource("empty.npy"));
    assertArrayEquals(new int[] {0, 3}, e.shape());
    assertEquals(0, e.data().length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"trajectory.npz", "trajectory-compressed.npz"})
  void npzArchivesByName(String name) throws Exception {
    Map<String, NumpyArrays.NdArray> arrays = NumpyArrays.read(resource(name));
    assertEquals(List.of("xs", "inputs"), List.copyOf(arrays.keySet()));
    assertArrayEquals(expected(), arrays.get("xs").data(), 0.0);
    assertArrayEquals(new int[] {2, 3, 1}, arrays.get("inputs").shape());
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, arrays.get("inputs").data(), 0.0);
  }

  @Test
  void otherDtypesAndObjectArraysAreRefusedByName() throws Exception {
    Path objects = resource("object.npy");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> NumpyArrays.readNpy(objects));
    assertTrue(e.getMessage().contains(objects.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("descr"), e.getMessage());
    assertTrue(e.getMessage().contains("'|O'"), e.getMessage());
    assertTrue(e.getMessage().contains("never"), e.getMessage());
    for (String name : List.of("int64.npy", "complex.npy")) {
      ModelFormatException other = assertThrows(ModelFormatException.class,
          () -> NumpyArrays.readNpy(resource(name)));
      assertTrue(other.getMessage().contains("only float32"), other.getMessage());
    }
  }

  // ------------------------------------------------------------------ hostile files

  /** A version 1.0 .npy image with this header text and data. */
  private static byte[] npy(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) h.length).put(h).put(data);
    return b.array();
  }

  private static ModelFormatException refused(Path dir, byte[] bytes) throws IOException {
    Path f = Files.write(dir.resolve("hostile.npy"), bytes);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> NumpyArrays.readNpy(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    return e;
  }

  @Test
  void hugeShapeWithLittleDataIsRefusedBeforeAllocating(@TempDir Path dir) throws IOException {
    ModelFormatException e = refused(dir, npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }\n", new byte[16]));
    assertTrue(e.getMessage().contains("shape"), e.getMessage());
    assertTrue(e.getMessage().contains("2^31"), e.getMessage());
    ModelFormatException big = refused(dir, npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (40000, 40000), }\n", new byte[16]));
    assertTrue(big.getMessage().contains("holds 16 bytes"), big.getMessage());
    assertTrue(big.getMessage().contains("needs 12800000000"), big.getMessage());
  }

  @Test
  void shortAndLongDataAreRefused(@TempDir Path dir) throws IOException {
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";
    ModelFormatException shortData = refused(dir, npy(header, new byte[47]));
    assertTrue(shortData.getMessage().contains("data: holds 47 bytes; shape (2, 3) of float64"
        + " needs 48"), shortData.getMessage());
    ModelFormatException trailing = refused(dir, npy(header, new byte[56]));
    assertTrue(trailing.getMessage().contains("holds 56 bytes"), trailing.getMessage());
  }

  @Test
  void badHeadersAreRefusedNamingTheField(@TempDir Path dir) throws IOException {
    assertTrue(refused(dir, "PK not numpy".getBytes(StandardCharsets.ISO_8859_1)).getMessage()
        .contains("magic"));
    assertTrue(refused(dir, npy("garbage\n", new byte[0])).getMessage()
        .contains("header: is not a Python dictionary"));
    assertTrue(refused(dir, npy("{'descr': '<f8', 'shape': (2,), }\n", new byte[16]))
        .getMessage().contains("fortran_order: is missing"));
    assertTrue(refused(dir, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,),"
        + " 'evil': __import__('os'), }\n", new byte[16])).getMessage()
        .contains("has the key 'evil'"));
    assertTrue(refused(dir, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }\n",
        new byte[0])).getMessage().contains("shape: has the dimension -2"));
    // a 2-byte length cannot say more than 65535: use version 2.0's 4-byte length
    ByteBuffer v2 = ByteBuffer.allocate(12 + 70000).order(ByteOrder.LITTLE_ENDIAN);
    v2.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(70000);
    assertTrue(refused(dir, v2.array()).getMessage().contains("header: is 70000 bytes long"));
    byte[] cut = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", new byte[0]);
    assertTrue(refused(dir, java.util.Arrays.copyOf(cut, 30)).getMessage().contains("header"));
    assertTrue(refused(dir, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n",
        new byte[0])).getMessage().contains("holds 0 bytes"));
  }

  @Test
  void npzWithSomethingElseInsideIsRefusedNamingTheEntry(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("mixed.npz");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
      zip.putNextEntry(new ZipEntry("data.pkl"));
      zip.write(new byte[] {(byte) 0x80, 2});
      zip.closeEntry();
    }
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> NumpyArrays.read(f));
    assertTrue(e.getMessage().contains("data.pkl"), e.getMessage());
    assertTrue(e.getMessage().contains("not a .npy entry"), e.getMessage());

    Path bad = dir.resolve("bad.npz");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bad))) {
      zip.putNextEntry(new ZipEntry("xs.npy"));
      zip.write(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", new byte[8]));
      zip.closeEntry();
    }
    ModelFormatException d = assertThrows(ModelFormatException.class, () -> NumpyArrays.read(bad));
    assertTrue(d.getMessage().contains("xs.npy data: holds 8 bytes"), d.getMessage());
  }

  // ------------------------------------------------------------------ writing

  @Test
  void writesTheBytesNumpyWrites(@TempDir Path dir) throws Exception {
    // np.save(a) of a C-order float64 array: the same header, padding and data, byte for byte
    Path ours = dir.resolve("a.npy");
    NumpyArrays.writeNpy(ours, new int[] {2, 3, 4}, expected());
    assertArrayEquals(Files.readAllBytes(resource("f8-c.npy")), Files.readAllBytes(ours));
  }

  @Test
  void writtenFilesReadBack(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("v.npy");
    NumpyArrays.writeNpy(f, new int[] {5}, new double[] {1, -2, 3.5, Double.NaN, 1e300});
    NumpyArrays.NdArray back = NumpyArrays.readNpy(f);
    assertArrayEquals(new int[] {5}, back.shape());
    assertArrayEquals(new double[] {1, -2, 3.5, Double.NaN, 1e300}, back.data(), 0.0);
    byte[] b = Files.readAllBytes(f);
    int headerEnd = 10 + (b[8] & 0xFF) + ((b[9] & 0xFF) << 8);
    assertEquals(0, headerEnd % 64, "data must start on a multiple of 64 bytes");
    assertEquals('\n', b[headerEnd - 1]);
    assertThrows(IllegalArgumentException.class,
        () -> NumpyArrays.writeNpy(dir.resolve("x.npy"), new int[] {2, 2}, new double[3]));
  }

  @Test
  void complexFilesHaveTheComplex128Layout(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("c.npy");
    NumpyArrays.writeComplexNpy(f, new int[] {1, 2}, new double[] {1, 3}, new double[] {2, -4});
    byte[] b = Files.readAllBytes(f);
    String header = new String(b, 10, b.length - 10 - 32, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<c16', 'fortran_order': False, 'shape': (1, 2), }"),
        header);
    ByteBuffer data = ByteBuffer.wrap(b, b.length - 32, 32).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1.0, data.getDouble());
    assertEquals(2.0, data.getDouble());
    assertEquals(3.0, data.getDouble());
    assertEquals(-4.0, data.getDouble());
  }

  /** Where python3 with NumPy is installed, np.load reads what was written, shapes and values. */
  @Test
  void numpyLoadsWhatIsWritten(@TempDir Path dir) throws Exception {
    Path real = dir.resolve("real.npy");
    Path complex = dir.resolve("complex.npy");
    NumpyArrays.writeNpy(real, new int[] {2, 3, 4}, expected());
    NumpyArrays.writeComplexNpy(complex, new int[] {2}, new double[] {1, 3},
        new double[] {2, -4});
    String script = "import numpy as np, sys\n"
        + "a = np.load(sys.argv[1]); c = np.load(sys.argv[2])\n"
        + "assert a.shape == (2, 3, 4) and a.dtype == np.float64, a.shape\n"
        + "assert (a == np.arange(24).reshape(2, 3, 4) / 7 + 0.5).all()\n"
        + "assert c.dtype == np.complex128 and list(c) == [1+2j, 3-4j], c\n"
        + "print('ok')\n";
    Process p;
    try {
      p = new ProcessBuilder("python3", "-c", script, real.toString(), complex.toString())
          .redirectErrorStream(true).start();
    } catch (IOException noPython) {
      Assumptions.abort("python3 is not installed: " + noPython.getMessage());
      return;
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "NumPy is not installed");
    assertEquals("ok\n", out);
  }
}
