package org.mrnn4j.core.contract;

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
 * The behaviour every {@link Backend} must have. A backend module runs it by extending this class:
 *
 * <pre>{@code
 * class MyContractTest extends BackendContractTest {
 *   @Override
 *   protected Backend createBackend() {
 *     return new MyBackend();
 *   }
 * }
 * }</pre>
 *
 * The backend is created once per class and closed after its tests. Expected values come from
 * hand derivations, from the scalar definitions in {@link Activation}, from naive loops written
 * here, and, for eigenpairs, from residuals ({@link EigenChecks}); never from a backend.
 * Float32 tests run only where the backend reports {@link Capability#FLOAT32}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest {
  /** Relative tolerance of float64 arithmetic checks (a few ulps of accumulated rounding). */
  protected static final double TOL = 1e-13;
  /** The residual bound of eigenpairs, relative to {@code |A| |v|}. */
  protected static final double EIG_TOL = 1e-10;

  /** The backend under test, created once for the class by {@link #createBackend()}. */
  protected Backend backend;

  /** A new backend instance; called once per test class (and once more for the foreign-tensor test). */
  protected abstract Backend createBackend();

  @BeforeAll
  void openBackend() {
    backend = createBackend();
    assertNotNull(backend, "createBackend() returned null");
  }

  @AfterAll
  void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  // ================================================================== helpers

  private Tensor t(double[] data, int... shape) {
    return backend.fromArray(data, shape);
  }

  private Tensor m(double[][] rows) {
    return backend.fromMatrix(rows);
  }

  private static double[] random(Random random, int size) {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  private static double[][] randomMatrix(Random random, int rows, int cols) {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = random(random, cols);
    }
    return out;
  }

  private static double[] flatten(double[][] a) {
    return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
  }

  private static double[][] transposed(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }

  /** The triple-loop product, the reference for matmul. */
  private static double[][] naiveProduct(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        double s = 0;
        for (int k = 0; k < b.length; k++) {
          s += a[i][k] * b[k][j];
        }
        out[i][j] = s;
      }
    }
    return out;
  }

  private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double bound = tolerance * Math.max(1.0, Math.abs(expected[i]));
      if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
        fail(what + ": entry " + i + " is " + actual[i] + ", expected " + expected[i]);
      }
    }
  }

  private static void assertClose(double[][] expected, Tensor actual, double tolerance, String what) {
    assertArrayEquals(new int[] {expected.length, expected[0].length}, actual.shape(), what + ": shape");
    assertClose(flatten(expected), actual.toArray(), tolerance, what);
  }

  /** Asserts that {@code call} throws {@code type} with a message holding every fragment. */
  private static <T extends Throwable> T assertRejects(
      Class<T> type, Executable call, String... fragments) {
    T e = assertThrows(type, call);
    String message = e.getMessage();
    assertNotNull(message, "the " + type.getSimpleName() + " has no message");
    for (String f : fragments) {
      assertTrue(message.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)),
          "message '" + message + "' does not mention '" + f + "'");
    }
    return e;
  }

  private static IndexRanges ranges(int... bounds) {
    List<IndexRange> list = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      list.add(new IndexRange(bounds[i], bounds[i + 1]));
    }
    return IndexRanges.of(list);
  }

  // ================================================================== identity and creation

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
  void closedTensorsAreRejected() {
    Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor b = t(new double[] {1, 2, 3, 4}, 2, 2);
    assertFalse(a.isClosed());
    a.close();
    assertTrue(a.isClosed());
    a.close(); // idempotent
    assertRejects(IllegalStateException.class, a::toArray, "closed");
    assertRejects(IllegalStateException.class, () -> backend.add(a, b), "closed");
    assertRejects(IllegalStateException.class, () -> backend.add(b, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.matmul(b, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.activate(Activation.TANH, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.eig(a, false), "closed");
    assertRejects(IllegalStateException.class,
        () -> backend.jacobian(JacobianSpec.builder(a).build()), "closed");
    assertRejects(IllegalStateException.class, () -> backend.stack(List.of(b, a)), "closed");
    assertThrows(IllegalStateException.class, () -> backend.copyOf(a));
    // b is unaffected
    assertArrayEquals(new double[] {1, 2, 3, 4}, b.toArray());
    b.close();
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

  // ================================================================== float32

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

  // ================================================================== shape operations

  @Test
  void reshapeKeepsElements() {
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = backend.reshape(a, 3, 2);
    assertArrayEquals(new int[] {3, 2}, b.shape());
    assertArrayEquals(a.toArray(), b.toArray());
    Tensor c = backend.reshape(a, 6);
    assertArrayEquals(new int[] {6}, c.shape());
    Tensor d = backend.reshape(a, 1, 2, 3);
    assertArrayEquals(new int[] {1, 2, 3}, d.shape());
    b.close();
    assertFalse(a.isClosed());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toArray());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.reshape(a, 4, 2), "[2, 3]", "[4, 2]");
  }

  @Test
  void transposeSwapsIndices() {
    Random random = new Random(1);
    double[][] x = randomMatrix(random, 4, 7);
    Tensor tr = backend.transpose(m(x));
    assertArrayEquals(new int[] {7, 4}, tr.shape());
    assertArrayEquals(flatten(transposed(x)), tr.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.transpose(t(new double[3], 3)),
        "transpose", "[3]");
  }

  @Test
  void sliceTakesLeadingEntries() {
    Tensor v = t(new double[] {0, 1, 2, 3, 4}, 5);
    assertArrayEquals(new double[] {1, 2, 3}, backend.slice(v, 1, 4).toArray());
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
    Tensor rows = backend.slice(a, 1, 3);
    assertArrayEquals(new int[] {2, 3}, rows.shape());
    assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9}, rows.toArray());
    Tensor batch = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 2, 2);
    Tensor s = backend.slice(batch, 2, 3);
    assertArrayEquals(new int[] {1, 2, 2}, s.shape());
    assertArrayEquals(new double[] {9, 10, 11, 12}, s.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.slice(a, 1, 5), "[1, 5)", "[3, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.slice(a, 2, 1), "[2, 1)");
    assertRejects(IllegalArgumentException.class, () -> backend.slice(a, -1, 1), "[-1, 1)");
  }

  @Test
  void selectDropsTheFirstAxis() {
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor row = backend.select(a, 1);
    assertArrayEquals(new int[] {3}, row.shape());
    assertArrayEquals(new double[] {4, 5, 6}, row.toArray());
    Tensor batch = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 2, 2);
    Tensor mat = backend.select(batch, 1);
    assertArrayEquals(new int[] {2, 2}, mat.shape());
    assertArrayEquals(new double[] {5, 6, 7, 8}, mat.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.select(a, 2), "2", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.select(a, -1), "-1", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.select(row, 0), "[3]");
  }

  @Test
  void stackAddsAnAxis() {
    Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor b = t(new double[] {5, 6, 7, 8}, 2, 2);
    Tensor s = backend.stack(List.of(a, b, a));
    assertArrayEquals(new int[] {3, 2, 2}, s.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4}, s.toArray());
    Tensor v = backend.stack(List.of(t(new double[] {1, 2}, 2), t(new double[] {3, 4}, 2)));
    assertArrayEquals(new int[] {2, 2}, v.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, v.toArray());
    Tensor c = t(new double[] {1, 2, 3, 4}, 4, 1);
    assertRejects(IllegalArgumentException.class, () -> backend.stack(List.of(a, c)),
        "[2, 2]", "[4, 1]");
    assertRejects(IllegalArgumentException.class, () -> backend.stack(List.of()), "stack");
  }

  @Test
  void concatJoinsAlongTheFirstAxis() {
    Tensor a = t(new double[] {1, 2, 3}, 1, 3);
    Tensor b = t(new double[] {4, 5, 6, 7, 8, 9}, 2, 3);
    Tensor c = backend.concat(List.of(a, b));
    assertArrayEquals(new int[] {3, 3}, c.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, c.toArray());
    Tensor v = backend.concat(List.of(t(new double[] {1}, 1), t(new double[] {2, 3}, 2)));
    assertArrayEquals(new double[] {1, 2, 3}, v.toArray());
    Tensor d = t(new double[] {1, 2}, 1, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.concat(List.of(a, d)),
        "[1, 3]", "[1, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.concat(null), "concat");
  }

  @Test
  void sliceColumnsAndConcatColumns() {
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
    Tensor middle = backend.sliceColumns(a, 1, 3);
    assertArrayEquals(new int[] {2, 2}, middle.shape());
    assertArrayEquals(new double[] {2, 3, 6, 7}, middle.toArray());
    Tensor left = backend.sliceColumns(a, 0, 1);
    Tensor right = backend.sliceColumns(a, 3, 4);
    Tensor joined = backend.concatColumns(List.of(right, middle, left));
    assertArrayEquals(new int[] {2, 4}, joined.shape());
    assertArrayEquals(new double[] {4, 2, 3, 1, 8, 6, 7, 5}, joined.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.sliceColumns(a, 2, 5),
        "[2, 5)", "[2, 4]");
    Tensor tall = t(new double[3], 3, 1);
    assertRejects(IllegalArgumentException.class, () -> backend.concatColumns(List.of(a, tall)),
        "2", "[3, 1]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.concatColumns(List.of(t(new double[2], 2))), "[2]");
  }

  @Test
  void blockSelectsRowsAndColumnsInAscendingOrder() {
    int n = 7;
    double[][] x = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        x[i][j] = 10 * i + j;
      }
    }
    Tensor a = m(x);
    Tensor b = backend.block(a, ranges(0, 2, 4, 6), ranges(1, 2, 3, 4, 6, 7));
    assertArrayEquals(new int[] {4, 3}, b.shape());
    assertArrayEquals(new double[] {1, 3, 6, 11, 13, 16, 41, 43, 46, 51, 53, 56}, b.toArray());
    Tensor allRows = backend.block(a, null, ranges(5, 7));
    assertArrayEquals(new int[] {7, 2}, allRows.shape());
    assertEquals(66, allRows.toArray()[13]);
    assertEquals(15, allRows.toArray()[2]);
    Tensor allColumns = backend.block(a, ranges(6, 7), null);
    assertArrayEquals(new double[] {60, 61, 62, 63, 64, 65, 66}, allColumns.toArray());
    assertArrayEquals(a.toArray(), backend.block(a, null, null).toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.block(a, ranges(5, 8), null),
        "rows", "[7, 7]");
    assertRejects(IllegalArgumentException.class, () -> backend.block(a, null, ranges(0, 1, 6, 9)),
        "columns", "[7, 7]");
  }

  // ================================================================== arithmetic

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
  void activationRejectsNull() {
    Tensor x = t(new double[] {1}, 1);
    assertRejects(IllegalArgumentException.class, () -> backend.activate(null, x), "activation");
  }

  // ================================================================== Jacobian kernel

  /** The dense {@code a I + b diag(r) W diag(c)}, restricted: the reference. */
  private static double[][] referenceJacobian(double a, double b, double[] r, double[][] w,
      double[] c, IndexRanges rows, IndexRanges columns) {
    int[] ri = rows == null ? IndexRanges.all(w.length).toIndices() : rows.toIndices();
    int[] ci = columns == null ? IndexRanges.all(w[0].length).toIndices() : columns.toIndices();
    double[][] out = new double[ri.length][ci.length];
    for (int p = 0; p < ri.length; p++) {
      for (int q = 0; q < ci.length; q++) {
        int i = ri[p];
        int j = ci[q];
        double rs = r == null ? 1 : r[i];
        double cs = c == null ? 1 : c[j];
        out[p][q] = (i == j ? a : 0) + b * rs * w[i][j] * cs;
      }
    }
    return out;
  }

  @Test
  void jacobianHandDerived() {
    Tensor w = m(new double[][] {{1, 2}, {3, 4}});
    Tensor j = backend.jacobian(JacobianSpec.builder(w).identity(0.5).scale(2)
        .rowScale(t(new double[] {1, 10}, 2)).columnScale(t(new double[] {3, 5}, 2)).build());
    assertArrayEquals(new int[] {2, 2}, j.shape());
    assertArrayEquals(new double[] {6.5, 20, 180, 400.5}, j.toArray(), 1e-12);
    // the default spec is W itself
    assertArrayEquals(new double[] {1, 2, 3, 4}, backend.jacobian(JacobianSpec.builder(w).build())
        .toArray());
  }

  @Test
  void jacobianBlocksMatchTheDenseReference() {
    Random random = new Random(5);
    int n = 9;
    double[][] w = randomMatrix(random, n, n);
    double[] r = random(random, n);
    double[] c = random(random, n);
    Tensor wt = m(w);
    Tensor rt = t(r, n);
    Tensor ct = t(c, n);
    IndexRanges[] rowChoices = {null, ranges(0, 2, 4, 6), ranges(3, 4, 5, 9), ranges(0, 9)};
    IndexRanges[] columnChoices = {null, ranges(1, 3, 4, 5, 7, 9), ranges(0, 2, 4, 6), ranges(8, 9)};
    for (IndexRanges rows : rowChoices) {
      for (IndexRanges columns : columnChoices) {
        for (int scales = 0; scales < 4; scales++) {
          boolean withR = (scales & 1) != 0;
          boolean withC = (scales & 2) != 0;
          JacobianSpec spec = JacobianSpec.builder(wt).identity(0.7).scale(-1.3)
              .rowScale(withR ? rt : null).columnScale(withC ? ct : null)
              .rows(rows).columns(columns).build();
          double[][] expected = referenceJacobian(0.7, -1.3, withR ? r : null, w,
              withC ? c : null, rows, columns);
          assertClose(expected, backend.jacobian(spec), TOL,
              "jacobian rows " + rows + " columns " + columns + " r " + withR + " c " + withC);
        }
      }
    }
  }

  @Test
  void jacobianIdentityLandsOnlyWhereGlobalIndicesMeet() {
    int n = 6;
    Tensor zeroW = backend.zeros(n, n);
    // rows {0,1,4,5}, columns {1,2,5}: the identity hits (row 1, col 1) and (row 5, col 5) only
    Tensor j = backend.jacobian(JacobianSpec.builder(zeroW).identity(3).rows(ranges(0, 2, 4, 6))
        .columns(ranges(1, 3, 5, 6)).build());
    assertArrayEquals(new int[] {4, 3}, j.shape());
    assertArrayEquals(new double[] {0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3}, j.toArray());
    // disjoint rows and columns: no identity at all
    Tensor none = backend.jacobian(JacobianSpec.builder(zeroW).identity(3).rows(ranges(0, 3))
        .columns(ranges(3, 6)).build());
    assertArrayEquals(new double[9], none.toArray());
  }

  @Test
  void jacobianOfARectangularWeight() {
    Random random = new Random(6);
    double[][] w = randomMatrix(random, 4, 6);
    double[] r = random(random, 4);
    double[] c = random(random, 6);
    for (double a : new double[] {0, 2}) {
      JacobianSpec spec = JacobianSpec.builder(m(w)).identity(a).scale(0.3).rowScale(t(r, 4))
          .columnScale(t(c, 6)).columns(ranges(1, 2, 3, 6)).build();
      assertClose(referenceJacobian(a, 0.3, r, w, c, null, ranges(1, 2, 3, 6)),
          backend.jacobian(spec), TOL, "rectangular jacobian, a = " + a);
    }
  }

  @Test
  void jacobianRejectsBadSpecs() {
    Tensor w = backend.zeros(3, 4);
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rowScale(t(new double[4], 4)).build()),
        "row scale", "[3]", "[4]", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).columnScale(t(new double[3], 3)).build()),
        "column scale", "[4]", "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rows(ranges(2, 4)).build()),
        "rows", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).columns(ranges(0, 1, 3, 5)).build()),
        "columns", "[3, 4]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3)).build()),
        "[3]", "[2, 3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobian(JacobianSpec.builder(t(new double[3], 3)).build()), "[3]");
    assertRejects(IllegalArgumentException.class, () -> backend.jacobian(null), "spec");
  }

  @Test
  void jacobianBatchEqualsPerPointJacobians() {
    Random random = new Random(7);
    int n = 8;
    int batch = 5;
    double[][] w = randomMatrix(random, n, n);
    double[] r = random(random, batch * n);
    double[] c = random(random, batch * n);
    Tensor wt = m(w);
    Tensor rb = t(r, batch, n);
    Tensor cb = t(c, batch, n);
    IndexRanges rows = ranges(0, 3, 5, 8);
    IndexRanges columns = ranges(2, 6);
    for (int scales = 1; scales < 4; scales++) {
      boolean withR = (scales & 1) != 0;
      boolean withC = (scales & 2) != 0;
      Tensor all = backend.jacobianBatch(JacobianSpec.builder(wt).identity(0.9).scale(0.1)
          .rowScale(withR ? rb : null).columnScale(withC ? cb : null)
          .rows(rows).columns(columns).build());
      assertArrayEquals(new int[] {batch, 6, 4}, all.shape());
      for (int p = 0; p < batch; p++) {
        Tensor one = backend.jacobian(JacobianSpec.builder(wt).identity(0.9).scale(0.1)
            .rowScale(withR ? backend.select(rb, p) : null)
            .columnScale(withC ? backend.select(cb, p) : null)
            .rows(rows).columns(columns).build());
        try (Tensor fromBatch = backend.select(all, p)) {
          assertClose(one.toArray(), fromBatch.toArray(), 1e-15, "batch entry " + p);
        }
        double[] rp = withR ? Arrays.copyOfRange(r, p * n, p * n + n) : null;
        double[] cp = withC ? Arrays.copyOfRange(c, p * n, p * n + n) : null;
        assertClose(referenceJacobian(0.9, 0.1, rp, w, cp, rows, columns), one, TOL,
            "per-point jacobian " + p);
      }
    }
  }

  /** J V from the materialised reference Jacobian, row-major [rows, k]. */
  private static double[] referenceProduct(double[][] j, double[] v, int k) {
    double[] out = new double[j.length * k];
    for (int i = 0; i < j.length; i++) {
      for (int q = 0; q < j[i].length; q++) {
        for (int t = 0; t < k; t++) {
          out[i * k + t] += j[i][q] * v[q * k + t];
        }
      }
    }
    return out;
  }

  @Test
  void jacobianTimesMatchesTheMaterialisedJacobian() {
    Random random = new Random(21);
    int n = 9;
    int m = 11; // rectangular: the column scale's offsets differ from the row scale's
    double[][] w = randomMatrix(random, n, m);
    double[] r = random(random, n);
    double[] c = random(random, m);
    Tensor wt = m(w);
    IndexRanges[] rowChoices = {null, ranges(0, 2, 4, 6), ranges(3, 9)};
    IndexRanges[] columnChoices = {null, ranges(1, 3, 4, 5, 7, 11), ranges(2, 6)};
    for (IndexRanges rows : rowChoices) {
      for (IndexRanges columns : columnChoices) {
        for (int scales = 0; scales < 4; scales++) {
          for (int k : new int[] {1, 3}) {
            boolean withR = (scales & 1) != 0;
            boolean withC = (scales & 2) != 0;
            int q = columns == null ? m : columns.size();
            double[] v = random(random, q * k);
            JacobianSpec spec = JacobianSpec.builder(wt).identity(0.7).scale(-1.3)
                .rowScale(withR ? t(r, n) : null).columnScale(withC ? t(c, m) : null)
                .rows(rows).columns(columns).build();
            double[][] j = referenceJacobian(0.7, -1.3, withR ? r : null, w, withC ? c : null,
                rows, columns);
            Tensor got = backend.jacobianTimes(spec, t(v, q, k));
            assertArrayEquals(new int[] {j.length, k}, got.shape(), "shape of J V");
            String what = "J V rows " + rows + " columns " + columns + " r " + withR + " c "
                + withC + " k " + k;
            assertClose(referenceProduct(j, v, k), got.toArray(), TOL, what);
            // and against the backend's own materialised Jacobian
            assertClose(backend.matmul(backend.jacobian(spec), t(v, q, k)).toArray(),
                got.toArray(), TOL, what + " vs matmul(jacobian)");
          }
        }
      }
    }
  }

  @Test
  void jacobianTimesAtBlockedSizes() {
    Random random = new Random(22);
    int n = 300; // past the blocking of native matrix-vector kernels
    double[][] w = randomMatrix(random, n, n);
    double[] c = random(random, n);
    double[] r = random(random, n);
    double[] v = random(random, n * 2);
    JacobianSpec spec = JacobianSpec.builder(m(w)).identity(0.95).scale(0.05)
        .rowScale(t(r, n)).columnScale(t(c, n)).build();
    assertClose(referenceProduct(referenceJacobian(0.95, 0.05, r, w, c, null, null), v, 2),
        backend.jacobianTimes(spec, t(v, n, 2)).toArray(), 1e-12, "J V at n = 300");
  }

  @Test
  void jacobianTimesRejectsBadVectors() {
    Tensor w = backend.zeros(3, 4);
    JacobianSpec spec = JacobianSpec.builder(w).columns(ranges(0, 2)).build();
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, backend.zeros(4, 1)), "[2, k]", "[4, 1]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, backend.zeros(2)), "[2, k]", "[2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3))
            .build(), backend.zeros(4, 1)), "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianTimes(spec, null), "null");
  }

  @Test
  void jacobianBatchRejectsBadSpecs() {
    Tensor w = backend.zeros(3, 3);
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).build()), "neither");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).rowScale(backend.zeros(2, 3))
            .columnScale(backend.zeros(4, 3)).build()), "2", "4");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).rowScale(backend.zeros(3)).build()),
        "[B, 3]", "[3]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.jacobianBatch(JacobianSpec.builder(w).columnScale(backend.zeros(2, 4)).build()),
        "[B, 3]", "[2, 4]");
  }

  // ================================================================== eigendecomposition

  private boolean vectors() {
    return backend.supports(Capability.EIGENVECTORS);
  }

  /** Decomposes with vectors when the backend can, checking the canonical form and residuals. */
  private Eigendecomposition checkedEig(double[][] a) {
    Eigendecomposition e = backend.eig(m(a), vectors());
    assertEquals(a.length, e.size());
    EigenChecks.assertCanonical(e);
    if (vectors()) {
      EigenChecks.assertEigenpairs(a, e, EIG_TOL);
    }
    return e;
  }

  /** {@code S D S^-1} with {@code S = I + 0.3 G / sqrt(n)}, well conditioned, and D diagonal. */
  private static double[][] similar(double[] diagonal, long seed) {
    int n = diagonal.length;
    Random random = new Random(seed);
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = (i == j ? 1 : 0) + 0.3 * random.nextGaussian() / Math.sqrt(n);
      }
    }
    double[][] sd = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        sd[i][j] = s[i][j] * diagonal[j];
      }
    }
    return naiveProduct(sd, inverse(s));
  }

  /** The inverse by Gauss-Jordan elimination with partial pivoting. */
  private static double[][] inverse(double[][] s) {
    int n = s.length;
    double[][] aug = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(s[i], 0, aug[i], 0, n);
      aug[i][n + i] = 1;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(aug[i][k]) > Math.abs(aug[p][k])) {
          p = i;
        }
      }
      double[] tmp = aug[k];
      aug[k] = aug[p];
      aug[p] = tmp;
      double pivot = aug[k][k];
      for (int j = 0; j < 2 * n; j++) {
        aug[k][j] /= pivot;
      }
      for (int i = 0; i < n; i++) {
        if (i != k && aug[i][k] != 0) {
          double f = aug[i][k];
          for (int j = 0; j < 2 * n; j++) {
            aug[i][j] -= f * aug[k][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(aug[i], n, inv[i], 0, n);
    }
    return inv;
  }

  /** The indices of the eigenvalues within {@code tolerance} of {@code re + i im}. */
  private static int[] near(Eigendecomposition e, double re, double im, double tolerance) {
    return java.util.stream.IntStream.range(0, e.size())
        .filter(k -> Math.hypot(e.real(k) - re, e.imag(k) - im) <= tolerance).toArray();
  }

  @Test
  void eigOfA1x1Matrix() {
    Eigendecomposition e = checkedEig(new double[][] {{-2.5}});
    assertEquals(-2.5, e.real(0), 1e-15);
    assertEquals(0.0, e.imag(0));
    if (e.hasVectors()) {
      assertArrayEquals(new double[] {1.0}, e.vectorReal(0), 1e-15);
      assertArrayEquals(new double[] {0.0}, e.vectorImag(0), 1e-15);
    }
  }

  @Test
  void eigOfARotationHasAConjugatePair() {
    double theta = 0.7;
    double[][] a = {{2 * Math.cos(theta), -2 * Math.sin(theta)}, {2 * Math.sin(theta), 2 * Math.cos(theta)}};
    Eigendecomposition e = checkedEig(a);
    // same modulus and real part: the positive imaginary part first
    assertEquals(2 * Math.cos(theta), e.real(0), 1e-14);
    assertEquals(2 * Math.sin(theta), e.imag(0), 1e-14);
    assertEquals(2 * Math.cos(theta), e.real(1), 1e-14);
    assertEquals(-2 * Math.sin(theta), e.imag(1), 1e-14);
    assertEquals(2.0, e.spectralRadius(), 1e-14);
    if (e.hasVectors()) {
      // (1, -i)/sqrt 2 belongs to cos + i sin, (1, i)/sqrt 2 to cos - i sin; both components tie
      // in modulus, so the normalisation may have made either one real: compare up to phase
      double h = Math.sqrt(0.5);
      assertEquals(1.0, overlap(new double[] {h, 0}, new double[] {0, -h}, e, 0), 1e-14, "v0");
      assertEquals(1.0, overlap(new double[] {h, 0}, new double[] {0, h}, e, 1), 1e-14, "v1");
    }
  }

  /** {@code |<u, v_k>|} for the unit vector {@code u = ur + i ui}: 1 when parallel. */
  private static double overlap(double[] ur, double[] ui, Eigendecomposition e, int k) {
    double[] vr = e.vectorReal(k);
    double[] vi = e.vectorImag(k);
    double cr = 0;
    double ci = 0;
    for (int i = 0; i < ur.length; i++) {
      cr += ur[i] * vr[i] + ui[i] * vi[i];
      ci += ur[i] * vi[i] - ui[i] * vr[i];
    }
    return Math.hypot(cr, ci);
  }

  @Test
  void eigOrdersByModulusThenRealThenImaginaryPart() {
    // eigenvalues -5, 3, 1, +-4i (the 2x2 block), and 2 and -2, which tie in modulus
    double[][] a = {
      {3, 0, 0, 0, 0, 0, 0},
      {0, -5, 0, 0, 0, 0, 0},
      {0, 0, 1, 0, 0, 0, 0},
      {0, 0, 0, 0, -4, 0, 0},
      {0, 0, 0, 4, 0, 0, 0},
      {0, 0, 0, 0, 0, -2, 0},
      {0, 0, 0, 0, 0, 0, 2},
    };
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[] {-5, 0, 0, 3, 2, -2, 1}, e.realParts(), 1e-14, "real parts");
    assertClose(new double[] {0, 4, -4, 0, 0, 0, 0}, e.imagParts(), 1e-14, "imaginary parts");
    if (e.hasVectors()) {
      assertClose(new double[] {0, 1, 0, 0, 0, 0, 0}, e.vectorReal(0), 1e-14, "vector of -5");
      assertClose(new double[] {0, 0, 0, 0, 0, 0, 1}, e.vectorReal(4), 1e-14, "vector of 2");
      assertClose(new double[] {0, 0, 0, 0, 0, 1, 0}, e.vectorReal(5), 1e-14, "vector of -2");
    }
  }

  @Test
  void eigOfATriangularMatrixGivesItsDiagonal() {
    double[][] a = {{4, 1, -2, 7}, {0, -1, 3, 2}, {0, 0, 0.5, 9}, {0, 0, 0, 2.5}};
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[] {4, 2.5, -1, 0.5}, e.realParts(), 1e-13, "eigenvalues");
    assertClose(new double[4], e.imagParts(), 1e-13, "imaginary parts");
  }

  @Test
  void eigOfAJordanBlock() {
    double[][] jordan = {{3, 1, 0}, {0, 3, 1}, {0, 0, 3}};
    Eigendecomposition e = checkedEig(jordan);
    EigenChecks.assertEigenvalues(new double[] {3, 3, 3}, new double[3], e, 1e-12);
    if (e.hasVectors()) {
      for (int k = 0; k < 3; k++) {
        assertClose(new double[] {1, 0, 0}, e.vectorReal(k), 1e-8, "eigenvector " + k);
      }
    }
    // a Jordan block disguised by a similarity: eigenvalues are only accurate to eps^(1/3), yet
    // every returned pair must still have a small residual
    double[][] s = {{1, 2, 0}, {0, 1, -1}, {1, 0, 1}};
    double[][] disguised = naiveProduct(naiveProduct(s, jordan), inverse(s));
    Eigendecomposition d = checkedEig(disguised);
    EigenChecks.assertEigenvalues(new double[] {3, 3, 3}, new double[3], d, 1e-3);
    // two Jordan blocks of the same eigenvalue
    Eigendecomposition two = checkedEig(new double[][] {
        {1, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 0, 1}});
    EigenChecks.assertEigenvalues(new double[] {1, 1, 1, 1}, new double[4], two, 1e-12);
  }

  @Test
  void eigOfADiagonalizableMatrixWithARepeatedEigenvalue() {
    double[][] a = similar(new double[] {2, 2, 2, -1, 0.5, 2}, 8);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(new double[] {2, 2, 2, 2, -1, 0.5}, new double[6], e, 1e-8);
    if (e.hasVectors()) {
      // a diagonalizable matrix has as many independent eigenvectors as copies of the eigenvalue
      int[] copies = near(e, 2, 0, 1e-6);
      assertEquals(4, copies.length, "copies of the eigenvalue 2 in " + e);
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @Test
  void eigOfRepeatedComplexPairs() {
    // two identical rotation blocks and a real eigenvalue, mixed by a similarity
    double[][] block = {
      {1, -2, 0, 0, 0}, {2, 1, 0, 0, 0}, {0, 0, 1, -2, 0}, {0, 0, 2, 1, 0}, {0, 0, 0, 0, -0.5}};
    Random random = new Random(9);
    double[][] q = randomMatrix(random, 5, 5);
    // orthonormalise q (Gram-Schmidt) so that Q B Q^T is an exact similarity
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < 5; j++) {
          dot += q[i][j] * q[k][j];
        }
        for (int j = 0; j < 5; j++) {
          q[i][j] -= dot * q[k][j];
        }
      }
      double len = Math.sqrt(Arrays.stream(q[i]).map(v -> v * v).sum());
      for (int j = 0; j < 5; j++) {
        q[i][j] /= len;
      }
    }
    double[][] a = naiveProduct(naiveProduct(transposed(q), block), q);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(new double[] {1, 1, 1, 1, -0.5}, new double[] {2, 2, -2, -2, 0},
        e, 1e-7);
    if (e.hasVectors()) {
      int[] upper = near(e, 1, 2, 1e-6);
      assertEquals(2, upper.length, "copies of 1+2i in " + e);
      EigenChecks.assertIndependent(e, upper, 1e-3);
      int[] lower = near(e, 1, -2, 1e-6);
      assertEquals(2, lower.length, "copies of 1-2i in " + e);
      EigenChecks.assertIndependent(e, lower, 1e-3);
    }
  }

  @Test
  void eigOfAJacobianWithInactiveUnits() {
    // J = (1 - alpha) I + alpha W diag(c) with c = 0 on four units (a relu below threshold): each
    // inactive unit j gives the eigenvector e_j of 1 - alpha, so 1 - alpha is at least 4-fold
    // and has 4 independent eigenvectors
    int n = 12;
    Random random = new Random(14);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = (i % 3 == 1) ? 0 : random.nextDouble();
    }
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] /= Math.sqrt(n);
      }
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.8).scale(0.2)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    Eigendecomposition e = checkedEig(a);
    int[] copies = near(e, 0.8, 0, 1e-8);
    assertTrue(copies.length >= 4, "1 - alpha should be at least 4-fold in " + e);
    if (e.hasVectors()) {
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @Test
  void eigLeavesItsOperandUnchanged() {
    double[][] x = randomMatrix(new Random(15), 9, 9);
    Tensor a = m(x);
    backend.eig(a, vectors());
    backend.eig(a, false);
    assertArrayEquals(flatten(x), a.toArray());
  }

  @Test
  void eigOfASymmetricMatrixIsReal() {
    Random random = new Random(10);
    double[][] g = randomMatrix(random, 12, 12);
    double[][] a = new double[12][12];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        a[i][j] = g[i][j] + g[j][i];
      }
    }
    Eigendecomposition e = checkedEig(a);
    assertClose(new double[12], e.imagParts(), 1e-12, "imaginary parts");
    if (e.hasVectors()) {
      for (int k = 0; k < 12; k++) {
        assertClose(new double[12], e.vectorImag(k), 1e-10, "imaginary part of vector " + k);
      }
    }
  }

  @Test
  void eigOfZeroAndIdentityMatrices() {
    Eigendecomposition zero = checkedEig(new double[4][4]);
    assertArrayEquals(new double[4], zero.realParts(), 0.0);
    double[][] identity = new double[4][4];
    for (int i = 0; i < 4; i++) {
      identity[i][i] = 1;
    }
    Eigendecomposition one = checkedEig(identity);
    assertArrayEquals(new double[] {1, 1, 1, 1}, one.realParts(), 1e-15);
    if (one.hasVectors()) {
      EigenChecks.assertIndependent(one, new int[] {0, 1, 2, 3}, 1e-3);
      EigenChecks.assertIndependent(zero, new int[] {0, 1, 2, 3}, 1e-3);
    }
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {2, 3, 5, 16, 50, 200})
  void eigOfRandomNonSymmetricMatrices(int n) {
    double[][] a = randomMatrix(new Random(100 + n), n, n);
    Eigendecomposition e = checkedEig(a);
    // complex eigenvalues of a real matrix come in conjugate pairs, adjacent in canonical order
    for (int k = 0; k < n; k++) {
      if (e.imag(k) > 0) {
        assertTrue(k + 1 < n, "eigenvalue " + k + " lacks its conjugate");
        assertEquals(e.real(k), e.real(k + 1), 1e-10 * e.modulus(k), "conjugate of " + k);
        assertEquals(-e.imag(k), e.imag(k + 1), 1e-10 * e.modulus(k), "conjugate of " + k);
      }
    }
    // the trace is the sum of the eigenvalues
    double trace = 0;
    double sum = 0;
    double imagSum = 0;
    for (int i = 0; i < n; i++) {
      trace += a[i][i];
      sum += e.real(i);
      imagSum += e.imag(i);
    }
    assertEquals(trace, sum, 1e-10 * n * EigenChecks.norm(a), "sum of eigenvalues vs trace");
    assertEquals(0.0, imagSum, 1e-10 * n * EigenChecks.norm(a), "imaginary parts cancel");
  }

  @Test
  void eigOfAKnownSpectrumAtBlockedSizes() {
    // n = 256: beyond the sizes from which LAPACK's Hessenberg reduction and QR sweeps block
    int n = 256;
    double[] diagonal = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      diagonal[i] = (i + 1) / 16.0;
    }
    double[][] a = similar(diagonal, 23);
    Eigendecomposition e = checkedEig(a);
    EigenChecks.assertEigenvalues(diagonal, im, e, 1e-8);
  }

  /**
   * A Jacobian {@code diag(r) W} (the Elman and {@code dh} form) whose every third row is scaled
   * by {@code s}: units whose activation derivative underflows, as softplus at -75 gives 3e-33.
   */
  private static double[][] rowScaledJacobian(int n, double s, long seed) {
    double[][] a = randomMatrix(new Random(seed), n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] /= Math.sqrt(n);
        if (i % 3 == 0) {
          a[i][j] *= s;
        }
      }
    }
    return a;
  }

  @ParameterizedTest(name = "row scale {0}")
  @ValueSource(doubles = {1e-30, 1e-100, 1e-200, 1e-300, 0.0})
  void eigenvectorsOfBadlyScaledJacobiansMeetTheBoundOnTheMatrixItself(double s) {
    // balancing scales such rows up; its eigenvectors are accurate for the balanced matrix, and
    // mapped back they missed the bound on J by up to 0.4. The contract is on J.
    for (int n : new int[] {60, 150}) {
      double[][] a = rowScaledJacobian(n, s, 31 + n);
      Eigendecomposition e = checkedEig(a);
      Eigendecomposition values = backend.eig(m(a), false);
      double tol = 1e-12 * EigenChecks.norm(a);
      assertClose(values.realParts(), e.realParts(), tol, "real parts with and without vectors");
      assertClose(values.imagParts(), e.imagParts(), tol, "imag parts with and without vectors");
      if (e.hasVectors()) {
        // the n / 3 scaled units leave n / 3 eigenvalues of order s (computed as rounding-size
        // values, eps |A|), whose eigenvectors are independent
        int[] small = java.util.stream.IntStream.range(0, n)
            .filter(k -> e.modulus(k) <= 1e-12).toArray();
        assertEquals((n + 2) / 3, small.length, "eigenvalues of order " + s + " in " + e);
        EigenChecks.assertIndependent(e, small, 1e-3);
      }
    }
  }

  @Test
  void eigenvectorsWithZeroRowsColumnsAndADeadUnitMeetTheBound() {
    // leaky Jacobian (1 - alpha) I + alpha W diag(c) with c = 0 on one unit (relu'(0) = 0), a
    // zero row and column elsewhere, and a column scaled by 1e-290
    int n = 40;
    Random random = new Random(41);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = 0.2 + random.nextDouble();
    }
    c[7] = 0.0;
    c[19] = 1e-290;
    double[][] w = randomMatrix(random, n, n);
    for (int j = 0; j < n; j++) {
      w[11][j] = 0;
      w[j][11] = 0;
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.9).scale(0.1)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    checkedEig(a);
    // and the Elman form diag(r) W with those rows
    double[][] rows = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        rows[i][k] = c[i] * w[i][k];
      }
    }
    checkedEig(rows);
  }

  @Test
  void eigOfALargeJacobianWithAHeavilyRepeatedEigenvalue() {
    // n = 300, a third of the units inactive: 1 - alpha = 0.9 is at least 100-fold (as in the
    // cbgtcl checkpoint), with 100 independent eigenvectors
    int n = 300;
    Random random = new Random(43);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = i % 3 == 0 ? 0 : random.nextDouble();
    }
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int k = 0; k < n; k++) {
        row[k] /= Math.sqrt(n);
      }
    }
    Tensor j = backend.jacobian(JacobianSpec.builder(m(w)).identity(0.9).scale(0.1)
        .columnScale(t(c, n)).build());
    double[][] a = j.toMatrix();
    Eigendecomposition e = checkedEig(a);
    int[] copies = near(e, 0.9, 0, 1e-9);
    assertTrue(copies.length >= 100, copies.length + " copies of 0.9 within 1e-9 in " + e);
    if (e.hasVectors()) {
      EigenChecks.assertIndependent(e, copies, 1e-3);
    }
  }

  @Test
  void eigenvaluesOnlyModeGivesTheSameEigenvalues() {
    double[][] a = randomMatrix(new Random(11), 30, 30);
    Eigendecomposition values = backend.eig(m(a), false);
    assertFalse(values.hasVectors());
    assertRejects(IllegalStateException.class, () -> values.vectorReal(0), "eigenvalues only");
    EigenChecks.assertCanonical(values);
    assumeTrue(vectors(), "the backend computes no eigenvectors");
    Eigendecomposition full = backend.eig(m(a), true);
    assertTrue(full.hasVectors());
    double tol = 1e-12 * EigenChecks.norm(a);
    assertClose(full.realParts(), values.realParts(), tol, "real parts");
    assertClose(full.imagParts(), values.imagParts(), tol, "imaginary parts");
  }

  @Test
  void eigenvectorsAreRefusedWithoutTheCapability() {
    assumeFalse(vectors(), "the backend computes eigenvectors");
    assertRejects(UnsupportedOperationException.class,
        () -> backend.eig(m(new double[][] {{1}}), true), "eigenvectors");
  }

  @Test
  void eigBatchDecomposesEachMatrix() {
    Random random = new Random(12);
    int n = 6;
    double[][][] mats = {randomMatrix(random, n, n), similar(new double[] {1, 1, 2, 3, -4, 0}, 3),
        randomMatrix(random, n, n)};
    double[] flat = new double[3 * n * n];
    for (int b = 0; b < 3; b++) {
      System.arraycopy(flatten(mats[b]), 0, flat, b * n * n, n * n);
    }
    for (boolean withVectors : new boolean[] {false, vectors()}) {
      List<Eigendecomposition> all = backend.eigBatch(t(flat, 3, n, n), withVectors);
      assertEquals(3, all.size());
      for (int b = 0; b < 3; b++) {
        Eigendecomposition one = backend.eig(m(mats[b]), withVectors);
        Eigendecomposition fromBatch = all.get(b);
        assertEquals(withVectors, fromBatch.hasVectors());
        EigenChecks.assertCanonical(fromBatch);
        double tol = 1e-12 * EigenChecks.norm(mats[b]);
        assertClose(one.realParts(), fromBatch.realParts(), tol, "batch " + b + " real parts");
        assertClose(one.imagParts(), fromBatch.imagParts(), tol, "batch " + b + " imaginary parts");
        if (withVectors) {
          EigenChecks.assertEigenpairs(mats[b], fromBatch, EIG_TOL);
        }
      }
    }
  }

  @Test
  void eigRejectsBadInput() {
    assertRejects(IllegalArgumentException.class, () -> backend.eig(t(new double[6], 2, 3), false),
        "square", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.eig(t(new double[8], 2, 2, 2), false),
        "[2, 2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatch(t(new double[4], 2, 2), false), "[B, n, n]", "[2, 2]");
    assertRejects(IllegalArgumentException.class,
        () -> backend.eigBatch(t(new double[12], 2, 2, 3), false), "[2, 2, 3]");
    double[][] nan = {{1, Double.NaN}, {0, 1}};
    assertRejects(ArithmeticException.class, () -> backend.eig(m(nan), false), "NaN");
    assertRejects(ArithmeticException.class, () -> backend.eig(m(nan), vectors()), "NaN");
    double[][] inf = {{1, 0}, {Double.NEGATIVE_INFINITY, 1}};
    assertRejects(ArithmeticException.class, () -> backend.eig(m(inf), false), "inf");
    double[] batch = new double[8];
    batch[6] = Double.POSITIVE_INFINITY;
    assertRejects(ArithmeticException.class, () -> backend.eigBatch(t(batch, 2, 2, 2), false), "inf");
  }

  // ================================================================== recurrence kernel

  /**
   * The recurrence of {@link RecurrenceSpec} as a plain host loop with the scalar activation: the
   * reference. {@code drive[t][b]} is {@code E_t} for batch row {@code b}; returns
   * {@code {xs, hs}} as {@code [t][b][k]}.
   */
  private static double[][][][] hostRecurrence(boolean leaky, double alpha, double[][] w,
      Activation f, double[][][] drive, double[][] x0, double[][] h0) {
    int steps = drive.length;
    int batch = drive[0].length;
    int n = w.length;
    double[][][] xs = new double[steps][batch][n];
    double[][][] hs = new double[steps][batch][n];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        double[] hPrev = t == 0 ? h0[b] : hs[t - 1][b];
        double[] xPrev = t == 0 ? (leaky ? x0[b] : null) : xs[t - 1][b];
        for (int k = 0; k < n; k++) {
          double c = 0;
          for (int j = 0; j < n; j++) {
            c += hPrev[j] * w[k][j];
          }
          c += drive[t][b][k];
          double x = leaky ? xPrev[k] + alpha * (c - xPrev[k]) : c;
          xs[t][b][k] = x;
          hs[t][b][k] = f.apply(x);
        }
      }
    }
    return new double[][][][] {xs, hs};
  }

  /** {@code a[t][b][k]} flattened in the layout's order. */
  private static double[] layoutOrder(double[][][] a, boolean batchFirst) {
    int steps = a.length;
    int batch = a[0].length;
    int n = a[0][0].length;
    double[] out = new double[steps * batch * n];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        int row = batchFirst ? b * steps + t : t * batch + b;
        System.arraycopy(a[t][b], 0, out, row * n, n);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Activation.class)
  void recurrenceMatchesAHostLoop(Activation f) {
    Random random = new Random(29);
    int n = 9;
    int batch = 3;
    int steps = 6;
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] /= Math.sqrt(n);
      }
    }
    double[][][] drive = new double[steps][][];
    for (int t = 0; t < steps; t++) {
      drive[t] = randomMatrix(random, batch, n);
    }
    double[][] x0 = randomMatrix(random, batch, n);
    double[][] h0 = randomMatrix(random, batch, n); // deliberately not f(x0)
    for (boolean leaky : new boolean[] {true, false}) {
      double[][][][] expected = hostRecurrence(leaky, 0.3, w, f, drive, x0, h0);
      for (boolean batchFirst : new boolean[] {true, false}) {
        String what = f + (leaky ? " leaky" : " Elman") + (batchFirst ? " [B, T, N]" : " [T, B, N]");
        try (TensorScope scope = new TensorScope()) {
          int[] shape = batchFirst ? new int[] {batch, steps, n} : new int[] {steps, batch, n};
          Tensor e = scope.track(t(layoutOrder(drive, batchFirst), shape));
          double[] driveBefore = e.toArray();
          Tensor wt = scope.track(m(w));
          Tensor x0t = scope.track(m(x0));
          Tensor h0t = scope.track(m(h0));
          RecurrenceSpec.Builder spec = leaky
              ? RecurrenceSpec.leaky(wt, 0.3).x0(x0t) : RecurrenceSpec.elman(wt);
          try (RecurrenceStates r = backend.recurrence(
              spec.activation(f).drive(e, batchFirst).h0(h0t).build())) {
            assertArrayEquals(shape, r.x().shape(), what + ": x shape");
            assertArrayEquals(shape, r.h().shape(), what + ": h shape");
            assertClose(layoutOrder(expected[0], batchFirst), r.x().toArray(), 1e-12, what + ": x");
            assertClose(layoutOrder(expected[1], batchFirst), r.h().toArray(), 1e-12, what + ": h");
          }
          assertArrayEquals(driveBefore, e.toArray(), what + ": the drive was modified");
          assertArrayEquals(flatten(x0), x0t.toArray(), what + ": x0 was modified");
          assertArrayEquals(flatten(h0), h0t.toArray(), what + ": h0 was modified");
        }
      }
    }
  }

  @Test
  void recurrenceHandDerived() {
    // one unit, W = 2, E = 1 at both steps, x0 = 1, h0 = 3, linear activation
    Tensor w = t(new double[] {2}, 1, 1);
    Tensor e = t(new double[] {1, 1}, 1, 2, 1);
    Tensor x0 = t(new double[] {1}, 1, 1);
    Tensor h0 = t(new double[] {3}, 1, 1);
    // leaky, alpha 0.5: c = 3 * 2 + 1 = 7, x1 = 1 + 0.5 (7 - 1) = 4; c = 4 * 2 + 1 = 9,
    // x2 = 4 + 0.5 (9 - 4) = 6.5
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(w, 0.5).x0(x0).h0(h0)
        .activation(Activation.LINEAR).drive(e, true).build())) {
      assertArrayEquals(new double[] {4, 6.5}, r.x().toArray());
      assertArrayEquals(new double[] {4, 6.5}, r.h().toArray());
    }
    // Elman: x1 = 3 * 2 + 1 = 7, x2 = 7 * 2 + 1 = 15; relu keeps them
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.elman(w).h0(h0)
        .activation(Activation.RELU).drive(e, true).build())) {
      assertArrayEquals(new double[] {7, 15}, r.x().toArray());
      assertArrayEquals(new double[] {7, 15}, r.h().toArray());
    }
    // relu cuts: W = -1, E = 0, h0 = 3: x1 = -3, h1 = 0, x2 = 0 (and relu(0) = 0)
    Tensor neg = t(new double[] {-1}, 1, 1);
    Tensor zero = t(new double[] {0, 0}, 2, 1, 1);
    try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.elman(neg).h0(h0)
        .activation(Activation.RELU).drive(zero, false).build())) {
      assertArrayEquals(new double[] {-3, 0}, r.x().toArray());
      assertArrayEquals(new double[] {0, 0}, r.h().toArray());
    }
  }

  @Test
  void recurrenceOfManyUnitsMatchesTheHostLoop() {
    // wide enough that backends take their blocked and parallel paths
    Random random = new Random(31);
    int n = 300;
    int batch = 40;
    int steps = 4;
    double[][] w = randomMatrix(random, n, n);
    for (double[] row : w) {
      for (int j = 0; j < n; j++) {
        row[j] *= 1.5 / Math.sqrt(n);
      }
    }
    double[][][] drive = new double[steps][][];
    for (int t = 0; t < steps; t++) {
      drive[t] = randomMatrix(random, batch, n);
    }
    double[][] x0 = randomMatrix(random, batch, n);
    double[][] h0 = new double[batch][n];
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < n; k++) {
        h0[b][k] = Math.tanh(x0[b][k]);
      }
    }
    double[][][][] expected = hostRecurrence(true, 0.1, w, Activation.TANH, drive, x0, h0);
    try (TensorScope scope = new TensorScope()) {
      Tensor e = scope.track(t(layoutOrder(drive, true), batch, steps, n));
      try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(scope.track(m(w)), 0.1)
          .x0(scope.track(m(x0))).h0(scope.track(m(h0))).activation(Activation.TANH)
          .drive(e, true).build())) {
        assertClose(layoutOrder(expected[0], true), r.x().toArray(), 1e-12, "x");
        assertClose(layoutOrder(expected[1], true), r.h().toArray(), 1e-12, "h");
      }
    }
  }

  @Test
  void recurrenceRejectsBadSpecs() {
    Tensor w = t(new double[4], 2, 2);
    Tensor e = t(new double[12], 3, 2, 2);
    Tensor s = t(new double[6], 3, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(null), "spec");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(t(new double[6], 2, 3), 0.1).x0(s).h0(s)
            .activation(Activation.TANH).drive(e, true).build()), "square", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).drive(e, true).build()), "activation");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, Double.NaN).x0(s).h0(s).activation(Activation.TANH)
            .drive(e, true).build()), "alpha", "NaN");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH).build()),
        "drive", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH)
            .drive(t(new double[18], 3, 2, 3), true).build()), "drive", "[B, T, N]", "[3, 2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).x0(s).h0(s).activation(Activation.TANH)
            .drive(s, false).build()), "drive", "[T, B, N]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.leaky(w, 0.1).h0(s).activation(Activation.TANH).drive(e, true).build()),
        "x0", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).x0(s).h0(s).activation(Activation.TANH).drive(e, true).build()),
        "Elman", "x0");
    // batch first: B = 3; time first: B = 2, so [3, 2] no longer fits
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(s).activation(Activation.TANH).drive(e, false).build()),
        "h0", "[2, 2]", "[3, 2]");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).activation(Activation.TANH).drive(e, true).build()),
        "h0", "missing");
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(s).activation(Activation.TANH)
            .drive(t(new double[0], 0, 2, 2), true).build()), "batch row");
    HostTensor foreign = new HostTensor(new double[6], DType.FLOAT64, 3, 2);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(foreign).activation(Activation.TANH).drive(e, true).build()),
        "another backend");
    Tensor closed = t(new double[6], 3, 2);
    closed.close();
    assertRejects(IllegalStateException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w).h0(closed).activation(Activation.TANH).drive(e, true).build()),
        "closed");
  }

  @Test
  void float32RecurrenceMatchesFloat64WithinSinglePrecision() {
    assumeTrue(backend.supports(Capability.FLOAT32), "the backend computes in float64 only");
    Random random = new Random(37);
    int n = 6;
    double[] w = random(random, n * n);
    for (int k = 0; k < w.length; k++) {
      w[k] /= Math.sqrt(n);
    }
    double[] e = random(random, 2 * 5 * n);
    double[] x0 = random(random, 2 * n);
    double[] h0 = random(random, 2 * n);
    double[][] results = new double[2][];
    DType[] dtypes = {DType.FLOAT64, DType.FLOAT32};
    for (int d = 0; d < 2; d++) {
      try (TensorScope scope = new TensorScope()) {
        DType dtype = dtypes[d];
        try (RecurrenceStates r = backend.recurrence(
            RecurrenceSpec.leaky(scope.track(backend.fromArray(w, dtype, n, n)), 0.2)
                .x0(scope.track(backend.fromArray(x0, dtype, 2, n)))
                .h0(scope.track(backend.fromArray(h0, dtype, 2, n)))
                .activation(Activation.TANH)
                .drive(scope.track(backend.fromArray(e, dtype, 2, 5, n)), true).build())) {
          assertEquals(dtype, r.h().dtype());
          results[d] = r.h().toArray();
        }
      }
    }
    assertClose(results[0], results[1], 1e-5, "float32 h");
    Tensor w64 = backend.fromArray(w, n, n);
    Tensor e32 = backend.fromArray(e, DType.FLOAT32, 2, 5, n);
    Tensor h32 = backend.fromArray(h0, DType.FLOAT32, 2, n);
    assertRejects(IllegalArgumentException.class, () -> backend.recurrence(
        RecurrenceSpec.elman(w64).h0(h32).activation(Activation.TANH).drive(e32, true).build()),
        "dtypes differ");
  }

  // ================================================================== scopes and threads

  @Test
  void scopesCloseTheirTensors() {
    Tensor kept;
    Tensor temporary;
    try (TensorScope scope = new TensorScope()) {
      temporary = scope.track(t(new double[] {1, 2}, 2));
      kept = scope.keep(scope.track(backend.scale(temporary, 2)));
    }
    assertTrue(temporary.isClosed());
    assertFalse(kept.isClosed());
    assertArrayEquals(new double[] {2, 4}, kept.toArray());
  }

  /** A fixed mixed workload; every result flattened, in order. */
  private List<double[]> workload(double[][] w, double[] x, double[][] e) {
    List<double[]> out = new ArrayList<>();
    try (TensorScope scope = new TensorScope()) {
      Tensor wt = scope.track(m(w));
      Tensor xt = scope.track(t(x, 4, w.length));
      Tensor z = scope.track(backend.matmul(xt, false, wt, true));
      Tensor h = scope.track(backend.activate(Activation.TANH, z));
      Tensor d = scope.track(backend.activateDerivative(Activation.SOFTPLUS, z));
      out.add(h.toArray());
      out.add(backend.axpby(0.9, h, 0.1, d).toArray());
      out.add(scope.track(backend.jacobianBatch(JacobianSpec.builder(wt).identity(0.8).scale(0.2)
          .columnScale(d).rows(ranges(0, 10, 20, 40)).build())).toArray());
      out.add(scope.track(backend.matmul(wt, true, wt, false)).toArray());
      out.add(scope.track(backend.jacobianTimes(JacobianSpec.builder(wt).identity(0.8).scale(0.2)
          .columnScale(scope.track(backend.reshape(scope.track(backend.select(d, 0)), w.length)))
          .build(), scope.track(backend.transpose(xt)))).toArray());
      Tensor drive = scope.track(backend.stack(List.of(xt, h, xt)));
      try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(wt, 0.1).x0(xt).h0(h)
          .activation(Activation.TANH).drive(drive, false).build())) {
        out.add(r.x().toArray());
        out.add(r.h().toArray());
      }
      Eigendecomposition eig = backend.eig(scope.track(m(e)), vectors());
      out.add(eig.realParts());
      out.add(eig.imagParts());
      if (eig.hasVectors()) {
        for (int k = 0; k < eig.size(); k++) {
          out.add(eig.vectorReal(k));
          out.add(eig.vectorImag(k));
        }
      }
    }
    return out;
  }

  @Test
  void concurrentUseGivesTheSameBitsAsOneThread() throws Exception {
    Random random = new Random(13);
    double[][] w = randomMatrix(random, 40, 40);
    double[] x = random(random, 4 * 40);
    double[][] e = randomMatrix(random, 30, 30);
    List<double[]> expected = workload(w, x, e);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<List<double[]>>>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<List<List<double[]>>> task = () -> {
          start.await();
          List<List<double[]>> results = new ArrayList<>();
          for (int rep = 0; rep < 3; rep++) {
            results.add(workload(w, x, e));
          }
          return results;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<List<List<double[]>>> f : futures) {
        for (List<double[]> got : f.get(60, TimeUnit.SECONDS)) {
          assertEquals(expected.size(), got.size());
          for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "result " + i + " differs between threads");
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
