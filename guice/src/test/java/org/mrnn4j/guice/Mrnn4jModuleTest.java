package org.mrnn4j.guice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.AbstractTensor;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;
import org.mrnn4j.eigen.ReferenceEigensolver;

class Mrnn4jModuleTest {

  /** A heap backend in plain loops: enough to pass the selector's known-answer probe. */
  static final class HeapBackend extends AbstractBackend {
    HeapBackend(String name) {
      super(name, Set.of(Capability.EIGENVECTORS));
    }

    @Override
    protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
      return new AbstractTensor(this, dtype, shape) {
        @Override
        protected double[] readArray() {
          return data.clone();
        }
      };
    }

    @Override
    protected Tensor doMatmul(Tensor a, boolean ta, Tensor b, boolean tb) {
      double[] x = a.toArray();
      double[] y = b.toArray();
      int n = ta ? a.dim(1) : a.dim(0);
      int k = ta ? a.dim(0) : a.dim(1);
      int m = tb ? b.dim(0) : b.dim(1);
      double[] out = new double[n * m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double s = 0;
          for (int l = 0; l < k; l++) {
            s += (ta ? x[l * n + i] : x[i * k + l]) * (tb ? y[j * k + l] : y[l * m + j]);
          }
          out[i * m + j] = s;
        }
      }
      return doFromArray(out, a.dtype(), new int[] {n, m});
    }

    @Override
    protected Tensor doJacobian(JacobianSpec spec) {
      int cols = spec.weights().dim(1);
      double[] w = spec.weights().toArray();
      double[] r = spec.rowScale() == null ? null : spec.rowScale().toArray();
      double[] c = spec.columnScale() == null ? null : spec.columnScale().toArray();
      int[] ri = spec.rowsOrAll().toIndices();
      int[] ci = spec.columnsOrAll().toIndices();
      double[] out = new double[ri.length * ci.length];
      for (int i = 0; i < ri.length; i++) {
        for (int j = 0; j < ci.length; j++) {
          double v = spec.scale() * w[ri[i] * cols + ci[j]];
          v *= (r == null ? 1 : r[ri[i]]) * (c == null ? 1 : c[ci[j]]);
          out[i * ci.length + j] = v + (ri[i] == ci[j] ? spec.identity() : 0);
        }
      }
      return doFromArray(out, spec.weights().dtype(), new int[] {ri.length, ci.length});
    }

    @Override
    protected Eigendecomposition doEig(Tensor a, boolean vectors) {
      return ReferenceEigensolver.decompose(a.dim(0), a.toArray(), vectors);
    }
  }

  private static BackendProvider provider(String name, int rank) {
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
        return "heap backend " + name;
      }

      @Override
      public Availability probe() {
        return Availability.available("on the heap");
      }

      @Override
      public Backend create(BackendOptions options) {
        return new HeapBackend(name);
      }
    };
  }

  /** The module, choosing among two heap backends instead of those on the class path. */
  private static Injector injector(Mrnn4jModule module) {
    BackendSelector selector = new BackendSelector(
        List.of(provider("slow", 100), provider("fast", 200)), k -> null, k -> null);
    return Guice.createInjector(com.google.inject.util.Modules.override(module)
        .with(binder -> binder.bind(BackendSelector.class).toInstance(selector)));
  }

  @Test
  void bindsTheBackendNamedAsASingletonThatComputes() {
    Injector injector = injector(new Mrnn4jModule("slow"));
    Backend backend = injector.getInstance(Backend.class);
    try {
      assertEquals("slow", backend.name());
      assertInstanceOf(HeapBackend.class, backend);
      assertSame(backend, injector.getInstance(Backend.class));
      try (Tensor a = backend.fromMatrix(new double[][] {{1, 2}, {3, 4}});
          Tensor p = backend.matmul(a, a)) {
        assertArrayEquals(new double[] {7, 10, 15, 22}, p.toArray());
      }
    } finally {
      backend.close();
    }
  }

  @Test
  void withNoNameBindsTheBestAvailable() {
    Backend backend = injector(new Mrnn4jModule()).getInstance(Backend.class);
    try {
      assertEquals("fast", backend.name());
    } finally {
      backend.close();
    }
  }

  @Test
  void anUnknownNameFailsProvisionWithTheSelectorsReason() {
    Injector injector = injector(new Mrnn4jModule("nonexistent"));
    ProvisionException e =
        assertThrows(ProvisionException.class, () -> injector.getInstance(Backend.class));
    assertInstanceOf(BackendUnavailableException.class, e.getCause(), String.valueOf(e));
    assertTrue(e.getCause().getMessage().contains("'nonexistent'"), e.getCause().getMessage());
  }
}
