package org.mrnn4j.examples.minimal;

import java.util.Set;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.eigen.ReferenceEigensolver;

/**
 * The smallest complete backend: float64 on the Java heap, in plain loops. It writes the four
 * methods {@link AbstractBackend} cannot default (creation, the matrix product, the Jacobian
 * kernel, the eigendecomposition); every other operation is AbstractBackend's host default, and
 * every argument check is AbstractBackend's too. It declares {@link Capability#EIGENVECTORS}
 * (the reference eigensolver computes them) and not {@link Capability#FLOAT32}, so float32 is
 * refused with a clear message and the float32 tests of the contract suite are skipped.
 */
public class MinimalBackend extends AbstractBackend {
  /** The name users select it by. */
  public static final String NAME = "minimal";

  /** A new backend; it holds nothing that needs closing. */
  public MinimalBackend() {
    super(NAME, Set.of(Capability.EIGENVECTORS));
  }

  /** Creation: every tensor, including every result of the defaults, is made here. */
  @Override
  protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
    return new MinimalTensor(this, data, shape); // data is already a copy; dtype is float64
  }

  /** The matrix product {@code op(a) op(b)}, as a loop over {@code i, k, j}. */
  @Override
  protected Tensor doMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    double[] x = data(a);
    double[] y = data(b);
    int rows = transposeA ? a.dim(1) : a.dim(0);
    int inner = transposeA ? a.dim(0) : a.dim(1);
    int cols = transposeB ? b.dim(0) : b.dim(1);
    int lda = a.dim(1);
    int ldb = b.dim(1);
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < inner; k++) {
        double aik = transposeA ? x[k * lda + i] : x[i * lda + k];
        for (int j = 0; j < cols; j++) {
          out[i * cols + j] += aik * (transposeB ? y[j * ldb + k] : y[k * ldb + j]);
        }
      }
    }
    return new MinimalTensor(this, out, new int[] {rows, cols});
  }

  /** The Jacobian block {@code a I + b diag(r) W diag(c)} at the spec's rows and columns. */
  @Override
  protected Tensor doJacobian(JacobianSpec spec) {
    int[] rows = spec.rowsOrAll().toIndices();
    int[] columns = spec.columnsOrAll().toIndices();
    double[] w = data(spec.weights());
    int m = spec.weights().dim(1);
    double[] r = spec.rowScale() == null ? null : data(spec.rowScale());
    double[] c = spec.columnScale() == null ? null : data(spec.columnScale());
    double[] out = new double[rows.length * columns.length];
    for (int p = 0; p < rows.length; p++) {
      int i = rows[p];
      double rowFactor = spec.scale() * (r == null ? 1 : r[i]);
      for (int q = 0; q < columns.length; q++) {
        int j = columns[q];
        double v = rowFactor * w[i * m + j] * (c == null ? 1 : c[j]);
        out[p * columns.length + q] = i == j ? v + spec.identity() : v;
      }
    }
    return new MinimalTensor(this, out, new int[] {rows.length, columns.length});
  }

  /** The eigendecomposition, by the reference eigensolver (it meets the contract's bounds). */
  @Override
  protected Eigendecomposition doEig(Tensor a, boolean vectors) {
    return ReferenceEigensolver.decompose(a.dim(0), data(a), vectors);
  }

  /** The elements of a tensor of this backend, without a copy (AbstractBackend checked it). */
  static double[] data(Tensor t) {
    return ((MinimalTensor) t).data;
  }
}
