package org.mrnn4j.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mrnn4j.models.io.TorchUnpickler.Element;
import org.mrnn4j.models.io.TorchUnpickler.PyDict;
import org.mrnn4j.models.io.TorchUnpickler.TensorRef;

/**
 * The tensors of a PyTorch state-dict checkpoint, as written by {@code
 * torch.save(model.state_dict(), f)} (the zip format of PyTorch 1.6 and later, including 2.x).
 *
 * <pre>{@code
 * TorchCheckpoint checkpoint = TorchCheckpoint.read(Path.of("model.pth"));
 * double[][] wRec = checkpoint.tensor("rnn.W_rec").toMatrix();
 * }</pre>
 *
 * <p>Reading is safe on untrusted files. A checkpoint's {@code data.pkl} is a Python pickle, which
 * in general runs arbitrary code when loaded; it is read here by a small strict interpreter that
 * accepts only what a state dict needs, in the spirit of {@code torch.load(weights_only=True)}: the
 * globals {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} (and {@code
 * _rebuild_tensor}, {@code _rebuild_tensor_v3}, {@code _rebuild_parameter}), torch storage classes
 * and dtypes. Any other global ({@code os.system}, {@code builtins.eval}, ...) is refused, naming
 * it, before any tensor is read. The zip container is read with bounds on the number of entries and
 * on the bytes inflated (2 GiB), and every size is checked against the bytes present before memory
 * is allocated for it. Tensor storages, offsets, shapes and strides are validated with exact
 * integer arithmetic; a tensor may not have more elements than its storage holds, and the tensors
 * of one checkpoint materialise at most 2^28 elements in all (bounding what views of one shared
 * storage could allocate).
 *
 * <p>Values: float64 and float32 tensors (and float16, bfloat16, widened exactly and reported as
 * {@link org.mrnn4j.core.DType#FLOAT32}); either byte order ({@code byteorder} entry, little when
 * absent). Tensors of other dtypes (integers, booleans, complex, quantised) are rejected with a
 * message naming the key and dtype. Legacy (pre-1.6, non-zip) files and TorchScript archives are
 * rejected with a message saying so.
 *
 * <p>Memory: reading allocates at most 64 times the file's size plus 16 MiB (inflated entries,
 * pickle objects and tensors all count), so a deflate bomb or an amplifying pickle is refused
 * before it fills the heap. Keys a reader does not want ({@link #read(Path, java.util.function.
 * Predicate)}) are validated but their storages never read: a checkpoint with extra tensors (a
 * readout, an optimiser's buffers) costs only what the model needs.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TorchCheckpoint {
  private final String source;
  private final Map<String, StoredTensor> tensors;
  private final Set<String> skipped;
  private final Map<String, int[]> skippedShapes;

  private TorchCheckpoint(String source, Map<String, StoredTensor> tensors,
      Map<String, int[]> skippedShapes) {
    this.source = source;
    this.tensors = tensors;
    this.skippedShapes = skippedShapes;
    this.skipped = Collections.unmodifiableSet(skippedShapes.keySet());
  }

  /**
   * Reads every tensor of a state dict.
   *
   * @param file the {@code .pth} file
   * @return the checkpoint's tensors
   * @throws ModelFormatException if the file is malformed or hostile: the message names the file,
   *     the zip entry, pickle position or key, and what was expected
   * @throws IOException if the file cannot be read
   */
  public static TorchCheckpoint read(Path file) throws IOException {
    return read(file, key -> true);
  }

  /**
   * Reads the tensors of a state dict whose keys {@code wanted} accepts. Every key's tensor is
   * validated (dtype, shape, strides, storage) from the pickle alone; the storages of the other
   * keys are never read or allocated, and those keys are listed by {@link #skippedKeys()}. A
   * storage shared by several wanted tensors is read once.
   *
   * @param file the {@code .pth} file
   * @param wanted which keys to materialise; the others are validated and skipped
   * @return the checkpoint's tensors
   * @throws ModelFormatException as {@link #read(Path)}
   */
  public static TorchCheckpoint read(Path file, java.util.function.Predicate<String> wanted)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(wanted, "wanted");
    try (ByteSource source = ByteSource.open(file)) {
      return read(source, file, CheckpointLimits.DEFAULT, wanted);
    }
  }

  /**
   * Reads every tensor of a state dict held in memory.
   *
   * @param name how messages name the data, for example its file name
   * @param bytes the file's contents
   * @return the checkpoint's tensors
   * @throws ModelFormatException as {@link #read(Path)}
   */
  public static TorchCheckpoint read(byte[] bytes, String name) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    return read(ByteSource.of(bytes), name, CheckpointLimits.DEFAULT, key -> true);
  }

  static TorchCheckpoint read(ByteSource source, Object file, CheckpointLimits limits)
      throws IOException {
    return read(source, file, limits, key -> true);
  }

  static TorchCheckpoint read(ByteSource source, Object file, CheckpointLimits limits,
      java.util.function.Predicate<String> wanted) throws IOException {
    ZipArchive zip = ZipArchive.open(source, file, limits);
    String prefix = prefix(zip, file);

    ZipArchive.Entry pickleEntry = zip.entry(prefix + "data.pkl");
    if (pickleEntry.size() > limits.maxPickleBytes()) {
      throw new ModelFormatException(file, pickleEntry.name(), "declares " + pickleEntry.size()
          + " bytes; a state dict's pickle is at most " + limits.maxPickleBytes() + " bytes here");
    }
    byte[] pickle = zip.read(pickleEntry);
    ByteOrder order = byteOrder(zip, prefix, file);
    Object result = TorchUnpickler.load(pickle, file, pickleEntry.name(), limits, zip.budget());
    if (!(result instanceof PyDict dict)) {
      throw new ModelFormatException(file, pickleEntry.name(), "holds "
          + TorchUnpickler.describe(result) + "; expected a state dict (an OrderedDict of"
          + " tensors, as torch.save(model.state_dict()) writes)");
    }

    // Validate every tensor against the central directory before reading any storage.
    Map<String, Layout> layouts = new LinkedHashMap<>();
    Map<String, List<String>> byStorage = new LinkedHashMap<>();
    Map<String, int[]> skipped = new LinkedHashMap<>();
    long elements = 0;
    for (Map.Entry<Object, Object> item : dict.items.entrySet()) {
      if (!(item.getKey() instanceof String key)) {
        throw new ModelFormatException(file, pickleEntry.name(), "has the key "
            + TorchUnpickler.describe(item.getKey()) + "; state-dict keys are strings");
      }
      if (!(item.getValue() instanceof TensorRef ref)) {
        throw new ModelFormatException(file, "key '" + key + "'", "holds "
            + TorchUnpickler.describe(item.getValue()) + "; expected a tensor (this reader takes"
            + " torch.save(model.state_dict()) files; save the state dict on its own)");
      }
      Layout layout = layout(zip, prefix, file, key, ref);
      if (!wanted.test(key)) {
        skipped.put(key, layout.shape.clone());
        continue;
      }
      elements += layout.numel;
      if (elements > limits.maxElements()) {
        throw new ModelFormatException(file, "key '" + key + "'", "brings the tensors' elements "
            + "to " + elements + "; this reader materialises at most " + limits.maxElements()
            + " from one checkpoint (many views of one storage?)");
      }
      layouts.put(key, layout);
      byStorage.computeIfAbsent(ref.storage().key(), k -> new ArrayList<>()).add(key);
    }

    // Read each storage once (tensors may share one) and gather its tensors.
    Map<String, StoredTensor> read = new HashMap<>();
    for (List<String> group : byStorage.values()) {
      ByteBuffer storage = ByteBuffer.wrap(zip.read(layouts.get(group.get(0)).entry)).order(order);
      for (String key : group) {
        Layout layout = layouts.get(key);
        zip.budget().charge(8L * layout.numel, "key '" + key + "'",
            "its " + layout.numel + " elements as doubles");
        read.put(key, new StoredTensor(key, layout.element.dtype, layout.shape,
            gather(storage, layout)));
      }
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (String key : layouts.keySet()) {
      tensors.put(key, read.get(key));
    }
    return new TorchCheckpoint(String.valueOf(file), Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(skipped));
  }

  /**
   * A state dict held in memory as named tensors (for example one a Python session built from a
   * PyTorch {@code state_dict} without writing a file), read as a checkpoint is: every tensor
   * materialised, none skipped.
   *
   * @param source how messages name it, for example {@code state_dict}
   * @param tensors the tensors by key, in the state dict's order; each tensor's own key is
   *     ignored (the map's key names it)
   * @return the checkpoint
   * @throws IllegalArgumentException if a key is blank or a tensor is null
   */
  public static TorchCheckpoint of(String source, Map<String, StoredTensor> tensors) {
    Objects.requireNonNull(source, "source");
    Map<String, StoredTensor> copy = new LinkedHashMap<>();
    for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank()) {
        throw new IllegalArgumentException(source + ": a state dict key is blank");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(source + ": the tensor '" + e.getKey() + "' is null");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return new TorchCheckpoint(source, Collections.unmodifiableMap(copy),
        Collections.unmodifiableMap(new LinkedHashMap<>()));
  }

  /** {@return the keys whose tensors were read, in file order} */
  public Set<String> keys() {
    return tensors.keySet();
  }

  /**
   * The keys present whose tensors were not read (validated, never materialised) because the
   * reader did not want them; empty after {@link #read(Path)}.
   *
   * @return the keys validated but not materialised
   */
  public Set<String> skippedKeys() {
    return skipped;
  }

  /**
   * {@return the shape of the tensor stored under {@code key}, read or skipped (the pickle gives
   *     every tensor's shape; a skipped one's storage is never read), if the key is present}
   *
   * @param key the key, for example {@code out_layer.weight}
   */
  public Optional<int[]> shape(String key) {
    StoredTensor t = tensors.get(key);
    if (t != null) {
      return Optional.of(t.shape());
    }
    int[] s = skippedShapes.get(key);
    return s == null ? Optional.empty() : Optional.of(s.clone());
  }

  /**
   * The tensor stored under {@code key}.
   *
   * @param key the key, for example {@code W_rec}
   * @return the tensor
   * @throws IllegalArgumentException naming the key and listing the keys present, if absent
   */
  public StoredTensor tensor(String key) {
    StoredTensor t = tensors.get(key);
    if (t == null) {
      throw new IllegalArgumentException((skipped.contains(key)
          ? "the tensor '" + key + "' of checkpoint " + source + " was not read (skipped)"
          : "no tensor '" + key + "' in checkpoint " + source) + "; it holds " + tensors.keySet());
    }
    return t;
  }

  /**
   * {@return the tensor stored under {@code key}, if any}
   *
   * @param key the key, for example {@code W_rec}
   */
  public Optional<StoredTensor> find(String key) {
    return Optional.ofNullable(tensors.get(key));
  }

  /** {@return the number of tensors} */
  public int size() {
    return tensors.size();
  }

  /** {@return the file (or name) this was read from} */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "TorchCheckpoint[" + source + ", " + tensors.values() + "]";
  }

  // ---- archive layout ------------------------------------------------------------------------

  /** The archive's top directory with a trailing slash, e.g. {@code archive/}. */
  private static String prefix(ZipArchive zip, Object file) throws ModelFormatException {
    Set<String> prefixes = new TreeSet<>();
    boolean torchScript = false;
    for (ZipArchive.Entry e : zip.entries()) {
      String name = e.name();
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
        prefixes.add(name.substring(0, slash + 1));
      }
      torchScript |= slash > 0 && name.substring(slash + 1).equals("constants.pkl");
    }
    if (prefixes.size() == 1) {
      return prefixes.iterator().next();
    }
    if (prefixes.isEmpty()) {
      throw new ModelFormatException(file, null, torchScript
          ? "is a TorchScript archive (torch.jit.save) without data.pkl; expected"
              + " torch.save(model.state_dict())"
          : "has no <archive>/data.pkl entry; expected a PyTorch checkpoint written by"
              + " torch.save (zip format)");
    }
    throw new ModelFormatException(file, null,
        "has several top directories with a data.pkl " + prefixes + "; expected one");
  }

  private static ByteOrder byteOrder(ZipArchive zip, String prefix, Object file)
      throws IOException {
    ZipArchive.Entry entry = zip.entry(prefix + "byteorder");
    if (entry == null) {
      return ByteOrder.LITTLE_ENDIAN; // PyTorch before 1.13 wrote no byteorder: always little.
    }
    if (entry.size() > 16) {
      throw new ModelFormatException(file, entry.name(), "is " + entry.size()
          + " bytes; expected 'little' or 'big'");
    }
    String value = new String(zip.read(entry), StandardCharsets.US_ASCII);
    return switch (value) {
      case "little" -> ByteOrder.LITTLE_ENDIAN;
      case "big" -> ByteOrder.BIG_ENDIAN;
      default -> throw new ModelFormatException(file, entry.name(), "holds '" + value
          + "'; expected 'little' or 'big'");
    };
  }

  // ---- tensors -------------------------------------------------------------------------------

  /** A validated tensor: every index it reads lies inside its storage entry. */
  private record Layout(ZipArchive.Entry entry, Element element, long offset, int[] shape,
      long[] stride, int numel) {}

  private static Layout layout(ZipArchive zip, String prefix, Object file, String key,
      TensorRef ref) throws ModelFormatException {
    String where = "key '" + key + "'";
    String at = " (tensor built at pickle byte " + ref.position() + ")";
    TorchUnpickler.StorageRef storage = ref.storage();
    if (ref.element() == null) {
      throw new ModelFormatException(file, where, "has dtype " + ref.dtypeName() + " ("
          + storage.type().name() + ")" + at + "; mrnn4j reads floating-point tensors: float64,"
          + " float32 (and float16, bfloat16, widened to float32)");
    }
    Element element = ref.element();
    String entryName = prefix + "data/" + storage.key();
    ZipArchive.Entry entry = zip.entry(entryName);
    if (entry == null) {
      throw new ModelFormatException(file, where, "uses storage '" + storage.key() + "'" + at
          + " but the archive has no entry " + entryName);
    }
    long storageBytes;
    try {
      storageBytes = Math.multiplyExact(storage.numel(), storage.type().unitBytes());
    } catch (ArithmeticException e) {
      storageBytes = -1;
    }
    if (storageBytes != entry.size()) {
      throw new ModelFormatException(file, where, "uses storage " + entryName + " declared as "
          + storage.numel() + (storage.type().untyped() ? " bytes" : " " + storage.type()
          .dtypeName() + " elements") + " = " + (storageBytes < 0 ? "too many" : storageBytes)
          + " bytes" + at + ", but the entry holds " + entry.size() + " bytes");
    }
    long available = storageBytes / element.bytes;

    long[] size = ref.size();
    long[] stride = ref.stride();
    String geometry = "size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
        + ", storage offset " + ref.offset();
    if (size.length != stride.length) {
      throw new ModelFormatException(file, where, "has " + geometry + at
          + "; expected as many strides as dimensions");
    }
    if (ref.offset() < 0) {
      throw new ModelFormatException(file, where, "has " + geometry + at
          + "; expected a non-negative storage offset");
    }
    int[] shape = new int[size.length];
    long numel = 1;
    long last = ref.offset();
    try {
      for (int i = 0; i < size.length; i++) {
        if (size[i] < 0 || stride[i] < 0) {
          throw new ModelFormatException(file, where, "has " + geometry + at
              + "; expected non-negative sizes and strides");
        }
        if (size[i] > Integer.MAX_VALUE - 8) {
          throw new ModelFormatException(file, where, "has " + geometry + at
              + "; dimension " + i + " is larger than a Java array holds");
        }
        shape[i] = (int) size[i];
        numel = Math.multiplyExact(numel, size[i]);
        if (size[i] > 0) {
          last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
        }
      }
    } catch (ArithmeticException e) {
      throw new ModelFormatException(file, where, "has " + geometry + at
          + "; its element count or extent overflows 64-bit integers");
    }
    if (numel > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(file, where, "has " + geometry + at + ", " + numel
          + " elements; more than a Java array holds");
    }
    if (numel > 0 && last >= available) {
      throw new ModelFormatException(file, where, "has " + geometry + at + ", reaching element "
          + last + ", but its storage " + entryName + " holds only " + available + " "
          + element.label + " elements");
    }
    if (numel > available) {
      // Only overlapping strides (an expanded, broadcast view) could reach more elements than
      // the storage holds; refusing them keeps every allocation within the bytes present.
      throw new ModelFormatException(file, where, "has " + geometry + at + ", " + numel
          + " elements, but its storage " + entryName + " holds only " + available + " "
          + element.label + " elements; expected a tensor no larger than its storage (save an "
          + "expanded view with .contiguous())");
    }
    return new Layout(entry, element, ref.offset(), shape, stride, (int) numel);
  }

  /** The tensor's elements, row-major, converted exactly to double. */
  private static double[] gather(ByteBuffer storage, Layout layout) {
    double[] out = new double[layout.numel];
    if (out.length == 0) {
      return out;
    }
    int rank = layout.shape.length;
    if (isContiguous(layout)) {
      int base = (int) layout.offset;
      for (int i = 0; i < out.length; i++) {
        out[i] = element(storage, layout.element, base + i);
      }
      return out;
    }
    int[] index = new int[rank];
    long position = layout.offset;
    for (int i = 0; i < out.length; i++) {
      out[i] = element(storage, layout.element, (int) position);
      // Odometer: advance the last index, carrying into earlier ones.
      for (int d = rank - 1; d >= 0; d--) {
        if (++index[d] < layout.shape[d]) {
          position += layout.stride[d];
          break;
        }
        position -= (long) (layout.shape[d] - 1) * layout.stride[d];
        index[d] = 0;
      }
    }
    return out;
  }

  private static boolean isContiguous(Layout layout) {
    long expected = 1;
    for (int d = layout.shape.length - 1; d >= 0; d--) {
      if (layout.shape[d] != 1 && layout.stride[d] != expected) {
        return false;
      }
      expected *= layout.shape[d];
    }
    return true;
  }

  private static double element(ByteBuffer storage, Element element, int index) {
    return switch (element) {
      case FLOAT64 -> storage.getDouble(index * 8);
      case FLOAT32 -> storage.getFloat(index * 4);
      case FLOAT16 -> halfToDouble(storage.getShort(index * 2) & 0xFFFF);
      case BFLOAT16 -> Float.intBitsToFloat((storage.getShort(index * 2) & 0xFFFF) << 16);
    };
  }

  /** IEEE 754 binary16 to double, exactly (Java 17 has no Float.float16ToFloat). */
  static double halfToDouble(int bits) {
    int exponent = bits >>> 10 & 0x1F;
    int mantissa = bits & 0x3FF;
    double magnitude;
    if (exponent == 0) {
      magnitude = mantissa * 0x1p-24; // zero and subnormals
    } else if (exponent == 0x1F) {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      magnitude = (1024 + mantissa) * Math.scalb(1.0, exponent - 25);
    }
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
  }
}
