package org.mrnn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct calls into the OpenBLAS that ND4J itself links ({@code openblas_nolapack}), and plain
 * copies, on the buffers of contiguous, offset-free, C-ordered arrays (every tensor's array is
 * one). One JNI call per operation, where ND4J builds and dispatches an op: for the products and
 * sums of one RNN step, or of a single operating point, that overhead was as large as the work.
 */
final class NativeBlas {
  private NativeBlas() {}

  /**
   * {@code c = op(a) op(b)}, all C-ordered (row-major), {@code c} of shape {@code [m, n]} and
   * written whole ({@code beta = 0}, so its prior content is never read).
   */
  static void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c,
      int m, int n, int k) {
    int ta = transposeA ? CblasTrans : CblasNoTrans;
    int tb = transposeB ? CblasTrans : CblasNoTrans;
    int lda = Math.toIntExact(a.size(1));
    int ldb = Math.toIntExact(b.size(1));
    try {
      if (c.dataType() == DataType.FLOAT) {
        openblas_nolapack.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, floats(a), lda,
            floats(b), ldb, 0.0f, floats(c), n);
      } else {
        openblas_nolapack.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, doubles(a), lda,
            doubles(b), ldb, 0.0, doubles(c), n);
      }
    } finally {
      // the pointers do not keep the arrays (and so their native memory) alive
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(c);
    }
  }

  /**
   * Rows {@code [from, to)} of {@code c = a b} with {@code a [m, k]}, {@code b [k, n]} and
   * {@code c [m, n]}, all C-ordered and offset-free: one {@code ?gemm} on the row block, reading
   * and writing through offset pointers, so blocks can run on different threads.
   */
  static void gemmRows(INDArray a, INDArray b, INDArray c, int from, int to, int n, int k) {
    int rows = to - from;
    try {
      if (c.dataType() == DataType.FLOAT) {
        openblas_nolapack.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f,
            floats(a).position((long) from * k), k, floats(b), n, 0.0f,
            floats(c).position((long) from * n), n);
      } else {
        openblas_nolapack.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0,
            doubles(a).position((long) from * k), k, doubles(b), n, 0.0,
            doubles(c).position((long) from * n), n);
      }
    } finally {
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(c);
    }
  }

  /**
   * {@code alpha a + beta b} into {@code out}, a C-ordered array of their shape (all contiguous C order):
   * a copy and two level-1 calls, each one pass without ND4J's per-op overhead. Only for nonzero
   * {@code alpha} and {@code beta}: BLAS skips a zero factor's product, which would drop the NaN
   * of {@code 0 * inf}.
   */
  static INDArray axpby(INDArray out, double alpha, INDArray a, double beta, INDArray b) {
    int len = Math.toIntExact(a.length());
    try {
      if (a.dataType() == DataType.FLOAT) {
        FloatPointer o = floats(out);
        openblas_nolapack.cblas_scopy(len, floats(b), 1, o, 1);
        if (beta != 1.0) {
          openblas_nolapack.cblas_sscal(len, (float) beta, o, 1);
        }
        openblas_nolapack.cblas_saxpy(len, (float) alpha, floats(a), 1, o, 1);
      } else {
        DoublePointer o = doubles(out);
        openblas_nolapack.cblas_dcopy(len, doubles(b), 1, o, 1);
        if (beta != 1.0) {
          openblas_nolapack.cblas_dscal(len, beta, o, 1);
        }
        openblas_nolapack.cblas_daxpy(len, alpha, doubles(a), 1, o, 1);
      }
    } finally {
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
    }
    return out;
  }

  /**
   * {@code x} with {@code v} added to each row, into {@code out} (C order, {@code x}'s length):
   * {@code x} is {@code [rows, n]}, {@code v} {@code [n]}.
   */
  static INDArray addRows(INDArray out, INDArray x, INDArray v) {
    int len = Math.toIntExact(x.length());
    int n = Math.toIntExact(v.length());
    int rows = len / n;
    try {
      if (x.dataType() == DataType.FLOAT) {
        FloatPointer o = floats(out);
        FloatPointer pv = floats(v);
        openblas_nolapack.cblas_scopy(len, floats(x), 1, o, 1);
        for (int r = 0; r < rows; r++) {
          openblas_nolapack.cblas_saxpy(n, 1.0f, pv, 1, o.position((long) r * n), 1);
        }
      } else {
        DoublePointer o = doubles(out);
        DoublePointer pv = doubles(v);
        openblas_nolapack.cblas_dcopy(len, doubles(x), 1, o, 1);
        for (int r = 0; r < rows; r++) {
          openblas_nolapack.cblas_daxpy(n, 1.0, pv, 1, o.position((long) r * n), 1);
        }
      }
    } finally {
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(v);
      Reference.reachabilityFence(out);
    }
    return out;
  }

  /**
   * {@code out}, a C-ordered array (of any shape) filled with the buffer of {@code x}
   * (contiguous C order, the same length): one {@code memcpy}, where ND4J's {@code dup} of a reshaped view runs at a
   * fraction of memory bandwidth.
   */
  static INDArray copy(INDArray out, INDArray x) {
    try {
      Pointer.memcpy(out.data().addressPointer(), x.data().addressPointer(),
          x.length() * x.dataType().width());
    } finally {
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
    return out;
  }

  /** The buffer of {@code x} (contiguous C order, offset-free) on the heap, widened to double. */
  static double[] toHost(INDArray x) {
    int len = Math.toIntExact(x.length());
    double[] out = new double[len];
    try {
      if (x.dataType() == DataType.FLOAT) {
        float[] f = new float[len];
        floats(x).get(f);
        for (int i = 0; i < len; i++) {
          out[i] = f[i];
        }
      } else {
        doubles(x).get(out);
      }
    } finally {
      Reference.reachabilityFence(x);
    }
    return out;
  }

  /** {@code out}, a C-ordered array of {@code data}'s length, filled with {@code data} (rounded to its dtype). */
  static INDArray fromHost(INDArray out, double[] data) {
    try {
      if (out.dataType() == DataType.FLOAT) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) data[i];
        }
        floats(out).put(f);
      } else {
        doubles(out).put(data);
      }
    } finally {
      Reference.reachabilityFence(out);
    }
    return out;
  }

  /** A pointer to the buffer of {@code x}; it does not keep {@code x} alive. */
  static DoublePointer doubles(INDArray x) {
    return new DoublePointer(x.data().addressPointer());
  }

  private static FloatPointer floats(INDArray x) {
    return new FloatPointer(x.data().addressPointer());
  }

  private static final java.util.concurrent.atomic.AtomicBoolean DEFAULT_APPLIED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Once per JVM, before the first backend computes: one OpenBLAS thread per calling thread,
   * unless {@code OPENBLAS_NUM_THREADS} says otherwise. The library parallelises across
   * independent problems instead (batched eigendecompositions on the common pool), and callers
   * from many threads then never oversubscribe the cores: OpenBLAS's own pool gains nothing here
   * (dgeev's Hessenberg QR is sequential; the simulation benchmark at n = 1024 took 271 ms with 1
   * thread and with 2) and, shared by concurrent callers, it spin-waits: 8 threads calling dgeev
   * through one 2-thread pool ran 40 times slower than with 1 thread each.
   */
  static void applyDefaultThreads() {
    if (DEFAULT_APPLIED.compareAndSet(false, true) && System.getenv("OPENBLAS_NUM_THREADS") == null) {
      setThreads(1);
    }
  }

  /** Sets the number of OpenBLAS threads (process-wide). */
  static void setThreads(int threads) {
    openblas_nolapack.blas_set_num_threads(threads);
  }

  /** The number of OpenBLAS threads. */
  static int threads() {
    return openblas_nolapack.blas_get_num_threads();
  }
}
