package org.mrnn4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mrnn4j.models.io.CheckpointFixtures.centralRecord;
import static org.mrnn4j.models.io.CheckpointFixtures.floats;
import static org.mrnn4j.models.io.CheckpointFixtures.putInt;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;

/**
 * Malformed and hostile input: every case must end in a {@link ModelFormatException} whose message
 * names the problem (and never in another exception, an allocation of declared sizes, or a call).
 */
class TorchCheckpointHostileTest {
  private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

  /** A valid one-tensor checkpoint: w = float32 [1, 2, 3, 4] as a 2x2 matrix. */
  private static byte[] valid() {
    return withTensor(4, new long[] {2, 2}, new long[] {2, 1}, floats(LITTLE, 1, 2, 3, 4));
  }

  private static byte[] withTensor(long numel, long[] size, long[] stride, byte[] storage) {
    return new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "FloatStorage", "0", numel, 0, size, stride).endStateDict())
        .put("data/0", storage)
        .bytes();
  }

  private static byte[] withPickle(Pickle pickle) {
    return new Archive("archive/").pickle(pickle).put("data/0", floats(LITTLE, 1, 2, 3, 4))
        .bytes();
  }

  private static ModelFormatException rejects(byte[] bytes, String... fragments) {
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bytes, "evil.pth"));
    assertTrue(e.getMessage().startsWith("evil.pth: "), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          "message lacks '" + fragment + "': " + e.getMessage());
    }
    return e;
  }

  @Test
  void validFixtureReads() throws IOException {
    assertArrayEquals(new double[] {1, 2, 3, 4},
        TorchCheckpoint.read(valid(), "ok.pth").tensor("w").data(), 0.0);
  }

  // ---- code execution ------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"os, system", "builtins, eval", "subprocess, Popen", "posix, system",
      "__builtin__, getattr", "torch, load", "torch._utils, _rebuild_device_tensor_from_numpy"})
  void foreignGlobalsAreRefusedByName(String module, String name) {
    // What a malicious pickle does: GLOBAL os.system, ('touch /tmp/pwned',), REDUCE.
    Pickle pickle = new Pickle().proto(2).global(module, name).string("touch /tmp/pwned")
        .op(0x85).reduce().stop();
    ModelFormatException e = rejects(withPickle(pickle), "refuses the global " + module + "."
        + name, "torch.load(weights_only=True)");
    assertEquals("archive/data.pkl, pickle byte 2 (GLOBAL)", e.location());
  }

  @Test
  void stackGlobalIsCheckedToo() {
    Pickle pickle = new Pickle().proto(4).stackGlobal("builtins", "exec").string("import os")
        .op(0x85).reduce().stop();
    rejects(withPickle(pickle), "refuses the global builtins.exec", "STACK_GLOBAL");
  }

  @Test
  void foreignGlobalIsRefusedBeforeAnyStorageIsRead() {
    // A valid tensor, then a second value that would run code. The storage of the first tensor
    // is absent: had it been looked for first, the message would be about the missing entry.
    Pickle pickle = new Pickle().beginStateDict()
        .tensor("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1})
        .string("x").global("subprocess", "Popen").string("sh").op(0x85).reduce()
        .endStateDict();
    byte[] bytes = new Archive("archive/").pickle(pickle).bytes();
    rejects(bytes, "refuses the global subprocess.Popen");
  }

  @Test
  void foreignGlobalAsStorageTypeIsRefused() {
    Pickle pickle = new Pickle().beginStateDict().string("w")
        .global("torch._utils", "_rebuild_tensor_v2").mark()
        .mark().string("storage").global("builtins", "eval").string("0").string("cpu")
        .integer(4).tuple().op('Q');
    rejects(withPickle(pickle), "refuses the global builtins.eval");
  }

  @Test
  void whitelistedButNonCallableGlobalsCannotBeCalled() {
    Pickle pickle = new Pickle().proto(2).global("torch", "FloatStorage").emptyTuple().reduce()
        .stop();
    rejects(withPickle(pickle), "REDUCE calls torch.FloatStorage, which is not callable");
  }

  @Test
  void buildOnAnythingButAnOrderedDictIsRefused() {
    Pickle pickle = new Pickle().proto(2).emptyTuple().emptyDict().op('b').stop();
    rejects(withPickle(pickle), "BUILD", "only attribute dicts on an OrderedDict");
  }

  // ---- malformed pickles ---------------------------------------------------------------------

  @Test
  void unknownOpcodesAreNamed() {
    rejects(withPickle(new Pickle().proto(2).op('i').raw("os\nsystem\n".getBytes(
        StandardCharsets.US_ASCII)).stop()), "unsupported pickle opcode INST (0x69)",
        "pickle byte 2");
    rejects(withPickle(new Pickle().proto(2).op(0xff).stop()), "unsupported pickle opcode (0xff)");
  }

  @Test
  void truncatedPicklesAreNamed() {
    byte[] pickle = new Pickle().beginStateDict()
        .tensor("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1})
        .endStateDict().bytes();
    rejects(withPickle(new Pickle().raw(Arrays.copyOf(pickle, pickle.length - 1))),
        "without a STOP opcode (truncated)");
    rejects(withPickle(new Pickle().raw(Arrays.copyOf(pickle, 40))), "truncated");
    // Every prefix is rejected cleanly.
    for (int n = 0; n < pickle.length; n++) {
      rejects(withPickle(new Pickle().raw(Arrays.copyOf(pickle, n))), "archive/data.pkl");
    }
  }

  @Test
  void stackMemoAndNestingAreBounded() {
    Pickle deep = new Pickle().proto(2);
    for (int i = 0; i < 1_001; i++) {
      deep.mark();
    }
    rejects(withPickle(deep.stop()), "MARKs nest deeper than 1000 levels");
    rejects(withPickle(new Pickle().proto(2).op('h', 5).stop()),
        "memo entry 5 is read before it is written");
    rejects(withPickle(new Pickle().proto(2).op('R').stop()), "needs an object on the stack");
    rejects(withPickle(new Pickle().proto(2).op('X', 0xff, 0xff, 0xff, 0x7f).stop()),
        "declares 2147483647 bytes but only 1 remain");
    rejects(withPickle(new Pickle().proto(2).op(0x8a, 9).raw(new byte[9]).stop()),
        "at most 64-bit integers");
    rejects(withPickle(new Pickle().proto(2).emptyDict().stop().op('N')),
        "1 bytes follow the STOP opcode");
  }

  @Test
  void resultMustBeAStateDictOfTensors() {
    rejects(withPickle(new Pickle().proto(2).op(']').stop()),
        "holds a list; expected a state dict");
    Pickle epoch = new Pickle().beginStateDict().string("epoch").integer(3).endStateDict();
    rejects(withPickle(epoch), "key 'epoch'", "holds the number 3; expected a tensor");
  }

  // ---- invalid tensors -----------------------------------------------------------------------

  @Test
  void storageShorterThanDeclaredIsNamed() {
    rejects(withTensor(4, new long[] {4}, new long[] {1}, floats(LITTLE, 1, 2, 3)),
        "key 'w'", "archive/data/0", "4 float32 elements = 16 bytes", "holds 12 bytes");
  }

  @Test
  void tensorReachingBeyondItsStorageIsNamed() {
    rejects(withTensor(4, new long[] {2, 3}, new long[] {3, 1}, floats(LITTLE, 1, 2, 3, 4)),
        "key 'w'", "size [2, 3], stride [3, 1]", "reaching element 5",
        "holds only 4 float32 elements");
  }

  @Test
  void negativeAndHugeDimensionsAreNamed() {
    byte[] four = floats(LITTLE, 1, 2, 3, 4);
    rejects(withTensor(4, new long[] {-1, 2}, new long[] {2, 1}, four),
        "size [-1, 2]", "non-negative sizes");
    rejects(withTensor(4, new long[] {1L << 40}, new long[] {0}, four),
        "dimension 0 is larger than a Java array holds");
    rejects(withTensor(4, new long[] {1 << 30, 1 << 30, 1 << 30}, new long[] {0, 0, 0}, four),
        "overflows 64-bit integers");
    rejects(withTensor(4, new long[] {2, 2}, new long[] {1L << 62, 1L << 62}, four),
        "overflows 64-bit integers");
    rejects(withTensor(4, new long[] {1 << 20, 1 << 20}, new long[] {0, 0}, four),
        "1099511627776 elements; more than a Java array holds");
    rejects(withTensor(1L << 62, new long[] {4}, new long[] {1}, four),
        "= too many bytes");
    rejects(withTensor(4, new long[] {2, 2}, new long[] {2}, four),
        "expected as many strides as dimensions");
  }

  @Test
  void unsupportedDtypesAreNamed() {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("num_batches_tracked", "LongStorage", "0", 1, 0, new long[] {},
                new long[] {})
            .endStateDict())
        .put("data/0", new byte[8])
        .bytes();
    rejects(bytes, "key 'num_batches_tracked'", "has dtype int64 (torch.LongStorage)");
  }

  @Test
  void missingStorageEntryIsNamed() {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "FloatStorage", "7", 4, 0, new long[] {4}, new long[] {1})
            .endStateDict())
        .bytes();
    rejects(bytes, "key 'w'", "no entry archive/data/7");
  }

  @Test
  void storageKeysCannotLeaveTheDataDirectory() {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "FloatStorage", "../data.pkl", 4, 0, new long[] {4}, new long[] {1})
            .endStateDict())
        .bytes();
    rejects(bytes, "storage key '../data.pkl' is not a plain entry name");
  }

  // ---- malformed archives --------------------------------------------------------------------

  @Test
  void truncatedArchivesAreRejectedAtEveryLength() {
    byte[] bytes = valid();
    rejects(Arrays.copyOf(bytes, bytes.length / 2), "end-of-central-directory",
        "truncated zip archive");
    rejects(Arrays.copyOf(bytes, 0), "too short for a zip archive");
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(cut, "cut"),
          "length " + n);
    }
  }

  @Test
  void corruptedArchivesNeverEscapeAsOtherExceptions() {
    // Random byte changes anywhere, and random changes to the pickle alone (under a correct
    // CRC): each read either succeeds or throws ModelFormatException.
    Random random = new Random(20261122);
    byte[] bytes = valid();
    byte[] pickle = new Pickle().beginStateDict()
        .tensor("w", "FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1})
        .endStateDict().bytes();
    for (int trial = 0; trial < 3_000; trial++) {
      byte[] mutated = (trial % 2 == 0 ? bytes : pickle).clone();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      byte[] input = trial % 2 == 0 ? mutated : withPickle(new Pickle().raw(mutated));
      try {
        TorchCheckpoint.read(input, "fuzz");
      } catch (ModelFormatException expected) {
        // fine
      } catch (Exception | StackOverflowError | OutOfMemoryError e) {
        fail("trial " + trial + " escaped as " + e, e);
      }
    }
  }

  @Test
  void corruptDataFailsItsCrc() {
    byte[] bytes = valid();
    int at = indexOf(bytes, floats(LITTLE, 1, 2, 3, 4));
    bytes[at] ^= 1;
    rejects(bytes, "zip entry 'archive/data/0'", "CRC-32");
  }

  @Test
  void tooManyEntriesAreRejected() throws IOException {
    // An end record alone, declaring 65535 entries: rejected before anything else is read.
    byte[] eocd = new byte[22];
    putInt(eocd, 0, 0x06054b50);
    CheckpointFixtures.putShort(eocd, 8, 0xFFFF - 1);
    CheckpointFixtures.putShort(eocd, 10, 0xFFFF - 1);
    rejects(eocd, "declares 65534 entries; at most 50000 are accepted");

    // A real archive over a lowered bound.
    Archive archive = new Archive("archive/")
        .pickle(new Pickle().beginStateDict().endStateDict());
    for (int i = 0; i < 20; i++) {
      archive.put("extra/" + i, new byte[0]);
    }
    CheckpointLimits few = new CheckpointLimits(10, 1L << 31, 1 << 20, 100, 1000, 1000, 1L << 28);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> TorchCheckpoint.read(ByteSource.of(archive.bytes()), "many.pth", few));
    assertTrue(e.getMessage().contains("declares 21 entries; at most 10"), e.getMessage());
  }

  @Test
  void zipBombsAreRejected() throws IOException {
    byte[] pickle = new Pickle().beginStateDict().endStateDict().bytes();
    // Declared smaller than it inflates to.
    byte[] bomb = new Archive("archive/").deflated().put("data.pkl", pickle).bytes();
    putInt(bomb, centralRecord(bomb, "archive/data.pkl") + 24, 10);
    rejects(bomb, "zip entry 'archive/data.pkl'", "inflates to more than its declared 10 bytes");

    // Declared far larger than deflate can produce from its compressed bytes.
    byte[] huge = new Archive("archive/").deflated().put("data.pkl", pickle).bytes();
    putInt(huge, centralRecord(huge, "archive/data.pkl") + 24, 0x7FFFFFF0);
    rejects(huge, "archive/data.pkl", "declares 2147483632 bytes");

    // Within ratio, but over the total budget (lowered here).
    byte[] storage = new byte[4096];
    byte[] big = new Archive("archive/").deflated()
        .pickle(new Pickle().beginStateDict()
            .tensor("w", "FloatStorage", "0", 1024, 0, new long[] {1024}, new long[] {1})
            .endStateDict())
        .put("data/0", storage).bytes();
    CheckpointLimits small = new CheckpointLimits(100, 1024, 1024, 100, 1000, 1000, 1L << 28);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> TorchCheckpoint.read(ByteSource.of(big), "big.pth", small));
    assertTrue(e.getMessage().contains("zip entry 'archive/data/0': declares 4096 bytes, more"
        + " than the 1024 bytes"), e.getMessage());

    // A stored entry whose declared size exceeds the bytes present: nothing is allocated.
    byte[] stored = valid();
    int record = centralRecord(stored, "archive/data.pkl");
    putInt(stored, record + 20, 1 << 27);
    putInt(stored, record + 24, 1 << 27);
    rejects(stored, "zip entry 'archive/data.pkl'", "declares 134217728 bytes of data",
        "(truncated archive?)");
  }

  @Test
  void duplicateEntryNamesAreRejected() {
    byte[] bytes = new Archive("archive/")
        .pickle(new Pickle().beginStateDict().endStateDict())
        .put("data/0", new byte[4]).put("data/1", new byte[4]).bytes();
    byte[] second = "archive/data/1".getBytes(StandardCharsets.US_ASCII);
    for (int at = indexOf(bytes, second); at >= 0; at = indexOf(bytes, second)) {
      bytes[at + second.length - 1] = '0';
    }
    rejects(bytes, "zip entry 'archive/data/0'", "appears twice");
  }

  @Test
  void otherFormatsAreNamed() {
    byte[] bare = new Pickle().beginStateDict().endStateDict().bytes();
    rejects(bare, "legacy torch.save format");
    rejects("definitely not a checkpoint, just some text".getBytes(StandardCharsets.US_ASCII),
        "no zip end-of-central-directory record; expected a PyTorch checkpoint");
    byte[] script = new Archive("model/").put("constants.pkl", bare).put("code/x.py", new byte[1])
        .bytes();
    rejects(script, "TorchScript archive");
    byte[] endian = new Archive("archive/")
        .pickle(new Pickle().beginStateDict().endStateDict()).byteOrder("middle").bytes();
    rejects(endian, "archive/byteorder", "holds 'middle'; expected 'little' or 'big'");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
