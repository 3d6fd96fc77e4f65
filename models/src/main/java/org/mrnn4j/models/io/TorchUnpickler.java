package org.mrnn4j.models.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict unpickler for the {@code data.pkl} of a PyTorch state-dict checkpoint.
 *
 * <p>No maintained Java library enforces torch's {@code weights_only} whitelist: Pyrolite, the
 * usual Java unpickler, turns unknown globals into generic objects instead of refusing them, and
 * knows nothing of torch's storages; and pickle in general is an arbitrary-code-execution format. So
 * this is a small interpreter of exactly the pickle subset that {@code torch.save(model.state_dict())}
 * produces with protocols 2 to 5. It builds only inert values: strings, 64-bit integers, floats,
 * booleans, None, tuples, lists, dicts, references to a fixed whitelist of globals, storage
 * references and tensor descriptions. It never calls anything, never reads a storage, and refuses
 * every global outside the whitelist at the opcode that names it, so a hostile pickle fails before
 * anything of the checkpoint is used. Stack, mark nesting and memo are bounded by {@link
 * CheckpointLimits}; nothing is recursive.
 */
final class TorchUnpickler {

  // ---- values --------------------------------------------------------------------------------

  /** Python's None (the stack is a list that could hold null, but a sentinel reads better). */
  enum None { NONE }

  /**
   * An immutable Python tuple.
   *
   * @param depth how deeply tuples nest in it (1 for a tuple of scalars)
   */
  record Tuple(List<Object> items, int depth) {
    /** A tuple of {@code items}, its depth computed. */
    static Tuple of(List<Object> items) {
      int depth = 0;
      for (Object item : items) {
        if (item instanceof Tuple t) {
          depth = Math.max(depth, t.depth);
        }
      }
      return new Tuple(items, depth + 1);
    }

    int size() {
      return items.size();
    }

    Object get(int i) {
      return items.get(i);
    }
  }

  /** A Python list (mutable: APPEND(S) fill it after it is memoised). */
  static final class PyList {
    final List<Object> items = new ArrayList<>();
  }

  /** A Python dict or collections.OrderedDict: both keep insertion order. */
  static final class PyDict {
    final Map<Object, Object> items = new LinkedHashMap<>();
    final boolean ordered;
    /**
     * The class of its keys: one per dict. Keys of different classes with equal hash codes (an
     * int and a float of the same bits) defeat HashMap's tree bins and make lookups linear; keys of
     * one comparable class keep every lookup logarithmic.
     */
    Class<?> keyClass;

    PyDict(boolean ordered) {
      this.ordered = ordered;
    }
  }

  /** Element types of PyTorch storages and dtypes that mrnn4j converts to double exactly. */
  enum Element {
    FLOAT64(8, "float64", org.mrnn4j.core.DType.FLOAT64),
    FLOAT32(4, "float32", org.mrnn4j.core.DType.FLOAT32),
    // float16 and bfloat16 are subsets of float32: they widen exactly and report FLOAT32.
    FLOAT16(2, "float16", org.mrnn4j.core.DType.FLOAT32),
    BFLOAT16(2, "bfloat16", org.mrnn4j.core.DType.FLOAT32);

    final int bytes;
    final String label;
    final org.mrnn4j.core.DType dtype;

    Element(int bytes, String label, org.mrnn4j.core.DType dtype) {
      this.bytes = bytes;
      this.label = label;
      this.dtype = dtype;
    }
  }

  /** A whitelisted callable global. */
  enum Callable {
    ORDERED_DICT("collections.OrderedDict"),
    REBUILD_TENSOR("torch._utils._rebuild_tensor"),
    REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
    REBUILD_TENSOR_V3("torch._utils._rebuild_tensor_v3"),
    REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
    REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state");

    final String qualifiedName;

    Callable(String qualifiedName) {
      this.qualifiedName = qualifiedName;
    }
  }

