package org.mrnn4j.core;

import java.util.Arrays;
import java.util.List;

/**
 * The argument checks of {@link AbstractBackend}'s operations, in one place (as Hipparchus keeps
 * its matrix checks in {@code MatrixUtils}): ownership and open tensors, dtypes, shapes, ranges,
 * capabilities and finite input to the eigendecomposition. Every backend that extends
 * {@link AbstractBackend} rejects bad input with these messages, which the contract suite expects.
 * Each method throws {@link IllegalArgumentException} for a bad argument, {@link
 * IllegalStateException} for a closed backend or tensor, and {@link UnsupportedOperationException}
 * for a missing capability.
 */
final class BackendChecks {
  private BackendChecks() {}

  /** That {@code t} is an open tensor of {@code b}. */
  static void own(AbstractBackend b, String op, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": operand is null");
    }
    if (b.isClosed()) {
      throw new IllegalStateException(op + ": the " + b.name() + " backend has been closed");
    }
    if (t.backend() != b) {
      throw new IllegalArgumentException(
          op + ": the " + t + " belongs to another backend instance; move it with copyOf first");
    }
    if (t.isClosed()) {
      throw new IllegalStateException(op + ": the " + t + " has been closed");
    }
  }

  /** That {@code t} is an open matrix of {@code b}. */
  static void matrix(AbstractBackend b, String op, Tensor t) {
    own(b, op, t);
    if (t.rank() != 2) {
      throw new IllegalArgumentException(
          op + ": needs a matrix (rank 2), got shape " + Shapes.format(t.shape()));
    }
  }

  /** That {@code x} and {@code y} are open tensors of {@code b} of one shape and dtype. */
  static void sameShape(AbstractBackend b, String op, Tensor x, Tensor y) {
    own(b, op, x);
    own(b, op, y);
    if (!Arrays.equals(x.shape(), y.shape())) {
      throw new IllegalArgumentException(
          op + ": shapes differ: " + Shapes.format(x.shape()) + " and " + Shapes.format(y.shape()));
    }
    sameDType(op, x, y);
  }

  static void sameDType(String op, Tensor x, Tensor y) {
    if (x.dtype() != y.dtype()) {
      throw new IllegalArgumentException(
          op + ": dtypes differ: " + x.dtype() + " and " + y.dtype() + "; cast one first");
    }
  }

  /** That {@code dtype} is given and {@code b} computes in it. */
  static void dtype(AbstractBackend b, DType dtype) {
    if (dtype == null) {
      throw new IllegalArgumentException("dtype is null");
    }
    if (dtype == DType.FLOAT32 && !b.supports(Capability.FLOAT32)) {
      throw new UnsupportedOperationException(
          "the " + b.name() + " backend computes in float64 only; float32 was asked for");
    }
  }

  /** The arguments of {@link AbstractBackend#fromArray}. */
  static void fromArray(AbstractBackend b, double[] data, DType dtype, int[] shape) {
    if (data == null) {
      throw new IllegalArgumentException("fromArray: data is null");
    }
    dtype(b, dtype);
    int size = Shapes.elementCount(shape);
    if (data.length != size) {
      throw new IllegalArgumentException(
          "fromArray: " + data.length + " values do not fill shape " + Shapes.format(shape)
              + ", which needs " + size);
    }
  }

  /** {@return the rows of {@link AbstractBackend#fromMatrix}, checked, as one row-major array} */
  static double[] flatten(double[][] rows) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("fromMatrix: needs at least one row");
    }
    int cols = rows[0].length;
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != cols) {
        throw new IllegalArgumentException(
            "fromMatrix: row " + i + " has " + (rows[i] == null ? "no" : rows[i].length)
                + " entries, but row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return flat;
  }

  static void reshape(AbstractBackend b, Tensor a, int[] shape) {
    own(b, "reshape", a);
    if (Shapes.elementCount(shape) != a.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot view " + Shapes.format(a.shape()) + " (" + a.size() + " elements) as "
              + Shapes.format(shape));
    }
  }

  static void at(AbstractBackend b, Tensor a, int index) {
    own(b, "at", a);
    if (a.rank() < 2) {
      throw new IllegalArgumentException(
          "at: needs a tensor of rank 2 or more, got shape " + Shapes.format(a.shape()));
    }
    if (index < 0 || index >= a.dim(0)) {
      throw new IllegalArgumentException(
          "at: index " + index + " is outside the first axis of " + Shapes.format(a.shape()));
    }
  }

  /** {@return the shape of {@link AbstractBackend#stack}ing the checked {@code parts}} */
  static int[] stack(AbstractBackend b, List<Tensor> parts) {
    parts(b, "stack", parts);
    int[] shape = parts.get(0).shape();
    for (Tensor t : parts) {
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException(
            "stack: shapes differ: " + Shapes.format(shape) + " and " + Shapes.format(t.shape()));
      }
    }
    int[] stacked = new int[shape.length + 1];
    stacked[0] = parts.size();
    System.arraycopy(shape, 0, stacked, 1, shape.length);
    return stacked;
  }

  /** {@return the shape of {@link AbstractBackend#concat}enating the checked {@code parts}} */
  static int[] concat(AbstractBackend b, List<Tensor> parts) {
    parts(b, "concat", parts);
    int[] first = parts.get(0).shape();
    for (Tensor t : parts) {
      int[] s = t.shape();
      boolean ok = s.length == first.length;
      for (int i = 1; ok && i < s.length; i++) {
        ok = s[i] == first[i];
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "concat: shapes " + Shapes.format(first) + " and " + Shapes.format(s)
                + " differ beyond the first axis");
      }
    }
    int[] shape = first.clone();
    shape[0] = 0;
    for (Tensor t : parts) {
      shape[0] += t.dim(0);
    }
    return shape;
  }

  static void concatColumns(AbstractBackend b, List<Tensor> parts) {
    parts(b, "concatColumns", parts);
    int rows = -1;
    for (Tensor t : parts) {
      matrix(b, "concatColumns", t);
      if (rows >= 0 && t.dim(0) != rows) {
        throw new IllegalArgumentException(
            "concatColumns: row counts differ: " + rows + " and " + Shapes.format(t.shape()));
      }
      rows = t.dim(0);
    }
  }

  static void matmul(AbstractBackend b, Tensor x, boolean transposeX, Tensor y,
      boolean transposeY) {
    matrix(b, "matmul", x);
    matrix(b, "matmul", y);
    sameDType("matmul", x, y);
    int inner = transposeX ? x.dim(0) : x.dim(1);
    int innerY = transposeY ? y.dim(1) : y.dim(0);
    if (inner != innerY) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: " + (transposeX ? "transpose of " : "")
              + Shapes.format(x.shape()) + " times " + (transposeY ? "transpose of " : "")
              + Shapes.format(y.shape()));
    }
  }

  static void addVector(AbstractBackend b, Tensor a, Tensor v) {
    own(b, "addVector", a);
    own(b, "addVector", v);
    sameDType("addVector", a, v);
    if (v.rank() != 1 || v.dim(0) != a.dim(a.rank() - 1)) {
      throw new IllegalArgumentException(
          "addVector: the vector must have shape [" + a.dim(a.rank() - 1) + "] to add along the"
              + " last axis of " + Shapes.format(a.shape()) + ", got " + Shapes.format(v.shape()));
    }
  }

  /** The operands of {@code activate} or {@code activateDerivative} (named by {@code op}). */
  static void activation(AbstractBackend b, String op, Activation f, Tensor x) {
    own(b, op, x);
    if (f == null) {
      throw new IllegalArgumentException(op + ": activation is null");
    }
  }

  static void jacobianTimes(AbstractBackend b, JacobianSpec spec, Tensor vectors) {
    String op = "jacobianTimes";
    jacobian(b, op, spec, false);
    own(b, op, vectors);
    sameDType(op, spec.weights(), vectors);
    int q = spec.columnsOrAll().size();
    if (vectors.rank() != 2 || vectors.dim(0) != q) {
      throw new IllegalArgumentException(op + ": the vectors must have shape [" + q
          + ", k] (one row per kept column of W " + Shapes.format(spec.weights().shape())
          + "), got " + Shapes.format(vectors.shape()));
    }
  }

  /** The matrix of {@link AbstractBackend#eig}, before its entries are read. */
  static void eig(AbstractBackend b, Tensor a, boolean vectors) {
    matrix(b, "eig", a);
    if (a.dim(0) != a.dim(1)) {
      throw new IllegalArgumentException("eig: needs a square matrix, got " + Shapes.format(a.shape()));
    }
    vectors(b, vectors);
  }

  /** The batch of {@link AbstractBackend#eigBatch}, before its entries are read. */
  static void eigBatch(AbstractBackend b, Tensor a, boolean vectors) {
    own(b, "eigBatch", a);
    if (a.rank() != 3 || a.dim(1) != a.dim(2)) {
      throw new IllegalArgumentException(
          "eigBatch: needs a batch of square matrices [B, n, n], got " + Shapes.format(a.shape()));
    }
    vectors(b, vectors);
  }

  /**
   * Refuses a matrix (or batch) with a NaN or infinite entry, naming the first: it has no
   * eigendecomposition, and LAPACK-style solvers would loop or return garbage. One host pass,
   * O(n^2) against the O(n^3) of the decomposition.
   */
  static void finite(String op, Tensor a) {
    double[] v = a.toArray();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        int n = a.dim(a.rank() - 1);
        int matrix = i / (n * n);
        int at = i % (n * n);
        String which = a.rank() == 3 ? "matrix " + matrix + " of the batch " : "the matrix ";
        throw new ArithmeticException(op + ": " + which + Shapes.format(a.shape())
            + " holds a NaN or infinite entry (" + v[i] + " at [" + at / n + ", " + at % n
            + "]); an eigendecomposition needs finite entries");
      }
    }
  }

  private static void vectors(AbstractBackend b, boolean vectors) {
    if (vectors && !b.supports(Capability.EIGENVECTORS)) {
      throw new UnsupportedOperationException(
          "the " + b.name() + " backend computes eigenvalues only; eigenvectors were asked for");
    }
  }

  private static void parts(AbstractBackend b, String op, List<Tensor> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException(op + ": needs at least one tensor");
    }
    for (Tensor t : parts) {
      own(b, op, t);
      sameDType(op, parts.get(0), t);
    }
  }

  /** That {@code [from, to)} lies in {@code [0, n)}. */
  static void range(String op, int from, int to, int n, Tensor a) {
    if (from < 0 || to < from || to > n) {
      throw new IllegalArgumentException(
          op + ": range [" + from + ", " + to + ") is outside [0, " + n + ") of "
              + Shapes.format(a.shape()));
    }
  }

  /** That the index ranges {@code r} (the rows or columns, by {@code what}) lie below {@code n}. */
  static void ranges(String op, String what, IndexRanges r, int n, Tensor a) {
    if (r.end() > n) {
      throw new IllegalArgumentException(
          op + ": " + what + " " + r + " reach beyond " + n + " in " + Shapes.format(a.shape()));
    }
  }

  static void recurrence(AbstractBackend b, RecurrenceSpec spec) {
    String op = "recurrence";
    if (spec == null) {
      throw new IllegalArgumentException(op + ": spec is null");
    }
    Tensor w = spec.weights();
    matrix(b, op, w);
    int n = w.dim(0);
    if (w.dim(1) != n) {
      throw new IllegalArgumentException(
          op + ": the weights W must be square [N, N], got " + Shapes.format(w.shape()));
    }
    if (spec.activation() == null) {
      throw new IllegalArgumentException(op + ": activation is null");
    }
    if (spec.isLeaky() && !Double.isFinite(spec.alpha())) {
      throw new IllegalArgumentException(op + ": alpha must be finite, got " + spec.alpha());
    }
    Tensor e = spec.drive();
    String layout = spec.batchFirst() ? "[B, T, N]" : "[T, B, N]";
    if (e == null) {
      throw new IllegalArgumentException(op + ": the drive E is missing");
    }
    own(b, op, e);
    sameDType(op, w, e);
    if (e.rank() != 3 || e.dim(2) != n) {
      throw new IllegalArgumentException(op + ": the drive E must have shape " + layout
          + " with N = " + n + " (the weights are " + Shapes.format(w.shape()) + "), got "
          + Shapes.format(e.shape()));
    }
    int batch = spec.batchSize();
    if (batch < 1 || spec.steps() < 1) {
      throw new IllegalArgumentException(op + ": the drive E " + Shapes.format(e.shape())
          + " (" + layout + ") needs at least one batch row and one step");
    }
    if (spec.isLeaky()) {
      state(b, op, "initial pre-activation x0", spec.x0(), w, batch);
    } else if (spec.x0() != null) {
      throw new IllegalArgumentException(
          op + ": the Elman recurrence takes no x0; its state is the activation h0");
    }
    state(b, op, "initial activation h0", spec.h0(), w, batch);
  }

  private static void state(AbstractBackend b, String op, String name, Tensor t, Tensor w,
      int batch) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": the " + name + " is missing");
    }
    own(b, op, t);
    sameDType(op, w, t);
    if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != w.dim(0)) {
      throw new IllegalArgumentException(op + ": the " + name + " must have shape [" + batch
          + ", " + w.dim(0) + "] ([B, N] with the drive's B), got " + Shapes.format(t.shape()));
    }
  }

  /**
   * Checks a Jacobian spec; {@code batched} for {@code jacobianBatch}.
   *
   * @return the batch size B when {@code batched}, else -1
   */
  static int jacobian(AbstractBackend b, String op, JacobianSpec spec, boolean batched) {
    if (spec == null) {
      throw new IllegalArgumentException(op + ": spec is null");
    }
    Tensor w = spec.weights();
    matrix(b, op, w);
    int n = w.dim(0);
    int m = w.dim(1);
    ranges(op, "rows", spec.rowsOrAll(), n, w);
    ranges(op, "columns", spec.columnsOrAll(), m, w);
    int batch = -1;
    Tensor[] scales = {spec.rowScale(), spec.columnScale()};
    int[] lengths = {n, m};
    String[] names = {"row scale r", "column scale c"};
    for (int i = 0; i < 2; i++) {
      Tensor s = scales[i];
      if (s == null) {
        continue;
      }
      own(b, op, s);
      sameDType(op, w, s);
      int[] shape = s.shape();
      if (batched) {
        if (shape.length != 2 || shape[1] != lengths[i]) {
          throw new IllegalArgumentException(
              op + ": the " + names[i] + " must have shape [B, " + lengths[i] + "] for weights "
                  + Shapes.format(w.shape()) + ", got " + Shapes.format(shape));
        }
        if (batch >= 0 && shape[0] != batch) {
          throw new IllegalArgumentException(
              op + ": the row and column scales hold different batch sizes: " + batch + " and "
                  + shape[0]);
        }
        batch = shape[0];
      } else if (shape.length != 1 || shape[0] != lengths[i]) {
        throw new IllegalArgumentException(
            op + ": the " + names[i] + " must have shape [" + lengths[i] + "] for weights "
                + Shapes.format(w.shape()) + ", got " + Shapes.format(shape));
      }
    }
    if (batched && batch < 0) {
      throw new IllegalArgumentException(
          op + ": a batch needs a row or column scale of shape [B, n]; neither was given");
    }
    return batch;
  }
}
