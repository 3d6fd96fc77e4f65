package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mrnn4j.models.io.CheckpointFixtures.doubles;
import static org.mrnn4j.models.io.CheckpointFixtures.floats;
import static org.mrnn4j.models.io.CheckpointFixtures.shorts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.DType;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;

/** Valid variants of the format, built by hand with values chosen so the answers are obvious. */
class TorchCheckpointFormatTest {
  private static final ByteOrder BIG = ByteOrder.BIG_ENDIAN;
  private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

  @Test
  void bigEndianStoragesAreHonoured() throws IOException {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "DoubleStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1})
            .tensor("b", "FloatStorage", "1", 3, 0, new long[] {3}, new long[] {1})
            .endStateDict())
        .byteOrder("big")
        .put("data/0", doubles(BIG, 1.5, -2.25, 0.1, 1e300))
        .put("data/1", floats(BIG, 0.5f, -3f, 1e-3f))
        .bytes();
    TorchCheckpoint checkpoint = TorchCheckpoint.read(bytes, "big.pth");
    assertEquals(List.of("w", "b"), List.copyOf(checkpoint.keys()));
    StoredTensor w = checkpoint.tensor("w");
    assertEquals(DType.FLOAT64, w.dtype());
    assertArrayEquals(new int[] {2, 2}, w.shape());
    assertArrayEquals(new double[] {1.5, -2.25, 0.1, 1e300}, w.data(), 0.0);
    assertArrayEquals(new double[][] {{1.5, -2.25}, {0.1, 1e300}}, w.toMatrix());
    StoredTensor b = checkpoint.tensor("b");
    assertEquals(DType.FLOAT32, b.dtype());
    // float32 widened exactly: (double) 1e-3f, not 1e-3.
    assertArrayEquals(new double[] {0.5, -3.0, (double) 1e-3f}, b.data(), 0.0);
  }

  @Test
  void stridesOffsetsAndSharedStoragesAreApplied() throws IOException {
    // One storage s[i] = 10 i, viewed five ways.
    double[] s = {0, 10, 20, 30, 40, 50, 60, 70};
    byte[] bytes = new Archive("my_model/")
        .pickle(new Pickle().beginStateDict()
            // transposed view: element (i, j) = s[1 + i + 2 j]
            .tensor("t", "DoubleStorage", "0", 8, 1, new long[] {2, 3}, new long[] {1, 2})
            .tensor("all", "DoubleStorage", "0", 8, 0, new long[] {8}, new long[] {1})
            // broadcast rows: stride 0
            .tensor("rows", "DoubleStorage", "0", 8, 6, new long[] {2, 2}, new long[] {0, 1})
            .tensor("scalar", "DoubleStorage", "0", 8, 7, new long[] {}, new long[] {})
            .tensor("empty", "DoubleStorage", "0", 8, 0, new long[] {0, 3}, new long[] {3, 1})
            .endStateDict())
        .put("data/0", doubles(LITTLE, s))
        .bytes();
    TorchCheckpoint checkpoint = TorchCheckpoint.read(bytes, "views.pth");
    assertEquals(List.of("t", "all", "rows", "scalar", "empty"), List.copyOf(checkpoint.keys()));
    assertArrayEquals(new double[] {10, 30, 50, 20, 40, 60}, checkpoint.tensor("t").data(), 0.0);
    assertArrayEquals(s, checkpoint.tensor("all").data(), 0.0);
    assertArrayEquals(new double[] {60, 70, 60, 70}, checkpoint.tensor("rows").data(), 0.0);
    StoredTensor scalar = checkpoint.tensor("scalar");
    assertArrayEquals(new int[0], scalar.shape());
    assertArrayEquals(new double[] {70}, scalar.data(), 0.0);
    StoredTensor empty = checkpoint.tensor("empty");
    assertArrayEquals(new int[] {0, 3}, empty.shape());
    assertEquals(0, empty.numel());
  }

  @Test
  void halfAndBfloat16WidenExactly() throws IOException {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("h", "HalfStorage", "0", 7, 0, new long[] {7}, new long[] {1})
            .tensor("bf", "BFloat16Storage", "1", 3, 0, new long[] {3}, new long[] {1})
            .endStateDict())
        // binary16: 1, -2, 65504 (max), 2^-24 (least subnormal), +inf, 0x3555, -0
        .put("data/0", shorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555, 0x8000))
        // bfloat16 = the top half of a float32: 1, -3, 2^-133 (a float32 subnormal)
        .put("data/1", shorts(0x3F80, 0xC040, 0x0001))
        .bytes();
    TorchCheckpoint checkpoint = TorchCheckpoint.read(bytes, "half.pth");
    StoredTensor h = checkpoint.tensor("h");
    assertEquals(DType.FLOAT32, h.dtype());
    // 0x3555 = 2^-2 * (1 + 0x155/1024) = 1365/4096
    assertArrayEquals(new double[] {1, -2, 65504, Math.scalb(1.0, -24),
        Double.POSITIVE_INFINITY, 1365.0 / 4096, -0.0}, h.data(), 0.0);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(h.data()[6]));
    StoredTensor bf = checkpoint.tensor("bf");
    assertEquals(DType.FLOAT32, bf.dtype());
    assertArrayEquals(new double[] {1, -3, Math.scalb(1.0, -133)}, bf.data(), 0.0);
  }

  @Test
  void deflatedArchivesAreRead() throws IOException {
    byte[] bytes = new Archive("archive/").deflated()
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
            .endStateDict())
        .put("data/0", floats(LITTLE, 0.25f, -8f))
        .bytes();
    assertArrayEquals(new double[] {0.25, -8},
        TorchCheckpoint.read(bytes, "deflated.pth").tensor("w").data(), 0.0);
  }

  @Test
  void realCheckpointRezippedWithDeflateReadsTheSame() throws IOException {
    Path file = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    Archive deflated = new Archive("").deflated();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        try (InputStream in = zip.getInputStream(entry)) {
          deflated.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    TorchCheckpoint original = TorchCheckpoint.read(file);
    TorchCheckpoint copy = TorchCheckpoint.read(deflated.bytes(), "deflated copy");
    assertEquals(List.copyOf(original.keys()), List.copyOf(copy.keys()));
    for (String key : original.keys()) {
      assertEquals(original.tensor(key), copy.tensor(key), key);
    }
  }

  @Test
  void protocol4OpcodesParametersAndRebuildTensorV3() throws IOException {
    // What pickle protocol 4 would write for {'p': Parameter(float32 [0.5, 2]), 'v3': float64
    // tensor over an untyped storage}: FRAME, STACK_GLOBAL, SHORT_BINUNICODE, MEMOIZE, BINGET.
    Pickle body = new Pickle()
        .stackGlobal("collections", "OrderedDict").op(0x94)
        .emptyTuple().reduce().op(0x94)
        .mark()
        .shortString("p")
        .stackGlobal("torch._utils", "_rebuild_parameter")
        .mark()
        .stackGlobal("torch._utils", "_rebuild_tensor_v2").op(0x94)
        .mark()
        .mark().shortString("storage").stackGlobal("torch", "FloatStorage").shortString("0")
        .shortString("cpu").integer(2).tuple().op('Q')
        .integer(0).integer(2).op(0x85).integer(1).op(0x85)
        .op(0x89).op('h', 0).emptyTuple().reduce()
        .tuple().reduce() // _rebuild_tensor_v2(...)
        .op(0x88).op('h', 0).emptyTuple().reduce() // True, OrderedDict()
        .tuple().reduce() // _rebuild_parameter(tensor, True, OrderedDict())
        .shortString("v3")
        .stackGlobal("torch._utils", "_rebuild_tensor_v3")
        .mark()
        .mark().shortString("storage").stackGlobal("torch.storage", "UntypedStorage")
        .shortString("1").shortString("cpu").integer(16).tuple().op('Q')
        .integer(0).integer(2).op(0x85).integer(1).op(0x85)
        .op(0x89).op('h', 0).emptyTuple().reduce()
        .stackGlobal("torch", "float64")
        .tuple().reduce()
        .op('u')
        .stop();
    byte[] rest = body.bytes();
    Pickle pickle = new Pickle().proto(4).op(0x95).raw(
        java.nio.ByteBuffer.allocate(8).order(LITTLE).putLong(rest.length).array()).raw(rest);
    byte[] bytes = new Archive("archive/")
        .put("data.pkl", pickle.bytes())
        .put("data/0", floats(LITTLE, 0.5f, 2f))
        .put("data/1", doubles(LITTLE, -1.0 / 3, 7))
        .bytes();
    TorchCheckpoint checkpoint = TorchCheckpoint.read(bytes, "protocol4.pth");
    assertEquals(List.of("p", "v3"), List.copyOf(checkpoint.keys()));
    assertEquals(DType.FLOAT32, checkpoint.tensor("p").dtype());
    assertArrayEquals(new double[] {0.5, 2}, checkpoint.tensor("p").data(), 0.0);
    assertEquals(DType.FLOAT64, checkpoint.tensor("v3").dtype());
    assertArrayEquals(new double[] {-1.0 / 3, 7}, checkpoint.tensor("v3").data(), 0.0);
  }
}
