package org.mrnn4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Part of the backend contract ({@link BackendContractTest} runs every part): Arithmetic: matmul (both transposes, blocked and threaded sizes), elementwise operations, addVector, activations and their derivatives.
 */
public abstract class ArithmeticContract extends ContractSupport {

  @ParameterizedTest(name = "transposeA={0}")
  @ValueSource(booleans = {false, true})
  void matmulMatchesTheTripleLoop(boolean transposeA) {
    Random random = new Random(transposeA ? 11 : 12);
    for (int[] size : new int[][] {{1, 1, 1}, {3, 4, 2}, {7, 5, 9}, {1, 6, 1}, {70, 64, 33}}) {
      int rows = size[0];
      int inner = size[1];
      int cols = size[2];
      double[][] x = randomMatrix(random, rows, inner);
      double[][] y = randomMatrix(random, inner, cols);
      double[][] expected = naiveProduct(x, y);
      for (boolean transposeB : new boolean[] {false, true}) {
        Tensor a = m(transposeA ? transposed(x) : x);
        Tensor b = m(transposeB ? transposed(y) : y);
        Tensor p = backend.matmul(a, transposeA, b, transposeB);
        assertClose(expected, p, TOL * Math.sqrt(inner),
            "matmul " + Arrays.toString(size) + " tA=" + transposeA + " tB=" + transposeB);
      }
    }
  }

  /** Integer entries in {@code [-range, range]}: their products are exact in any order. */
  private static double[][] integerMatrix(Random random, int rows, int cols, int range) {
    double[][] x = new double[rows][cols];
    for (double[] row : x) {
      for (int j = 0; j < cols; j++) {
        row[j] = random.nextInt(2 * range + 1) - range;
      }
    }
    return x;
  }

  @ParameterizedTest(name = "transposeA={0}")
  @ValueSource(booleans = {false, true})
  void matmulAtBlockedAndThreadedSizesIsExactOnIntegers(boolean transposeA) {
    // sizes beyond native libraries' block sizes (OpenBLAS 0.3.19's Cooperlake dgemm broke from
    // n = 300); integer entries make every partial sum exact, so any error is a wrong kernel
    Random random = new Random(transposeA ? 21 : 22);
    for (int[] size : new int[][] {{300, 320, 256}, {513, 200, 97}}) {
      double[][] x = integerMatrix(random, size[0], size[1], 4);
      double[][] y = integerMatrix(random, size[1], size[2], 4);
      double[][] expected = naiveProduct(x, y);
      for (boolean transposeB : new boolean[] {false, true}) {
        Tensor p = backend.matmul(m(transposeA ? transposed(x) : x), transposeA,
            m(transposeB ? transposed(y) : y), transposeB);
        assertClose(expected, p, 0.0,
            "matmul " + Arrays.toString(size) + " tA=" + transposeA + " tB=" + transposeB);
      }
    }
  }

