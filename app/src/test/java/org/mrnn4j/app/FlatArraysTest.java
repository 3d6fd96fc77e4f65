package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;

/**
 * The flat arrays the Python package reads: each checked against an independent value (finite
 * differences of the step (the Jacobian as an array and written into a buffer), the step itself, {@code J v = lambda v}, participations summing to 1).
 */
class FlatArraysTest {
  private static Backend backend;
  private static RecurrentModel model;

  @BeforeAll
  static void open() throws IOException {
    backend = Backends.select("ejml");
    model = ModelFilesResolver.example(ModelLoader.Request.strict(0), backend).model();
  }

  @AfterAll
  static void close() {
    model.close();
    backend.close();
  }

  private static double[] state(int n) {
    double[] x = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = 0.3 * Math.sin(1.7 * k + 0.2);
    }
    return x;
  }

  @Test
  void flattenIsRowMajorAndRefusesRaggedRows() {
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6},
        FlatArrays.flatten(new double[][] {{1, 2, 3}, {4, 5, 6}}));
    assertThrows(IllegalArgumentException.class,
        () -> FlatArrays.flatten(new double[][] {{1, 2}, {3}}));
  }

  @Test
  void theJacobianIsTheStepsFiniteDifferences() {
    int n = model.numUnits();
    double[] x = state(n);
    double[] u = {0.4, -0.2};
    Linearization lin = FlatArrays.linearization(model, List.of());
    double[] j = FlatArrays.jacobian(lin, x, u);
    assertEquals(n * n, j.length);
    // the same Jacobian written into a direct buffer from its position (as the Python package
    // passes one over a NumPy array), and a buffer too small is refused before any write
    DoubleBuffer direct = ByteBuffer.allocateDirect((n * n + 3) * Double.BYTES)
        .order(ByteOrder.nativeOrder()).asDoubleBuffer();
    direct.position(2);
    FlatArrays.jacobian(lin, x, u, direct);
    assertEquals(n * n + 2, direct.position());
    double[] written = new double[n * n];
    direct.position(2);
    direct.get(written);
    assertEquals(0.0, direct.get(), "the element after the Jacobian was written");
    DoubleBuffer small = DoubleBuffer.allocate(n * n - 1);
    assertThrows(BufferOverflowException.class, () -> FlatArrays.jacobian(lin, x, u, small));
    assertEquals(0, small.position());
    double h = 1e-6;
    for (int col = 0; col < n; col++) {
      double[] xp = x.clone();
      double[] xm = x.clone();
      xp[col] += h;
      xm[col] -= h;
      double[] fp = model.step(xp, u);
      double[] fm = model.step(xm, u);
      for (int row = 0; row < n; row++) {
        assertEquals((fp[row] - fm[row]) / (2 * h), j[row * n + col], 1e-7,
            "J[" + row + ", " + col + "]");
        assertEquals((fp[row] - fm[row]) / (2 * h), written[row * n + col], 1e-7,
            "J[" + row + ", " + col + "] written into the buffer");
      }
    }
  }

  @Test
  void aSimulationsFirstStepIsTheStepFromX0() {
    int n = model.numUnits();
    double[] x0 = state(n);
    double[] u = {0.5, 0.1, -0.3, 0.2};  // [B = 1, T = 2, I = 2]
    FlatArrays.Simulated s = FlatArrays.simulate(model, u, 1, 2, x0, false, Double.NaN,
        Double.NaN, 0);
    assertEquals(2 * n, s.xs().length);
    double[] first = model.step(x0, new double[] {0.5, 0.1});
    double[] second = model.step(first, new double[] {-0.3, 0.2});
    for (int k = 0; k < n; k++) {
      assertEquals(first[k], s.xs()[k], 1e-12);
      assertEquals(second[k], s.xs()[n + k], 1e-12);
      assertEquals(Math.tanh(first[k]), s.hs()[k], 1e-12);
    }
    assertThrows(IllegalArgumentException.class,
        () -> FlatArrays.simulate(model, new double[3], 1, 2, null, false, 0, 0, 0));
  }

  @Test
  void eigenvectorColumnsSatisfyJvEqualsLambdaV() {
    int n = model.numUnits();
    Linearization lin = FlatArrays.linearization(model, List.of());
    double[] x = state(n);
    double[] u = {0.1, 0.2};
    double[] j = FlatArrays.jacobian(lin, x, u);
    Eigendecomposition e = lin.eigendecomposition(OperatingPoint.of(x, u));
    double[][] v = FlatArrays.eigenvectors(e, false);
    for (int k = 0; k < n; k++) {
      double lr = e.real(k);
      double li = e.imag(k);
      for (int row = 0; row < n; row++) {
        double re = 0;
        double im = 0;
        for (int c = 0; c < n; c++) {
          re += j[row * n + c] * v[0][c * n + k];
          im += j[row * n + c] * v[1][c * n + k];
        }
        double wantRe = lr * v[0][row * n + k] - li * v[1][row * n + k];
        double wantIm = lr * v[1][row * n + k] + li * v[0][row * n + k];
        assertEquals(wantRe, re, 1e-9);
        assertEquals(wantIm, im, 1e-9);
      }
    }
  }

  @Test
  void participationsSumToOnePerMode() {
    double[] x = state(model.numUnits());
    RegionModes modes = StabilityAnalysis.regionModes(model,
        List.of(OperatingPoint.of(x, new double[2])), List.of(), 3).modes().get(0);
    double[] p = FlatArrays.participation(modes, false);
    int r = modes.regions().size();
    assertEquals(3 * r, p.length);
    for (int k = 0; k < 3; k++) {
      double sum = 0;
      for (int c = 0; c < r; c++) {
        assertTrue(p[k * r + c] >= 0);
        sum += p[k * r + c];
      }
      assertEquals(1, sum, 1e-12);
    }
  }
}
