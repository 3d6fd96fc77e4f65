package org.mrnn4j.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;
import org.mrnn4j.core.spi.Availability;

/**
 * Whether CUDA can run in this JVM, found out once and remembered: JCuda on the class path, its
 * JNI libraries and the CUDA libraries they need loadable ({@link JCudaNatives}), a driver that
 * initialises, and at least one device. Never throws: every failure, {@link LinkageError}s
 * included, becomes an unavailable answer that says what is missing.
 */
final class CudaSupport {
  /** CUDA_ERROR_INSUFFICIENT_DRIVER, which JCuda's CUresult does not name. */
  private static final int INSUFFICIENT_DRIVER = 35;

  private static volatile Availability answer;

  private CudaSupport() {}

  /** The cached answer, probing on first use (about 60 ms when the driver is absent). */
  static Availability probe() {
    Availability a = answer;
    if (a == null) {
      synchronized (CudaSupport.class) {
        a = answer;
        if (a == null) {
          a = safeProbe();
          answer = a;
        }
      }
    }
    return a;
  }

  private static Availability safeProbe() {
    try {
      return probeOnce();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return Availability.unavailable("CUDA could not be initialised: " + describe(t));
    }
  }

  private static Availability probeOnce() {
    try {
      Class.forName("jcuda.LibUtils", false, CudaSupport.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return Availability.unavailable(
          "JCuda is not on the class path (org.jcuda:jcuda and org.jcuda:jcublas are needed)");
    }
    Path dir = JCudaNatives.directory();
    JCudaNatives.LoadResult loaded;
    try {
      loaded = JCudaNatives.load(dir);
    } catch (IOException e) {
      return Availability.unavailable("cannot prepare JCuda's native libraries in " + dir + ": "
          + e.getMessage() + " (choose another directory with -D" + JCudaNatives.LIBDIR_PROPERTY
          + "=DIR)");
    }
    if (!loaded.ok()) {
      return Availability.unavailable(JCudaNatives.describeFailures(loaded.failures));
    }
    try {
      JCudaNatives.initializeJCuda(loaded);
    } catch (ClassNotFoundException | LinkageError e) {
      return Availability.unavailable("JCuda failed to initialise: " + describe(e));
    }
    int init = JCudaDriver.cuInit(0);
    if (init == CUresult.CUDA_ERROR_NO_DEVICE) {
      return Availability.unavailable("no CUDA device");
    }
    if (init == INSUFFICIENT_DRIVER) {
      return Availability.unavailable("the CUDA driver is too old for CUDA 12 ("
          + driverVersion() + "; CUDA_ERROR_INSUFFICIENT_DRIVER)");
    }
    if (init != CUresult.CUDA_SUCCESS) {
      return Availability.unavailable(
          "the CUDA driver failed to initialise: " + CUresult.stringFor(init));
    }
    int[] count = {0};
    int rc = JCudaDriver.cuDeviceGetCount(count);
    if (rc != CUresult.CUDA_SUCCESS) {
      return Availability.unavailable("cannot count CUDA devices: " + CUresult.stringFor(rc));
    }
    if (count[0] == 0) {
      return Availability.unavailable("no CUDA device");
    }
    return Availability.available(deviceSummary(0) + (count[0] > 1 ? " (" + count[0]
        + " devices)" : "") + ", " + driverVersion() + ", NVRTC " + nvrtcVersion());
  }

  /** For example {@code NVIDIA H100 80GB HBM3, compute capability 9.0}. */
  static String deviceSummary(int ordinal) {
    CUdevice device = new CUdevice();
    if (JCudaDriver.cuDeviceGet(device, ordinal) != CUresult.CUDA_SUCCESS) {
      return "device " + ordinal;
    }
    byte[] name = new byte[256];
    JCudaDriver.cuDeviceGetName(name, name.length, device);
    int len = 0;
    while (len < name.length && name[len] != 0) {
      len++;
    }
    int[] cc = computeCapability(device);
    return new String(name, 0, len, StandardCharsets.UTF_8) + ", compute capability " + cc[0]
        + "." + cc[1];
  }

  /** The device's compute capability {major, minor}. */
  static int[] computeCapability(CUdevice device) {
    int[] major = {0};
    int[] minor = {0};
    JCudaDriver.cuDeviceGetAttribute(
        major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    JCudaDriver.cuDeviceGetAttribute(
        minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    return new int[] {major[0], minor[0]};
  }

  private static String driverVersion() {
    int[] v = {0};
    JCudaDriver.cuDriverGetVersion(v);
    return "driver supports CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10;
  }

  private static String nvrtcVersion() {
    int[] major = {0};
    int[] minor = {0};
    JNvrtc.nvrtcVersion(major, minor);
    return major[0] + "." + minor[0];
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    if (msg != null) {
      int nl = msg.indexOf('\n');
      msg = (nl < 0 ? msg : msg.substring(0, nl)).trim();
    }
    String kind = t.getClass().getSimpleName();
    return msg == null || msg.isEmpty() ? kind : kind + ": " + msg;
  }
}
