package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.backend.ejml.EjmlBackend;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.fuzz.Seeds;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;

/**
 * The amplifications a structure-aware fuzzing run found (issue 14), generated here: each input is
 * refused with a {@link ModelFormatException} naming the file and the part, within a time bound,
 * allocating at most {@value #FACTOR} times its own size plus {@value #ALLOWANCE_MIB} MiB
 * (measured with the thread's allocation counter), or, where it is legal, read within that bound.
 */
class AmplificationRegressionTest {
  private static final long FACTOR = 64;
  private static final long ALLOWANCE_MIB = 24;
  private static final long SECONDS = 10;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @FunctionalInterface
  interface Read {
    Object run() throws Exception;
  }

  /** What a read cost: its bytes allocated and its time. */
  record Cost(long allocated, long nanos, Object result, Throwable failure) {}

  private static Cost measure(Read read) {
    long id = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(id);
    long start = System.nanoTime();
    Object result = null;
    Throwable failure = null;
    try {
      result = read.run();
    } catch (Throwable t) {
      failure = t;
    }
    return new Cost(THREADS.getThreadAllocatedBytes(id) - before, System.nanoTime() - start,
        result, failure);
  }

  private static void withinBounds(String what, Cost c, long inputBytes) {
    long bound = FACTOR * inputBytes + (ALLOWANCE_MIB << 20);
    System.out.printf("%s: %d KiB in, %.1f MiB allocated, %.2f s, %s%n", what, inputBytes >> 10,
        c.allocated() / 1048576.0, c.nanos() / 1e9, c.failure() == null ? "read"
            : "refused: " + c.failure().getMessage().substring(0,
                Math.min(150, c.failure().getMessage().length())));
    assertTrue(c.allocated() <= bound, what + " allocated " + (c.allocated() >> 20) + " MiB for "
        + (inputBytes >> 10) + " KiB of input; the bound is " + (bound >> 20) + " MiB");
    assertTrue(c.nanos() < SECONDS * 1_000_000_000L, what + " took " + c.nanos() / 1e9 + " s");
  }

