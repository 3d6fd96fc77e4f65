package org.mrnn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.RecurrenceSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float64 recurrence ({@link RecurrenceSpec}) with one BLAS call and one heap pass per step.
 *
 * <p>The pre-activation output starts as a copy of the drive, so step {@code t}'s rows already
 * hold {@code E_t}; one {@code dgemm} with {@code beta = 1} adds {@code h_{t-1} W^T} in place,
 * reading {@code h_{t-1}} from the activation output's rows of the step before. In the batch-first
 * layout a step's rows are {@code T * N} apart, which {@code dgemm}'s leading dimensions express,
 * so neither layout needs a copy. The leak and the activation then run on the heap over one copy
 * of the step's rows (the vectorized {@link Tanh} for tanh), which are written back to both
 * outputs.
 */
final class FusedRecurrence {
  private FusedRecurrence() {}

  /**
   * Runs the recurrence.
   *
   * @param pool where the outputs' memory comes from
   * @param w {@code W}, C-ordered {@code [N, N]}
   * @param drive {@code E} in its layout, C-ordered
   * @param x0 {@code x_0} {@code [B, N]} (leaky only, else null)
   * @param h0 {@code h_0} {@code [B, N]}
   * @return {@code {x, h}}, new C-ordered arrays of the drive's shape
   */
  static INDArray[] run(BufferPool pool, RecurrenceSpec spec, INDArray w, INDArray drive,
      INDArray x0, INDArray h0) {
    int batch = spec.batchSize();
    int steps = spec.steps();
    int n = Math.toIntExact(w.size(0));
    boolean leaky = spec.isLeaky();
    double alpha = spec.alpha();
    Activation f = spec.activation();
    // distance between a step's consecutive batch rows, and where step t starts
    int rowStride = spec.batchFirst() ? steps * n : n;
    long stepStride = spec.batchFirst() ? n : (long) batch * n;

    INDArray xs = NativeBlas.copy(pool.uninitialized(DataType.DOUBLE, drive.shape()), drive);
    INDArray hs = pool.uninitialized(DataType.DOUBLE, drive.shape());
    try {
      DoublePointer wp = NativeBlas.doubles(w);
      DoublePointer xp = NativeBlas.doubles(xs);
      DoublePointer hp = NativeBlas.doubles(hs);
      DoublePointer h0p = NativeBlas.doubles(h0);
      DoubleBuffer xb = xp.capacity(xs.length()).asBuffer();
      DoubleBuffer hb = hp.capacity(hs.length()).asBuffer();
      int size = batch * n;
      double[] prev = leaky ? NativeBlas.toHost(x0) : null;
      double[] x = new double[size];
      double[] h = new double[size];
      DoublePointer a = new DoublePointer(h0p);
      DoublePointer c = new DoublePointer(xp);
      for (int t = 0; t < steps; t++) {
        long at = t * stepStride;
        c.position(at);
        openblas_nolapack.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, n, n, 1.0,
            a, t == 0 ? n : rowStride, wp, n, 1.0, c, rowStride);
        rows(xb, at, rowStride, batch, n, x, true);
        if (leaky) {
          for (int i = 0; i < size; i++) {
            x[i] = prev[i] + alpha * (x[i] - prev[i]);
          }
        }
        activate(f, x, h);
        if (leaky) {
          rows(xb, at, rowStride, batch, n, x, false);
          double[] swap = prev;
          prev = x;
          x = swap;
        }
        rows(hb, at, rowStride, batch, n, h, false);
        a = new DoublePointer(hp).position(at);
      }
      return new INDArray[] {xs, hs};
    } catch (RuntimeException | Error e) {
      pool.release(xs);
      pool.release(hs);
      throw e;
    } finally {
      Reference.reachabilityFence(w);
      Reference.reachabilityFence(h0);
      Reference.reachabilityFence(xs);
      Reference.reachabilityFence(hs);
    }
  }

  /** Copies a step's {@code batch} rows between the native buffer and the packed heap array. */
  private static void rows(DoubleBuffer buffer, long at, int rowStride, int batch, int n,
      double[] heap, boolean read) {
    for (int b = 0; b < batch; b++) {
      int index = Math.toIntExact(at + (long) b * rowStride);
      if (read) {
        buffer.get(index, heap, b * n, n);
      } else {
        buffer.put(index, heap, b * n, n);
      }
    }
  }

  private static void activate(Activation f, double[] x, double[] h) {
    if (f == Activation.TANH) {
      System.arraycopy(x, 0, h, 0, x.length);
      Tanh.tanh(h, 0, h.length);
      return;
    }
    for (int i = 0; i < x.length; i++) {
      h[i] = f.apply(x[i]);
    }
  }
}