  /**
   * A torch storage class named in a persistent id.
   *
   * @param name for example {@code torch.FloatStorage}
   * @param dtypeName the element type's PyTorch name ({@code uint8} for untyped storages)
   * @param unitBytes bytes per unit of the persistent id's size (elements; bytes when untyped)
   * @param element the element type when mrnn4j reads it, else null
   * @param untyped whether this is {@code torch.UntypedStorage} (sized in bytes, dtype from v3)
   */
  record StorageType(String name, String dtypeName, int unitBytes, Element element,
      boolean untyped) {}

  /** A torch dtype object ({@code torch.float32}); element is null when mrnn4j cannot read it. */
  record DtypeRef(String name, String dtypeName, Element element) {}

  /**
   * A persistent id {@code ('storage', storage_type, key, location, numel)}: the storage itself
   * lives in the zip entry {@code <prefix>/data/<key>} and is read only after the whole pickle has
   * been accepted.
   */
  record StorageRef(String key, StorageType type, long numel, String location, long position) {}

  /**
   * A tensor as {@code _rebuild_tensor_v2}/{@code _v3} describe it; not yet validated against its
   * storage (see {@code TorchCheckpoint}).
   *
   * @param element the element type (storage's, or v3's dtype), null when unsupported
   * @param dtypeName the PyTorch name of the element type, for messages
   * @param position the pickle byte of the REDUCE that built it
   */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride, Element element,
      String dtypeName, long position) {}

  // ---- whitelist -----------------------------------------------------------------------------

  private static final Map<String, Object> GLOBALS = new HashMap<>();

  static {
    for (Callable c : Callable.values()) {
      GLOBALS.put(c.qualifiedName, c);
    }
    storage("DoubleStorage", "float64", 8, Element.FLOAT64);
    storage("FloatStorage", "float32", 4, Element.FLOAT32);
    storage("HalfStorage", "float16", 2, Element.FLOAT16);
    storage("BFloat16Storage", "bfloat16", 2, Element.BFLOAT16);
    storage("LongStorage", "int64", 8, null);
    storage("IntStorage", "int32", 4, null);
    storage("ShortStorage", "int16", 2, null);
    storage("CharStorage", "int8", 1, null);
    storage("ByteStorage", "uint8", 1, null);
    storage("BoolStorage", "bool", 1, null);
    storage("ComplexFloatStorage", "complex64", 8, null);
    storage("ComplexDoubleStorage", "complex128", 16, null);
    storage("QInt8Storage", "qint8", 1, null);
    storage("QUInt8Storage", "quint8", 1, null);
    storage("QInt32Storage", "qint32", 4, null);
    storage("QUInt4x2Storage", "quint4x2", 1, null);
    storage("QUInt2x4Storage", "quint2x4", 1, null);
    StorageType untyped = new StorageType("torch.UntypedStorage", "uint8", 1, null, true);
    GLOBALS.put("torch.UntypedStorage", untyped);
    GLOBALS.put("torch.storage.UntypedStorage", untyped);
    dtype(Element.FLOAT64, "float64", "double");
    dtype(Element.FLOAT32, "float32", "float");
    dtype(Element.FLOAT16, "float16", "half");
    dtype(Element.BFLOAT16, "bfloat16");
    dtype(null, "int64", "long", "int32", "int", "int16", "short", "int8", "uint8", "bool",
        "uint16", "uint32", "uint64", "complex32", "complex64", "complex128", "cfloat", "cdouble",
        "chalf", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn",
        "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
        "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16");
  }

  private static void storage(String cls, String dtype, int bytes, Element element) {
    GLOBALS.put("torch." + cls, new StorageType("torch." + cls, dtype, bytes, element, false));
  }

  private static void dtype(Element element, String... names) {
    for (String name : names) {
      GLOBALS.put("torch." + name, new DtypeRef("torch." + name, name, element));
    }
  }

  static final String WHITELIST = "collections.OrderedDict, torch._utils._rebuild_tensor_v2 (and"
      + " _rebuild_tensor, _rebuild_tensor_v3, _rebuild_parameter), torch storage classes and"
      + " torch dtypes";

  // ---- opcodes -------------------------------------------------------------------------------

  private static final String[] NAMES = new String[256];

  static {
    String table = "(MARK .STOP 0POP 1POP_MARK 2DUP FFLOAT IINT JBININT KBININT1 LLONG MBININT2"
        + " NNONE PPERSID QBINPERSID RREDUCE SSTRING TBINSTRING USHORT_BINSTRING VUNICODE"
        + " XBINUNICODE aAPPEND bBUILD cGLOBAL dDICT }EMPTY_DICT eAPPENDS gGET hBINGET iINST"
        + " jLONG_BINGET lLIST ]EMPTY_LIST oOBJ pPUT qBINPUT rLONG_BINPUT sSETITEM tTUPLE"
        + " )EMPTY_TUPLE uSETITEMS GBINFLOAT";
    for (String item : table.split(" ")) {
      NAMES[item.charAt(0)] = item.substring(1);
    }
    String[] high = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3",
        "NEWTRUE", "NEWFALSE", "LONG1", "LONG4"};
    for (int i = 0; i < high.length; i++) {
      NAMES[0x80 + i] = high[i];
    }
    NAMES['B'] = "BINBYTES";
    NAMES['C'] = "SHORT_BINBYTES";
    String[] v4 = {"SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS",
        "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE", "FRAME", "BYTEARRAY8",
        "NEXT_BUFFER", "READONLY_BUFFER"};
    for (int i = 0; i < v4.length; i++) {
      NAMES[0x8c + i] = v4[i];
    }
  }

  private static final Object MARK = new Object();

  // ---- state ---------------------------------------------------------------------------------

  private final byte[] pickle;
  private final Object file;
  private final String entry;
  private final CheckpointLimits limits;
  private final ReadBudget budget;
  private final List<Object> stack = new ArrayList<>();
  private final int[] marks;
  private int markDepth;
  private final Map<Long, Object> memo = new HashMap<>();
  private final Map<String, StorageRef> storages = new LinkedHashMap<>();
  private int pos;
  private int opPos;
  private int op;

  private TorchUnpickler(byte[] pickle, Object file, String entry, CheckpointLimits limits,
      ReadBudget budget) {
    this.pickle = pickle;
    this.file = file;
    this.entry = entry;
    this.limits = limits;
    this.budget = budget;
    this.marks = new int[limits.maxMarkDepth()];
  }

  /**
   * Interprets a whole pickle and returns its single result.
   *
   * @param entry the zip entry name, for messages
   * @param budget charged with (an estimate of) every object built
   */
  static Object load(byte[] pickle, Object file, String entry, CheckpointLimits limits,
      ReadBudget budget) throws ModelFormatException {
    return new TorchUnpickler(pickle, file, entry, limits, budget).run();
  }

  /** A pickle without a file's budget (tests): the allowance alone. */
  static Object load(byte[] pickle, Object file, String entry, CheckpointLimits limits)
      throws ModelFormatException {
    return load(pickle, file, entry, limits, ReadBudget.forFile(file, pickle.length));
  }

  // Estimated heap bytes of what the interpreter builds (compressed references), charged to the
  // budget before building it: an amplifying pickle is refused, never allowed to fill the heap.
  private static final int DICT_BYTES = 96;
  private static final int DICT_ENTRY_BYTES = 48;
  private static final int LIST_BYTES = 48;
  private static final int REFERENCE_BYTES = 8;
  private static final int TUPLE_BYTES = 32;
  private static final int BOXED_BYTES = 16;
  private static final int STRING_BYTES = 48;
  private static final int MEMO_ENTRY_BYTES = 56;
  private static final int RECORD_BYTES = 64;

  private void charge(long bytes, String what) throws ModelFormatException {
    if (!budget.tryCharge(bytes)) {
      budget.charge(bytes, entry + ", pickle byte " + opPos, what);
    }
  }

  private PyDict newDict(boolean ordered) throws ModelFormatException {
    charge(DICT_BYTES, "a dict");
    return new PyDict(ordered);
  }

  private PyList newList() throws ModelFormatException {
    charge(LIST_BYTES, "a list");
    return new PyList();
  }

  private Tuple newTuple(List<Object> items) throws ModelFormatException {
    charge(TUPLE_BYTES + (long) REFERENCE_BYTES * items.size(), "a tuple");
    Tuple t = Tuple.of(List.copyOf(items));
    if (t.depth() > limits.maxMarkDepth()) {
      throw fail("tuples nest " + t.depth() + " deep; at most " + limits.maxMarkDepth()
          + " levels are accepted (a state dict nests a few)");
    }
    return t;
  }

  private Object boxed(Object value) throws ModelFormatException {
    charge(BOXED_BYTES, "a number");
    return value;
  }

  private Object run() throws ModelFormatException {
    while (true) {
      if (pos >= pickle.length) {
        opPos = pos;
        op = 0;
        throw fail("the pickle ends at byte " + pos + " without a STOP opcode (truncated)");
      }
      opPos = pos;
      op = pickle[pos++] & 0xFF;
      switch (op) {
        case 0x80 -> { // PROTO
          int version = u8();
          if (version < 2 || version > 5) {
            throw fail("pickle protocol " + version + "; expected 2 to 5 as torch.save writes");
          }
        }
        case 0x95 -> { // FRAME: only a hint for buffered readers; check it fits.
          long length = i64();
          if (length < 0 || length > pickle.length - pos) {
            throw fail("a frame of " + length + " bytes, but only " + (pickle.length - pos)
                + " remain");
          }
        }
        case '.' -> { // STOP
          Object result = pop();
          if (!stack.isEmpty() || markDepth != 0) {
            throw fail("STOP leaves " + stack.size() + " objects on the stack; expected one");
          }
          if (pos != pickle.length) {
            throw fail((pickle.length - pos) + " bytes follow the STOP opcode");
          }
          return result;
        }
        case '(' -> {
          if (markDepth == marks.length) {
            throw fail("MARKs nest deeper than " + marks.length + " levels");
          }
          marks[markDepth++] = stack.size();
          push(MARK);
        }
        case '0' -> pop(); // POP
        case '1' -> popMark(); // POP_MARK
        case '2' -> push(peek()); // DUP
        case '}' -> push(newDict(false));
        case ']' -> push(newList());
        case ')' -> push(newTuple(List.of()));
        case 'N' -> push(None.NONE);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> push(boxed((long) int32()));
        case 'K' -> push(boxed((long) u8()));
        case 'M' -> push(boxed((long) (u8() | u8() << 8)));
        case 0x8a -> push(boxed(longBytes(u8())));
        case 0x8b -> push(boxed(longBytes(lengthPrefix(int32() & 0xFFFFFFFFL))));
        case 'G' -> push(boxed(Double.longBitsToDouble(Long.reverseBytes(i64()))));
        case 'X' -> push(utf8(lengthPrefix(int32() & 0xFFFFFFFFL)));
        case 0x8c -> push(utf8(u8()));
        case 0x8d -> push(utf8(lengthPrefix(i64())));
        case 't' -> push(newTuple(popMark()));
        case 0x85 -> push(tuple(1));
        case 0x86 -> push(tuple(2));
        case 0x87 -> push(tuple(3));
        case 'l' -> {
          PyList list = newList();
          List<Object> items = popMark();
          charge((long) REFERENCE_BYTES * items.size(), "list items");
          list.items.addAll(items);
          push(list);
        }
        case 'd' -> {
          List<Object> items = popMark();
          PyDict dict = newDict(false);
          setItems(dict, items);
          push(dict);
        }
        case 'a' -> {
          Object value = pop();
          PyList list = list(peek(), "APPEND");
          charge(REFERENCE_BYTES, "a list item");
          list.items.add(value);
        }
        case 'e' -> {
          List<Object> items = popMark();
          PyList list = list(peek(), "APPENDS");
          charge((long) REFERENCE_BYTES * items.size(), "list items");
          list.items.addAll(items);
        }
        case 's' -> {
          Object value = pop();
          Object key = pop();
          setItems(dict(peek(), "SETITEM"), List.of(key, value));
        }
        case 'u' -> {
          List<Object> items = popMark();
          setItems(dict(peek(), "SETITEMS"), items);
        }
        case 'q' -> put(u8());
        case 'r' -> put(int32() & 0xFFFFFFFFL);
        case 0x94 -> put(memo.size());
        case 'h' -> get(u8());
        case 'j' -> get(int32() & 0xFFFFFFFFL);
        case 'c' -> {
          String module = line();
          String name = line();
          push(resolve(module, name));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail("STACK_GLOBAL expects two strings (module, name); got "
                + describe(module) + " and " + describe(name));
          }
          push(resolve(m, n));
        }
        case 'Q' -> push(persistentLoad(pop()));
        case 'R' -> {
          Object args = pop();
          Object callable = pop();
          push(reduce(callable, args));
        }
        case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args); only OrderedDict() makes sense here.
          Object args = pop();
          Object cls = pop();
          if (cls != Callable.ORDERED_DICT || !(args instanceof Tuple t) || t.size() != 0) {
            throw fail("NEWOBJ of " + describe(cls) + "; only collections.OrderedDict() is"
                + " accepted");
          }
          push(newDict(true));
        }
        case 'b' -> {
          Object state = pop();
          build(peek(), state);
        }
        default -> {
          String name = NAMES[op];
          throw fail("unsupported pickle opcode " + (name == null ? "" : name + " ")
              + String.format("(0x%02x)", op) + "; a PyTorch state dict uses only protocol 2-5"
              + " data opcodes, OrderedDict and torch's tensor rebuild functions");
        }
      }
    }
  }

  // ---- globals, persistent ids, calls --------------------------------------------------------

  private Object resolve(String module, String name) throws ModelFormatException {
    String qualified = module + "." + name;
    Object global = GLOBALS.get(qualified);
    if (global == null) {
      throw fail("refuses the global " + qualified + ": a state dict may reference only "
          + WHITELIST + ". Any other global can run code when loaded; torch.load"
          + "(weights_only=True) refuses it too");
    }
    return global;
  }

  private StorageRef persistentLoad(Object pid) throws ModelFormatException {
    if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
      throw fail("a persistent id must be ('storage', storage_type, key, location, numel); got "
          + describe(pid));
    }
    if (!(t.get(1) instanceof StorageType type)) {
      throw fail("persistent id names storage type " + describe(t.get(1))
          + "; expected a torch storage class such as torch.FloatStorage");
    }
    if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String location)
        || !(t.get(4) instanceof Long numel)) {
      throw fail("a persistent id must be ('storage', storage_type, key: str, location: str,"
          + " numel: int); got " + describe(pid));
    }
    if (numel < 0) {
      throw fail("storage '" + key + "' declares " + numel + " elements");
    }
    if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.equals("..")
        || key.equals(".")) {
      // The key becomes part of a zip entry name; keep it inside <prefix>/data/.
      throw fail("storage key '" + key + "' is not a plain entry name");
    }
    StorageRef previous = storages.get(key);
    if (previous != null) {
      if (!previous.type().equals(type) || previous.numel() != numel) {
        throw fail("storage '" + key + "' is declared as " + type.name() + " of " + numel
            + " units here but as " + previous.type().name() + " of " + previous.numel()
            + " units at byte " + previous.position());
      }
      return previous;
    }
    charge(RECORD_BYTES, "a storage reference");
    StorageRef ref = new StorageRef(key, type, numel, location, opPos);
    storages.put(key, ref);
    return ref;
  }

  private Object reduce(Object callable, Object argsObject) throws ModelFormatException {
    if (!(callable instanceof Callable c)) {
      throw fail("REDUCE calls " + describe(callable) + ", which is not callable here; only "
          + WHITELIST.substring(0, WHITELIST.indexOf(", torch storage")) + " are");
    }
    if (!(argsObject instanceof Tuple args)) {
      throw fail("REDUCE arguments for " + c.qualifiedName + " must be a tuple; got "
          + describe(argsObject));
    }
    switch (c) {
      case ORDERED_DICT -> {
        PyDict dict = newDict(true);
        if (args.size() == 1 && args.get(0) instanceof PyList pairs) {
          for (Object pair : pairs.items) {
            if (!(pair instanceof Tuple kv) || kv.size() != 2) {
              throw fail("OrderedDict(...) expects (key, value) pairs; got " + describe(pair));
            }
            setItems(dict, kv.items());
          }
        } else if (args.size() != 0) {
          throw fail("OrderedDict called with " + describe(args) + "; expected no arguments");
        }
        return dict;
      }
      case REBUILD_TENSOR -> {
        arity(c, args, 4, 4);
        return tensor(args, null);
      }
      case REBUILD_TENSOR_V2 -> {
        arity(c, args, 6, 7);
        flags(c, args);
        return tensor(args, null);
      }
      case REBUILD_TENSOR_V3 -> {
        arity(c, args, 7, 8);
        flags(c, args);
        if (!(args.get(6) instanceof DtypeRef dtype)) {
          throw fail(c.qualifiedName + " argument 7 must be a torch dtype; got "
              + describe(args.get(6)));
        }
        return tensor(args, dtype);
      }
      case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
        arity(c, args, c == Callable.REBUILD_PARAMETER ? 3 : 4, c == Callable.REBUILD_PARAMETER
            ? 3 : 4);
        if (!(args.get(0) instanceof TensorRef tensor)) {
          throw fail(c.qualifiedName + " expects a tensor; got " + describe(args.get(0)));
        }
        if (!(args.get(1) instanceof Boolean)) {
          throw fail(c.qualifiedName + " argument 2 (requires_grad) must be a bool; got "
              + describe(args.get(1)));
        }
        return tensor;
      }
      default -> throw new AssertionError(c);
    }
  }

  private void arity(Callable c, Tuple args, int min, int max) throws ModelFormatException {
    if (args.size() < min || args.size() > max) {
      throw fail(c.qualifiedName + " takes " + (min == max ? min : min + " or " + max)
          + " arguments; got " + args.size());
    }
  }

  private void flags(Callable c, Tuple args) throws ModelFormatException {
    if (!(args.get(4) instanceof Boolean)) {
      throw fail(c.qualifiedName + " argument 5 (requires_grad) must be a bool; got "
          + describe(args.get(4)));
    }
    if (!(args.get(5) instanceof PyDict)) {
      throw fail(c.qualifiedName + " argument 6 (backward_hooks) must be a dict; got "
          + describe(args.get(5)));
    }
  }

  private TensorRef tensor(Tuple args, DtypeRef dtype) throws ModelFormatException {
    if (!(args.get(0) instanceof StorageRef storage)) {
      throw fail("a tensor's storage must be a persistent id; got " + describe(args.get(0)));
    }
    if (!(args.get(1) instanceof Long offset)) {
      throw fail("a tensor's storage offset must be an int; got " + describe(args.get(1)));
    }
    long[] size = ints(args.get(2), "size");
    long[] stride = ints(args.get(3), "stride");
    Element element;
    String dtypeName;
    if (dtype != null) {
      element = dtype.element();
      dtypeName = dtype.dtypeName();
    } else {
      element = storage.type().element();
      dtypeName = storage.type().dtypeName();
    }
    charge(RECORD_BYTES + 16L * size.length, "a tensor reference");
    return new TensorRef(storage, offset, size, stride, element, dtypeName, opPos);
  }

  private long[] ints(Object value, String what) throws ModelFormatException {
    if (!(value instanceof Tuple t)) {
      throw fail("a tensor's " + what + " must be a tuple of ints; got " + describe(value));
    }
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(t.get(i) instanceof Long v)) {
        throw fail("a tensor's " + what + " must be a tuple of ints; element " + i + " is "
            + describe(t.get(i)));
      }
      out[i] = v;
    }
    return out;
  }

  private void build(Object target, Object state) throws ModelFormatException {
    // torch.save stores a state dict's _metadata attribute with BUILD; it is not needed here.
    boolean stateOk = state instanceof PyDict || state == None.NONE
        || (state instanceof Tuple t && t.size() == 2
            && (t.get(0) instanceof PyDict || t.get(0) == None.NONE)
            && (t.get(1) instanceof PyDict || t.get(1) == None.NONE));
    if (!(target instanceof PyDict) || !stateOk) {
      throw fail("BUILD sets state " + describe(state) + " on " + describe(target)
          + "; only attribute dicts on an OrderedDict (its _metadata) are accepted");
    }
  }

  // ---- containers ----------------------------------------------------------------------------

  private Tuple tuple(int n) throws ModelFormatException {
    if (stack.size() < n) {
      throw fail("needs " + n + " objects on the stack; found " + stack.size());
    }
    List<Object> items = new ArrayList<>(n);
    for (int i = stack.size() - n; i < stack.size(); i++) {
      Object item = stack.get(i);
      if (item == MARK) {
        throw fail("finds a MARK among its " + n + " items");
      }
      items.add(item);
    }
    stack.subList(stack.size() - n, stack.size()).clear();
    return newTuple(items);
  }

  private void setItems(PyDict dict, List<Object> items) throws ModelFormatException {
    if (items.size() % 2 != 0) {
      throw fail("an odd number of items (" + items.size() + ") for key/value pairs");
    }
    charge((long) DICT_ENTRY_BYTES * (items.size() / 2), "dict entries");
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      // Only scalar keys: their equals/hashCode are cheap and never recurse.
      if (!(key instanceof String || key instanceof Long || key instanceof Boolean
          || key instanceof Double || key == None.NONE)) {
        throw fail("a dict key must be a string or number; got " + describe(key));
      }
      if (dict.keyClass == null) {
        dict.keyClass = key.getClass();
      } else if (dict.keyClass != key.getClass()) {
        throw fail("the dict mixes keys of two types (" + describe(key) + " among "
            + dict.keyClass.getSimpleName() + " keys); a state dict's keys are all strings");
      }
      if (dict.items.putIfAbsent(key, items.get(i + 1)) != null) {
        // Python keeps the last value silently; torch.save never writes a key twice, and two
        // readers could disagree on which copy counts, so the ambiguity is refused.
        throw fail("the dict key " + describe(key) + " appears twice");
      }
    }
  }

  private PyList list(Object target, String opName) throws ModelFormatException {
    if (!(target instanceof PyList l)) {
      throw fail(opName + " on " + describe(target) + "; expected a list");
    }
    return l;
  }

  private PyDict dict(Object target, String opName) throws ModelFormatException {
    if (!(target instanceof PyDict d)) {
      throw fail(opName + " on " + describe(target) + "; expected a dict");
    }
    return d;
  }

  // ---- stack and memo ------------------------------------------------------------------------

  private void push(Object value) throws ModelFormatException {
    if (stack.size() >= limits.maxStack()) {
      throw fail("the pickle stack grows beyond " + limits.maxStack() + " objects");
    }
    stack.add(value);
  }

  private Object peek() throws ModelFormatException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw fail("needs an object on the stack; found " + (stack.isEmpty() ? "none" : "a MARK"));
    }
    return stack.get(stack.size() - 1);
  }

  private Object pop() throws ModelFormatException {
    Object value = peek();
    stack.remove(stack.size() - 1);
    return value;
  }

  private List<Object> popMark() throws ModelFormatException {
    if (markDepth == 0) {
      throw fail("needs a MARK on the stack; there is none");
    }
    int at = marks[--markDepth];
    List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
    stack.subList(at, stack.size()).clear();
    return items;
  }

  private void put(long index) throws ModelFormatException {
    Object value = peek();
    if (!memo.containsKey(index) && memo.size() >= limits.maxMemo()) {
      throw fail("the pickle memo grows beyond " + limits.maxMemo() + " entries");
    }
    charge(MEMO_ENTRY_BYTES, "a memo entry");
    memo.put(index, value);
  }

  private void get(long index) throws ModelFormatException {
    Object value = memo.get(index);
    if (value == null) {
      throw fail("memo entry " + index + " is read before it is written");
    }
    push(value);
  }

  // ---- raw reads -----------------------------------------------------------------------------

  private void need(long n) throws ModelFormatException {
    if (n > pickle.length - pos) {
      throw fail("the pickle ends inside this opcode: it needs " + n + " more bytes, "
          + (pickle.length - pos) + " remain (truncated)");
    }
  }

  private int u8() throws ModelFormatException {
    need(1);
    return pickle[pos++] & 0xFF;
  }

  private int int32() throws ModelFormatException {
    need(4);
    int v = ZipArchive.int32(pickle, pos);
    pos += 4;
    return v;
  }

  private long i64() throws ModelFormatException {
    need(8);
    long v = ZipArchive.int64(pickle, pos);
    pos += 8;
    return v;
  }

  private int lengthPrefix(long length) throws ModelFormatException {
    if (length < 0 || length > pickle.length - pos) {
      throw fail("declares " + Long.toUnsignedString(length) + " bytes but only "
          + (pickle.length - pos) + " remain");
    }
    return (int) length;
  }

  private long longBytes(int n) throws ModelFormatException {
    need(n);
    if (n > 8) {
      throw fail("an integer of " + n + " bytes; at most 64-bit integers are accepted");
    }
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (pickle[pos + i] & 0xFF);
    }
    if (n > 0 && n < 8) {
      int shift = 64 - 8 * n; // sign-extend the two's complement value
      v = v << shift >> shift;
    }
    pos += n;
    return v;
  }

  private String utf8(int length) throws ModelFormatException {
    need(length);
    charge(STRING_BYTES + 2L * length, "a string");
    String s = decode(pos, length);
    pos += length;
    return s;
  }

  private String line() throws ModelFormatException {
    int start = pos;
    int end = start;
    while (end < pickle.length && pickle[end] != '\n') {
      if (end - start > 1024) {
        throw fail("a GLOBAL name longer than 1024 bytes");
      }
      end++;
    }
    if (end >= pickle.length) {
      throw fail("the pickle ends inside a GLOBAL name (truncated)");
    }
    String s = decode(start, end - start);
    pos = end + 1;
    return s;
  }

  private String decode(int start, int length) throws ModelFormatException {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(pickle, start, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw fail("a string that is not valid UTF-8");
    }
  }

  // ---- messages ------------------------------------------------------------------------------

  private ModelFormatException fail(String problem) {
    String name = NAMES[op];
    String where = entry + ", pickle byte " + opPos + (name == null ? "" : " (" + name + ")");
    return new ModelFormatException(file, where, problem);
  }

  /** A short description of a value, never recursing more than one level. */
  static String describe(Object value) {
    if (value == null) {
      return "nothing";
    } else if (value == MARK) {
      return "a MARK";
    } else if (value == None.NONE) {
      return "None";
    } else if (value instanceof String s) {
      return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    } else if (value instanceof Long || value instanceof Double) {
      return "the number " + value;
    } else if (value instanceof Boolean b) {
      return b ? "True" : "False";
    } else if (value instanceof Tuple t) {
      StringBuilder sb = new StringBuilder("a tuple (");
      for (int i = 0; i < t.size() && i < 6; i++) {
        Object item = t.get(i);
        sb.append(i == 0 ? "" : ", ").append(item instanceof Tuple ? "tuple"
            : item instanceof PyList ? "list" : item instanceof PyDict ? "dict" : describe(item));
      }
      return sb.append(t.size() > 6 ? ", ...)" : ")").toString();
    } else if (value instanceof PyList) {
      return "a list";
    } else if (value instanceof PyDict d) {
      return d.ordered ? "an OrderedDict" : "a dict";
    } else if (value instanceof Callable c) {
      return c.qualifiedName;
    } else if (value instanceof StorageType s) {
      return s.name();
    } else if (value instanceof DtypeRef d) {
      return d.name();
    } else if (value instanceof StorageRef s) {
      return "storage '" + s.key() + "'";
    } else if (value instanceof TensorRef t) {
      return "a tensor of shape " + Arrays.toString(t.size());
    }
    return value.getClass().getSimpleName();
  }
}
