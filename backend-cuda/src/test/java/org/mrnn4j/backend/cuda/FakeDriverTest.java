package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe's whole path through JCuda without a GPU: small stand-ins for {@code libcuda.so.1},
 * {@code libnvrtc.so.12} and {@code libcublas.so.12} (test resource {@code fakecuda/fake_cuda.c},
 * compiled with gcc under {@code target/}) let JCuda's JNI libraries load, JCuda's classes
 * initialise from the private directory, and the driver calls answer as the environment says.
 * Each scenario runs {@link ProbeMain} in a fresh JVM, since a JVM probes once. Skipped when gcc
 * is absent, or when a real CUDA driver is installed (it would be found first).
 */
class FakeDriverTest {
  private static final Path WORK = KernelEmulator.WORK.resolveSibling("fake-cuda");

  @BeforeAll
  static void buildFakes() throws IOException {
    Assumptions.assumeTrue(KernelEmulator.onPath("gcc"), "gcc is not on the PATH; skipping");
    Assumptions.assumeFalse(CudaProviderTest.driverInstalled(),
        "a real libcuda.so.1 is installed; the fake driver would not be used; skipping");
    Files.createDirectories(WORK.resolve("driver-only"));
    Files.createDirectories(WORK.resolve("all"));
    KernelEmulator.copyResource(FakeDriverTest.class, "fakecuda/fake_cuda.c", WORK.resolve("fake_cuda.c"));
    KernelEmulator.copyResource(FakeDriverTest.class, "fakecuda/nvrtc.map", WORK.resolve("nvrtc.map"));
    KernelEmulator.copyResource(FakeDriverTest.class, "fakecuda/cublas.map", WORK.resolve("cublas.map"));
    gcc("-DFAKE_DRIVER", "libcuda.so.1", null, "all");
    gcc("-DFAKE_NVRTC", "libnvrtc.so.12", "nvrtc.map", "all");
    gcc("-DFAKE_EMPTY", "libcublas.so.12", "cublas.map", "all");
    Files.copy(WORK.resolve("all/libcuda.so.1"), WORK.resolve("driver-only/libcuda.so.1"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static void gcc(String define, String soname, String map, String dir) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", define,
        "-Wl,-soname," + soname, "-o", dir + "/" + soname));
    if (map != null) {
      cmd.add("-Wl,--version-script=" + map);
    }
    cmd.add("fake_cuda.c");
    Process p = new ProcessBuilder(cmd).directory(WORK.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed: " + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Runs {@link ProbeMain} with the fakes in {@code dir} and the given environment. */
  private static Map<String, String> probe(String scenario, String dir, Map<String, String> env)
      throws IOException, InterruptedException {
    Path tmp = Files.createDirectories(WORK.resolve("tmp-" + scenario));
    try (var old = Files.list(tmp)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-D" + JCudaNatives.LIBDIR_PROPERTY + "=" + WORK.resolve("natives-" + scenario),
        "-Djava.io.tmpdir=" + tmp, ProbeMain.class.getName()).redirectErrorStream(true);
    pb.environment().put("LD_LIBRARY_PATH", WORK.resolve(dir).toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
    assertEquals(0, p.exitValue(), "the probe's JVM failed:\n" + out);
    Map<String, String> answer = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        answer.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    // JCuda's classes were initialised, yet nothing was written to java.io.tmpdir
    assertEquals("true", answer.get("tmpdir-restored"), out);
    assertEquals("0", answer.get("tmpdir-files"), "files were written to java.io.tmpdir: " + out);
    return answer;
  }

  @Test
  void aDriverWithoutCuda12LibrariesNamesThem() throws Exception {
    Map<String, String> a = probe("driver-only", "driver-only", Map.of());
    assertEquals("false", a.get("available"));
    assertEquals("libraries libnvrtc.so.12, libcublas.so.12 missing", a.get("reason"));
  }

  @Test
  void aDriverWithoutDevicesSaysNoDevice() throws Exception {
    Map<String, String> a = probe("no-device", "all", Map.of("FAKE_CUDA_INIT", "100"));
    assertEquals("false", a.get("available"));
    assertEquals("no CUDA device", a.get("reason"));
    Map<String, String> b = probe("zero-devices", "all", Map.of("FAKE_CUDA_DEVICES", "0"));
    assertEquals("no CUDA device", b.get("reason"));
  }

  @Test
  void anOldDriverIsNamedAsSuch() throws Exception {
    Map<String, String> a = probe("old-driver", "all", Map.of("FAKE_CUDA_INIT", "35"));
    assertEquals("false", a.get("available"));
    assertTrue(a.get("reason").startsWith("the CUDA driver is too old for CUDA 12"), a.get("reason"));
  }

  @Test
  void aDeviceMakesItAvailableWithADescription() throws Exception {
    Map<String, String> a = probe("device", "all", Map.of("FAKE_CUDA_DEVICES", "2"));
    assertEquals("true", a.get("available"), a.toString());
    assertEquals("Fake GPU, compute capability 7.5 (2 devices), driver supports CUDA 12.6,"
        + " NVRTC 12.6", a.get("reason"));
  }
}
