package org.mrnn4j.backend.nd4j;

import org.mrnn4j.core.spi.Availability;

/** Starts the nd4j backend and prints how many OpenBLAS libraries the process maps. */
public final class OpenBlasInstancesMain {
  private OpenBlasInstancesMain() {}

  public static void main(String[] args) {
    Availability a = new Nd4jBackendProvider().probe();
    if (!a.available()) {
      System.err.println("nd4j unavailable: " + a.reason());
      System.exit(3);
    }
    System.out.println(OpenBlasRuntime.instances().size());
    System.out.println(OpenBlasRuntime.instances().values());
  }
}
