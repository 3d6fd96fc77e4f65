package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mrnn4j.backend.ejml.EjmlBackendProvider;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.KnownAnswerProbe;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;
import org.mrnn4j.core.testing.ForwardingBackend;

/**
 * The self-test on the real ND4J backend, and on one whose eigensolver is deliberately wrong the
 * way OpenBLAS 0.3.19's was on AVX-512 (a Hessenberg reduction off from n of about 128): the
 * backend is reported unavailable with the reason, the OpenBLAS build and core and the remedy,
 * and selection falls back to EJML.
 */
class Nd4jKnownAnswerProbeTest {

  /** ND4J with its eigensolver working on a slightly wrong matrix from n = 128 up. */
  static final class WrongDgeev extends ForwardingBackend {
    WrongDgeev() {
      super(Nd4jBackendProvider.NAME, new Nd4jBackend());
    }

    @Override
    public Eigendecomposition eig(Tensor a, boolean vectors) {
      int n = a.dim(0);
      double[] x = a.toArray();
      if (n >= 128) {
        for (int i = n / 2; i < n; i++) {
          x[i * n + i / 3] += 0.05; // below the diagonal, where a wrong DTRMM writes
        }
      }
      try (Tensor wrong = delegate.fromArray(x, n, n)) {
        return delegate.eig(wrong, vectors);
      }
    }
  }

  /** The real ND4J provider (probe, detail and remedy), creating the wrong backend. */
  static final class WrongNd4jProvider implements BackendProvider {
    private final Nd4jBackendProvider real = new Nd4jBackendProvider();

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public int rank() {
      return real.rank();
    }

    @Override
    public String description() {
      return real.description();
    }

    @Override
    public Availability probe() {
      return real.probe();
    }

    @Override
    public String selfTestRemedy() {
      return real.selfTestRemedy();
    }

    @Override
    public Backend create(BackendOptions options) {
      return new WrongDgeev();
    }
  }

  @Test
  void theRealBackendPassesOnThisCpuAndCore() {
    Nd4jTesting.skipUnrunnableCore();
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    try (Backend b = new Nd4jBackend()) {
      assertEquals(java.util.Optional.empty(), KnownAnswerProbe.run(b), a.reason());
    }
    BackendInfo listed = Backends.list().stream().filter(i -> i.name().equals("nd4j"))
        .findFirst().orElseThrow();
    assertTrue(listed.available(), listed.detail());
  }

  @Test
  void aWrongEigensolverMakesTheBackendUnavailableAndSelectionFallsBackToEjml() {
    Nd4jTesting.skipUnrunnableCore();
    Availability a = new Nd4jBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    BackendSelector s = new BackendSelector(
        List.of(new WrongNd4jProvider(), new EjmlBackendProvider()), k -> null, k -> null);
    BackendInfo nd4j = s.list().get(0);
    assertEquals("nd4j", nd4j.name());
    assertFalse(nd4j.available());
    String why = nd4j.detail();
    assertTrue(why.startsWith("it failed its known-answer self-test, so its results cannot be "
        + "trusted here: eig with eigenvectors of a 192 x 192 matrix with eigenvalues 1, ..., "
        + "192: eigenvalue "), why);
    assertTrue(why.contains("It ran ND4J 1.0.0-M2.1") && why.contains("OpenBLAS 0.3.31-1.5.13, "
        + "core "), "names the library and core: " + why);
    assertTrue(why.contains("set OPENBLAS_CORETYPE=Haswell"), "gives the remedy: " + why);
    try (Backend b = s.select(null, BackendOptions.none())) {
      assertEquals("ejml", b.name(), "the default falls back to EJML");
    }
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> s.select("nd4j", BackendOptions.none()));
    assertTrue(e.getMessage().startsWith("backend 'nd4j' is unavailable: it failed its "
        + "known-answer self-test"), e.getMessage());
  }
}