  /** Asserts a refusal naming {@code fragments}, within the bounds. */
  private static ModelFormatException refused(String what, long inputBytes, Read read,
      String... fragments) {
    Cost c = measure(read);
    if (!(c.failure() instanceof ModelFormatException e)) {
      throw new AssertionError(what + " was not refused with a ModelFormatException: "
          + (c.failure() == null ? "it was accepted" : c.failure()), c.failure());
    }
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), what + ": the message does not name '" + f + "': "
          + e.getMessage());
    }
    withinBounds(what, c, inputBytes);
    return e;
  }

  private static byte[] le(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  // ------------------------------------------------------------------ 1. quadratic dicts

  @Test
  void aDictMixingIntAndFloatKeysOfOneHashIsRefusedAtTheSecondKey() {
    // (k << 32 | k) hashes to 0 as a Long, and as a Double of the same bits
    Pickle p = new Pickle().beginStateDict().string("junk").op('}').op('(');
    for (long k = 1; k <= 40_000; k++) {
      long bits = k << 32 | k;
      if (k % 2 == 0) {
        p.op(0x8a, 8).raw(le(bits));
      } else {
        p.op('G').raw(ByteBuffer.allocate(8).putLong(bits).array()); // BINFLOAT is big-endian
      }
      p.op('N');
    }
    byte[] file = new Archive("archive/").pickle(p.op('u').op('u').stop()).bytes();
    refused("a dict of 40,000 colliding int and float keys", file.length,
        () -> TorchCheckpoint.read(file, "colliding.pth"), "colliding.pth", "data.pkl",
        "mixes keys of two types");
  }

  @Test
  void eightyThousandCollidingKeysOfOneTypeUnpickleInLogarithmicTime() {
    Pickle p = new Pickle().beginStateDict().string("junk").op('}').op('(');
    for (long k = 1; k <= 80_000; k++) {
      p.op(0x8a, 8).raw(le(k << 32 | k)).op('N');
    }
    byte[] file = new Archive("archive/").pickle(p.op('u').op('u').stop()).bytes();
    // the dict is read in full (fast), then refused as a state-dict value that is no tensor
    refused("80,000 int keys of one hash code", file.length,
        () -> TorchCheckpoint.read(file, "keys.pth"), "keys.pth", "key 'junk'",
        "expected a tensor");
  }

  // ------------------------------------------------------------------ 2. deflate bombs

  /** A checkpoint whose W_rec storage is {@code storageBytes} of deflated zeros. */
  private static byte[] deflatedZeros(long storageBytes) throws IOException {
    Pickle p = new Pickle().beginStateDict().tensor("W_rec", "FloatStorage", "0",
        storageBytes / 4, 0, new long[] {30, 30}, new long[] {30, 1});
    byte[] pickle = p.endStateDict().bytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setMethod(ZipOutputStream.DEFLATED);
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(pickle);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("archive/data/0"));
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < storageBytes; written += chunk.length) {
        zip.write(chunk);
      }
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void aStorageOfDeflatedZerosIsRefusedBeforeItFillsTheHeap() throws IOException {
    byte[] file = deflatedZeros(256L << 20); // 256 MiB of zeros in about 250 KB
    refused("256 MiB of deflated zeros in a " + (file.length >> 10) + " KB file", file.length,
        () -> TorchCheckpoint.read(file, "bomb.pth"), "bomb.pth", "archive/data/0",
        "would need more than");
  }

  @Test
  void invalidDeflateDataDeclaringGigabytesIsRefusedBeforeAnythingLargeIsAllocated() {
    // a stored entry of 1.5 MB of noise, then its method set to deflate and its declared size
    // to 1.5 GiB in the central directory and the local header
    byte[] noise = new byte[1_500_000];
    new java.util.Random(1).nextBytes(noise);
    Pickle p = new Pickle().beginStateDict().tensor("W_rec", "FloatStorage", "0",
        (1400L << 20) / 4, 0, new long[] {2, 2}, new long[] {2, 1});
    byte[] file = new Archive("archive/").pickle(p.endStateDict()).put("data/0", noise).bytes();
    int central = CheckpointFixtures.centralRecord(file, "archive/data/0");
    CheckpointFixtures.putShort(file, central + 10, 8);
    CheckpointFixtures.putInt(file, central + 24, (int) (1400L << 20));
    int local = ByteBuffer.wrap(file, central + 42, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    CheckpointFixtures.putShort(file, local + 8, 8);
    refused("1.5 MB of invalid deflate data declaring 1.4 GiB", file.length,
        () -> TorchCheckpoint.read(file, "noise.pth"), "noise.pth", "archive/data/0");
  }

  // ------------------------------------------------------------------ 3. pickle amplification

  @Test
  void millionsOfOneByteEmptyDictsAreRefusedByTheBudget() {
    // four APPENDS of 500,000 each: the stack never holds more than 500,000 objects
    Pickle p = new Pickle().proto(2).op(']');
    byte[] dicts = new byte[500_000];
    java.util.Arrays.fill(dicts, (byte) '}');
    for (int batch = 0; batch < 4; batch++) {
      p.op('(').raw(dicts).op('e');
    }
    byte[] file = new Archive("archive/").pickle(p.stop()).bytes();
    refused("2 million EMPTY_DICTs in four APPENDS", file.length,
        () -> TorchCheckpoint.read(file, "dicts.pth"), "dicts.pth", "data.pkl",
        "would need more than");
  }

  @Test
  void aMillionNestedOneTuplesAreRefusedAtTheDepthBound() {
    Pickle p = new Pickle().proto(2).op('K', 0);
    byte[] chain = new byte[1_000_000];
    java.util.Arrays.fill(chain, (byte) 0x85);
    byte[] file = new Archive("archive/").pickle(p.raw(chain).stop()).bytes();
    refused("a TUPLE1 chain of depth 10^6", file.length,
        () -> TorchCheckpoint.read(file, "chain.pth"), "chain.pth", "tuples nest 1001 deep");
  }

  // ------------------------------------------------------------------ 4. views of one storage

  /** The six mRNN tensors of the fixed spec plus {@code views} [4096, 4096] views of one storage. */
  private static byte[] manyViews(int views) throws IOException {
    // the fixed tensors, then the views of one half storage of 2^24 elements
    Pickle p = new Pickle().beginStateDict();
    Archive a = new Archive("archive/").deflated();
    ModelParameters params = Seeds.fixedParameters();
    String[] keys = {ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
        ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN};
    for (int k = 0; k < 6; k++) {
      double[][] m = params.get(keys[k]);
      int rows = m.length;
      int cols = m[0].length;
      float[] flat = new float[rows * cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          flat[r * cols + c] = (float) m[r][c];
        }
      }
      p.tensor(keys[k], "FloatStorage", "t" + k, flat.length, 0, new long[] {rows, cols},
          new long[] {cols, 1});
      a.put("data/t" + k, CheckpointFixtures.floats(ByteOrder.LITTLE_ENDIAN, flat));
    }
    for (int v = 0; v < views; v++) {
      p.tensor("junk." + v, "HalfStorage", "shared", 1L << 24, 0, new long[] {4096, 4096},
          new long[] {4096, 1});
    }
    a.put("data/shared", new byte[2 << 24]);
    return a.pickle(p.endStateDict()).bytes();
  }

  @Test
  void viewsTheModelNeverUsesAreNotRead(@TempDir Path dir) throws Exception {
    byte[] file = manyViews(15);
    Path path = dir.resolve("views.pth");
    Files.write(path, file);
    Cost c = measure(() -> CheckpointLoader.readMrnnKeys(path));
    assertEquals(null, c.failure(), "the mRNN's tensors read");
    TorchCheckpoint ckpt = (TorchCheckpoint) c.result();
    assertEquals(15, ckpt.skippedKeys().size());
    assertEquals(6, ckpt.keys().size());
    withinBounds("a checkpoint with 15 unused [4096, 4096] views", c, file.length);
    refused("reading all 15 views", file.length, () -> TorchCheckpoint.read(path),
        "views.pth", "would need more than");
  }

  // ------------------------------------------------------------------ 5. JSON trees

  @Test
  void aJsonArrayOfMillionsOfEmptyObjectsIsRefusedByTheTreeBudget() {
    String config = new String(Seeds.configs().get("fixed"), StandardCharsets.UTF_8).trim();
    StringBuilder sb = new StringBuilder(config.substring(0, config.length() - 1))
        .append(", \"junk\": [");
    for (int i = 0; i < 2_000_000; i++) {
      sb.append(i == 0 ? "{}" : ",{}");
    }
    byte[] json = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    refused("an unknown key holding 2 million {}", json.length,
        () -> MrnnConfig.parse(json, "junk.json"), "junk.json", "a JSON object");
  }

  // ------------------------------------------------------------------ 6. nonsense models

  /** The fixed config with {@code fields} first in its model block. */
  private static String fixedWith(String fields) {
    String config = new String(Seeds.configs().get("fixed"), StandardCharsets.UTF_8);
    int block = config.indexOf("\"model\": {");
    assertTrue(block >= 0, "the fixed config has a model block");
    int at = block + "\"model\": {".length();
    return config.substring(0, at) + fields + ", " + config.substring(at);
  }

  @Test
  void aTimeConstantThatMakesAlphaInfiniteOrZeroIsRefusedNamingTheFile() {
    for (String block : new String[] {"\"tau\": 1e-320", "\"dt\": 5e-324"}) {
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> MrnnConfig.parse(fixedWith(block), "alpha.json").spec("alpha.json"), block);
      assertTrue(e.getMessage().contains("alpha.json") && e.getMessage().contains("alpha"),
          e.getMessage());
    }
  }

  @Test
  void masksSignsAndEffectiveWeightsOutsideTheirRangesAreRefused(@TempDir Path dir)
      throws Exception {
    ModelParameters good = Seeds.fixedParameters();
    String[] keys = {ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
        ModelParameters.W_INP_MASK};
    double[] bad = {1e308, 2, 0.5};
    String[] rule = {"a mask holds 0 or 1", "a sign matrix holds -1, 0 or 1",
        "a mask holds 0 or 1"};
    for (int t = 0; t < keys.length; t++) {
      double[][][] m = new double[6][][];
      String[] all = {ModelParameters.W_REC, ModelParameters.W_REC_MASK,
          ModelParameters.W_REC_SIGN, ModelParameters.W_INP, ModelParameters.W_INP_MASK,
          ModelParameters.W_INP_SIGN};
      for (int k = 0; k < 6; k++) {
        m[k] = good.get(all[k]);
        if (all[k].equals(keys[t])) {
          m[k][1][1] = bad[t];
        }
      }
      Path ckpt = dir.resolve("bad" + t + ".pth");
      Files.write(ckpt, stateDict64(m));
      Path json = dir.resolve("bad" + t + ".json");
      Files.writeString(json, new String(Seeds.configs().get("fixed"), StandardCharsets.UTF_8));
      try (Backend backend = new EjmlBackend()) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
            () -> CheckpointLoader.load(ckpt, json, backend).close(), keys[t]);
        assertTrue(e.getMessage().contains("bad" + t + ".pth")
            && e.getMessage().contains(keys[t] + "[1][1]") && e.getMessage().contains(rule[t]),
            e.getMessage());
      }
    }
  }

  @Test
  void aSpectralRadiusTheWeightsCannotReachFiniteIsRefused() {
    String json = new String(Seeds.configs().get("fixed"), StandardCharsets.UTF_8)
        .replaceFirst("\"spectral_radius\": [^,}]+", "\"spectral_radius\": 1.7976931348623157e308");
    assertTrue(json.contains("1.7976931348623157e308"), json);
    try (Backend backend = new EjmlBackend()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> MrnnConfig.parse(json, "sr.json").builder()
              .seed(1).build(backend).close());
      assertTrue(e.getMessage().startsWith("cannot rescale") && e.getMessage().contains("finite"),
          e.getMessage());
    }
  }

  /** A float64 state dict of six matrices (no checks: they may be nonsense). */
  private static byte[] stateDict64(double[][][] m) {
    String[] all = {ModelParameters.W_REC, ModelParameters.W_REC_MASK,
        ModelParameters.W_REC_SIGN, ModelParameters.W_INP, ModelParameters.W_INP_MASK,
        ModelParameters.W_INP_SIGN};
    Pickle p = new Pickle().beginStateDict();
    Archive a = new Archive("archive/");
    for (int k = 0; k < 6; k++) {
      int rows = m[k].length;
      int cols = m[k][0].length;
      double[] flat = new double[rows * cols];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(m[k][r], 0, flat, r * cols, cols);
      }
      p.tensor(all[k], "DoubleStorage", "s" + k, flat.length, 0, new long[] {rows, cols},
          new long[] {cols, 1});
      a.put("data/s" + k, CheckpointFixtures.doubles(ByteOrder.LITTLE_ENDIAN, flat));
    }
    return a.pickle(p.endStateDict()).bytes();
  }
}
