package org.mrnn4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.KnownAnswerProbe;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;
import org.mrnn4j.core.testing.ForwardingBackend;

/**
 * The known-answer self-test on a correct backend, and on backends with one routine deliberately
 * wrong: each is caught, named, and selection falls back to EJML.
 */
class KnownAnswerProbeTest {

  /** EJML with its product off by one in one entry, as a miscompiled BLAS kernel would be. */
  static final class WrongProduct extends ForwardingBackend {
    WrongProduct() {
      super("wrongproduct", new EjmlBackend());
    }

    @Override
    public Tensor matmul(Tensor a, boolean ta, Tensor b, boolean tb) {
      try (Tensor right = delegate.matmul(a, ta, b, tb)) {
        double[] c = right.toArray();
        int[] shape = right.shape();
        if (c.length > 300 * shape[1] + 40) {
          c[300 * shape[1] + 40] += 1; // entry (300, 40) of large products only
        }
        return delegate.fromArray(c, right.dtype(), shape);
      }
    }
  }

  /**
   * EJML whose eigensolver works on a matrix with one entry of its last row perturbed, as a wrong
   * DTRMM inside the Hessenberg reduction does: the answers look plausible and are wrong.
   */
  static final class WrongEigensolver extends ForwardingBackend {
    WrongEigensolver() {
      super("wrongeig", new EjmlBackend());
    }

    @Override
    public Eigendecomposition eig(Tensor a, boolean vectors) {
      int n = a.dim(0);
      double[] x = a.toArray();
      if (n >= 128) {
        x[n * n - 1] += 1e-3;
      }
      try (Tensor perturbed = delegate.fromArray(x, n, n)) {
        return delegate.eig(perturbed, vectors);
      }
    }
  }

  /** A provider of {@code backend} with a probe that finds what a native library would. */
  static BackendProvider provider(String name, int rank, java.util.function.Supplier<Backend> b) {
    return new BackendProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int rank() {
        return rank;
      }

      @Override
      public String description() {
        return "a deliberately wrong backend";
      }

      @Override
      public Availability probe() {
        return Availability.available("FastBLAS 9.9, core Wrong");
      }

      @Override
      public String selfTestRemedy() {
        return "set FASTBLAS_CORE=Right";
      }

      @Override
      public Backend create(BackendOptions options) {
        return b.get();
      }
    };
  }

  @Test
  void aCorrectBackendPasses() {
    try (Backend b = new EjmlBackend()) {
      assertEquals(Optional.empty(), KnownAnswerProbe.run(b));
    }
  }

  @Test
  void aWrongProductIsCaughtAndNamed() {
    try (Backend b = new WrongProduct()) {
      String failure = KnownAnswerProbe.run(b).orElseThrow();
      assertTrue(failure.startsWith("float64 matmul of [320, 400] x [400, 96] (transposeA false, "
          + "transposeB false): entry (300, 40) is "), failure);
      assertTrue(failure.endsWith("(an exact integer product)"), failure);
    }
  }

  @Test
  void aWrongEigensolverIsCaughtAndNamed() {
    try (Backend b = new WrongEigensolver()) {
      String failure = KnownAnswerProbe.run(b).orElseThrow();
      assertTrue(failure.startsWith("eig with eigenvectors of a 192 x 192 matrix with eigenvalues "
          + "1, ..., 192: "), failure);
      assertTrue(failure.contains("came out as") && failure.contains("allowed 1.0E-8"), failure);
    }
  }

  @Test
  void selectionSkipsAWrongBackendSaysWhyAndFallsBackToEjml() {
    BackendSelector s = new BackendSelector(
        List.of(provider("wrongeig", 300, WrongEigensolver::new),
            provider("wrongproduct", 250, WrongProduct::new), new EjmlBackendProvider()),
        k -> null, k -> null);
    List<BackendInfo> infos = s.list();
    BackendInfo eig = infos.get(0);
    assertEquals("wrongeig", eig.name());
    assertFalse(eig.available());
    assertTrue(eig.detail().startsWith("it failed its known-answer self-test, so its results "
        + "cannot be trusted here: eig with eigenvectors of a 192 x 192 matrix"), eig.detail());
    assertTrue(eig.detail().contains("It ran FastBLAS 9.9, core Wrong. set FASTBLAS_CORE=Right; "
        + "or select another backend"), eig.detail());
    assertFalse(infos.get(1).available(), infos.get(1).detail());
    assertTrue(infos.get(2).available(), infos.get(2).detail());
    try (Backend b = s.select(null, BackendOptions.none())) {
      assertEquals("ejml", b.name());
    }
  }
}
