package org.mrnn4j.models.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.io.CheckpointFixtures;
import org.mrnn4j.models.io.CheckpointFixtures.Archive;
import org.mrnn4j.models.io.CheckpointFixtures.Pickle;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;

/**
 * The mutation corpus: thousands of inputs derived from valid configs, checkpoints and model
 * files (byte flips, truncations, deleted and retyped fields, huge and negative sizes, wrong
 * shapes, duplicate names), each run through the same targets as the fuzz tests. Every input
 * must end in success or a {@link ModelFormatException} naming its source, within
 * {@link #PER_INPUT}; mutants that cannot be valid (a truncation, a duplicate name, a wrong shape,
 * a size beyond the bytes present, a required field deleted or retyped) must be rejected. The
 * seeds are the synthetic ones of {@link Seeds} and, when present, the conformance checkpoints
 * and their configs. Prints the count and the outcomes by exception type and by mutation kind.
 */
class MutationCorpusTest {
  /** Generous for a 2-core CI machine; a valid input takes about a millisecond. */
  private static final Duration PER_INPUT = Duration.ofSeconds(2);
  private static final Duration ALL = Duration.ofSeconds(150);
  private static final int FLIPS = 30;
  private static final int TRUNCATIONS = 15;
  private static final String ACCEPTED = "accepted";

  private static Backend backend;
  private static final Tally TOTAL = new Tally();

  /** One input and how to run it. */
  @FunctionalInterface
  interface Input {
    void run() throws ModelFormatException;
  }

