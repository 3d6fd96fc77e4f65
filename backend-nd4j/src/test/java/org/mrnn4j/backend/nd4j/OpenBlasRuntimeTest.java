package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.testing.FreshJvm;
import org.mrnn4j.core.spi.Availability;

/** Which OpenBLAS is loaded, and how often; which core runs; which forced cores are refused. */
class OpenBlasRuntimeTest {

  private static final Set<String> AVX2_ONLY = Set.of("sse3", "avx", "avx2", "fma");
  private static final Set<String> AVX512 = Set.of("sse3", "avx", "avx2", "fma", "avx512f",
      "avx512dq", "avx512bw", "avx512vl", "avx512cd");

  @Test
  void theOpenBlasOfThePomIsTheOneMappedAndOnlyOnce() {
    Nd4jTesting.skipUnrunnableCore();
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    assertEquals(Optional.of("0.3.31-1.5.13"), OpenBlasRuntime.artifactVersion(),
        "the org.bytedeco:openblas jar on the class path");
    Map<String, String> mapped = OpenBlasRuntime.instances();
    assumeTrue(!mapped.isEmpty(), "/proc/self/maps is not readable here (not Linux)");
    assertEquals(1, mapped.size(), () -> "OpenBLAS libraries mapped: " + mapped.values());
    String path = mapped.values().iterator().next();
    assertTrue(path.contains("openblas-0.3.31-1.5.13"), path);
    assertTrue(a.reason().contains("OpenBLAS 0.3.31-1.5.13, core ")
        && a.reason().contains(", 1 library instance"), a.reason());
  }

  @Test
  void aFreshJavaCppCacheAlsoMapsOneLibrary(@TempDir Path cache) throws Exception {
    // the first run on a new machine extracts everything; libopenblas.so.0 must then find the
    // libraries it links to beside it, or ND4J maps the second copy (seen on a new machine)
    Nd4jTesting.skipUnrunnableCore();
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    assumeTrue(!OpenBlasRuntime.instances().isEmpty(), "/proc/self/maps is not readable here");
    String cp = FreshJvm.runtimeClasspath() + File.pathSeparator
        + Path.of("target", "test-classes").toAbsolutePath();
    FreshJvm.Result run = FreshJvm.run(List.of("-Dorg.bytedeco.javacpp.cachedir=" + cache),
        cp, OpenBlasInstancesMain.class.getName());
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stdout().startsWith("1\n"), "OpenBLAS libraries mapped from a fresh cache: "
        + run.stdout());
    assertTrue(run.stdout().contains(cache.toString()), run.stdout());
  }

  @Test
  void theCoreInUseIsKnownAndMatchesAForcedOne() {
    Nd4jTesting.skipUnrunnableCore();
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    Optional<String> core = OpenBlasRuntime.core();
    assertTrue(core.isPresent(), "the core of OpenBLAS's DYNAMIC_ARCH build is readable");
    String forced = System.getenv(OpenBlasRuntime.CORETYPE);
    if (forced == null) {
      assertTrue(a.reason().contains("core " + core.get() + " (auto-detected)"), a.reason());
    } else if (Set.of("haswell", "skylakex", "cooperlake", "zen", "sandybridge")
        .contains(forced.toLowerCase(java.util.Locale.ROOT))) {
      assertTrue(forced.equalsIgnoreCase(core.get()),
          "OPENBLAS_CORETYPE=" + forced + " but OpenBLAS runs " + core.get());
      assertTrue(a.reason().contains("(forced by OPENBLAS_CORETYPE)"), a.reason());
    } else {
      // SapphireRapids, an empty value or a typo: OpenBLAS falls back, and the detail says so
      assertTrue(a.reason().contains("names no core OpenBLAS can force; it chose this one"),
          a.reason());
    }
  }

  @Test
  void aForcedCoreTheCpuCannotRunIsRefusedWithTheMissingInstructions() {
    Optional<String> r = OpenBlasRuntime.unrunnableForcedCore(
        k -> k.equals("OPENBLAS_CORETYPE") ? "SkylakeX" : null, AVX2_ONLY);
    assertTrue(r.isPresent());
    assertTrue(r.get().startsWith("OPENBLAS_CORETYPE=SkylakeX forces OpenBLAS kernels that need "
        + "avx512bw, avx512cd, avx512dq, avx512f, avx512vl, which this CPU lacks"), r.get());
    assertTrue(r.get().contains("illegal instruction"), r.get());

    Optional<String> cooper = OpenBlasRuntime.unrunnableForcedCore(
        k -> "cooperlake", AVX512);
    assertEquals("avx512_bf16", cooper.orElseThrow().replaceAll(".* need (\\S+), which.*", "$1"));
    Optional<String> haswell = OpenBlasRuntime.unrunnableForcedCore(k -> "Haswell", Set.of("sse3"));
    assertTrue(haswell.orElseThrow().contains("need avx2, fma,"), haswell.get());
  }

  @Test
  void runnableUnsetUnknownAndUnforcibleCoresAreLeftToOpenBlas() {
    assertEquals(Optional.empty(), OpenBlasRuntime.unrunnableForcedCore(k -> null, AVX2_ONLY));
    assertEquals(Optional.empty(),
        OpenBlasRuntime.unrunnableForcedCore(k -> "Haswell", AVX2_ONLY));
    assertEquals(Optional.empty(),
        OpenBlasRuntime.unrunnableForcedCore(k -> "SkylakeX", AVX512));
    // OpenBLAS falls back to a core the CPU supports for names it cannot force
    assertEquals(Optional.empty(),
        OpenBlasRuntime.unrunnableForcedCore(k -> "SapphireRapids", AVX2_ONLY));
    assertEquals(Optional.empty(), OpenBlasRuntime.unrunnableForcedCore(k -> "", AVX2_ONLY));
    assertEquals(Optional.empty(), OpenBlasRuntime.unrunnableForcedCore(k -> "nonsense", AVX2_ONLY));
    // no flags to check against (not Linux): nothing refused
    assertEquals(Optional.empty(), OpenBlasRuntime.unrunnableForcedCore(k -> "SkylakeX", null));
  }
}
