package org.mrnn4j.backend.nd4j;

import java.lang.management.ManagementFactory;

/**
 * The bound on the memory the process may hold while ND4J allocates: JavaCPP's
 * {@code org.bytedeco.javacpp.maxphysicalbytes}, the resident set size (heap and native memory
 * together) above which an allocation first runs the garbage collector, so that tensors nobody
 * closed are freed, and retries; if the process is still above it, the allocation fails with
 * JavaCPP's {@link OutOfMemoryError} ("Physical memory usage is too high").
 *
 * <p>JavaCPP reads the property once, when it loads, and by default allows twice the maximum heap
 * (12 GiB on a 24 GiB machine, where a loop that never closed its tensors grew to 6.5 GiB before a
 * collection happened to run). Unless the property is already set, the backend sets it before
 * ND4J loads to the maximum heap plus 2 GiB, at most three quarters of the machine's memory and at
 * least the heap plus 512 MiB. Set {@code -Dorg.bytedeco.javacpp.maxphysicalbytes=8G} (JavaCPP's
 * syntax: a number of bytes with an optional K, M, G or T) to choose another bound; 0 removes it.
 */
final class NativeMemory {
  private NativeMemory() {}

  /** JavaCPP's system property. */
  static final String PROPERTY = "org.bytedeco.javacpp.maxphysicalbytes";

  private static final long MIB = 1L << 20;

  /** Sets the default bound unless the property is set; before JavaCPP loads, or to no effect. */
  static void setDefaultLimit() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, Long.toString(defaultLimit(Runtime.getRuntime().maxMemory(),
          totalMemory())));
    }
  }

  /** The default bound for a maximum heap of {@code heap} bytes on a machine of {@code total}. */
  static long defaultLimit(long heap, long total) {
    long limit = heap + 2048 * MIB;
    if (total > 0) {
      limit = Math.min(limit, total / 4 * 3);
    }
    return Math.max(limit, heap + 512 * MIB);
  }

  /** The machine's physical memory in bytes, or 0 where the JVM cannot tell. */
  static long totalMemory() {
    try {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getTotalMemorySize();
      }
    } catch (RuntimeException | LinkageError e) {
      // fall through
    }
    return 0;
  }

  /** The bound in force (JavaCPP's), for the probe's detail. */
  static String describe() {
    long max = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
    return max > 0 ? "memory bound " + max / MIB + " MiB (" + PROPERTY + ")"
        : "no memory bound (" + PROPERTY + " = 0)";
  }
}