  /**
   * @param sources the names a rejection may give as its file
   * @param mustReject whether acceptance is a failure
   */
  record Mutant(String seed, String kind, String description, Set<String> sources,
      boolean mustReject, Input input) {}

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
    if (TOTAL.count > 0) {
      System.out.println("MutationCorpusTest, all seeds: " + TOTAL.summary());
    }
  }

  @Test
  void syntheticSeedsEndInModelFormatException() {
    Random random = new Random(20261122);
    List<Mutant> mutants = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : Seeds.configs().entrySet()) {
      configMutants(mutants, "config " + e.getKey(), e.getValue(), random);
    }
    for (Map.Entry<String, byte[]> e : Seeds.modelFiles().entrySet()) {
      modelFileMutants(mutants, "model file " + e.getKey(), e.getValue(), random);
    }
    MrnnConfig fixed = parse(Seeds.FIXED_CONFIG.getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> e : Seeds.checkpoints().entrySet()) {
      checkpointMutants(mutants, "checkpoint " + e.getKey(), e.getValue(), fixed, random);
    }
    stateDictMutants(mutants, fixed);
    configMismatches(mutants, "checkpoint float32", Seeds.checkpoints().get("float32"),
        Seeds.FIXED_CONFIG.getBytes(StandardCharsets.UTF_8));
    run("synthetic", mutants);
  }

  @Test
  void conformanceSeedsEndInModelFormatException() throws IOException {
    Path dir = ConformanceData.checkpoints();
    Random random = new Random(1122);
    List<Mutant> mutants = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path json : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        byte[] config = Files.readAllBytes(json);
        String name = json.getFileName().toString();
        configMutants(mutants, name, config, random);
        Path pth = json.resolveSibling(name.replace(".json", ".pth"));
        // The small checkpoints only: the 3 MB one would dominate the run time.
        if (Files.isRegularFile(pth) && Files.size(pth) < (256 << 10)) {
          byte[] checkpoint = Files.readAllBytes(pth);
          String pthName = pth.getFileName().toString();
          checkpointMutants(mutants, pthName, checkpoint, parse(config), random);
          configMismatches(mutants, pthName, checkpoint, config);
        }
      }
    }
    run("conformance", mutants);
  }

  // ---- mutants -------------------------------------------------------------------------------

  private static void configMutants(List<Mutant> out, String seed, byte[] data, Random random) {
    Set<String> sources = Set.of(seed);
    mustAccept(seed, () -> Targets.config(data, seed, backend));
    for (byte[] m : flips(data, random)) {
      out.add(new Mutant(seed, "byte flips", "", sources, false,
          () -> Targets.config(m, seed, backend)));
    }
    for (int cut : jsonCuts(data, random)) {
      byte[] m = Arrays.copyOf(data, cut);
      out.add(new Mutant(seed, "truncation", "at " + cut, sources, true,
          () -> Targets.config(m, seed, backend)));
    }
    for (JsonMutations.Mutant j : JsonMutations.of(data, false)) {
      out.add(new Mutant(seed, j.kind(), j.description(), sources, j.mustReject(),
          () -> Targets.config(j.data(), seed, backend)));
    }
  }

  private static void modelFileMutants(List<Mutant> out, String seed, byte[] data,
      Random random) {
    Set<String> sources = Set.of(seed);
    mustAccept(seed, () -> Targets.modelFile(data, seed, backend));
    for (byte[] m : flips(data, random)) {
      out.add(new Mutant(seed, "byte flips", "", sources, false,
          () -> Targets.modelFile(m, seed, backend)));
    }
    for (int cut : jsonCuts(data, random)) {
      byte[] m = Arrays.copyOf(data, cut);
      out.add(new Mutant(seed, "truncation", "at " + cut, sources, true,
          () -> Targets.modelFile(m, seed, backend)));
    }
    for (JsonMutations.Mutant j : JsonMutations.of(data, true)) {
      out.add(new Mutant(seed, j.kind(), j.description(), sources, j.mustReject(),
          () -> Targets.modelFile(j.data(), seed, backend)));
    }
  }

  private static void checkpointMutants(List<Mutant> out, String seed, byte[] data,
      MrnnConfig config, Random random) {
    Set<String> sources = Set.of(seed);
    mustAccept(seed, () -> Targets.checkpoint(data, seed, config, backend));
    for (byte[] m : flips(data, random)) {
      out.add(new Mutant(seed, "byte flips", "", sources, false,
          () -> Targets.checkpoint(m, seed, config, backend)));
    }
    List<Integer> cuts = new ArrayList<>(List.of(0, 1, 4, 21, data.length - 22, data.length - 1));
    for (int k = 0; k < TRUNCATIONS; k++) {
      cuts.add(random.nextInt(data.length));
    }
    for (int cut : cuts) {
      byte[] m = Arrays.copyOf(data, cut);
      out.add(new Mutant(seed, "truncation", "at " + cut, sources, true,
          () -> Targets.checkpoint(m, seed, config, backend)));
    }
    for (ZipMutations.Mutant z : ZipMutations.of(data)) {
      out.add(new Mutant(seed, z.kind(), z.description(), sources, z.mustReject(),
          () -> Targets.checkpoint(z.data(), seed, config, backend)));
    }
  }

  /** The checkpoint with configs whose regions have one unit more or fewer: wrong shapes. */
  private static void configMismatches(List<Mutant> out, String seed, byte[] checkpoint,
      byte[] config) {
    ObjectNode root;
    try {
      root = (ObjectNode) new ObjectMapper().readTree(config);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    for (String list : new String[] {"recurrent_regions", "input_regions"}) {
      for (int k = 0; k < root.get(list).size(); k++) {
        for (int d : new int[] {-1, 1}) {
          ObjectNode copy = root.deepCopy();
          ObjectNode region = (ObjectNode) copy.get(list).get(k);
          int units = region.get("num_units").asInt() + d;
          if (units < 1) {
            continue;
          }
          region.put("num_units", units);
          MrnnConfig c = parse(copy.toString().getBytes(StandardCharsets.UTF_8));
          out.add(new Mutant(seed, "wrong shape", list + "[" + k + "].num_units " + units,
              Set.of(seed), true, () -> Targets.checkpoint(checkpoint, seed, c, backend)));
        }
      }
    }
  }

  /** State dicts built wrong on purpose, tensor by tensor. */
  private static void stateDictMutants(List<Mutant> out, MrnnConfig fixed) {
    String seed = "state dict";
    ModelParameters p = Seeds.fixedParameters();
    double[][] wRec = p.recurrentWeights();
    double[] flat = new double[16];
    for (int r = 0; r < 4; r++) {
      System.arraycopy(wRec[r], 0, flat, 4 * r, 4);
    }
    byte[] storage = CheckpointFixtures.floats(ByteOrder.LITTLE_ENDIAN, toFloats(flat));
    record Bad(String kind, String what, long numel, long offset, long[] size, long[] stride,
        String storageClass, byte[] bytes) {}
    List<Bad> bads = List.of(
        new Bad("wrong shape", "W_rec [4, 3]", 16, 0, new long[] {4, 3}, new long[] {4, 1},
            "FloatStorage", storage),
        new Bad("wrong shape", "W_rec [16]", 16, 0, new long[] {16}, new long[] {1},
            "FloatStorage", storage),
        new Bad("wrong shape", "W_rec [4, 4, 1]", 16, 0, new long[] {4, 4, 1},
            new long[] {4, 1, 1}, "FloatStorage", storage),
        new Bad("wrong shape", "W_rec [2, 8]", 16, 0, new long[] {2, 8}, new long[] {8, 1},
            "FloatStorage", storage),
        new Bad("huge or negative size", "size -1", 16, 0, new long[] {-1, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "size 2^40", 16, 0, new long[] {1L << 40, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "size 2^20 x 2^20 stride 0", 16, 0,
            new long[] {1 << 20, 1 << 20}, new long[] {0, 0}, "FloatStorage", storage),
        new Bad("huge or negative size", "4 x 4 stride 0 past the storage", 16, 0,
            new long[] {4, 4, 4}, new long[] {0, 4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "numel 2^62", 1L << 62, 0, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "numel 17", 17, 0, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "numel -1", -1, 0, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "offset -1", 16, -1, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "offset 1", 16, 1, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "offset 2^62", 16, 1L << 62, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", storage),
        new Bad("huge or negative size", "stride -1", 16, 15, new long[] {4, 4},
            new long[] {-4, -1}, "FloatStorage", storage),
        new Bad("huge or negative size", "stride 2^62", 16, 0, new long[] {4, 4},
            new long[] {1L << 62, 1}, "FloatStorage", storage),
        new Bad("retyped field", "W_rec in a LongStorage", 8, 0, new long[] {4, 4},
            new long[] {4, 1}, "LongStorage", storage),
        new Bad("retyped field", "W_rec in a BoolStorage", 64, 0, new long[] {4, 4},
            new long[] {4, 1}, "BoolStorage", new byte[64]),
        new Bad("retyped field", "W_rec in a DoubleStorage of 8", 8, 0, new long[] {4, 4},
            new long[] {4, 1}, "DoubleStorage", storage),
        new Bad("deleted field", "W_rec's storage missing", 16, 0, new long[] {4, 4},
            new long[] {4, 1}, "FloatStorage", null),
        new Bad("non-finite", "W_rec[1][2] NaN", 16, 0, new long[] {4, 4}, new long[] {4, 1},
            "FloatStorage", withValue(storage, 6, Float.NaN)),
        new Bad("non-finite", "W_rec[3][3] -inf", 16, 0, new long[] {4, 4}, new long[] {4, 1},
            "FloatStorage", withValue(storage, 15, Float.NEGATIVE_INFINITY)));
    for (Bad bad : bads) {
      Pickle pickle = new Pickle().beginStateDict();
      Archive archive = new Archive("archive/");
      pickle.tensor(ModelParameters.W_REC, bad.storageClass(), "w", bad.numel(), bad.offset(),
          bad.size(), bad.stride());
      if (bad.bytes() != null) {
        archive.put("data/w", bad.bytes());
      }
      validRest(pickle, archive, p, 1);
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, bad.kind(), bad.what(), Set.of(seed), true,
          () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    // Deleted tensors, duplicate keys, keys and values of the wrong type.
    for (int skip = 0; skip < 6; skip++) {
      Pickle pickle = new Pickle().beginStateDict();
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0, skip);
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "deleted field", "tensor " + skip + " missing", Set.of(seed),
          true, () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    {
      Pickle pickle = new Pickle().beginStateDict();
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0);
      pickle.tensor(ModelParameters.W_REC, "FloatStorage", "0", 16, 0, new long[] {4, 4},
          new long[] {4, 1});
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "duplicate name", "W_rec twice", Set.of(seed), true,
          () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    {
      Pickle pickle = new Pickle().beginStateDict();
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0);
      pickle.tensor("extra", "DoubleStorage", "0", 8, 0, new long[] {2, 2}, new long[] {2, 1});
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "duplicate name", "storage 0 as two types", Set.of(seed), true,
          () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    {
      Pickle pickle = new Pickle().beginStateDict().integer(7).string("not a tensor");
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0);
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "retyped field", "an int key and a string value", Set.of(seed),
          true, () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    {
      Pickle pickle = new Pickle().beginStateDict().string("readout").string("not a tensor");
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0);
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "retyped field", "a string value", Set.of(seed), true,
          () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
    {
      Pickle pickle = new Pickle().beginStateDict();
      Archive archive = new Archive("archive/");
      validRest(pickle, archive, p, 0);
      archive.byteOrder("middle");
      byte[] data = archive.pickle(pickle.endStateDict()).bytes();
      out.add(new Mutant(seed, "retyped field", "byteorder 'middle'", Set.of(seed), true,
          () -> Targets.checkpoint(data, seed, fixed, backend)));
    }
  }

  /** The six mRNN tensors from {@code from} on (skipping {@code skip}), storages "0".."5". */
  private static void validRest(Pickle pickle, Archive archive, ModelParameters p, int from,
      int... skip) {
    String[] keys = {ModelParameters.W_REC, ModelParameters.W_REC_MASK,
        ModelParameters.W_REC_SIGN, ModelParameters.W_INP, ModelParameters.W_INP_MASK,
        ModelParameters.W_INP_SIGN};
    for (int k = from; k < 6; k++) {
      final int key = k;
      if (Arrays.stream(skip).anyMatch(s -> s == key)) {
        continue;
      }
      double[][] m = p.get(keys[k]);
      int cols = m[0].length;
      double[] flat = new double[m.length * cols];
      for (int r = 0; r < m.length; r++) {
        System.arraycopy(m[r], 0, flat, r * cols, cols);
      }
      pickle.tensor(keys[k], "FloatStorage", Integer.toString(k), flat.length, 0,
          new long[] {m.length, cols}, new long[] {cols, 1});
      archive.put("data/" + k, CheckpointFixtures.floats(ByteOrder.LITTLE_ENDIAN,
          toFloats(flat)));
    }
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  private static byte[] withValue(byte[] floats, int index, float value) {
    byte[] copy = floats.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * index, value);
    return copy;
  }

  /** Mutants flipping 1 to 4 random bits each. */
  private static List<byte[]> flips(byte[] data, Random random) {
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < FLIPS; k++) {
      byte[] m = data.clone();
      int bits = 1 + random.nextInt(4);
      for (int b = 0; b < bits; b++) {
        m[random.nextInt(m.length)] ^= (byte) (1 << random.nextInt(8));
      }
      out.add(m);
    }
    return out;
  }

  /** Cut points that remove at least one significant character of a JSON document. */
  private static List<Integer> jsonCuts(byte[] data, Random random) {
    int end = data.length;
    while (end > 0 && Character.isWhitespace(data[end - 1])) {
      end--;
    }
    List<Integer> out = new ArrayList<>(List.of(0, 1, end - 1));
    for (int k = 0; k < TRUNCATIONS; k++) {
      out.add(random.nextInt(end));
    }
    return out;
  }

  private static MrnnConfig parse(byte[] json) {
    try {
      return MrnnConfig.parse(json, "seed config");
    } catch (ModelFormatException e) {
      throw new AssertionError(e);
    }
  }

  private static void mustAccept(String seed, Input input) {
    try {
      input.run();
    } catch (ModelFormatException e) {
      throw new AssertionError("the seed " + seed + " itself is rejected: " + e.getMessage(), e);
    }
  }

  // ---- running -------------------------------------------------------------------------------

  /** Outcomes by exception type and by mutation kind. */
  static final class Tally {
    int count;
    final Map<String, Integer> byOutcome = new TreeMap<>();
    final Map<String, Map<String, Integer>> byKind = new TreeMap<>();
    final List<String> unexpected = new ArrayList<>();

    void add(String kind, String outcome) {
      count++;
      byOutcome.merge(outcome, 1, Integer::sum);
      byKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    void addAll(Tally t) {
      count += t.count;
      t.byOutcome.forEach((k, v) -> byOutcome.merge(k, v, Integer::sum));
      t.byKind.forEach((kind, m) -> m.forEach((o, v) -> byKind
          .computeIfAbsent(kind, k -> new TreeMap<>()).merge(o, v, Integer::sum)));
      unexpected.addAll(t.unexpected);
    }

    String summary() {
      StringBuilder sb = new StringBuilder().append(count).append(" inputs tried; outcomes ")
          .append(byOutcome).append("; unexpected: ").append(unexpected.size());
      byKind.forEach((kind, m) -> sb.append("\n  ").append(kind).append(": ").append(m));
      return sb.toString();
    }
  }

  private static void run(String label, List<Mutant> mutants) {
    Tally tally = new Tally();
    assertTimeoutPreemptively(ALL, () -> {
      for (Mutant m : mutants) {
        String outcome;
        String where = m.seed() + " / " + m.kind() + " " + m.description();
        long start = System.nanoTime();
        try {
          m.input().run();
          outcome = ACCEPTED;
          if (Boolean.getBoolean("mutation.verbose")) {
            System.out.println("accepted: " + where);
          }
          if (m.mustReject()) {
            tally.unexpected.add(where + ": accepted; expected a ModelFormatException");
          }
        } catch (ModelFormatException e) {
          outcome = ModelFormatException.class.getSimpleName();
          if (!m.sources().contains(e.file()) || e.problem() == null || e.problem().isBlank()) {
            tally.unexpected.add(where + ": the message does not name the source " + m.sources()
                + " and a problem: " + e.getMessage());
          }
        } catch (Throwable e) {
          outcome = e.getClass().getName();
          tally.unexpected.add(where + ": " + e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (millis > PER_INPUT.toMillis()) {
          tally.unexpected.add(where + ": took " + millis + " ms, more than " + PER_INPUT);
        }
        tally.add(m.kind(), outcome);
      }
    }, () -> label + ": the corpus did not finish within " + ALL + " (a hang?)");
    System.out.println("MutationCorpusTest, " + label + " seeds: " + tally.summary());
    synchronized (TOTAL) {
      TOTAL.addAll(tally);
    }
    assertTrue(tally.unexpected.isEmpty(), () -> tally.unexpected.size() + " unexpected outcomes "
        + "of " + tally.count + ", first ones:\n  "
        + String.join("\n  ", tally.unexpected.subList(0, Math.min(20, tally.unexpected.size()))));
    assertTrue(tally.count >= (label.equals("synthetic") ? 1000 : 300),
        () -> label + ": only " + tally.count + " inputs");
  }
}
