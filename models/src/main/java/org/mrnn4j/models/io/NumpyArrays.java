package org.mrnn4j.models.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} and {@code .npz} files: a strict reader of float32 and float64 arrays, and a
 * writer of float64 and complex128 arrays that {@code numpy.load} reads back.
 *
 * <p>No maintained Java library reads the format without bringing a runtime of its own (the
 * JetBrains one needs Kotlin's), and the format is small (NumPy's "format.py", versions 1.0 to
 * 3.0), so this is a reader with the checkpoint reader's hardening: the header is at most
 * {@value #MAX_HEADER} bytes and must be the dictionary NumPy writes (keys {@code descr},
 * {@code fortran_order}, {@code shape}, nothing else); the data must be exactly shape times item
 * size bytes, checked against the bytes present before anything is allocated; object arrays,
 * structured dtypes and every dtype but {@code f4} and {@code f8} (either byte order) are refused,
 * so nothing is ever unpickled. An {@code .npz} is read through the same zip reader as PyTorch
 * checkpoints (sizes and compression ratios bounded). Errors are {@link ModelFormatException}s
 * naming the file, the entry and the field.
 *
 * <p>Values come back as float64 in C order (row-major), whatever the file's order and byte order.
 */
public final class NumpyArrays {
  /** The longest header accepted, in bytes (NumPy writes a few hundred). */
  public static final int MAX_HEADER = 64 * 1024;
  /** The most dimensions accepted. */
  public static final int MAX_DIMENSIONS = 32;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern KEY = Pattern.compile("'([^']*)'\\s*:");

  private NumpyArrays() {}

  /**
   * A real array read from a NumPy file.
   *
   * @param shape the dimensions (empty for a scalar)
   * @param data the values in C order, {@code product(shape)} of them
   * @param dtype the dtype it was stored in: {@code float32} or {@code float64}
   */
  public record NdArray(int[] shape, double[] data, String dtype) {
    /** {@return the number of dimensions} */
    public int rank() {
      return shape.length;
    }

