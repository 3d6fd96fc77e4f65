package org.mrnn4j.backend.ejml;

import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.mrnn4j.core.AbstractBackend;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.eigen.ReferenceEigensolver;

/**
 * The pure-Java CPU backend on EJML: float64 tensors on the Java heap, matrix products by
 * {@link CommonOps_DDRM}, elementwise operations and the Jacobian kernel as plain loops.
 *
 * <p><b>Eigendecomposition</b> ({@link ReferenceEigensolver}, of the module {@code mrnn4j-eigen}, which
 * other backends may use too). The matrix is first balanced as LAPACK's {@code dgeev} does
 * ({@code dgebal} 'B'): a symmetric permutation isolates the eigenvalues its zero pattern already
 * determines (an inactive relu unit's Jacobian column holds only {@code 1 - alpha}), which are
 * then read off the diagonal exactly, and the remaining coupled block is scaled by powers of 2
 * (exactly) to equal row and column norms. That block is reduced to upper Hessenberg form
 * (EJML's {@code HessenbergSimilarDecomposition_DDRM}, giving {@code A = Q H Q^T} for the balanced
 * matrix); EJML's double-shift QR iteration gives its eigenvalues. EJML's own eigenvector routine
 * is not used, since it returns no vectors for complex eigenvalues. Instead each eigenvector
 * comes from inverse iteration on {@code H} with the eigenvalue as (complex) shift, as in
 * LAPACK's {@code dhsein}: one
 * {@code O(n^2)} LU factorisation of the Hessenberg matrix {@code H - lambda I} per eigenvalue,
 * shifts closer than {@code ulp |H|} perturbed apart, each vector solved on the leading block of
 * {@code H} that holds it, and mapped back with {@code Q} and the balancing ({@code dgebak}).
 * Of a complex-conjugate pair only one vector is solved for; the partner's is its conjugate.
 * Copies of a repeated eigenvalue start from different vectors and are kept orthogonal to the
 * earlier ones as long as that still yields an eigenvector, so a diagonalizable matrix gets
 * independent eigenvectors while a defective one gets its (repeated) true eigenvectors. The
 * whole costs {@code O(n^3)}. Every pair satisfies {@code |A v - lambda v| <= c ulp |A| |v|} with a
 * small {@code c} (at most {@code 1e-12 |A| |v|} for copies of a repeated eigenvalue), defective
 * matrices included. Eigenvalues-only mode skips {@code Q} and the vectors.
 *
 * <p>Results come in the canonical form of {@link Eigendecomposition}: eigenvalues by descending
 * modulus, then descending real part, then descending imaginary part (of a conjugate pair, the
 * one with positive imaginary part first); eigenvectors of unit norm with their largest component
 * real and positive.
 *
 * <p>Stateless apart from its name: safe to share between threads, and bit-for-bit deterministic
 * (EJML's single-threaded kernels are used).
 */
public final class EjmlBackend extends AbstractBackend {
  /** The name this backend is selected by. */
  public static final String NAME = "ejml";

  /** A new EJML backend. It holds no resources; {@link #close()} is a no-op. */
  public EjmlBackend() {
    super(NAME, Set.of(Capability.EIGENVECTORS));
  }

  private static double[] data(Tensor t) {
    return ((EjmlTensor) t).data();
  }

  private EjmlTensor tensor(double[] data, int... shape) {
    return new EjmlTensor(this, shape, data);
  }

  // ------------------------------------------------------------------ creation and shape

