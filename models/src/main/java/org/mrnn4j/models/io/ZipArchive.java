package org.mrnn4j.models.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A strict, bounded reader of the zip container {@code torch.save} writes.
 *
 * <p>Written here rather than using {@code java.util.zip} because PyTorch writes stored entries
 * with data descriptors (which {@code ZipInputStream} refuses), because {@code ZipFile} only reads
 * files, and because every size must be checked against the bytes actually present and against
 * {@link CheckpointLimits} before anything is allocated. Only the central directory is trusted for
 * sizes; local headers are checked to agree on the name. Entries inflate in growing chunks
 * charged to the file's {@link ReadBudget}, so invalid data fails before its declared size is
 * allocated.
 *
 * <p>Commons Compress's {@code ZipFile} over a {@code SeekableInMemoryByteChannel} (1.26 and later)
 * would read these archives too, and the bounded inflation and budget would sit on top of its
 * streams unchanged. It is not used because it is lenient where this reader must be strict: it
 * skips a preamble before the first entry, keeps duplicate names side by side, does not compare a
 * local header's name with the central directory's, and reads spanned archives; each is an
 * archive that two readers (PyTorch's miniz, Python's zipfile, this one) could read differently,
 * which a loader of untrusted checkpoints refuses. Enforcing that over Commons Compress would mean
 * re-reading its headers here, keeping most of this class and adding a dependency.
 */
final class ZipArchive {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CENTRAL_SIG = 0x02014b50;
  private static final int LOCAL_SIG = 0x04034b50;
  private static final int EOCD_SIZE = 22;
  private static final int CENTRAL_SIZE = 46;
  private static final int LOCAL_SIZE = 30;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;
  /** Deflate cannot expand data by more than about 1032:1; a larger declared ratio is a bomb. */
  private static final long MAX_DEFLATE_RATIO = 1032;
  /** The central directory of even {@code maxEntries} entries with long names fits in this. */
  private static final long MAX_CENTRAL_DIRECTORY = 64L << 20;

  /** One central-directory record. */
  record Entry(
      String name,
      byte[] rawName,
      int flags,
      int method,
      long crc,
      long compressedSize,
      long size,
      long localHeaderOffset) {}

  private final ByteSource source;
  private final Object file;
  private final CheckpointLimits limits;
  private final Map<String, Entry> entries;
  /** Where the central directory starts: every entry's data must end before it. */
  private final long centralStart;
  private final ReadBudget budget;
  private long bytesRead;

  private ZipArchive(
      ByteSource source,
      Object file,
      CheckpointLimits limits,
      Map<String, Entry> entries,
      long centralStart) {
    this.source = source;
    this.file = file;
    this.limits = limits;
    this.entries = entries;
    this.centralStart = centralStart;
    this.budget = ReadBudget.forFile(file, source.size());
  }

  /** What reading this archive may allocate: charged by every reader of its contents. */
  ReadBudget budget() {
    return budget;
  }

  /** The entries, in central-directory order. */
  Collection<Entry> entries() {
    return Collections.unmodifiableCollection(entries.values());
  }

  /** The entry of that exact name, or null. */
  Entry entry(String name) {
    return entries.get(name);
  }