    /** {@return the shape as NumPy prints it, for messages: {@code (200, 30)}} */
    public String shapeText() {
      return NumpyArrays.shapeText(shape);
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads the one array of a {@code .npy} file.
   *
   * @param file the file
   * @return the array
   * @throws ModelFormatException naming the file and the field when it is not a float32 or
   *     float64 {@code .npy} file whose data matches its header
   * @throws IOException if the file cannot be read
   */
  public static NdArray readNpy(Path file) throws IOException {
    // the bytes, the float64 values (twice the bytes for float32) and one copy of them
    return parse(InputFiles.readAllBytes(file, "a .npy file", 5), file, null);
  }

  /**
   * Reads every array of a {@code .npz} file ({@code numpy.savez} or {@code savez_compressed}),
   * by name without the {@code .npy} suffix, in archive order.
   *
   * @param file the file
   * @return the arrays by name, in archive order
   * @throws ModelFormatException naming the file and the entry when the archive or an array in
   *     it is malformed, or an entry is not a {@code .npy}
   * @throws IOException if the file cannot be read
   */
  public static Map<String, NdArray> readNpz(Path file) throws IOException {
    Map<String, NdArray> out = new LinkedHashMap<>();
    InputFiles.requireRegularFile(file, "an .npz file");
    try (ByteSource source = ByteSource.open(file)) {
      ZipArchive zip = ZipArchive.open(source, file, CheckpointLimits.DEFAULT);
      for (ZipArchive.Entry e : zip.entries()) {
        if (e.name().endsWith("/")) {
          continue;
        }
        if (!e.name().endsWith(".npy")) {
          throw new ModelFormatException(file, e.name(), "is not a .npy entry: an .npz holds"
              + " only the arrays numpy.savez writes");
        }
        String name = e.name().substring(0, e.name().length() - 4);
        out.put(name, parse(zip.read(e), file, e.name()));
      }
    }
    if (out.isEmpty()) {
      throw new ModelFormatException(file, null, "holds no array");
    }
    return out;
  }

  /**
   * Reads {@code file} as {@code .npz} when its name ends so, else as {@code .npy}.
   *
   * @param file the file
   * @return the arrays by name: {@code arr_0} for a {@code .npy}
   * @throws IOException if the file cannot be read
   */
  public static Map<String, NdArray> read(Path file) throws IOException {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (name.toLowerCase(Locale.ROOT).endsWith(".npz")) {
      return readNpz(file);
    }
    Map<String, NdArray> one = new LinkedHashMap<>();
    one.put("arr_0", readNpy(file));
    return one;
  }

  /** Parses one {@code .npy} image; {@code entry} is its name inside an archive, or null. */
  static NdArray parse(byte[] b, Object file, String entry) throws ModelFormatException {
    String where = entry == null ? "" : entry + " ";
    if (b.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(b, MAGIC.length), MAGIC)) {
      throw new ModelFormatException(file, entry, "is not a .npy array (no \\x93NUMPY magic)");
    }
    int major = b[6] & 0xFF;
    int minor = b[7] & 0xFF;
    int lengthBytes;
    if (major == 1 && minor == 0) {
      lengthBytes = 2;
    } else if ((major == 2 || major == 3) && minor == 0) {
      lengthBytes = 4;
    } else {
      throw new ModelFormatException(file, where + "version", "is " + major + "." + minor
          + "; expected 1.0, 2.0 or 3.0");
    }
    if (b.length < 8 + lengthBytes) {
      throw new ModelFormatException(file, where + "header", "is cut short");
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = lengthBytes == 2 ? le.getShort(8) & 0xFFFF : le.getInt(8) & 0xFFFFFFFFL;
    int dataStart = 8 + lengthBytes;
    if (headerLength > MAX_HEADER) {
      throw new ModelFormatException(file, where + "header", "is " + headerLength
          + " bytes long; at most " + MAX_HEADER + " accepted");
    }
    if (dataStart + headerLength > b.length) {
      throw new ModelFormatException(file, where + "header", "declares " + headerLength
          + " bytes, but only " + (b.length - dataStart) + " follow");
    }
    String header = new String(b, dataStart, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
    dataStart += (int) headerLength;
    if (!header.startsWith("{") || !header.endsWith("}")) {
      throw new ModelFormatException(file, where + "header", "is not a Python dictionary: "
          + abbreviate(header));
    }
    Matcher keys = KEY.matcher(header);
    while (keys.find()) {
      String k = keys.group(1);
      if (!k.equals("descr") && !k.equals("fortran_order") && !k.equals("shape")) {
        throw new ModelFormatException(file, where + "header", "has the key '" + k
            + "'; a .npy header holds only descr, fortran_order and shape");
      }
    }
    String descr = field(DESCR, header, file, where + "descr");
    boolean fortran = field(FORTRAN, header, file, where + "fortran_order").equals("True");
    int[] shape = shape(field(SHAPE, header, file, where + "shape"), file, where + "shape");

    ByteOrder order;
    int itemSize;
    if (descr.length() != 3 || (descr.charAt(1) != 'f')) {
      throw new ModelFormatException(file, where + "descr", "is '" + descr + "'; only float32"
          + " ('<f4', '>f4') and float64 ('<f8', '>f8') arrays are read"
          + (descr.contains("O") ? " (object arrays would need unpickling, never done here)"
              : ""));
    }
    switch (descr.charAt(0)) {
      case '<' -> order = ByteOrder.LITTLE_ENDIAN;
      case '>' -> order = ByteOrder.BIG_ENDIAN;
      case '=' -> order = ByteOrder.nativeOrder();
      default -> throw new ModelFormatException(file, where + "descr", "is '" + descr
          + "'; expected a byte order of '<', '>' or '='");
    }
    switch (descr.charAt(2)) {
      case '4' -> itemSize = 4;
      case '8' -> itemSize = 8;
      default -> throw new ModelFormatException(file, where + "descr", "is '" + descr
          + "'; only float32 and float64 are read");
    }
    long count = 1;
    for (int d : shape) {
      count *= d; // at most 2^31 per factor and checked below each time: cannot overflow
      if (count > Integer.MAX_VALUE) {
        throw new ModelFormatException(file, where + "shape", "is " + shapeText(shape)
            + ": more than 2^31 - 1 values");
      }
    }
    long expected = count * itemSize;
    long present = b.length - (long) dataStart;
    if (present != expected) {
      throw new ModelFormatException(file, where + "data", "holds " + present + " bytes; shape "
          + shapeText(shape) + " of " + (itemSize == 4 ? "float32" : "float64") + " needs "
          + expected);
    }
    double[] values = new double[(int) count];
    ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) expected).slice().order(order);
    if (itemSize == 8) {
      data.asDoubleBuffer().get(values);
    } else {
      for (int i = 0; i < values.length; i++) {
        values[i] = data.getFloat(4 * i);
      }
    }
    if (fortran && shape.length > 1) {
      values = fortranToC(values, shape);
    }
    return new NdArray(shape, values, itemSize == 4 ? "float32" : "float64");
  }

