package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * The provider's behaviour where CUDA cannot run (this machine class has no GPU): the probe
 * answers with a reason and never throws, selection fails with that reason, listing works, and
 * JCuda's libraries land only in the configured private directory. On a GPU machine the same tests
 * check the available answer instead.
 */
class CudaProviderTest {
  private final CudaBackendProvider provider = new CudaBackendProvider();

  @Test
  void isRegisteredForTheServiceLoaderWithRank300() {
    List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("cuda")).toList();
    assertEquals(1, found.size(), "exactly one cuda provider is registered");
    assertInstanceOf(CudaBackendProvider.class, found.get(0));
    assertEquals(300, found.get(0).rank());
  }

  @Test
  void probeAnswersWithoutThrowingAndRemembersTheAnswer() {
    Availability first = provider.probe();
    long start = System.nanoTime();
    Availability second = new CudaBackendProvider().probe();
    long micros = (System.nanoTime() - start) / 1000;
    assertSame(first, second, "the answer is probed once per JVM and cached");
    assertTrue(micros < 50_000, "a cached probe should be immediate, took " + micros + " us");
    assertFalse(first.reason().isBlank(), "the answer says what was found or what is missing");
    if (first.available()) {
      assertTrue(first.reason().contains("compute capability"), first.reason());
    }
  }

  @Test
  void withoutADriverTheReasonNamesLibcuda() {
    Assumptions.assumeFalse(driverInstalled(),
        "a CUDA driver (libcuda.so.1) is installed here; the no-driver reason cannot be checked");
    Availability a = provider.probe();
    assertFalse(a.available());
    assertTrue(a.reason().startsWith("no CUDA driver (libcuda.so.1 not found)"),
        "unexpected reason: " + a.reason());
    System.out.println("cuda probe on this machine: " + a.reason());
  }

  @Test
  void selectingCudaByNameFailsWithTheProbesReason() {
    Availability a = provider.probe();
    Assumptions.assumeFalse(a.available(), "CUDA is available here: " + a.reason());
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
    assertEquals("cuda", e.backendName());
    assertEquals(a.reason(), e.reason());
    assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
    BackendUnavailableException direct = assertThrows(BackendUnavailableException.class,
        () -> provider.create(BackendOptions.none()));
    assertEquals(a.reason(), direct.reason());
  }

  @Test
  void theGuiceModuleFailsWithTheReasonToo() {
    Availability a = provider.probe();
    Assumptions.assumeFalse(a.available(), "CUDA is available here: " + a.reason());
    ProvisionException e = assertThrows(ProvisionException.class,
        () -> Guice.createInjector(new CudaModule()).getInstance(Backend.class));
    BackendUnavailableException cause = assertInstanceOf(BackendUnavailableException.class,
        e.getCause());
    assertEquals(a.reason(), cause.reason());
  }

  @Test
  void listingShowsCudaWithItsAvailability() {
    BackendInfo cuda = Backends.list().stream().filter(b -> b.name().equals("cuda")).findFirst()
        .orElseThrow(() -> new AssertionError("cuda is not listed: " + Backends.list()));
    Availability a = provider.probe();
    assertEquals(300, cuda.rank());
    assertEquals(a.available(), cuda.available());
    assertEquals(a.reason(), cuda.detail());
    if (!a.available()) {
      // the default selection skips it and falls back to a CPU backend
      try (Backend b = Backends.select()) {
        assertFalse(b.name().equals("cuda"));
      } catch (BackendUnavailableException e) {
        assertTrue(e.getMessage().contains("cuda (unavailable: " + a.reason()), e.getMessage());
      }
    }
  }

  @Test
  void jcudaLibrariesLandOnlyInThePrivateDirectory() throws IOException {
    provider.probe();
    Path dir = JCudaNatives.directory();
    Path target = Paths.get("target").toAbsolutePath().normalize();
    assertTrue(dir.startsWith(target), "surefire points " + JCudaNatives.LIBDIR_PROPERTY
        + " under target/, got " + dir);
    if (JCudaNatives.onLibraryPath(JCudaNatives.Library.DRIVER).isEmpty()) {
      assertEquals("rwx------", JCudaNatives.mode(dir));
      for (JCudaNatives.Library lib : JCudaNatives.Library.values()) {
        Path f = dir.resolve(JCudaNatives.fileName(lib));
        assertTrue(Files.isRegularFile(f), "missing " + f);
        assertEquals("rw-------", JCudaNatives.mode(f), f.toString());
      }
    }
    // JCuda's own loader would have written libJCuda*.so into java.io.tmpdir (here target/)
    Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> files = Files.list(tmp)) {
      List<Path> stray = files.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith("libJCu") || n.startsWith("libJNv");
      }).toList();
      assertEquals(List.of(), stray, "JCuda libraries written to java.io.tmpdir");
    }
    assertEquals(target.toString(), tmp.toAbsolutePath().normalize().toString(),
        "java.io.tmpdir was not restored after the probe");
  }

  /** Whether libcuda.so.1 lies in a directory the dynamic linker searches. */
  static boolean driverInstalled() {
    StringBuilder dirs = new StringBuilder(System.getenv().getOrDefault("LD_LIBRARY_PATH", ""));
    for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
        "/lib/x86_64-linux-gnu", "/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"}) {
      dirs.append(':').append(d);
    }
    for (String d : dirs.toString().split(":")) {
      if (!d.isBlank() && Files.exists(Paths.get(d, "libcuda.so.1"))) {
        return true;
      }
    }
    try {
      Process p = new ProcessBuilder("/sbin/ldconfig", "-p").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out.contains("libcuda.so.1 ");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
