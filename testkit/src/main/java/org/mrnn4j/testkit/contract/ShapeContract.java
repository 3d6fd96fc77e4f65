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
 * Part of the backend contract ({@link BackendContractTest} runs every part): Shape operations: reshape, transpose, slice, at, stack, concat, sliceColumns, concatColumns, block.
 */
public abstract class ShapeContract extends ContractSupport {

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
    Tensor row = backend.at(a, 1);
    assertArrayEquals(new int[] {3}, row.shape());
    assertArrayEquals(new double[] {4, 5, 6}, row.toArray());
    Tensor batch = t(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 2, 2);
    Tensor mat = backend.at(batch, 1);
    assertArrayEquals(new int[] {2, 2}, mat.shape());
    assertArrayEquals(new double[] {5, 6, 7, 8}, mat.toArray());
    assertRejects(IllegalArgumentException.class, () -> backend.at(a, 2), "2", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.at(a, -1), "-1", "[2, 3]");
    assertRejects(IllegalArgumentException.class, () -> backend.at(row, 0), "[3]");
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
}