  @Override
  protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
    // AbstractBackend hands over a fresh array (a copy of the caller's, or an op's own result), so
    // it can be kept; tensors are immutable and share storage (see doReshape)
    return tensor(data, shape);
  }

  @Override
  protected Tensor doReshape(Tensor a, int[] shape) {
    // the storage is immutable, so the new shape may share it
    return tensor(data(a), shape);
  }

  @Override
  protected Tensor doTranspose(Tensor a) {
    DMatrixRMaj t = CommonOps_DDRM.transpose(((EjmlTensor) a).matrix(), null);
    return tensor(t.data, t.numRows, t.numCols);
  }

  @Override
  protected Tensor doSlice(Tensor a, int from, int to) {
    int[] shape = a.shape();
    int inner = inner(shape);
    double[] out = new double[(to - from) * inner];
    System.arraycopy(data(a), from * inner, out, 0, out.length);
    shape[0] = to - from;
    return tensor(out, shape);
  }

  @Override
  protected Tensor doAt(Tensor a, int index) {
    int[] shape = a.shape();
    int inner = inner(shape);
    double[] out = new double[inner];
    System.arraycopy(data(a), index * inner, out, 0, inner);
    return tensor(out, java.util.Arrays.copyOfRange(shape, 1, shape.length));
  }

  private static int inner(int[] shape) {
    int inner = 1;
    for (int i = 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    return inner;
  }

  @Override
  protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
    int m = a.dim(1);
    int cols = columns.size();
    double[] d = data(a);
    double[] out = new double[rows.size() * cols];
    int k = 0;
    for (IndexRange rr : rows.ranges()) {
      for (int i = rr.start(); i < rr.end(); i++) {
        for (IndexRange cr : columns.ranges()) {
          System.arraycopy(d, i * m + cr.start(), out, k, cr.size());
          k += cr.size();
        }
      }
    }
    return tensor(out, rows.size(), cols);
  }

  // ------------------------------------------------------------------ arithmetic

  @Override
  protected Tensor doMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    int rows = transposeA ? a.dim(1) : a.dim(0);
    int cols = transposeB ? b.dim(0) : b.dim(1);
    int inner = transposeA ? a.dim(0) : a.dim(1);
    DMatrixRMaj c = new DMatrixRMaj(rows, cols);
    if (rows == 0 || cols == 0 || inner == 0) {
      return tensor(c.data, rows, cols); // empty product: zeros, without asking EJML
    }
    DMatrixRMaj x = ((EjmlTensor) a).matrix();
    DMatrixRMaj y = ((EjmlTensor) b).matrix();
    if (transposeA && transposeB) {
      CommonOps_DDRM.multTransAB(x, y, c);
    } else if (transposeA) {
      CommonOps_DDRM.multTransA(x, y, c);
    } else if (transposeB) {
      CommonOps_DDRM.multTransB(x, y, c);
    } else {
      CommonOps_DDRM.mult(x, y, c);
    }
    return tensor(c.data, rows, cols);
  }

  @Override
  protected Tensor doAxpby(double alpha, Tensor a, double beta, Tensor b) {
    double[] x = data(a);
    double[] y = data(b);
    double[] out = new double[x.length];
    if (alpha == 1.0 && beta == 1.0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = x[i] + y[i];
      }
    } else if (alpha == 1.0 && beta == -1.0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = x[i] - y[i];
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = alpha * x[i] + beta * y[i];
      }
    }
    return tensor(out, a.shape());
  }

  @Override
  protected Tensor doMul(Tensor a, Tensor b) {
    double[] x = data(a);
    double[] y = data(b);
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i] * y[i];
    }
    return tensor(out, a.shape());
  }

  @Override
  protected Tensor doScale(Tensor a, double s) {
    double[] x = data(a);
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = s * x[i];
    }
    return tensor(out, a.shape());
  }

  @Override
  protected Tensor doAddVector(Tensor a, Tensor v) {
    double[] x = data(a);
    double[] y = data(v);
    int n = y.length;
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i += n) {
      for (int j = 0; j < n; j++) {
        out[i + j] = x[i + j] + y[j];
      }
    }
    return tensor(out, a.shape());
  }

  @Override
  protected Tensor doActivate(Activation f, Tensor x, boolean derivative) {
    double[] in = data(x);
    double[] out = new double[in.length];
    // one loop per activation, so that the JIT sees a monomorphic body; the formulas are those
    // of Activation.apply/derivative, term for term, so the results agree bit for bit
    switch (f) {
      case RELU -> {
        for (int i = 0; i < in.length; i++) {
          out[i] = derivative ? (in[i] > 0 ? 1.0 : 0.0) : (in[i] > 0 ? in[i] : 0.0);
        }
      }
      case TANH -> {
        for (int i = 0; i < in.length; i++) {
          double t = Math.tanh(in[i]);
          out[i] = derivative ? 1.0 - t * t : t;
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < in.length; i++) {
          double s = 1.0 / (1.0 + Math.exp(-in[i]));
          out[i] = derivative ? s * (1.0 - s) : s;
        }
      }
      case SOFTPLUS -> {
        for (int i = 0; i < in.length; i++) {
          double v = in[i];
          if (v > Activation.SOFTPLUS_THRESHOLD) {
            out[i] = derivative ? 1.0 : v;
          } else if (derivative) {
            double z = Math.exp(v);
            out[i] = z / (z + 1.0);
          } else {
            out[i] = Math.log1p(Math.exp(v));
          }
        }
      }
      case LINEAR -> {
        if (derivative) {
          java.util.Arrays.fill(out, 1.0);
        } else {
          System.arraycopy(in, 0, out, 0, in.length);
        }
      }
      default -> {
        // an activation added to core later: fall back to its scalar definition
        for (int i = 0; i < in.length; i++) {
          out[i] = derivative ? f.derivative(in[i]) : f.apply(in[i]);
        }
      }
    }
    return tensor(out, x.shape());
  }

  // ------------------------------------------------------------------ kernels

  @Override
  protected Tensor doJacobian(JacobianSpec spec) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    double[] out = new double[rows.size() * columns.size()];
    fillJacobian(spec, rows, columns, dataOrNull(spec.rowScale()), 0,
        dataOrNull(spec.columnScale()), 0,
        out, 0);
    return tensor(out, rows.size(), columns.size());
  }

  @Override
  protected Tensor doJacobianBatch(JacobianSpec spec, int batch) {
    IndexRanges rows = spec.rowsOrAll();
    IndexRanges columns = spec.columnsOrAll();
    int n = spec.weights().dim(0);
    int m = spec.weights().dim(1);
    int block = rows.size() * columns.size();
    double[] r = spec.rowScale() == null ? null : data(spec.rowScale());
    double[] c = spec.columnScale() == null ? null : data(spec.columnScale());
    double[] out = new double[batch * block];
    for (int p = 0; p < batch; p++) {
      fillJacobian(spec, rows, columns, r, p * n, c, p * m, out, p * block);
    }
    return tensor(out, batch, rows.size(), columns.size());
  }

  private static double[] dataOrNull(Tensor t) {
    return t == null ? null : data(t);
  }

  /**
   * Writes {@code a I + b diag(r) W diag(c)} restricted to the ranges into {@code out} from
   * {@code at}, row by row: one pass over the block, the identity added where the global row
   * equals the global column.
   */
  private static void fillJacobian(JacobianSpec spec, IndexRanges rows, IndexRanges columns,
      double[] r, int rOffset, double[] c, int cOffset, double[] out, int at) {
    double a = spec.identity();
    double b = spec.scale();
    double[] w = data(spec.weights());
    int m = spec.weights().dim(1);
    List<IndexRange> colRanges = columns.ranges();
    int k = at;
    for (IndexRange rr : rows.ranges()) {
      for (int i = rr.start(); i < rr.end(); i++) {
        double bri = r == null ? b : b * r[rOffset + i];
        int rowStart = k;
        int row = i * m;
        for (IndexRange cr : colRanges) {
          int end = cr.end();
          if (c == null) {
            for (int j = cr.start(); j < end; j++) {
              out[k++] = bri * w[row + j];
            }
          } else {
            for (int j = cr.start(); j < end; j++) {
              out[k++] = bri * w[row + j] * c[cOffset + j];
            }
          }
        }
        if (a != 0.0) {
          // the identity lands on this row only if its global index is a selected column
          int local = 0;
          for (IndexRange cr : colRanges) {
            if (i >= cr.start() && i < cr.end()) {
              out[rowStart + local + i - cr.start()] += a;
              break;
            }
            local += cr.size();
          }
        }
      }
    }
  }

  @Override
  protected Eigendecomposition doEig(Tensor a, boolean vectors) {
    return ReferenceEigensolver.decompose(a.dim(0), data(a), vectors);
  }
}
