package org.mrnn4j.models.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hand-built checkpoints for tests: pickles written opcode by opcode (as pickletools would
 * disassemble what torch.save writes) and zip archives written with java.util.zip.
 */
public final class CheckpointFixtures {
  private CheckpointFixtures() {}

  /** A pickle written opcode by opcode. */
  public static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Pickle op(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    public Pickle proto(int version) {
      return op(0x80, version);
    }

    public Pickle global(String module, String name) {
      op('c');
      raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** STACK_GLOBAL with its two strings pushed as SHORT_BINUNICODE (protocol 4). */
    public Pickle stackGlobal(String module, String name) {
      return shortString(module).shortString(name).op(0x93);
    }

    public Pickle string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op('X');
      raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
      raw(b);
      return this;
    }

    public Pickle shortString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op(0x8c, b.length);
      raw(b);
      return this;
    }

    /** The shortest integer opcode for {@code v}, as pickle chooses it. */
    public Pickle integer(long v) {
      if (v >= 0 && v < 256) {
        return op('K', (int) v);
      }
      if (v >= 0 && v < 65536) {
        return op('M', (int) (v & 0xFF), (int) (v >>> 8));
      }
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        op('J');
        raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
      }
      op(0x8a, 8); // LONG1 with 8 bytes, two's complement little-endian
      raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
      return this;
    }

    public Pickle mark() {
      return op('(');
    }

    public Pickle tuple() {
      return op('t');
    }

    public Pickle emptyTuple() {
      return op(')');
    }

    public Pickle emptyDict() {
      return op('}');
    }

    public Pickle ints(long... values) {
      mark();
      for (long v : values) {
        integer(v);
      }
      return tuple();
    }

    public Pickle reduce() {
      return op('R');
    }

    public Pickle stop() {
      return op('.');
    }

    public Pickle raw(byte[] bytes) {
      out.write(bytes, 0, bytes.length);
      return this;
    }

    /** OrderedDict() followed by a MARK for the items, as torch.save starts a state dict. */
    public Pickle beginStateDict() {
      return proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
    }

    /**
     * One {@code key: _rebuild_tensor_v2(('storage', torch.<storageClass>, storageKey, 'cpu',
     * numel), offset, size, stride, False, OrderedDict())} item.
     */
    public Pickle tensor(String key, String storageClass, String storageKey, long numel, long offset,
        long[] size, long[] stride) {
      string(key);
      global("torch._utils", "_rebuild_tensor_v2");
      mark();
      mark().string("storage").global("torch", storageClass).string(storageKey).string("cpu")
          .integer(numel).tuple().op('Q');
      integer(offset).ints(size).ints(stride);
      op(0x89); // NEWFALSE: requires_grad
      global("collections", "OrderedDict").emptyTuple().reduce();
      tuple();
      return reduce();
    }

    /** SETITEMS for the MARK of {@link #beginStateDict()}, then STOP. */
    public Pickle endStateDict() {
      return op('u').stop();
    }

    public byte[] bytes() {
      return out.toByteArray();
    }
  }

  /** A zip archive of stored (uncompressed) entries under {@code prefix/}, in insertion order. */
  public static final class Archive {
    private final String prefix;
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private int method = ZipEntry.STORED;

    public Archive(String prefix) {
      this.prefix = prefix;
    }

    public Archive put(String name, byte[] data) {
      entries.put(name, data);
      return this;
    }

    public Archive pickle(Pickle pickle) {
      return put("data.pkl", pickle.bytes());
    }

    public Archive byteOrder(String order) {
      return put("byteorder", order.getBytes(StandardCharsets.US_ASCII));
    }

    public Archive deflated() {
      method = ZipEntry.DEFLATED;
      return this;
    }

    public byte[] bytes() {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
          for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            ZipEntry entry = new ZipEntry(prefix + e.getKey());
            entry.setMethod(method);
            if (method == ZipEntry.STORED) {
              CRC32 crc = new CRC32();
              crc.update(e.getValue());
              entry.setSize(e.getValue().length);
              entry.setCompressedSize(e.getValue().length);
              entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(e.getValue());
            zip.closeEntry();
          }
        }
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  public static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  public static byte[] shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  /** The byte offset of the central-directory record of {@code name}, for patching it. */
  public static int centralRecord(byte[] zip, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    for (int i = zip.length - 46; i >= 0; i--) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
        int length = (zip[i + 28] & 0xFF) | (zip[i + 29] & 0xFF) << 8;
        if (length == n.length
            && java.util.Arrays.equals(zip, i + 46, i + 46 + length, n, 0, length)) {
          return i;
        }
      }
    }
    throw new AssertionError("no central record for " + name);
  }

  public static void putInt(byte[] b, int at, int value) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
  }

  public static void putShort(byte[] b, int at, int value) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
  }
}
