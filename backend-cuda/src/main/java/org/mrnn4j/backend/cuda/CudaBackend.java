package org.mrnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;

/**
 * The GPU backend: tensors in device memory, matrix products with cuBLAS, the Jacobian kernels and
 * the elementwise operations as CUDA C kernels compiled at start-up with NVRTC for the device
 * ({@code kernels.cu}), and the eigendecomposition on the host, by the best CPU backend available
 * (hence {@link Capability#HOST_EIGEN}).
 *
 * <p>Create it through {@link org.mrnn4j.core.Backends#select(String) Backends.select("cuda")} or
 * {@link CudaModule}. Options ({@link org.mrnn4j.core.spi.BackendOptions}): {@code device} (the
 * CUDA device ordinal, default 0) and {@code host} (the CPU backend for the eigendecomposition,
 * default the highest-ranked available one).
 *
 * <p>All device work of one backend is serialised on one lock and runs on the device's primary
 * context and its default stream, so results do not depend on the calling thread. Every tensor is
 * freed by its {@link Tensor#close()}; closing the backend frees those still open.
 */
public final class CudaBackend extends AbstractBackend {
  /** Operands stand for their device memory in kernel argument lists. */
  private static final java.util.function.Function<Tensor, Object> BUFFER = t -> t;

  private final Object lock = new Object();
  private final int ordinal;
  private final CUdevice device;
  private final CUcontext context;
  private final CudaKernels kernels;
  private final cublasHandle cublas;
  private final Backend host;
  private final String deviceSummary;
  /** Tensors not yet closed, freed by {@link #close()}. Guarded by {@link #lock}. */
  private final Set<CudaTensor> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;

  private CudaBackend(Set<Capability> capabilities, int ordinal, CUdevice device,
      CUcontext context, CudaKernels kernels, cublasHandle cublas, Backend host) {
    super("cuda", capabilities);
    this.ordinal = ordinal;
    this.device = device;
    this.context = context;
    this.kernels = kernels;
    this.cublas = cublas;
    this.host = host;
    this.deviceSummary = CudaSupport.deviceSummary(ordinal);
  }

  /**
   * Starts the backend on device {@code ordinal}: retains its primary context, compiles the
   * kernels, creates the cuBLAS handle. CUDA must have been probed available.
   *
   * @param host the CPU backend that computes eigendecompositions; closed with this backend
   * @throws IllegalStateException naming the CUDA call that failed
   */
  static CudaBackend start(int ordinal, Backend host) {
    int[] count = {0};
    check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
    if (ordinal < 0 || ordinal >= count[0]) {
      throw new IllegalArgumentException("CUDA device " + ordinal
          + " does not exist; this machine has " + count[0]
          + " device(s), numbered from 0 (backend option 'device')");
    }
    CUdevice device = new CUdevice();
    check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet");
    CUcontext context = new CUcontext();
    check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    CudaKernels kernels = null;
    cublasHandle cublas = null;
    try {
      check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      int[] cc = CudaSupport.computeCapability(device);
      kernels = CudaKernels.compile(cc[0], cc[1]);
      cublas = new cublasHandle();
      checkBlas(JCublas2.cublasCreate(cublas), "cublasCreate");
      Set<Capability> caps = EnumSet.of(
          Capability.GPU, Capability.NATIVE, Capability.FLOAT32, Capability.HOST_EIGEN);
      if (host.supports(Capability.EIGENVECTORS)) {
        caps.add(Capability.EIGENVECTORS);
      }
      return new CudaBackend(caps, ordinal, device, context, kernels, cublas, host);
    } catch (RuntimeException | Error e) {
      if (kernels != null) {
        kernels.unload();
      }
      JCudaDriver.cuDevicePrimaryCtxRelease(device);
      throw e;
    }
  }

  /**
   * The device, e.g. {@code NVIDIA H100 80GB HBM3, compute capability 9.0}.
   *
   * @return the device's name and compute capability
   */
  public String device() {
    return deviceSummary;
  }