  private static String field(Pattern p, String header, Object file, String where)
      throws ModelFormatException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new ModelFormatException(file, where, "is missing from the header "
          + abbreviate(header));
    }
    return m.group(1);
  }

  private static int[] shape(String text, Object file, String where)
      throws ModelFormatException {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      long d;
      try {
        d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
      } catch (NumberFormatException e) {
        throw new ModelFormatException(file, where, "has the dimension '" + p
            + "'; expected non-negative integers");
      }
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new ModelFormatException(file, where, "has the dimension " + d
            + "; expected 0 to 2^31 - 1");
      }
      dims.add((int) d);
      if (dims.size() > MAX_DIMENSIONS) {
        throw new ModelFormatException(file, where, "has more than " + MAX_DIMENSIONS
            + " dimensions");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Column-major values of {@code shape} reordered to row-major. */
  private static double[] fortranToC(double[] f, int[] shape) {
    int rank = shape.length;
    double[] c = new double[f.length];
    int[] index = new int[rank];
    // strides of the Fortran layout: the first index varies fastest
    long[] stride = new long[rank];
    stride[0] = 1;
    for (int k = 1; k < rank; k++) {
      stride[k] = stride[k - 1] * shape[k - 1];
    }
    for (int i = 0; i < c.length; i++) { // i walks C order: the last index varies fastest
      long at = 0;
      for (int k = 0; k < rank; k++) {
        at += index[k] * stride[k];
      }
      c[i] = f[(int) at];
      for (int k = rank - 1; k >= 0; k--) {
        if (++index[k] < shape[k]) {
          break;
        }
        index[k] = 0;
      }
    }
    return c;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes a float64 array ({@code '<f8'}, C order) as a {@code .npy} file.
   *
   * @param data the values in C order, {@code product(shape)} of them
   * @param file where to write it
   * @param shape the dimensions
   * @throws IllegalArgumentException if the sizes disagree
   * @throws IOException if the file cannot be written
   */
  public static void writeNpy(Path file, int[] shape, double[] data) throws IOException {
    requireSize(shape, data.length, 1);
    write(file, "<f8", shape, data);
  }

  /**
   * Writes a complex128 array ({@code '<c16'}, C order) as a {@code .npy} file.
   *
   * @param real the real parts in C order, {@code product(shape)} of them
   * @param imag the imaginary parts, same order and length
   * @param file where to write it
   * @param shape the dimensions
   * @throws IllegalArgumentException if the sizes disagree
   * @throws IOException if the file cannot be written
   */
  public static void writeComplexNpy(Path file, int[] shape, double[] real, double[] imag)
      throws IOException {
    requireSize(shape, real.length, 1);
    requireSize(shape, imag.length, 1);
    double[] interleaved = new double[2 * real.length];
    for (int i = 0; i < real.length; i++) {
      interleaved[2 * i] = real[i];
      interleaved[2 * i + 1] = imag[i];
    }
    write(file, "<c16", shape, interleaved);
  }

  private static void requireSize(int[] shape, int length, int per) {
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + shapeText(shape));
      }
      count *= d;
    }
    if (count * per != length) {
      throw new IllegalArgumentException("shape " + shapeText(shape) + " holds " + count
          + " values, got " + length);
    }
  }

  private static void write(Path file, String descr, int[] shape, double[] values)
      throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
        + shapeText(shape) + ", }";
    // version 1.0: magic, version, 2-byte length, header padded with spaces and ended by a
    // newline so that the data starts on a multiple of 64 bytes (as NumPy writes it)
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file),
        1 << 16)) {
      out.write(MAGIC);
      out.write(1);
      out.write(0);
      out.write(header.length() & 0xFF);
      out.write(header.length() >>> 8);
      out.write(header.getBytes(StandardCharsets.ISO_8859_1));
      ByteBuffer chunk = ByteBuffer.allocate(8 * 8192).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        if (!chunk.hasRemaining()) {
          out.write(chunk.array(), 0, chunk.position());
          chunk.clear();
        }
        chunk.putDouble(v);
      }
      out.write(chunk.array(), 0, chunk.position());
    }
  }

  /** A shape as Python writes a tuple: {@code ()}, {@code (3,)}, {@code (200, 30)}. */
  static String shapeText(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int k = 0; k < shape.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(shape[k]);
    }
    return sb.append(')').toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
