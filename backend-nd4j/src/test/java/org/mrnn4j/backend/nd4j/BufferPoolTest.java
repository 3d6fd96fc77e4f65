package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.spi.BackendOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link BufferPool}: which buffers it keeps, reuse by dtype and length, the budget. */
class BufferPoolTest {
  private static final long MIB = 1L << 20;
  /** 2 MiB of doubles: above the pooling threshold. */
  private static final long[] BIG = {512, 512};

  private static long address(INDArray a) {
    return a.data().addressPointer().address();
  }

  @Test
  void aReleasedLargeBufferServesTheNextArrayOfItsDtypeAndLength() {
    new Nd4jBackendProvider().probe();
    BufferPool pool = new BufferPool(16 * MIB);
    INDArray first = pool.uninitialized(DataType.DOUBLE, BIG);
    long at = address(first);
    pool.release(first);
    assertEquals(2 * MIB, pool.heldBytes());
    // another shape of the same length reuses it; the array is C-ordered, no view
    INDArray second = pool.uninitialized(DataType.DOUBLE, new long[] {256, 1024});
    assertEquals(at, address(second));
    assertArrayEquals(new long[] {256, 1024}, second.shape());
    assertEquals('c', second.ordering());
    assertTrue(!second.isView());
    assertEquals(0, pool.heldBytes());
    // a different length or dtype does not take it
    pool.release(second);
    INDArray otherLength = pool.uninitialized(DataType.DOUBLE, new long[] {512, 513});
    INDArray otherType = pool.uninitialized(DataType.FLOAT, new long[] {512, 1024});
    assertNotEquals(at, address(otherLength));
    assertNotEquals(at, address(otherType));
    assertEquals(2 * MIB, pool.heldBytes());
    pool.clear();
    assertEquals(0, pool.heldBytes());
    otherLength.close();
    otherType.close();
  }

  @Test
  void smallBuffersViewsAndADisabledPoolAreFreedNotKept() {
    new Nd4jBackendProvider().probe();
    BufferPool pool = new BufferPool(16 * MIB);
    pool.release(pool.uninitialized(DataType.DOUBLE, new long[] {100, 100})); // 80 kB
    assertEquals(0, pool.heldBytes());
    INDArray big = pool.uninitialized(DataType.DOUBLE, BIG);
    pool.release(big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10))); // a view
    assertEquals(0, pool.heldBytes());
    pool.release(big);
    assertEquals(2 * MIB, pool.heldBytes());
    pool.clear();

    BufferPool off = new BufferPool(0);
    off.release(off.uninitialized(DataType.DOUBLE, BIG));
    assertEquals(0, off.heldBytes());
  }

  @Test
  void theBudgetFreesTheOldestBuffers() {
    new Nd4jBackendProvider().probe();
    BufferPool pool = new BufferPool(5 * MIB);
    INDArray a = pool.uninitialized(DataType.DOUBLE, BIG);
    INDArray b = pool.uninitialized(DataType.DOUBLE, BIG);
    INDArray c = pool.uninitialized(DataType.DOUBLE, BIG);
    long bAt = address(b);
    long cAt = address(c);
    pool.release(a);
    pool.release(b);
    pool.release(c); // 6 MiB > 5 MiB: a goes
    assertEquals(4 * MIB, pool.heldBytes());
    // newest first
    assertEquals(cAt, address(pool.uninitialized(DataType.DOUBLE, BIG)));
    assertEquals(bAt, address(pool.uninitialized(DataType.DOUBLE, BIG)));
    assertEquals(0, pool.heldBytes());
  }

  @Test
  void tensorsOfTheBackendRecycleWithoutStaleValues() {
    try (Nd4jBackend backend = new Nd4jBackend(8)) {
      double[] ones = new double[512 * 512];
      java.util.Arrays.fill(ones, 1.0);
      Tensor a = backend.fromArray(ones, 512, 512);
      Tensor sum = backend.add(a, a);
      sum.close();
      assertEquals(2 * MIB, backend.pool().heldBytes());
      // the next result of that size takes the buffer and overwrites every element
      Tensor twice = backend.scale(a, 3.0);
      Tensor diff = backend.sub(twice, a);
      assertEquals(0, backend.pool().heldBytes());
      for (double v : diff.toArray()) {
        assertEquals(2.0, v);
      }
      twice.close();
      diff.close();
      a.close();
      assertTrue(backend.pool().heldBytes() > 0);
    }
  }

  @Test
  void theProviderTakesThePoolSizeAsAnOption() {
    Nd4jBackendProvider provider = new Nd4jBackendProvider();
    try (Backend b = provider.create(BackendOptions.of(Map.of("poolMiB", "3")))) {
      assertEquals(3 * MIB, ((Nd4jBackend) b).pool().budgetBytes());
    }
    try (Backend b = provider.create(BackendOptions.none())) {
      assertEquals(Nd4jBackend.DEFAULT_POOL_MIB * MIB, ((Nd4jBackend) b).pool().budgetBytes());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> provider.create(BackendOptions.of(Map.of("poolMiB", "-1"))));
    assertTrue(e.getMessage().contains("poolMiB"), e.getMessage());
  }
}
