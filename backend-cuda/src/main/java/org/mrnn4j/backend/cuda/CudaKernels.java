package org.mrnn4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.DType;

/**
 * The kernels of {@code kernels.cu}: the source (a resource of this package), the names the Java
 * side launches, the launch configuration, and their compilation with NVRTC for one device.
 */
final class CudaKernels {
  /** The resource holding the CUDA C source. */
  static final String SOURCE_RESOURCE = "kernels.cu";

  /** The kernels' base names; each exists with the suffixes {@code _f64} and {@code _f32}. */
  static final List<String> BASE_NAMES = List.of(
      "axpby", "mul", "scale", "add_vector", "activate", "transpose", "gather", "copy_columns",
      "jacobian", "jacobian_batch");

  /** Threads per block of every launch. */
  static final int BLOCK = 256;
  /** Most blocks per launch; the kernels' grid-stride loops cover larger sizes. */
  static final int MAX_GRID = 65535;

  /** NVRTC options besides the architecture: no fused multiply-add, to round as the CPU does. */
  static final List<String> NVRTC_OPTIONS = List.of("--fmad=false");

  /** Compiled images by target ({@code sm_90} -> cubin bytes, {@code compute_90} -> PTX text). */
  private static final Map<String, Object> IMAGES = new java.util.concurrent.ConcurrentHashMap<>();

  private final CUmodule module;
  private final Map<String, CUfunction> functions;
  private final String target;

  private CudaKernels(CUmodule module, Map<String, CUfunction> functions, String target) {
    this.module = module;
    this.functions = functions;
    this.target = target;
  }

  /** Every kernel's full name, e.g. {@code jacobian_f64}. */
  static List<String> allNames() {
    List<String> out = new ArrayList<>();
    for (String suffix : new String[] {"_f64", "_f32"}) {
      for (String base : BASE_NAMES) {
        out.add(base + suffix);
      }
    }
    return out;
  }

  /** The kernel's name for a dtype: {@code base_f64} or {@code base_f32}. */
  static String name(String base, DType dtype) {
    return base + (dtype == DType.FLOAT32 ? "_f32" : "_f64");
  }

  /** The source text of {@code kernels.cu}. */
  static String source() {
    try (InputStream in = CudaKernels.class.getResourceAsStream(SOURCE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the kernel source " + SOURCE_RESOURCE
            + " is missing from the mrnn4j-backend-cuda jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kernel source " + SOURCE_RESOURCE, e);
    }
  }

  /** The activation's code in {@code kernels.cu} (MRNN4J_RELU ...). */
  static int activationCode(Activation f) {
    return switch (f) {
      case RELU -> 0;
      case TANH -> 1;
      case SIGMOID -> 2;
      case SOFTPLUS -> 3;
      case LINEAR -> 4;
    };
  }

  /** Blocks for {@code n} outputs: enough for one output per thread, at most {@link #MAX_GRID}. */
  static int grid(long n) {
    return (int) Math.max(1, Math.min(MAX_GRID, (n + BLOCK - 1) / BLOCK));
  }

  /**
   * The NVRTC target for a device of compute capability {@code cc} (e.g. 90), given the
   * architectures this NVRTC supports: a cubin for the device itself when supported, else PTX for
   * the newest supported architecture below it, which the driver compiles further.
   *
   * @return {@code sm_XY} (cubin) or {@code compute_XY} (PTX)
   * @throws IllegalStateException if NVRTC supports nothing at or below {@code cc}
   */
  static String target(int cc, int[] supported) {
    int best = -1;
    for (int arch : supported) {
      if (arch == cc) {
        return "sm_" + cc;
      }
      if (arch < cc && arch > best) {
        best = arch;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("NVRTC supports no architecture at or below the device's "
          + "compute capability " + cc / 10 + "." + cc % 10 + " (it supports "
          + Arrays.toString(supported) + ")");
    }
    return "compute_" + best;
  }

  /**
   * Compiles {@code kernels.cu} with NVRTC for compute capability {@code major.minor} and loads it
   * into the current context.
   *
   * @throws IllegalStateException with NVRTC's log if compilation fails, or the driver's error
   */
  static CudaKernels compile(int major, int minor) {
    int[] count = {0};
    check(JNvrtc.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
    int[] archs = new int[count[0]];
    check(JNvrtc.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
    String target = target(major * 10 + minor, archs);
    // NVRTC takes about a second; every backend on a device of this kind shares the result
    Object image = IMAGES.computeIfAbsent(target, CudaKernels::nvrtc);
    CUmodule module = new CUmodule();
    int load = image instanceof byte[] cubin
        ? JCudaDriver.cuModuleLoadData(module, cubin)
        : JCudaDriver.cuModuleLoadData(module, (String) image);
    if (load != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException("the CUDA driver could not load the kernels compiled for "
          + target + ": " + CUresult.stringFor(load)
          + (load == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
              ? " (this NVRTC is newer than the driver; update the driver)" : ""));
    }
    Map<String, CUfunction> functions = new HashMap<>();
    for (String name : allNames()) {
      CUfunction f = new CUfunction();
      int got = JCudaDriver.cuModuleGetFunction(f, module, name);
      if (got != CUresult.CUDA_SUCCESS) {
        JCudaDriver.cuModuleUnload(module);
        throw new IllegalStateException("kernel " + name + " is missing from the compiled "
            + SOURCE_RESOURCE + ": " + CUresult.stringFor(got));
      }
      functions.put(name, f);
    }
    return new CudaKernels(module, functions, target);
  }

  /** Compiles the source with NVRTC: a cubin for {@code sm_XY}, PTX for {@code compute_XY}. */
  private static Object nvrtc(String target) {
    nvrtcProgram program = new nvrtcProgram();
    check(JNvrtc.nvrtcCreateProgram(program, source(), SOURCE_RESOURCE, 0, null, null),
        "nvrtcCreateProgram");
    try {
      List<String> options = new ArrayList<>(NVRTC_OPTIONS);
      options.add("--gpu-architecture=" + target);
      int rc = JNvrtc.nvrtcCompileProgram(program, options.size(), options.toArray(new String[0]));
      if (rc != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = {""};
        JNvrtc.nvrtcGetProgramLog(program, log);
        throw new IllegalStateException("NVRTC could not compile " + SOURCE_RESOURCE + " for "
            + target + " (" + nvrtcResult.stringFor(rc) + "):\n" + log[0]);
      }
      if (target.startsWith("sm_")) {
        long[] size = {0};
        check(JNvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
        byte[] cubin = new byte[(int) size[0]];
        check(JNvrtc.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
        return cubin;
      }
      String[] ptx = {null};
      check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
      return ptx[0];
    } finally {
      JNvrtc.nvrtcDestroyProgram(program);
    }
  }

  /** The compiled kernel called {@code name}. */
  CUfunction function(String name) {
    CUfunction f = functions.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no kernel called " + name);
    }
    return f;
  }

  /** What the kernels were compiled for: {@code sm_XY} or {@code compute_XY}. */
  String target() {
    return target;
  }

  /** Unloads the module (the context must be current). */
  void unload() {
    JCudaDriver.cuModuleUnload(module);
  }

  private static void check(int rc, String call) {
    if (rc != nvrtcResult.NVRTC_SUCCESS) {
      throw new IllegalStateException(call + " failed: " + nvrtcResult.stringFor(rc));
    }
  }
}
