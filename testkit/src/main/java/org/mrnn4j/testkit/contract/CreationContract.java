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

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
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
 * Part of the backend contract ({@link BackendContractTest} runs every part): Creation and transfer: names and capabilities, fromArray, zeros, copyOf, copyTo, cast, closed and foreign tensors, float32.
 */
public abstract class CreationContract extends ContractSupport {

  @Test
  void hasANameAndCapabilities() {
    assertNotNull(backend.name());
    assertFalse(backend.name().isBlank(), "name is blank");
    assertEquals(backend.name().toLowerCase(Locale.ROOT), backend.name(), "names are lower case");
    assertNotNull(backend.capabilities());
    for (Capability c : Capability.values()) {
      assertEquals(backend.capabilities().contains(c), backend.supports(c), "supports(" + c + ")");
    }
  }

  @Test
  void fromArrayKeepsShapeAndValuesAndCopies() {
    double[] data = {1, 2, 3, 4, 5, 6};
    Tensor a = t(data, 2, 3);
    data[0] = 99; // the tensor took a copy
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertEquals(2, a.rank());
    assertEquals(2, a.dim(0));
    assertEquals(3, a.dim(1));
    assertEquals(6, a.size());
    assertEquals(DType.FLOAT64, a.dtype());
    assertSame(backend, a.backend());
    double[] out = a.toArray();
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, out);
    out[1] = -1; // toArray gives a copy
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toArray());
    assertArrayEquals(new double[] {4, 5, 6}, a.toMatrix()[1]);
    a.shape()[0] = 7; // shape() gives a copy
    assertArrayEquals(new int[] {2, 3}, a.shape());
    try (Tensor b = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2)) {
      assertArrayEquals(new int[] {2, 2, 2}, b.shape());
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, b.toArray());
    }
    a.close();
  }

  @Test
  void fromArrayRejectsWrongLengths() {
    assertRejects(IllegalArgumentException.class, () -> t(new double[5], 2, 3), "5", "[2, 3]");
    assertRejects(IllegalArgumentException.class,
        () -> m(new double[][] {{1, 2}, {3}}), "row 1", "1", "2");
  }

  @Test
  void fromMatrixAndZeros() {
    Tensor a = m(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toArray());
    Tensor z = backend.zeros(3, 1, 2);
    assertArrayEquals(new int[] {3, 1, 2}, z.shape());
    assertArrayEquals(new double[6], z.toArray());
    assertEquals(DType.FLOAT64, z.dtype());
  }

  @Test
  void foreignTensorsAreRejectedAndCopyOfMovesThem() {
    HostTensor foreign = new HostTensor(new double[] {1, 2, 3, 4}, DType.FLOAT64, 2, 2);
    Tensor own = t(new double[] {1, 0, 0, 1}, 2, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.add(own, foreign),
        "another backend", "copyOf");
    assertRejects(IllegalArgumentException.class, () -> backend.matmul(foreign, own),
        "another backend");
    assertRejects(IllegalArgumentException.class, () -> backend.eig(foreign, false),
        "another backend");
    Tensor moved = backend.copyOf(foreign);
    assertSame(backend, moved.backend());
    assertArrayEquals(new int[] {2, 2}, moved.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, moved.toArray());
    assertArrayEquals(new double[] {1, 2, 3, 4}, backend.matmul(moved, own).toArray());

    try (Backend other = createBackend()) {
      assertNotSame(backend, other, "createBackend() must return a new instance");
      Tensor theirs = other.fromArray(new double[] {5, 6, 7, 8}, 2, 2);
      assertRejects(IllegalArgumentException.class, () -> backend.add(own, theirs),
          "another backend");
      Tensor mine = backend.copyOf(theirs);
      assertArrayEquals(new double[] {6, 6, 7, 9}, backend.add(own, mine).toArray());
    }
  }

  @Test
  void copyOfIsIndependent() {
    Tensor a = t(new double[] {1, 2, 3}, 3);
    Tensor b = backend.copyOf(a);
    assertNotSame(a, b);
    assertArrayEquals(new int[] {3}, b.shape());
    b.close();
    assertFalse(a.isClosed(), "closing a copy closed the original");
    assertArrayEquals(new double[] {1, 2, 3}, a.toArray());
  }

  @Test
  void copyToWritesTheValuesOfToArrayAtTheBuffersPosition() {
    double[] data = {1.5, -2, 3.25, 4, 5, -6e-300};
    Tensor a = t(data, 2, 3);
    // a heap buffer at an offset: the values land at the position, the rest is untouched
    DoubleBuffer heap = DoubleBuffer.allocate(10);
    heap.position(3);
    a.copyTo(heap);
    assertEquals(9, heap.position(), "position after copyTo");
    double[] expected = {0, 0, 0, 1.5, -2, 3.25, 4, 5, -6e-300, 0};
    assertArrayEquals(expected, heap.array());
    // a view (slice) of a direct, native-order buffer, as the Python package passes over NumPy
    ByteBuffer bytes = ByteBuffer.allocateDirect(12 * Double.BYTES).order(ByteOrder.nativeOrder());
    DoubleBuffer view = bytes.asDoubleBuffer().position(4).slice();
    a.copyTo(view);
    double[] got = new double[12];
    bytes.asDoubleBuffer().get(got);
    assertArrayEquals(new double[] {0, 0, 0, 0, 1.5, -2, 3.25, 4, 5, -6e-300, 0, 0}, got);
    // a reshaped view and an operation's result give what toArray gives
    Tensor r = backend.reshape(a, 3, 2);
    DoubleBuffer rb = DoubleBuffer.allocate(6);
    r.copyTo(rb);
    assertArrayEquals(data, rb.array());
    Tensor sum = backend.add(a, a);
    DoubleBuffer sb = DoubleBuffer.allocate(6);
    sum.copyTo(sb);
    assertArrayEquals(new double[] {3, -4, 6.5, 8, 10, -12e-300}, sb.array());
    assertArrayEquals(sum.toArray(), sb.array());
  }

  @Test
  void copyToRefusesASmallBufferAndAClosedTensor() {
    Tensor a = t(new double[] {1, 2, 3}, 3);
    DoubleBuffer small = DoubleBuffer.allocate(4);
    small.position(2);
    assertThrows(BufferOverflowException.class, () -> a.copyTo(small));
    assertEquals(2, small.position(), "a refused copyTo moved the position");
    assertArrayEquals(new double[4], small.array(), "a refused copyTo wrote");
    a.close();
    assertThrows(IllegalStateException.class, () -> a.copyTo(DoubleBuffer.allocate(3)));
  }

  @Test
  void castToFloat64KeepsValues() {
    Tensor a = t(new double[] {0.1, -2.5, 1e300}, 3);
    Tensor b = backend.cast(a, DType.FLOAT64);
    assertEquals(DType.FLOAT64, b.dtype());
    assertArrayEquals(a.toArray(), b.toArray());
  }

  @Test
  void float32IsRefusedWithoutTheCapability() {
    assumeFalse(backend.supports(Capability.FLOAT32), "the backend supports float32");
    assertRejects(UnsupportedOperationException.class,
        () -> backend.fromArray(new double[] {1}, DType.FLOAT32, 1), "float32");
    assertRejects(UnsupportedOperationException.class,
        () -> backend.zeros(DType.FLOAT32, 2), "float32");
    Tensor a = t(new double[] {1}, 1);
    assertRejects(UnsupportedOperationException.class,
        () -> backend.cast(a, DType.FLOAT32), "float32");
    // a float32 tensor of another backend arrives as float64
    Tensor moved = backend.copyOf(new HostTensor(new double[] {0.5f}, DType.FLOAT32, 1));
    assertEquals(DType.FLOAT64, moved.dtype());
    assertArrayEquals(new double[] {0.5}, moved.toArray());
  }

  @Test
  void float32TensorsRoundAndKeepTheirDType() {
    assumeTrue(backend.supports(Capability.FLOAT32), "the backend computes in float64 only");
    Tensor a = backend.fromArray(new double[] {0.1, 1.0 / 3, -7}, DType.FLOAT32, 3);
    assertEquals(DType.FLOAT32, a.dtype());
    assertArrayEquals(new double[] {(float) 0.1, (float) (1.0 / 3), -7}, a.toArray());
    assertEquals(DType.FLOAT32, backend.zeros(DType.FLOAT32, 2, 2).dtype());
    Tensor b = backend.cast(a, DType.FLOAT64);
    assertEquals(DType.FLOAT64, b.dtype());
    assertArrayEquals(a.toArray(), b.toArray());
    assertEquals(DType.FLOAT32, backend.cast(b, DType.FLOAT32).dtype());
    Tensor sum = backend.add(a, a);
    assertEquals(DType.FLOAT32, sum.dtype());
    assertClose(new double[] {2 * (float) 0.1, 2 * (float) (1.0 / 3), -14}, sum.toArray(), 1e-6,
        "float32 add");
    assertRejects(IllegalArgumentException.class, () -> backend.add(a, b), "float32", "float64");
    Tensor moved = backend.copyOf(new HostTensor(new double[] {0.5}, DType.FLOAT32, 1));
    assertEquals(DType.FLOAT32, moved.dtype());
  }

  @Test
  void float32ArithmeticMatchesFloat64WithinSinglePrecision() {
    assumeTrue(backend.supports(Capability.FLOAT32), "the backend computes in float64 only");
    Random random = new Random(32);
    double[][] x = randomMatrix(random, 6, 5);
    double[][] y = randomMatrix(random, 5, 4);
    Tensor a = backend.fromArray(flatten(x), DType.FLOAT32, 6, 5);
    Tensor b = backend.fromArray(flatten(y), DType.FLOAT32, 5, 4);
    Tensor p = backend.matmul(a, b);
    assertEquals(DType.FLOAT32, p.dtype());
    assertClose(naiveProduct(x, y), p, 1e-5, "float32 matmul");
    Tensor act = backend.activate(Activation.TANH, a);
    assertEquals(DType.FLOAT32, act.dtype());
    double[] flat = a.toArray();
    double[] expected = new double[flat.length];
    for (int i = 0; i < flat.length; i++) {
      expected[i] = Math.tanh(flat[i]);
    }
    assertClose(expected, act.toArray(), 1e-6, "float32 tanh");
    double[] c = random(random, 5);
    Tensor j = backend.jacobian(JacobianSpec.builder(backend.fromArray(flatten(x), DType.FLOAT32, 6, 5))
        .columnScale(backend.fromArray(c, DType.FLOAT32, 5)).scale(0.5).build());
    assertEquals(DType.FLOAT32, j.dtype());
    double[] jv = j.toArray();
    for (int r = 0; r < 6; r++) {
      for (int k = 0; k < 5; k++) {
        assertEquals(0.5 * x[r][k] * c[k], jv[r * 5 + k], 1e-5, "float32 jacobian");
      }
    }
  }

  @Test
  void float32EigComputesInFloat64() {
    assumeTrue(backend.supports(Capability.FLOAT32), "the backend computes in float64 only");
    double[][] x = randomMatrix(new Random(33), 8, 8);
    Tensor a = backend.fromArray(flatten(x), DType.FLOAT32, 8, 8);
    double[][] rounded = a.toMatrix();
    Eigendecomposition e = backend.eig(a, backend.supports(Capability.EIGENVECTORS));
    assertEquals(8, e.size());
    if (e.hasVectors()) {
      EigenChecks.assertEigenpairs(rounded, e, EIG_TOL);
    }
  }
}
