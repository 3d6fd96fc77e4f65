package org.mrnn4j.backend.nd4j;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * What this module knows about the OpenBLAS under ND4J: which build and which CPU core (kernel
 * set) it runs, whether the core a user forced can run on this CPU, and how to load it once.
 *
 * <p><b>One library.</b> JavaCPP's {@code openblas_nolapack} preset extracts a second copy of
 * {@code libopenblas.so.0} named {@code libopenblas_nolapack.so.0}, and ND4J loads both: two
 * OpenBLAS instances in one process, each with its own thread pool and core choice, and the
 * {@code threads} option reaching only one of them. {@link #loadOnce()} registers the real file
 * under the second name before anything else loads it, so JavaCPP links the name to it and the
 * dynamic linker maps one library. {@link #instances()} counts what is mapped.
 *
 * <p><b>Cores.</b> OpenBLAS's DYNAMIC_ARCH build picks a kernel set at load time from the CPU, or
 * from the environment variable {@code OPENBLAS_CORETYPE}. The core in use is read from its
 * {@code gotoblas} table pointer, compared with the exported tables of each core. A forced core
 * the CPU lacks the instructions for would end the JVM with an illegal instruction at the first
 * call, so {@link #unrunnableForcedCore} refuses it before anything loads.
 */
final class OpenBlasRuntime {
  private OpenBlasRuntime() {}

  /** OpenBLAS's environment variable that forces a core. */
  static final String CORETYPE = "OPENBLAS_CORETYPE";

  /**
   * OpenBLAS's kernel tables (the {@code gotoblas_*} symbols of a DYNAMIC_ARCH build) and the
   * names its {@code openblas_get_corename} gives them, for the x86-64 cores.
   */
  private static final Map<String, String> CORES = new LinkedHashMap<>();

  static {
    String[][] cores = {
      {"SAPPHIRERAPIDS", "SapphireRapids"}, {"COOPERLAKE", "Cooperlake"},
      {"SKYLAKEX", "SkylakeX"}, {"HASWELL", "Haswell"}, {"ZEN", "Zen"},
      {"EXCAVATOR", "Excavator"}, {"STEAMROLLER", "Steamroller"}, {"PILEDRIVER", "Piledriver"},
      {"BULLDOZER", "Bulldozer"}, {"SANDYBRIDGE", "Sandybridge"}, {"BARCELONA", "Barcelona"},
      {"NEHALEM", "Nehalem"}, {"CORE2", "Core2"}, {"PRESCOTT", "Prescott"},
    };
    for (String[] c : cores) {
      CORES.put(c[0], c[1]);
    }
  }

  /**
   * The CPU flags (as {@code /proc/cpuinfo} names them) that the kernels of each core OpenBLAS
   * can be forced onto use; the others need nothing beyond x86-64 with SSE3. SapphireRapids is not
   * here: OpenBLAS (0.3.31) cannot be forced onto it (its list of forcible names ends at
   * Cooperlake) and falls back to a core the CPU supports.
   */
  private static final Map<String, List<String>> NEEDS = Map.of(
      "sandybridge", List.of("avx"),
      "haswell", List.of("avx2", "fma"),
      "zen", List.of("avx2", "fma"),
      "skylakex", List.of("avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512cd"),
      "cooperlake",
          List.of("avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512cd", "avx512_bf16"));

  /**
   * The reason the core named by {@code OPENBLAS_CORETYPE} cannot run on this CPU, if it names a
   * core whose instructions the CPU lacks; empty when it is unset, runnable, or unknown to this
   * check (OpenBLAS then falls back to a core of its own choice, which {@link #core()} reports).
   *
   * @param environment the environment to read ({@code System::getenv})
   * @param cpuFlags the CPU's flags, or null where they cannot be read (nothing is refused then)
   */
  static Optional<String> unrunnableForcedCore(
      Function<String, String> environment, Set<String> cpuFlags) {
    String forced = environment.apply(CORETYPE);
    if (forced == null || cpuFlags == null) {
      return Optional.empty();
    }
    List<String> needs = NEEDS.get(forced.trim().toLowerCase(Locale.ROOT));
    if (needs == null) {
      return Optional.empty();
    }
    Set<String> missing = new TreeSet<>(needs);
    missing.removeAll(cpuFlags);
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(CORETYPE + "=" + forced + " forces OpenBLAS kernels that need "
        + String.join(", ", missing) + ", which this CPU lacks: the first matrix product would "
        + "end the JVM with an illegal instruction. Unset " + CORETYPE + " (OpenBLAS then picks "
        + "a core this CPU runs) or name one it can run, such as Haswell on any AVX2 CPU");
  }

  /** The CPU's flags from {@code /proc/cpuinfo}, or null where it cannot be read (not Linux). */
  static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          int colon = line.indexOf(':');
          return Set.of(line.substring(colon + 1).trim().split("\\s+"));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no flags line: nothing to check against
    }
    return null;
  }

  /** What {@code libopenblas.so.0} of the bytedeco jar links to, shipped in the same jar. */
  private static final String[] RUNTIME_LIBRARIES = {
    "libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5",
  };

  /**
   * Loads {@code libopenblas.so.0} from the OpenBLAS jar and registers it with JavaCPP under the
   * name of the {@code openblas_nolapack} copy as well, so that ND4J and both OpenBLAS presets
   * share one library. Must run before anything loads ND4J or OpenBLAS; later it changes nothing
   * (a library JavaCPP has loaded stays). Returns false, having done nothing, where it cannot
   * (another platform, a missing jar): loading then proceeds as JavaCPP does by default.
   */
  static boolean loadOnce() {
    try {
      String dir = "/org/bytedeco/openblas/" + Loader.getPlatform() + "/";
      // the libraries it links to, beside it first: in a fresh JavaCPP cache they are not
      // there yet (the preset's class extracts them only when it loads), the dynamic linker
      // would not find libgfortran, and ND4J would go on to map the second copy
      for (String dependency : RUNTIME_LIBRARIES) {
        Loader.cacheResource(dir + dependency);
      }
      File lib = Loader.cacheResource(dir + "libopenblas.so.0");
      if (lib == null || !lib.isFile()) {
        return false;
      }
      String loaded = Loader.loadLibrary(OpenBlasRuntime.class,
          new URL[] {lib.toURI().toURL()}, "openblas_nolapack@.0");
      return loaded != null;
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      return false;
    }
  }

  /**
   * The core OpenBLAS runs (its name as {@code openblas_get_corename} gives it, e.g.
   * {@code SkylakeX}), or empty when it cannot be told (not a DYNAMIC_ARCH build, or a core not
   * in {@link #CORES}). Call after OpenBLAS has loaded.
   */
  static Optional<String> core() {
    try {
      Pointer table = Loader.addressof("gotoblas");
      if (table == null) {
        return Optional.empty();
      }
      long current = new LongPointer(table).get(0);
      for (Map.Entry<String, String> c : CORES.entrySet()) {
        Pointer p = Loader.addressof("gotoblas_" + c.getKey());
        if (p != null && p.address() == current) {
          return Optional.of(c.getValue());
        }
      }
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      // fall through: unknown
    }
    return Optional.empty();
  }

  /** The version of the org.bytedeco:openblas artifact on the class path, e.g. 0.3.31-1.5.13. */
  static Optional<String> artifactVersion() {
    try (InputStream in = org.bytedeco.openblas.global.openblas_nolapack.class.getResourceAsStream(
        "/META-INF/maven/org.bytedeco/openblas/pom.properties")) {
      if (in == null) {
        return Optional.empty();
      }
      Properties p = new Properties();
      p.load(in);
      return Optional.ofNullable(p.getProperty("version"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The OpenBLAS libraries mapped into this process: for each distinct file (device and inode),
   * its path. Empty where {@code /proc/self/maps} cannot be read.
   */
  static Map<String, String> instances() {
    Map<String, String> files = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        // address perms offset dev inode path
        String[] f = line.trim().split("\\s+", 6);
        if (f.length == 6 && f[5].contains("/libopenblas")) {
          files.putIfAbsent(f[3] + ":" + f[4], f[5]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return files;
  }

  /**
   * One line on the OpenBLAS in use: artifact version, core (and whether forced), and how many
   * library instances are mapped, for the probe's detail.
   */
  static String describe(Function<String, String> environment) {
    StringBuilder sb = new StringBuilder("OpenBLAS ")
        .append(artifactVersion().orElse("(version unknown)"));
    String forced = environment.apply(CORETYPE);
    String core = core().orElse("unknown");
    sb.append(", core ").append(core);
    if (forced == null) {
      sb.append(" (auto-detected)");
    } else if (forced.trim().equalsIgnoreCase(core)) {
      sb.append(" (forced by ").append(CORETYPE).append(')');
    } else {
      sb.append(" (").append(CORETYPE).append("='").append(forced)
          .append("' names no core OpenBLAS can force; it chose this one)");
    }
    int count = instances().size();
    if (count > 0) {
      sb.append(", ").append(count).append(count == 1 ? " library instance" : " library instances");
    }
    return sb.toString();
  }
}
