package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Capability;
import org.mrnn4j.guice.Mrnn4jModule;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;

class Nd4jProviderTest {

  @Test
  void probeAnswersAvailableHere() {
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), () -> "ND4J should load on this machine: " + a.reason());
    assertTrue(a.reason().contains("ND4J"), a.reason());
  }

  @Test
  void selectedByName() {
    try (Backend b = Backends.select("nd4j")) {
      assertInstanceOf(Nd4jBackend.class, b);
      assertEquals("nd4j", b.name());
      assertTrue(b.supports(Capability.NATIVE));
      assertTrue(b.supports(Capability.EIGENVECTORS));
      assertTrue(b.supports(Capability.FLOAT32));
      assertFalse(b.supports(Capability.GPU));
    }
  }

  @Test
  void forUnitsPassesOverNd4jForASmallNetworkAndPicksItForALargeOne() {
    // ejml is on this module's test class path; nd4j outranks it
    try (Backend small = Backends.forUnits(30); Backend large = Backends.forUnits(512)) {
      assertEquals("ejml", small.name());
      assertEquals("nd4j", large.name());
    }
  }

  @Test
  void openBlasRunsOneThreadPerCallerByDefault() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null,
        "OPENBLAS_NUM_THREADS is set, and rules");
    try (Backend b = new Nd4jBackendProvider().create(BackendOptions.none())) {
      assertEquals(1, NativeBlas.threads(),
          "callers from many threads must not share a multi-threaded OpenBLAS pool by default");
    }
  }

  @Test
  void threadsOptionSetsOpenBlasThreadsAndRejectsNonsense() {
    Nd4jBackendProvider provider = new Nd4jBackendProvider();
    provider.create(BackendOptions.none()).close(); // the first backend sets the default
    int before = NativeBlas.threads();
    try {
      try (Backend b = provider.create(BackendOptions.of(java.util.Map.of("threads", "2")))) {
        assertEquals(2, NativeBlas.threads());
      }
      IllegalArgumentException zero = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> provider.create(BackendOptions.of(java.util.Map.of("threads", "0"))));
      assertTrue(zero.getMessage().contains("'threads'") && zero.getMessage().contains("0"),
          zero.getMessage());
      IllegalArgumentException word = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> provider.create(BackendOptions.of(java.util.Map.of("threads", "many"))));
      assertTrue(word.getMessage().contains("'threads'"), word.getMessage());
    } finally {
      NativeBlas.setThreads(before);
    }
  }

  @Test
  void listedWithRank200AndIsTheDefaultWhenAlone() {
    List<BackendInfo> all = Backends.list();
    BackendInfo nd4j = all.stream().filter(i -> i.name().equals("nd4j")).findFirst().orElseThrow();
    assertEquals(200, nd4j.rank());
    assertTrue(nd4j.available(), nd4j.detail());
    // With only this provider and nothing configured, the default is ND4J.
    BackendSelector s =
        new BackendSelector(List.of(new Nd4jBackendProvider()), k -> null, k -> null);
    try (Backend b = s.select(null, BackendOptions.none())) {
      assertEquals("nd4j", b.name());
    }
  }

  @Test
  void guiceModulesBindTheBackend() {
    Injector injector = Guice.createInjector(new Nd4jModule());
    Backend b = injector.getInstance(Backend.class);
    assertInstanceOf(Nd4jBackend.class, b);
    assertSame(b, injector.getInstance(Backend.class), "a singleton");
    Backend viaCore = Guice.createInjector(new Mrnn4jModule("nd4j")).getInstance(Backend.class);
    assertEquals("nd4j", viaCore.name());
  }

  @Test
  void aFailedNativeLoadBecomesAReasonAndIsProbedOnce() {
    AtomicInteger runs = new AtomicInteger();
    Nd4jBackendProvider broken = new Nd4jBackendProvider(step -> {
      runs.incrementAndGet();
      step[0] = "loading ND4J's native CPU backend";
      throw new ExceptionInInitializerError(
          new RuntimeException("ND4J failed", new UnsatisfiedLinkError("no jnind4jcpu in path")));
    });
    Availability a = broken.probe();
    assertFalse(a.available());
    assertTrue(a.reason().startsWith("loading ND4J's native CPU backend failed: "
        + "java.lang.ExceptionInInitializerError"), a.reason());
    assertTrue(a.reason().endsWith(
        "caused by java.lang.UnsatisfiedLinkError: no jnind4jcpu in path"), a.reason());
    assertSame(a, broken.probe());
    assertEquals(1, runs.get(), "the probe result is cached");

    Nd4jBackendProvider noClass = new Nd4jBackendProvider(step -> {
      throw new NoClassDefFoundError("org/nd4j/linalg/factory/Nd4j");
    });
    assertEquals("starting ND4J failed: java.lang.NoClassDefFoundError: "
        + "org/nd4j/linalg/factory/Nd4j", noClass.probe().reason());
  }
}
