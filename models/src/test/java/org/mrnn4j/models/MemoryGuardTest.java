package org.mrnn4j.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.MemoryGuard;

/** A network the heap cannot hold is refused before anything is allocated, with the sizes. */
class MemoryGuardTest {

  @Test
  void aNetworkTooLargeForTheHeapIsRefusedWithTheSizes() {
    // just past what this heap holds: 5 n^2 doubles > -Xmx (the largest tensor allows n <= 46340)
    long max = Runtime.getRuntime().maxMemory();
    int n = (int) Math.min(46_340, Math.ceil(Math.sqrt(max / 40.0)) + 1000);
    org.junit.jupiter.api.Assumptions.assumeTrue(40.0 * n * n > max,
        "this heap (" + max + " bytes) holds even the largest network");
    try (Backend backend = Backends.select("ejml")) {
      ModelBuilder<LeakyMRNN> b = LeakyMRNN.builder().activation(Activation.TANH)
          .recurrentRegion(RecurrentRegion.of("a", n)).inputRegion(InputRegion.of("u", 1))
          .recurrentConnection("a", "a").inputConnection("u", "a");
      long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      MemoryGuard.TooLargeException e = assertThrows(MemoryGuard.TooLargeException.class,
          () -> b.build(backend));
      String m = e.getMessage();
      String needed = String.format(java.util.Locale.ROOT, "%.1f GiB", 40.0 * n * n / (1L << 30));
      assertTrue(m.contains(n + "-unit") && m.contains(needed) && m.contains("-Xmx"), m);
      long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      assertTrue(after - before < (1L << 30), "nothing large was allocated before refusing");
    }
  }
}
