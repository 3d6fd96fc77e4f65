package org.mrnn4j.backend.cuda;

import java.util.function.Function;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;

/**
 * The parameter lists of the kernels in {@code kernels.cu}, in their signatures' order, built from
 * the operands. The backend turns each entry into a launch parameter ({@code Integer} -> int,
 * {@code Double} -> the element type, a buffer -> a device pointer, {@code null} -> a null
 * pointer); the tests feed the same lists to the kernels compiled for the CPU, so the order is
 * checked without a GPU.
 *
 * <p>{@code buffer} maps an operand tensor to what stands for its memory; {@code out} is the
 * output buffer; index lists are passed as given.
 */
final class KernelArgs {
  private KernelArgs() {}

  private static Object orNull(Tensor t, Function<Tensor, Object> buffer) {
    return t == null ? null : buffer.apply(t);
  }

  /** {@code axpby(n, alpha, x, beta, y, out)}. */
  static Object[] axpby(double alpha, Tensor a, double beta, Tensor b, Object out,
      Function<Tensor, Object> buffer) {
    return new Object[] {(int) a.size(), alpha, buffer.apply(a), beta, buffer.apply(b), out};
  }

  /** {@code mul(n, x, y, out)}. */
  static Object[] mul(Tensor a, Tensor b, Object out, Function<Tensor, Object> buffer) {
    return new Object[] {(int) a.size(), buffer.apply(a), buffer.apply(b), out};
  }

  /** {@code scale(n, s, x, out)}. */
  static Object[] scale(Tensor a, double s, Object out, Function<Tensor, Object> buffer) {
    return new Object[] {(int) a.size(), s, buffer.apply(a), out};
  }

  /** {@code add_vector(n, m, x, v, out)}. */
  static Object[] addVector(Tensor a, Tensor v, Object out, Function<Tensor, Object> buffer) {
    return new Object[] {(int) a.size(), v.dim(0), buffer.apply(a), buffer.apply(v), out};
  }

  /** {@code activate(n, act, derivative, x, out)}. */
  static Object[] activate(Activation f, Tensor x, boolean derivative, Object out,
      Function<Tensor, Object> buffer) {
    return new Object[] {
      (int) x.size(), CudaKernels.activationCode(f), derivative ? 1 : 0, buffer.apply(x), out
    };
  }

  /** {@code transpose(rows, cols, x, out)}. */
  static Object[] transpose(Tensor a, Object out, Function<Tensor, Object> buffer) {
    return new Object[] {a.dim(0), a.dim(1), buffer.apply(a), out};
  }

  /** {@code gather(nr, nc, x, ldx, rowIdx, colIdx, out)}: the block of matrix {@code a}. */
  static Object[] gather(Tensor a, int nr, int nc, Object rowIdx, Object colIdx, Object out,
      Function<Tensor, Object> buffer) {
    return new Object[] {nr, nc, buffer.apply(a), a.dim(1), rowIdx, colIdx, out};
  }

  /**
   * {@code copy_columns(rows, cols, src, dst, ldd, offset)}: matrix {@code part} into the columns
   * from {@code offset} of {@code out}, which has {@code width} columns.
   */
  static Object[] copyColumns(Tensor part, Object out, int width, int offset,
      Function<Tensor, Object> buffer) {
    return new Object[] {part.dim(0), part.dim(1), buffer.apply(part), out, width, offset};
  }

  /** {@code jacobian(nr, nc, a, b, r, W, ldw, c, rowIdx, colIdx, out)}. */
  static Object[] jacobian(JacobianSpec spec, int nr, int nc, Object rowIdx, Object colIdx,
      Object out, Function<Tensor, Object> buffer) {
    Tensor w = spec.weights();
    return new Object[] {
      nr, nc, spec.identity(), spec.scale(), orNull(spec.rowScale(), buffer), buffer.apply(w),
      w.dim(1), orNull(spec.columnScale(), buffer), rowIdx, colIdx, out
    };
  }

  /** {@code jacobian_batch(batch, nr, nc, a, b, r, n, W, ldw, c, m, rowIdx, colIdx, out)}. */
  static Object[] jacobianBatch(JacobianSpec spec, int batch, int nr, int nc, Object rowIdx,
      Object colIdx, Object out, Function<Tensor, Object> buffer) {
    Tensor w = spec.weights();
    return new Object[] {
      batch, nr, nc, spec.identity(), spec.scale(), orNull(spec.rowScale(), buffer), w.dim(0),
      buffer.apply(w), w.dim(1), orNull(spec.columnScale(), buffer), w.dim(1), rowIdx, colIdx, out
    };
  }
}