  /** Reads the central directory; nothing else is read until {@link #read(Entry)}. */
  static ZipArchive open(ByteSource source, Object file, CheckpointLimits limits)
      throws IOException {
    long size = source.size();
    if (size < EOCD_SIZE) {
      throw notZip(source, file, "is " + size + " bytes long, too short for a zip archive");
    }
    // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
    int tailLength = (int) Math.min(size, EOCD_SIZE + 0xFFFF);
    byte[] tail = new byte[tailLength];
    source.read(size - tailLength, tail, 0, tailLength);
    int eocd = -1;
    for (int i = tailLength - EOCD_SIZE; i >= 0; i--) {
      if (int32(tail, i) == EOCD_SIG && u16(tail, i + 20) == tailLength - EOCD_SIZE - i) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw notZip(source, file, "has no zip end-of-central-directory record");
    }
    long eocdPosition = size - tailLength + eocd;
    long diskNumber = u16(tail, eocd + 4);
    long centralDisk = u16(tail, eocd + 6);
    long diskEntries = u16(tail, eocd + 8);
    long totalEntries = u16(tail, eocd + 10);
    long centralSize = u32(tail, eocd + 12);
    long centralOffset = u32(tail, eocd + 16);
    long centralEnd = eocdPosition;

    // Zip64: a locator just before the end record points at the zip64 end record. PyTorch 2
    // writes one even for small archives; its values then replace the 16/32-bit ones.
    boolean saturated =
        totalEntries == 0xFFFF || centralSize == 0xFFFFFFFFL || centralOffset == 0xFFFFFFFFL;
    byte[] locator = new byte[20];
    boolean zip64 = false;
    if (eocdPosition >= 20) {
      source.read(eocdPosition - 20, locator, 0, 20);
      zip64 = int32(locator, 0) == ZIP64_LOCATOR_SIG;
    }
    if (saturated && !zip64) {
      throw error(file, "zip end record", "declares zip64 sizes but has no zip64 locator");
    }
    if (zip64) {
      long zip64Position = int64(locator, 8);
      if (zip64Position < 0 || zip64Position > eocdPosition - 20 - 56) {
        throw error(file, "zip64 locator",
            "points at byte " + zip64Position + ", outside the archive");
      }
      byte[] record = new byte[56];
      source.read(zip64Position, record, 0, 56);
      if (int32(record, 0) != ZIP64_EOCD_SIG) {
        throw error(file, "zip64 end record", "has a bad signature at byte " + zip64Position);
      }
      diskNumber = u32(record, 16);
      centralDisk = u32(record, 20);
      diskEntries = int64(record, 24);
      totalEntries = int64(record, 32);
      centralSize = int64(record, 40);
      centralOffset = int64(record, 48);
      centralEnd = zip64Position;
    }
    if (diskNumber != 0 || centralDisk != 0 || diskEntries != totalEntries) {
      throw error(file, "zip end record", "is a multi-part (spanned) archive; expected one file");
    }
    if (totalEntries < 0 || totalEntries > limits.maxEntries()) {
      throw error(file, "zip end record",
          "declares " + Long.toUnsignedString(totalEntries) + " entries; at most "
              + limits.maxEntries() + " are accepted");
    }
    if (centralSize < 0 || centralOffset < 0 || centralSize > MAX_CENTRAL_DIRECTORY
        || centralOffset + centralSize != centralEnd) {
      throw error(file, "zip central directory",
          "declared at bytes [" + Long.toUnsignedString(centralOffset) + ", +"
              + Long.toUnsignedString(centralSize) + ") but the end record is at byte "
              + centralEnd + " (truncated, padded or corrupt archive)");
    }
    if (centralSize < totalEntries * CENTRAL_SIZE) {
      throw error(file, "zip central directory",
          "is " + centralSize + " bytes, too small for the " + totalEntries
              + " entries it declares");
    }
    byte[] central = new byte[(int) centralSize];
    source.read(centralOffset, central, 0, central.length);

    Map<String, Entry> entries = new LinkedHashMap<>();
    int p = 0;
    for (long n = 0; n < totalEntries; n++) {
      String where = "zip central directory entry " + n;
      if (p + CENTRAL_SIZE > central.length || int32(central, p) != CENTRAL_SIG) {
        throw error(file, where, "is missing or has a bad signature at byte "
            + (centralOffset + p));
      }
      int flags = u16(central, p + 8);
      int method = u16(central, p + 10);
      long crc = u32(central, p + 16);
      long compressed = u32(central, p + 20);
      long uncompressed = u32(central, p + 24);
      int nameLength = u16(central, p + 28);
      int extraLength = u16(central, p + 30);
      int commentLength = u16(central, p + 32);
      long localOffset = u32(central, p + 42);
      int recordEnd = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
      if (recordEnd > central.length) {
        throw error(file, where, "runs past the end of the central directory");
      }
      byte[] rawName = Arrays.copyOfRange(central, p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
      String name = new String(rawName, StandardCharsets.UTF_8);
      where = "zip entry '" + name + "'";
      // Zip64 extended information: the 64-bit values of the fields saturated above, in order.
      int extra = p + CENTRAL_SIZE + nameLength;
      int extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        int id = u16(central, extra);
        int length = u16(central, extra + 2);
        int data = extra + 4;
        if (data + length > extraEnd) {
          throw error(file, where, "has a malformed extra field");
        }
        if (id == 0x0001) {
          int q = data;
          if (uncompressed == 0xFFFFFFFFL) {
            uncompressed = zip64Field(central, q, data + length, file, where);
            q += 8;
          }
          if (compressed == 0xFFFFFFFFL) {
            compressed = zip64Field(central, q, data + length, file, where);
            q += 8;
          }
          if (localOffset == 0xFFFFFFFFL) {
            localOffset = zip64Field(central, q, data + length, file, where);
          }
        }
        extra = data + length;
      }
      if (entries.containsKey(name)) {
        // Two readers could disagree on which copy counts; refuse the ambiguity.
        throw error(file, where, "appears twice in the archive");
      }
      entries.put(name, new Entry(name, rawName, flags, method, crc, compressed, uncompressed,
          localOffset));
      p = recordEnd;
    }
    if (p != central.length) {
      throw error(file, "zip central directory",
          "holds " + (central.length - p) + " bytes after its " + totalEntries
              + " declared entries");
    }
    return new ZipArchive(source, file, limits, entries, centralOffset);
  }

