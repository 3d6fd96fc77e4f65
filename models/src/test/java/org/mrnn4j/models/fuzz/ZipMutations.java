package org.mrnn4j.models.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;

/**
 * Mutations of a checkpoint's zip container: patched central-directory and end-record fields
 * (huge, negative and inconsistent sizes and offsets, unknown methods, encryption), deleted and
 * duplicated entries, and edits of the pickle. Works on the stored (uncompressed) archives that
 * torch.save writes.
 */
final class ZipMutations {
  private ZipMutations() {}

  /** One mutant; {@code mustReject} unless the edit may leave a valid checkpoint. */
  record Mutant(String kind, String description, byte[] data, boolean mustReject) {}

  /** A central-directory record: where it is, and the entry's name. */
  record Central(int offset, String name, int localOffset) {}

  static List<Central> centralRecords(byte[] zip) {
    List<Central> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 46 <= zip.length; i++) {
      if (b.getInt(i) == 0x02014b50) {
        int nameLength = b.getShort(i + 28) & 0xFFFF;
        if (i + 46 + nameLength <= zip.length) {
          out.add(new Central(i, new String(zip, i + 46, nameLength, StandardCharsets.UTF_8),
              b.getInt(i + 42)));
        }
      }
    }
    return out;
  }

  /** The stored entries of an archive, by name, in order (for rebuilding it edited). */
  static Map<String, byte[]> entries(byte[] zip) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    for (Central c : centralRecords(zip)) {
      int size = b.getInt(c.offset() + 20);
      int local = c.localOffset();
      int start = local + 30 + (b.getShort(local + 26) & 0xFFFF) + (b.getShort(local + 28) & 0xFFFF);
      byte[] data = new byte[size];
      System.arraycopy(zip, start, data, 0, size);
      out.put(c.name(), data);
    }
    return out;
  }

  static byte[] rebuild(Map<String, byte[]> entries) {
    Archive a = new Archive("");
    entries.forEach(a::put);
    return a.bytes();
  }

  /** Whether the archive ends with a zip64 end record and locator (PyTorch 2 writes them). */
  static boolean hasZip64(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    return zip.length >= 42 && b.getInt(zip.length - 22 - 20) == 0x07064b50;
  }

  /** Every container mutant of a valid stored checkpoint. */
  static List<Mutant> of(byte[] seed) {
    List<Mutant> out = new ArrayList<>();
    boolean zip64 = hasZip64(seed);
    for (Central c : centralRecords(seed)) {
      // Entries torch.save writes but no reader needs: editing them may leave a valid file.
      boolean unread = !(c.name().endsWith("/data.pkl") || c.name().contains("/data/")
          || c.name().endsWith("/byteorder"));
      int at = c.offset();
      String n = c.name();
      ByteBuffer b = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN);
      int size = b.getInt(at + 24);
      out.add(patch(seed, "huge or negative size", n + ": size 0xFFFFFFFF", at + 24, 0xFFFFFFFF,
          !unread));
      out.add(patch(seed, "huge or negative size", n + ": size 2^31 - 16", at + 24, 0x7FFFFFF0,
          !unread));
      out.add(patch(seed, "huge or negative size", n + ": compressed size 2^31 - 16", at + 20,
          0x7FFFFFF0, !unread));
      out.add(patch(seed, "huge or negative size", n + ": both sizes + 1", at + 20, size + 1,
          at + 24, size + 1, !unread));
      if (size > 0) {
        out.add(patch(seed, "huge or negative size", n + ": both sizes - 1", at + 20, size - 1,
            at + 24, size - 1, !unread));
      }
      out.add(patch(seed, "huge or negative size", n + ": local header at 0xFFFFFFF0", at + 42,
          0xFFFFFFF0, !unread));
      out.add(patch(seed, "huge or negative size", n + ": local header + 1", at + 42,
          c.localOffset() + 1, !unread));
      out.add(patch16(seed, "retyped field", n + ": compression method 12", at + 10, 12, !unread));
      out.add(patch16(seed, "retyped field", n + ": encrypted", at + 8, 1, !unread));
      // A name one byte longer misaligns every later record.
      out.add(patch16(seed, "huge or negative size", n + ": name length + 1", at + 28,
          n.length() + 1, true));
    }
    int eocd = seed.length - 22;
    ByteBuffer b = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN);
    int entries = b.getShort(eocd + 10) & 0xFFFF;
    if (zip64) {
      int record = (int) b.getLong(eocd - 20 + 8);
      long count = b.getLong(record + 32);
      out.add(patch64(seed, "huge or negative size", "zip64 entries + 1", record + 32,
          count + 1));
      out.add(patch64(seed, "huge or negative size", "zip64 entries 2^62", record + 32,
          1L << 62));
      out.add(patch64(seed, "huge or negative size", "zip64 central size - 1", record + 40,
          b.getLong(record + 40) - 1));
      out.add(patch64(seed, "huge or negative size", "zip64 central offset -1", record + 48,
          -1L));
      out.add(patch64(seed, "huge or negative size", "zip64 locator at 2^62", eocd - 20 + 8,
          1L << 62));
    } else {
      out.add(patch16(seed, "huge or negative size", "end record entries + 1", eocd + 10,
          entries + 1, true));
      out.add(patch16(seed, "huge or negative size", "end record entries 0xFFFF", eocd + 10,
          0xFFFF, true));
      out.add(patch(seed, "huge or negative size", "end record central size + 1", eocd + 12,
          b.getInt(eocd + 12) + 1, true));
      out.add(patch(seed, "huge or negative size", "end record central offset 0xFFFFFFF0",
          eocd + 16, 0xFFFFFFF0, true));
    }
    out.add(patch16(seed, "huge or negative size", "end record comment length 1", eocd + 20, 1,
        true));

    // Whole entries: deleted, duplicated (one renamed to another's name), or the pickle edited.
    Map<String, byte[]> original = entries(seed);
    String pkl = null;
    for (String name : original.keySet()) {
      if (name.endsWith("/data.pkl")) {
        pkl = name;
      }
      Map<String, byte[]> e = new LinkedHashMap<>(original);
      e.remove(name);
      boolean needed = name.endsWith("/data.pkl") || name.contains("/data/");
      out.add(new Mutant("deleted field", "entry " + name + " deleted", rebuild(e), needed));
    }
    List<Central> records = centralRecords(seed);
    for (int i = 0; i < records.size(); i++) {
      for (int j = i + 1; j < records.size(); j++) {
        Central a = records.get(i);
        Central c = records.get(j);
        if (a.name().length() == c.name().length()) {
          byte[] copy = seed.clone();
          byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
          System.arraycopy(name, 0, copy, c.offset() + 46, name.length);
          System.arraycopy(name, 0, copy, c.localOffset() + 30, name.length);
          out.add(new Mutant("duplicate name", "entry " + c.name() + " renamed " + a.name(),
              copy, true));
          break;
        }
      }
    }
    if (pkl != null) {
      String[][] edits = {
        {"retyped field", "FloatStorage", "ShortStorage"},
        {"retyped field", "DoubleStorage", "BoolStorage"},
        {"retyped field", "_rebuild_tensor_v2", "_rebuild_tensor_v9"},
        {"retyped field", "collections\nOrderedDict", "os\nsystem"},
        {"retyped field", "torch._utils\n_rebuild_tensor_v2", "builtins\neval"},
        {"retyped field", "torch._utils\n_rebuild_tensor_v2", "subprocess\nPopen"},
        {"deleted field", "W_rec_mask", "W_rec_masq"},
        {"deleted field", "W_inp_sign_matrix", "W_inp_sign_matrib"},
        {"duplicate name", "W_inp_mask", "W_rec_mask"},
      };
      for (String[] edit : edits) {
        byte[] pickle = original.get(pkl);
        byte[] edited = replaceAll(pickle, edit[1], edit[2]);
        if (edited != null) {
          Map<String, byte[]> e = new LinkedHashMap<>(original);
          e.put(pkl, edited);
          out.add(new Mutant(edit[0], "pickle: " + edit[1].replace("\n", ".") + " -> "
              + edit[2].replace("\n", "."), rebuild(e), true));
        }
      }
    }
    return out;
  }

  private static byte[] replaceAll(byte[] data, String from, String to) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    if (!text.contains(from)) {
      return null;
    }
    return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Mutant patch(byte[] seed, String kind, String what, int at, int value,
      boolean mustReject) {
    byte[] copy = seed.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    return new Mutant(kind, what, copy, mustReject);
  }

  private static Mutant patch(byte[] seed, String kind, String what, int at, int value, int at2,
      int value2, boolean mustReject) {
    byte[] copy = seed.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value).putInt(at2, value2);
    return new Mutant(kind, what, copy, mustReject);
  }

  private static Mutant patch16(byte[] seed, String kind, String what, int at, int value,
      boolean mustReject) {
    byte[] copy = seed.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
    return new Mutant(kind, what, copy, mustReject);
  }

  private static Mutant patch64(byte[] seed, String kind, String what, int at, long value) {
    byte[] copy = seed.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    return new Mutant(kind, what, copy, true);
  }
}
