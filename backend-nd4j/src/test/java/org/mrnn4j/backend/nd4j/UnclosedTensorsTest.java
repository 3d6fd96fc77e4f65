package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Tensor;

/**
 * A loop that never closes its results, as a user who forgets {@code close()} writes it, stays
 * under the backend's memory bound ({@link NativeMemory}): JavaCPP collects the garbage when an
 * allocation would pass it. Run by the pom's {@code bounded-memory} execution with a 512 MiB heap,
 * so the default bound is 2.5 GiB, and the loop allocates four times that.
 */
class UnclosedTensorsTest {

  @Test
  void aLoopThatNeverClosesItsTensorsStaysUnderTheBound() {
    long heap = Runtime.getRuntime().maxMemory();
    try (Backend backend = Backends.select("nd4j")) {
      long bound = Pointer.maxPhysicalBytes();
      assertEquals(NativeMemory.defaultLimit(heap, NativeMemory.totalMemory()), bound,
          "the default bound, set before ND4J loaded");
      int n = 1024; // 8 MiB a tensor, almost nothing on the heap
      Tensor x = backend.zeros(n, n);
      long perTensor = 8L * n * n;
      long allocated = 0;
      long peak = 0;
      while (allocated < 4 * bound) {
        backend.scale(x, 2.0); // never closed
        allocated += perTensor;
        peak = Math.max(peak, Pointer.physicalBytes());
      }
      System.out.printf("allocated %d MiB in unclosed tensors; resident peak %d MiB; bound %d MiB%n",
          allocated >> 20, peak >> 20, bound >> 20);
      // JavaCPP checks before each allocation: the process may pass the bound by one tensor
      assertTrue(peak <= bound + 4 * perTensor, "resident peak " + (peak >> 20)
          + " MiB passed the bound of " + (bound >> 20) + " MiB");
    }
  }
}