  /**
   * Reads and checks one entry: its data must lie inside the archive, inflate to exactly the
   * declared size, match its CRC-32, and fit in what remains of the {@link CheckpointLimits}
   * budget.
   */
  byte[] read(Entry entry) throws IOException {
    String where = "zip entry '" + entry.name() + "'";
    if ((entry.flags() & 1) != 0) {
      throw error(file, where, "is encrypted; expected a plain PyTorch archive");
    }
    if (entry.method() != STORED && entry.method() != DEFLATED) {
      throw error(file, where, "uses compression method " + entry.method()
          + "; expected 0 (stored, as torch.save writes) or 8 (deflate)");
    }
    long size = entry.size();
    long compressed = entry.compressedSize();
    if (size < 0 || compressed < 0) {
      throw error(file, where, "declares a negative size");
    }
    if (size > limits.maxTotalBytes() - bytesRead) {
      throw error(file, where, "declares " + size + " bytes, more than the "
          + limits.maxTotalBytes() + " bytes this reader accepts from one archive ("
          + bytesRead + " already read)");
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw error(file, where, "declares " + size + " bytes, more than one Java array holds");
    }
    if (entry.method() == STORED && compressed != size) {
      throw error(file, where, "is stored uncompressed but declares " + compressed
          + " stored bytes for " + size + " bytes of data");
    }
    if (entry.method() == DEFLATED && size > compressed * MAX_DEFLATE_RATIO + 1024) {
      throw error(file, where, "declares " + size + " bytes from " + compressed
          + " compressed bytes, more than deflate can produce (zip bomb?)");
    }
    long local = entry.localHeaderOffset();
    if (local < 0 || local > centralStart - LOCAL_SIZE) {
      throw error(file, where, "has its local header at byte " + local
          + ", outside the archive's data (which ends at byte " + centralStart + ")");
    }
    byte[] header = new byte[LOCAL_SIZE];
    source.read(local, header, 0, LOCAL_SIZE);
    if (int32(header, 0) != LOCAL_SIG) {
      throw error(file, where, "has a bad local header signature at byte " + local);
    }
    int nameLength = u16(header, 26);
    int extraLength = u16(header, 28);
    long dataStart = local + LOCAL_SIZE + nameLength + extraLength;
    if (dataStart > centralStart || compressed > centralStart - dataStart) {
      throw error(file, where, "declares " + compressed + " bytes of data at byte " + dataStart
          + " but the archive's data ends at byte " + centralStart + " (truncated archive?)");
    }
    byte[] localName = new byte[nameLength];
    source.read(local + LOCAL_SIZE, localName, 0, nameLength);
    if (!Arrays.equals(localName, entry.rawName())) {
      throw error(file, where, "has a local header naming '"
          + new String(localName, StandardCharsets.UTF_8) + "'");
    }

    byte[] data;
    if (entry.method() == STORED) {
      budget.charge(size, where, "its " + size + " stored bytes");
      data = new byte[(int) size];
      source.read(dataStart, data, 0, data.length);
    } else {
      budget.charge(compressed, where, "its " + compressed + " compressed bytes");
      byte[] input = new byte[(int) compressed];
      source.read(dataStart, input, 0, input.length);
      data = inflate(input, (int) size, where);
    }
    bytesRead += size;
    // PyTorch >= 2.5 can skip CRCs (torch.serialization.set_crc32_options(False)) and writes 0.
    if (entry.crc() != 0) {
      CRC32 crc = new CRC32();
      crc.update(data);
      if (crc.getValue() != entry.crc()) {
        throw error(file, where, String.format(
            "has CRC-32 %08x but its central directory records %08x (corrupt archive)",
            crc.getValue(), entry.crc()));
      }
    }
    return data;
  }

