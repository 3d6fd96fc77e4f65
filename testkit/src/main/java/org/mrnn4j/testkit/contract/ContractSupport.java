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
 * What every part of the backend contract shares: the backend under test (created once per part
 * by {@link #createBackend()}, closed after it), tolerances, and helpers that build tensors and
 * compare results with messages naming what differed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContractSupport {
  /** Relative tolerance of float64 arithmetic checks (a few ulps of accumulated rounding). */
  protected static final double TOL = 1e-13;
  /** The residual bound of eigenpairs, relative to {@code |A| |v|}. */
  protected static final double EIG_TOL = 1e-10;

  /** The backend under test, created once for the class by {@link #createBackend()}. */
  protected Backend backend;

  /**
   * {@return a new backend instance} Called once per part of the contract, and again by the
   * tests that need a second instance (foreign tensors, close semantics).
   */
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


  /** {@return whether eigenvector tests run: the backend reports EIGENVECTORS} */
  protected boolean vectors() {
    return backend.supports(Capability.EIGENVECTORS);
  }

  /**
   * A tensor of the backend under test.
   *
   * @param data the values, row-major
   * @param shape the shape
   * @return the tensor
   */
  protected Tensor t(double[] data, int... shape) {
    return backend.fromArray(data, shape);
  }

  /**
   * A matrix of the backend under test.
   *
   * @param rows the rows
   * @return the matrix
   */
  protected Tensor m(double[][] rows) {
    return backend.fromMatrix(rows);
  }

  /**
   * Standard normal values.
   *
   * @param random the source
   * @param size how many
   * @return the values
   */
  protected static double[] random(Random random, int size) {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  /**
   * A matrix of standard normal values.
   *
   * @param random the source
   * @param rows the number of rows
   * @param cols the number of columns
   * @return the matrix
   */
  protected static double[][] randomMatrix(Random random, int rows, int cols) {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = random(random, cols);
    }
    return out;
  }

  /**
   * The entries of a matrix, row-major.
   *
   * @param a the matrix
   * @return its entries
   */
  protected static double[] flatten(double[][] a) {
    return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
  }

  /**
   * The transpose of a matrix.
   *
   * @param a the matrix
   * @return its transpose
   */
  protected static double[][] transposed(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }

  /**
   * The triple-loop product, the reference for matmul.
   *
   * @param a the left factor
   * @param b the right factor
   * @return {@code a b}
   */
  protected static double[][] naiveProduct(double[][] a, double[][] b) {
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

  /**
   * Asserts that every entry is within {@code tolerance * max(1, |expected|)} of the expected one.
   *
   * @param expected the expected values
   * @param actual the values computed
   * @param tolerance the relative tolerance (absolute below 1)
   * @param what what is compared, for the message
   */
  protected static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double bound = tolerance * Math.max(1.0, Math.abs(expected[i]));
      if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
        fail(what + ": entry " + i + " is " + actual[i] + ", expected " + expected[i]);
      }
    }
  }

  /**
   * Asserts that a tensor has the expected matrix's shape and entries, as the array form does.
   *
   * @param expected the expected matrix
   * @param actual the tensor computed
   * @param tolerance the relative tolerance (absolute below 1)
   * @param what what is compared, for the message
   */
  protected static void assertClose(double[][] expected, Tensor actual, double tolerance, String what) {
    assertArrayEquals(new int[] {expected.length, expected[0].length}, actual.shape(), what + ": shape");
    assertClose(flatten(expected), actual.toArray(), tolerance, what);
  }

  /**
   * Asserts that {@code call} throws {@code type} with a message holding every fragment (ignoring
   * case).
   *
   * @param <T> the exception's type
   * @param type the exception's class
   * @param call the call
   * @param fragments what the message must mention
   * @return the exception
   */
  protected static <T extends Throwable> T assertRejects(
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

  /**
   * Index ranges from bounds.
   *
   * @param bounds start and end (exclusive) of each range, in pairs
   * @return the ranges
   */
  protected static IndexRanges ranges(int... bounds) {
    List<IndexRange> list = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      list.add(new IndexRange(bounds[i], bounds[i + 1]));
    }
    return IndexRanges.of(list);
  }

}
