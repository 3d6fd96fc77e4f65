package org.mrnn4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.guice.Mrnn4jModule;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;

/** Discovery (ServiceLoader), the static facade and the Guice modules find a working backend. */
class EjmlWiringTest {

  /** A 2x2 product worked by hand: proves the backend computes. */
  private static void assertWorks(Backend backend) {
    Tensor a = backend.fromMatrix(new double[][] {{1, 2}, {3, 4}});
    Tensor b = backend.fromMatrix(new double[][] {{0, 1}, {1, 0}});
    assertArrayEquals(new double[] {2, 1, 4, 3}, backend.matmul(a, b).toArray());
  }

  @Test
  void providerDescribesItself() {
    EjmlBackendProvider provider = new EjmlBackendProvider();
    assertEquals("ejml", provider.name());
    assertEquals(100, provider.rank());
    Availability availability = provider.probe();
    assertTrue(availability.available());
    assertTrue(availability.reason().contains("EJML 0.44"), availability.reason());
    assertFalse(provider.description().isBlank());
    try (Backend backend = provider.create(BackendOptions.none())) {
      assertInstanceOf(EjmlBackend.class, backend);
      assertWorks(backend);
    }
  }

  @Test
  void backendsSelectFindsItByName() {
    try (Backend backend = Backends.select("ejml")) {
      assertEquals("ejml", backend.name());
      assertEquals(Set.of(Capability.EIGENVECTORS), backend.capabilities());
      assertWorks(backend);
    }
    BackendInfo info = Backends.list().stream().filter(i -> i.name().equals("ejml")).findFirst()
        .orElseThrow(() -> new AssertionError("ejml is not listed: " + Backends.list()));
    assertTrue(info.available());
    assertEquals(100, info.rank());
  }

  @Test
  void ejmlModuleBindsASingleton() {
    Injector injector = Guice.createInjector(new EjmlModule());
    Backend backend = injector.getInstance(Backend.class);
    assertInstanceOf(EjmlBackend.class, backend);
    assertSame(backend, injector.getInstance(Backend.class));
    assertWorks(backend);
  }

  @Test
  void coreModuleSelectsItByName() {
    Backend backend = Guice.createInjector(new Mrnn4jModule("ejml")).getInstance(Backend.class);
    assertEquals("ejml", backend.name());
    assertWorks(backend);
    backend.close();
  }
}