  @Test
  void matmulOfTriangularMatricesHasItsClosedForm() {
    // U upper triangular of ones, L = U^T: (U U)[i][j] = j - i + 1 (j >= i), (L U)[i][j] =
    // min(i, j) + 1, (U L)[i][j] = n - max(i, j); what LAPACK's triangular products compute
    int n = 260;
    double[][] u = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        u[i][j] = 1;
      }
    }
    double[][] uu = new double[n][n];
    double[][] lu = new double[n][n];
    double[][] ul = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        uu[i][j] = j >= i ? j - i + 1 : 0;
        lu[i][j] = Math.min(i, j) + 1;
        ul[i][j] = n - Math.max(i, j);
      }
    }
    Tensor tu = m(u);
    assertClose(uu, backend.matmul(tu, tu), 0.0, "U U");
    assertClose(lu, backend.matmul(tu, true, tu, false), 0.0, "U^T U");
    assertClose(ul, backend.matmul(tu, false, tu, true), 0.0, "U U^T");
  }

  @Test
  void matmulHandDerived() {
    Tensor a = m(new double[][] {{1, 2}, {3, 4}});
    Tensor b = m(new double[][] {{5, 6}, {7, 8}});
    assertArrayEquals(new double[] {19, 22, 43, 50}, backend.matmul(a, b).toArray());
    assertArrayEquals(new double[] {26, 30, 38, 44}, backend.matmul(a, true, b, false).toArray());
    assertArrayEquals(new double[] {17, 23, 39, 53}, backend.matmul(a, false, b, true).toArray());
    assertArrayEquals(new double[] {23, 31, 34, 46}, backend.matmul(a, true, b, true).toArray());
  }

  @Test
  void matmulRejectsBadShapes() {
    Tensor a = t(new double[6], 2, 3);
    Tensor b = t(new double[20], 4, 5);
    assertRejects(IllegalArgumentException.class, () -> backend.matmul(a, b), "[2, 3]", "[4, 5]");
    assertRejects(IllegalArgumentException.class, () -> backend.matmul(a, true, b, false),
        "transpose", "[2, 3]", "[4, 5]");
    assertRejects(IllegalArgumentException.class, () -> backend.matmul(a, t(new double[3], 3)),
        "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.matmul(t(new double[8], 2, 2, 2), a), "[2, 2, 2]");
  }

  @Test
  void elementwiseArithmetic() {
    Random random = new Random(3);
    for (int[] shape : new int[][] {{5}, {3, 4}, {2, 3, 4}}) {
      int size = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
      double[] x = random(random, size);
      double[] y = random(random, size);
      Tensor a = t(x, shape);
      Tensor b = t(y, shape);
      double[] sum = new double[size];
      double[] diff = new double[size];
      double[] prod = new double[size];
      double[] scaled = new double[size];
      double[] comb = new double[size];
      for (int i = 0; i < size; i++) {
        sum[i] = x[i] + y[i];
        diff[i] = x[i] - y[i];
        prod[i] = x[i] * y[i];
        scaled[i] = -2.5 * x[i];
        comb[i] = 0.25 * x[i] - 3 * y[i];
      }
      String s = Arrays.toString(shape);
      Tensor r = backend.add(a, b);
      assertArrayEquals(shape, r.shape(), "add " + s);
      assertClose(sum, r.toArray(), TOL, "add " + s);
      assertClose(diff, backend.sub(a, b).toArray(), TOL, "sub " + s);
      assertClose(prod, backend.mul(a, b).toArray(), TOL, "mul " + s);
      assertClose(scaled, backend.scale(a, -2.5).toArray(), TOL, "scale " + s);
      assertClose(comb, backend.axpby(0.25, a, -3, b).toArray(), TOL, "axpby " + s);
      assertArrayEquals(x, a.toArray(), "operands are not modified");
    }
    Tensor a = t(new double[6], 2, 3);
    Tensor b = t(new double[6], 3, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.add(a, b), "add", "[2, 3]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.sub(a, b), "sub", "[2, 3]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.mul(a, b), "mul", "[2, 3]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.axpby(1, a, 1, b), "[2, 3]", "[3, 2]");
  }

  @Test
  void addVectorBroadcastsAlongTheLastAxis() {
    Tensor v = t(new double[] {10, 20, 30}, 3);
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, backend.addVector(a, v).toArray());
    Tensor batch = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
    Tensor r = backend.addVector(batch, v);
    assertArrayEquals(new int[] {2, 2, 3}, r.shape());
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36, 17, 28, 39, 20, 31, 42}, r.toArray());
    assertArrayEquals(new double[] {20, 40, 60}, backend.addVector(v, v).toArray());
    Tensor wrong = t(new double[2], 2);
    assertRejects(IllegalArgumentException.class, () -> backend.addVector(a, wrong), "[3]", "[2]");
    assertRejects(IllegalArgumentException.class, () -> backend.addVector(a, a), "[3]", "[2, 3]");
  }

  // includes small arguments (1e-7 to 0.3), where a native tanh built on exp loses relative accuracy
  private static final double[] ACTIVATION_POINTS = {
    -40, -25, -20.5, -3, -1, -0.5, -1e-8, -0.0, 0.0, 1e-300, 1e-8, 0.25, 1, 2.5, 7, 19.999, 20,
    20.0000001, 20.5, 25, 40, -3e-3, 1.7e-7, 2e-5, 4.1e-4, 7e-3, 0.03, 0.3
  };

  @ParameterizedTest
  @EnumSource(Activation.class)
  void activationsFollowTheScalarDefinitions(Activation f) {
    Tensor x = t(ACTIVATION_POINTS.clone(), 4, 7);
    Tensor value = backend.activate(f, x);
    Tensor slope = backend.activateDerivative(f, x);
    assertArrayEquals(new int[] {4, 7}, value.shape());
    assertArrayEquals(new int[] {4, 7}, slope.shape());
    double[] v = value.toArray();
    double[] d = slope.toArray();
    for (int i = 0; i < ACTIVATION_POINTS.length; i++) {
      double p = ACTIVATION_POINTS[i];
      assertEquals(f.apply(p), v[i], 1e-14 * Math.abs(f.apply(p)) + 1e-16, f + "(" + p + ")");
      assertEquals(f.derivative(p), d[i], 1e-14 * Math.abs(f.derivative(p)) + 1e-16,
          f + "'(" + p + ")");
    }
  }

  @Test
  void activationConventionsOfPyTorch() {
    Tensor x = t(new double[] {0.0, -0.0, 20.5, 25, 1e-300}, 5);
    double[] relu = backend.activate(Activation.RELU, x).toArray();
    double[] reluSlope = backend.activateDerivative(Activation.RELU, x).toArray();
    assertEquals(0.0, relu[0]);
    assertEquals(0.0, reluSlope[0], "relu'(0) = 0");
    assertEquals(0.0, reluSlope[1], "relu'(-0) = 0");
    assertEquals(1.0, reluSlope[4], "relu'(tiny) = 1");
    double[] softplus = backend.activate(Activation.SOFTPLUS, x).toArray();
    double[] softplusSlope = backend.activateDerivative(Activation.SOFTPLUS, x).toArray();
    assertEquals(Math.log(2), softplus[0], 1e-15);
    assertEquals(0.5, softplusSlope[0], 1e-15);
    assertEquals(20.5, softplus[2], 0.0, "softplus is the identity above 20");
    assertEquals(25.0, softplus[3], 0.0, "softplus is the identity above 20");
    assertEquals(1.0, softplusSlope[2], 0.0, "softplus' is 1 above 20");
    assertEquals(1.0, softplusSlope[3], 0.0, "softplus' is 1 above 20");
    assertArrayEquals(new double[] {1, 1, 1, 1, 1},
        backend.activateDerivative(Activation.LINEAR, x).toArray());
    Tensor b = t(new double[] {0.0, 1.0}, 1, 2);
    assertArrayEquals(new double[] {0.5, 1 / (1 + Math.exp(-1))},
        backend.activate(Activation.SIGMOID, b).toArray(), 1e-15);
    assertArrayEquals(new double[] {0.25, 1 / (1 + Math.exp(-1)) * (1 - 1 / (1 + Math.exp(-1)))},
        backend.activateDerivative(Activation.SIGMOID, b).toArray(), 1e-15);
    assertArrayEquals(new double[] {1.0, 1 - Math.tanh(1) * Math.tanh(1)},
        backend.activateDerivative(Activation.TANH, b).toArray(), 1e-15);
  }

  @Test
  void activationsAgreeWithFiniteDifferences() {
    double[] points = {-2.2, -0.7, 0.3, 1.1, 3.5};
    Tensor x = t(points.clone(), 5);
    double h = 1e-6;
    double[] plus = new double[5];
    double[] minus = new double[5];
    for (int i = 0; i < 5; i++) {
      plus[i] = points[i] + h;
      minus[i] = points[i] - h;
    }
    for (Activation f : Activation.values()) {
      double[] d = backend.activateDerivative(f, x).toArray();
      double[] up = backend.activate(f, t(plus, 5)).toArray();
      double[] down = backend.activate(f, t(minus, 5)).toArray();
      for (int i = 0; i < 5; i++) {
        assertEquals((up[i] - down[i]) / (2 * h), d[i], 1e-8, f + "' at " + points[i]);
      }
    }
  }

  @Test
  void softplusWithBetaIsPyTorchsSoftplusOfBetaX() {
    // nn.Softplus(beta=2.5, threshold=20): log(1 + exp(2.5 x)) / 2.5, the identity where
    // 2.5 x > 20 (x > 8), slope exp(2.5 x) / (exp(2.5 x) + 1); computed here from exp and log
    double beta = 2.5;
    double[] points = {-3.0, -0.4, 0.0, 0.9, 7.9, 8.0, 8.1, 30.0};
    Tensor x = t(points.clone(), points.length);
    double[] value = backend.activate(Activation.SOFTPLUS, beta, x).toArray();
    double[] slope = backend.activateDerivative(Activation.SOFTPLUS, beta, x).toArray();
    for (int i = 0; i < points.length; i++) {
      double v = points[i];
      double expectedValue = beta * v > 20 ? v : Math.log(1 + Math.exp(beta * v)) / beta;
      double expectedSlope = beta * v > 20 ? 1.0
          : Math.exp(beta * v) / (Math.exp(beta * v) + 1);
      assertEquals(expectedValue, value[i], 1e-14 * Math.max(1, Math.abs(expectedValue)),
          "softplus(beta 2.5) at " + v);
      assertEquals(expectedSlope, slope[i], 1e-15, "softplus'(beta 2.5) at " + v);
      // and the slope is the value's derivative (away from the threshold's kink at 8)
      if (Math.abs(beta * v - 20) > 1e-3) {
        double h = 1e-6;
        double up = backend.activate(Activation.SOFTPLUS, beta, t(new double[] {v + h}, 1))
            .toArray()[0];
        double down = backend.activate(Activation.SOFTPLUS, beta, t(new double[] {v - h}, 1))
            .toArray()[0];
        assertEquals((up - down) / (2 * h), slope[i], 1e-8, "finite difference at " + v);
      }
    }
    // beta 1 is plain softplus, bit for bit; other activations ignore beta
    assertArrayEquals(backend.activate(Activation.SOFTPLUS, x).toArray(),
        backend.activate(Activation.SOFTPLUS, 1.0, x).toArray());
    assertArrayEquals(backend.activate(Activation.TANH, x).toArray(),
        backend.activate(Activation.TANH, 2.5, x).toArray());
    assertRejects(IllegalArgumentException.class,
        () -> backend.activate(Activation.SOFTPLUS, 0.0, x), "softplus_beta");
  }

  @Test
  void activationRejectsNull() {
    Tensor x = t(new double[] {1}, 1);
    assertRejects(IllegalArgumentException.class, () -> backend.activate(null, x), "activation");
  }
}