  /**
   * Inflates into a buffer that grows as output arrives (each growth charged to the budget), so
   * that invalid data fails before its declared size is allocated, and output beyond the declared
   * size or the budget is refused as soon as it appears.
   */
  private byte[] inflate(byte[] input, int size, String where) throws IOException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(input);
      int capacity = Math.min(size, Math.max(4096, input.length));
      budget.charge(capacity, where, "inflating it");
      byte[] out = new byte[capacity];
      int n = 0;
      while (n < size && !inflater.finished()) {
        if (n == out.length) {
          int grown = (int) Math.min(size, 2L * out.length);
          budget.charge(grown, where, "inflating it (" + n + " bytes so far)");
          out = Arrays.copyOf(out, grown);
        }
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw error(file, where, "ends after " + n + " of its declared " + size
              + " bytes (truncated compressed data)");
        }
        n += got;
      }
      if (!inflater.finished()) {
        byte[] probe = new byte[1];
        if (inflater.inflate(probe) > 0) {
          throw error(file, where, "inflates to more than its declared " + size
              + " bytes (zip bomb or corrupt archive)");
        }
        if (!inflater.finished()) {
          throw error(file, where, "has compressed data that does not end after "
              + size + " bytes");
        }
      }
      if (n != size) {
        throw error(file, where, "inflates to " + n + " bytes; its central directory declares "
            + size);
      }
      return out;
    } catch (DataFormatException e) {
      throw new ModelFormatException(file, where, "has invalid deflate data: " + e.getMessage(),
          e);
    } finally {
      inflater.end();
    }
  }

  private static long zip64Field(byte[] b, int at, int end, Object file, String where)
      throws ModelFormatException {
    if (at + 8 > end) {
      throw error(file, where, "has a zip64 extra field too short for its saturated sizes");
    }
    long value = int64(b, at);
    if (value < 0) {
      throw error(file, where, "declares a zip64 size or offset beyond 2^63");
    }
    return value;
  }

  private static ModelFormatException notZip(ByteSource source, Object file, String problem)
      throws IOException {
    byte[] head = new byte[(int) Math.min(4, source.size())];
    source.read(0, head, 0, head.length);
    if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return error(file, null, "is a bare pickle, the legacy torch.save format (PyTorch < 1.6 or"
          + " _use_new_zipfile_serialization=False), which is not supported; re-save it with a"
          + " current PyTorch: torch.save(torch.load(f), f2)");
    }
    if (head.length == 4 && int32(head, 0) == LOCAL_SIG) {
      return error(file, null, problem + " (a truncated zip archive?)");
    }
    return error(file, null, problem + "; expected a PyTorch checkpoint (a zip archive)");
  }

  static ModelFormatException error(Object file, String where, String problem) {
    return new ModelFormatException(file, where, problem);
  }

  static int u16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  static int int32(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
  }

  static long u32(byte[] b, int i) {
    return int32(b, i) & 0xFFFFFFFFL;
  }

  static long int64(byte[] b, int i) {
    return u32(b, i) | u32(b, i + 4) << 32;
  }
}