  /**
   * The backend that computes eigendecompositions on the host.
   *
   * @return the CPU backend this backend delegates eigendecompositions to, closed with it
   */
  public Backend hostBackend() {
    return host;
  }

  /**
   * What NVRTC compiled the kernels for: {@code sm_XY} (cubin) or {@code compute_XY} (PTX).
   *
   * @return the compilation target of the kernels, e.g. {@code sm_90}
   */
  public String kernelTarget() {
    return kernels.target();
  }

  @Override
  public String toString() {
    return "cuda backend (device " + ordinal + ": " + deviceSummary + "; eigen on " + host.name()
        + ")";
  }

  // ------------------------------------------------------------------ memory

  /** Makes the context current on this thread; call with the lock held. */
  private void enter() {
    if (closed) {
      throw new IllegalStateException("the cuda backend has been closed");
    }
    check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  private CudaTensor allocate(DType dtype, int[] shape) {
    long elements = 1;
    for (int d : shape) {
      elements *= d;
    }
    CUdeviceptr p = null;
    if (elements > 0) {
      p = new CUdeviceptr();
      int rc = JCudaDriver.cuMemAlloc(p, elements * dtype.bytes());
      if (rc != CUresult.CUDA_SUCCESS) {
        throw new IllegalStateException("cannot allocate " + elements * dtype.bytes()
            + " bytes of GPU memory for a " + dtype + " tensor of shape "
            + java.util.Arrays.toString(shape) + ": " + CUresult.stringFor(rc));
      }
    }
    CudaTensor t = new CudaTensor(this, dtype, shape, p);
    live.add(t);
    return t;
  }

  void free(CudaTensor t) {
    synchronized (lock) {
      if (!live.remove(t) || closed) {
        return;
      }
      if (t.pointer() != null) {
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuMemFree(t.pointer());
      }
    }
  }

  double[] download(CudaTensor t) {
    synchronized (lock) {
      enter();
      double[] out = new double[(int) t.size()];
      if (out.length == 0) {
        return out;
      }
      if (t.dtype() == DType.FLOAT64) {
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), t.pointer(), t.bytes()), "cuMemcpyDtoH");
      } else {
        float[] f = new float[out.length];
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(f), t.pointer(), t.bytes()), "cuMemcpyDtoH");
        for (int i = 0; i < f.length; i++) {
          out[i] = f[i];
        }
      }
      return out;
    }
  }

  private CudaTensor upload(double[] data, DType dtype, int[] shape) {
    CudaTensor t = allocate(dtype, shape);
    if (data.length > 0) {
      Pointer src;
      if (dtype == DType.FLOAT64) {
        src = Pointer.to(data);
      } else {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) data[i];
        }
        src = Pointer.to(f);
      }
      check(JCudaDriver.cuMemcpyHtoD(t.pointer(), src, t.bytes()), "cuMemcpyHtoD");
    }
    return t;
  }

  /** Index lists for the kernels, in device memory; the caller frees them. */
  private CUdeviceptr uploadIndices(int[] indices) {
    CUdeviceptr p = new CUdeviceptr();
    check(JCudaDriver.cuMemAlloc(p, Math.max(1, indices.length) * 4L), "cuMemAlloc");
    if (indices.length > 0) {
      check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(indices), indices.length * 4L), "cuMemcpyHtoD");
    }
    return p;
  }

  /** Frees index lists once the kernels using them have finished. */
  private static void freeIndices(CUdeviceptr rows, CUdeviceptr columns) {
    // cuMemFree waits for the device anyway; the explicit synchronisation also surfaces a failed
    // kernel here, at the operation that launched it
    int rc = JCudaDriver.cuCtxSynchronize();
    JCudaDriver.cuMemFree(rows);
    JCudaDriver.cuMemFree(columns);
    check(rc, "the kernel");
  }

  private static CudaTensor cuda(Tensor t) {
    return (CudaTensor) t;
  }

  // ------------------------------------------------------------------ kernels

  /** Launches {@code base} for the dtype over {@code n} outputs with the given parameters. */
  private void launch(String base, DType dtype, long n, Object[] params) {
    if (n == 0) {
      return;
    }
    NativePointerObject[] args = new NativePointerObject[params.length];
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Integer v) {
        args[i] = Pointer.to(new int[] {v});
      } else if (p instanceof Double v) {
        // Floating-point scalars take the kernel's element type.
        args[i] = dtype == DType.FLOAT64
            ? Pointer.to(new double[] {v}) : Pointer.to(new float[] {v.floatValue()});
      } else if (p instanceof CudaTensor t) {
        args[i] = Pointer.to(t.pointer() != null ? t.pointer() : new CUdeviceptr());
      } else if (p instanceof CUdeviceptr d) {
        args[i] = Pointer.to(d);
      } else if (p == null) {
        args[i] = Pointer.to(new CUdeviceptr()); // a null device pointer: "all ones"
      } else {
        throw new IllegalArgumentException("unsupported kernel parameter " + p);
      }
    }
    int rc = JCudaDriver.cuLaunchKernel(kernels.function(CudaKernels.name(base, dtype)),
        CudaKernels.grid(n), 1, 1, CudaKernels.BLOCK, 1, 1, 0, null, Pointer.to(args), null);
    check(rc, "launching kernel " + CudaKernels.name(base, dtype));
  }

  // ------------------------------------------------------------------ operations

  @Override
  protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
    synchronized (lock) {
      enter();
      return upload(data, dtype, shape);
    }
  }

  @Override
  protected Tensor doReshape(Tensor a, int[] shape) {
    synchronized (lock) {
      enter();
      return copyRange(cuda(a), 0, a.size(), shape);
    }
  }

  /** A new tensor holding elements [from, from + count) of {@code a}, with the given shape. */
  private CudaTensor copyRange(CudaTensor a, long from, long count, int[] shape) {
    CudaTensor out = allocate(a.dtype(), shape);
    if (count > 0) {
      int bytes = a.dtype().bytes();
      check(JCudaDriver.cuMemcpyDtoD(out.pointer(), a.pointer().withByteOffset(from * bytes),
          count * bytes), "cuMemcpyDtoD");
    }
    return out;
  }

  @Override
  protected Tensor doTranspose(Tensor a) {
    synchronized (lock) {
      enter();
      int rows = a.dim(0);
      int cols = a.dim(1);
      CudaTensor out = allocate(a.dtype(), new int[] {cols, rows});
      launch("transpose", a.dtype(), a.size(), KernelArgs.transpose(a, out, BUFFER));
      return out;
    }
  }

  @Override
  protected Tensor doSlice(Tensor a, int from, int to) {
    synchronized (lock) {
      enter();
      int[] shape = a.shape();
      long inner = shape[0] == 0 ? 0 : a.size() / shape[0];
      shape[0] = to - from;
      return copyRange(cuda(a), from * inner, (to - from) * inner, shape);
    }
  }

  @Override
  protected Tensor doAt(Tensor a, int index) {
    synchronized (lock) {
      enter();
      int[] shape = a.shape();
      long inner = a.size() / shape[0];
      return copyRange(cuda(a), index * inner, inner,
          java.util.Arrays.copyOfRange(shape, 1, shape.length));
    }
  }

  /** The parts' buffers one after the other, on the device. */
  @Override
  protected Tensor doJoin(List<Tensor> parts, int[] shape) {
    synchronized (lock) {
      enter();
      DType dtype = parts.get(0).dtype();
      CudaTensor out = allocate(dtype, shape);
      long at = 0;
      for (Tensor t : parts) {
        CudaTensor p = cuda(t);
        if (p.size() > 0) {
          check(JCudaDriver.cuMemcpyDtoD(out.pointer().withByteOffset(at * dtype.bytes()),
              p.pointer(), p.bytes()), "cuMemcpyDtoD");
        }
        at += p.size();
      }
      return out;
    }
  }

  @Override
  protected Tensor doConcatColumns(List<Tensor> parts) {
    synchronized (lock) {
      enter();
      int rows = parts.get(0).dim(0);
      int cols = 0;
      for (Tensor t : parts) {
        cols += t.dim(1);
      }
      DType dtype = parts.get(0).dtype();
      CudaTensor out = allocate(dtype, new int[] {rows, cols});
      int offset = 0;
      for (Tensor t : parts) {
        launch("copy_columns", dtype, t.size(),
            KernelArgs.copyColumns(t, out, cols, offset, BUFFER));
        offset += t.dim(1);
      }
      return out;
    }
  }

  @Override
  protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
    int[] ri = rows.toIndices();
    int[] ci = columns.toIndices();
    return indexed("gather", a.dtype(), new int[] {ri.length, ci.length}, ri, ci,
        (r, c, out) -> KernelArgs.gather(a, ri.length, ci.length, r, c, out, BUFFER));
  }

  @Override
  protected Tensor doMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    synchronized (lock) {
      enter();
      int m = transposeA ? a.dim(1) : a.dim(0);
      int k = transposeA ? a.dim(0) : a.dim(1);
      int n = transposeB ? b.dim(0) : b.dim(1);
      DType dtype = a.dtype();
      CudaTensor out = allocate(dtype, new int[] {m, n});
      if (out.size() == 0) {
        return out;
      }
      if (k == 0) {
        check(JCudaDriver.cuMemsetD8(out.pointer(), (byte) 0, out.bytes()), "cuMemsetD8");
        return out;
      }
      Gemm g = Gemm.of(a.dim(0), a.dim(1), transposeA, b.dim(0), b.dim(1), transposeB);
      // the first cuBLAS operand is B's buffer, the second A's (see Gemm)
      Pointer first = cuda(b).pointer();
      Pointer second = cuda(a).pointer();
      int rc;
      if (dtype == DType.FLOAT64) {
        rc = JCublas2.cublasDgemm(cublas, g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(),
            Pointer.to(new double[] {1.0}), first, g.ldFirst(), second, g.ldSecond(),
            Pointer.to(new double[] {0.0}), out.pointer(), g.ldc());
      } else {
        rc = JCublas2.cublasSgemm(cublas, g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(),
            Pointer.to(new float[] {1f}), first, g.ldFirst(), second, g.ldSecond(),
            Pointer.to(new float[] {0f}), out.pointer(), g.ldc());
      }
      checkBlas(rc, dtype == DType.FLOAT64 ? "cublasDgemm" : "cublasSgemm");
      return out;
    }
  }

  @Override
  protected Tensor doAxpby(double alpha, Tensor a, double beta, Tensor b) {
    return elementwise("axpby", a, out -> KernelArgs.axpby(alpha, a, beta, b, out, BUFFER));
  }

  @Override
  protected Tensor doMul(Tensor a, Tensor b) {
    return elementwise("mul", a, out -> KernelArgs.mul(a, b, out, BUFFER));
  }

  @Override
  protected Tensor doScale(Tensor a, double s) {
    return elementwise("scale", a, out -> KernelArgs.scale(a, s, out, BUFFER));
  }

  @Override
  protected Tensor doAddVector(Tensor a, Tensor v) {
    return elementwise("add_vector", a, out -> KernelArgs.addVector(a, v, out, BUFFER));
  }

  @Override
  protected Tensor doActivate(Activation f, Tensor x, boolean derivative) {
    return elementwise("activate", x, out -> KernelArgs.activate(f, x, derivative, out, BUFFER));
  }

  /** A new tensor shaped like {@code like}, written by kernel {@code base} with these arguments. */
  private Tensor elementwise(String base, Tensor like,
      java.util.function.Function<CudaTensor, Object[]> args) {
    synchronized (lock) {
      enter();
      CudaTensor out = allocate(like.dtype(), like.shape());
      launch(base, like.dtype(), like.size(), args.apply(out));
      return out;
    }
  }

  @Override
  protected Tensor doJacobian(JacobianSpec spec) {
    int[] ri = spec.rowsOrAll().toIndices();
    int[] ci = spec.columnsOrAll().toIndices();
    return indexed("jacobian", spec.weights().dtype(), new int[] {ri.length, ci.length}, ri, ci,
        (r, c, out) -> KernelArgs.jacobian(spec, ri.length, ci.length, r, c, out, BUFFER));
  }

  @Override
  protected Tensor doJacobianBatch(JacobianSpec spec, int batch) {
    int[] ri = spec.rowsOrAll().toIndices();
    int[] ci = spec.columnsOrAll().toIndices();
    return indexed("jacobian_batch", spec.weights().dtype(),
        new int[] {batch, ri.length, ci.length}, ri, ci,
        (r, c, out) -> KernelArgs.jacobianBatch(spec, batch, ri.length, ci.length, r, c, out,
            BUFFER));
  }

  /** The arguments of a kernel that reads row and column index lists from the device. */
  @FunctionalInterface
  private interface IndexedArgs {
    Object[] of(CUdeviceptr rows, CUdeviceptr columns, CudaTensor out);
  }

  /**
   * A new tensor of {@code shape}, written by kernel {@code base} (one thread an element) with the
   * index lists {@code ri} and {@code ci} uploaded for it and freed after it; an empty result
   * launches nothing.
   */
  private Tensor indexed(String base, DType dtype, int[] shape, int[] ri, int[] ci,
      IndexedArgs args) {
    synchronized (lock) {
      enter();
      CudaTensor out = allocate(dtype, shape);
      if (out.size() == 0) {
        return out;
      }
      CUdeviceptr r = uploadIndices(ri);
      CUdeviceptr c = uploadIndices(ci);
      try {
        launch(base, dtype, out.size(), args.of(r, c, out));
      } finally {
        freeIndices(r, c);
      }
      return out;
    }
  }

  @Override
  protected Eigendecomposition doEig(Tensor a, boolean vectors) {
    // No CUDA 12 binding of cuSOLVER exists for Java: the host backend decomposes a copy.
    try (Tensor h = host.fromArray(a.toArray(), DType.FLOAT64, a.shape())) {
      return host.eig(h, vectors);
    }
  }

  @Override
  protected List<Eigendecomposition> doEigBatch(Tensor a, boolean vectors) {
    try (Tensor h = host.fromArray(a.toArray(), DType.FLOAT64, a.shape())) {
      return host.eigBatch(h, vectors);
    }
  }

  /**
   * The cuBLAS (column-major) call for the row-major product {@code C = op(A) op(B)}: a row-major
   * buffer read column-major is the transpose, so cuBLAS computes {@code C^T = op(B)^T op(A)^T},
   * with B's buffer as its first operand and A's as its second. {@code m, n, k} and the operations
   * and leading dimensions are cuBLAS's.
   */
  record Gemm(int opFirst, int opSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {
    static Gemm of(int aRows, int aCols, boolean transposeA, int bRows, int bCols,
        boolean transposeB) {
      int rows = transposeA ? aCols : aRows; // of C
      int inner = transposeA ? aRows : aCols;
      int cols = transposeB ? bRows : bCols; // of C
      return new Gemm(
          transposeB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
          transposeA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
          cols, rows, inner, bCols, aCols, cols);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Frees every tensor still open, the kernels, the cuBLAS handle and the context, after every
   * operation in flight has finished ({@link AbstractBackend#close()}).
   */
  @Override
  protected void doClose() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        JCudaDriver.cuCtxSetCurrent(context);
        for (CudaTensor t : new ArrayList<>(live)) {
          t.close();
        }
        JCublas2.cublasDestroy(cublas);
        kernels.unload();
      } finally {
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
        host.close();
      }
    }
  }

  /**
   * The number of tensors of this backend not yet closed (for tests and leak checks).
   *
   * @return the count of open tensors of this backend, 0 once it is closed
   */
  public int openTensors() {
    synchronized (lock) {
      return live.size();
    }
  }

  private static void check(int rc, String what) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException(what + " failed: " + CUresult.stringFor(rc));
    }
  }

  private static void checkBlas(int rc, String what) {
    if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      throw new IllegalStateException(what + " failed: " + cublasStatus.stringFor(rc));
    }
  }
}
