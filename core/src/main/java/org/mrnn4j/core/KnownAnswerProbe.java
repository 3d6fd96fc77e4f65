package org.mrnn4j.core;

import java.util.Optional;

/**
 * The known-answer self-test that {@link BackendSelector} runs on every backend before it reports
 * it available: matrix products and the eigendecomposition, on matrices whose answers are known
 * exactly, at sizes that reach the blocked and multithreaded paths of native libraries. Native
 * libraries can be wrong on some CPUs (OpenBLAS 0.3.19's AVX-512 DTRMM kernels broke LAPACK's
 * {@code dgeev} from {@code n} of about 128 up), and a backend that computes wrong answers must not
 * be used as if it were right.
 *
 * <p>What it checks, each answer derived in closed form, not by another implementation:
 *
 * <ul>
 *   <li>Products of integer matrices ({@code [320, 400] x [400, 96]}, each of the four transpose
 *       combinations): every entry and partial sum is an integer far below {@code 2^53}, so the
 *       product is exact in any summation order. Checked against {@code A (B x)} for integer
 *       vectors {@code x} (Freivalds' test, {@code O(n^2)}); a mismatch names the first wrong
 *       entry. Float32 too, where the backend supports it (exact below {@code 2^24}).
 *   <li>A triangular product: {@code U U} for the {@code 256 x 256} upper-triangular matrix of
 *       ones is {@code (U U)[i][j] = j - i + 1} on and above the diagonal, 0 below.
 *   <li>The eigendecomposition of {@code A = S diag(1, ..., 192) S^-1} with
 *       {@code S = I + u w^T}, whose inverse is {@code I - u w^T / (1 + w^T u)}: the eigenvalues are
 *       {@code 1, ..., 192} and the eigenvector of {@code k} is column {@code k} of {@code S}.
 *       Eigenvalues to {@code 1e-8}, and eigenvectors (where the backend computes them) to an
 *       angle of about {@code 1e-6}.
 * </ul>
 *
 * It runs once per JVM and backend, before the JIT has compiled anything: about 50 ms on the ND4J
 * backend and 100 ms on EJML, measured on a 2-core machine. Thread-safe.
 */
public final class KnownAnswerProbe {
  private KnownAnswerProbe() {}

  /** The order of the eigen test: above the block size from which LAPACK's reductions block. */
  static final int EIGEN_ORDER = 192;
  /** Allowed absolute error of the known eigenvalues {@code 1..EIGEN_ORDER}. */
  static final double EIGENVALUE_TOLERANCE = 1e-8;
  /** Allowed {@code 1 - |<v, s>|} for unit eigenvectors {@code v} and expected ones {@code s}. */
  static final double VECTOR_TOLERANCE = 1e-12;

  /**
   * Runs the self-test on {@code backend}.
   *
   * @param backend the backend to check
   * @return empty if every check passed, else what was wrong: the operation, the sizes, the entry
   *     or eigenvalue, the value found and the one expected
   */
  public static Optional<String> run(Backend backend) {
    try {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          Optional<String> p = product(backend, DType.FLOAT64, 320, 400, 96, ta, tb, 4);
          if (p.isPresent()) {
            return p;
          }
        }
      }
      if (backend.supports(Capability.FLOAT32)) {
        Optional<String> p = product(backend, DType.FLOAT32, 320, 400, 96, false, true, 2);
        if (p.isPresent()) {
          return p;
        }
      }
      Optional<String> t = triangular(backend, 256);
      if (t.isPresent()) {
        return t;
      }
      return eigen(backend, backend.supports(Capability.EIGENVECTORS));
    } catch (RuntimeException e) {
      return Optional.of("the self-test's operations threw " + e);
    }
  }

  // ------------------------------------------------------------------ products

  /**
   * {@code op(A) op(B)} for integer matrices with entries in {@code [-range, range]}, giving
   * {@code [m, n]} with inner dimension {@code k}.
   */
  private static Optional<String> product(Backend backend, DType dtype, int m, int k, int n,
      boolean ta, boolean tb, int range) {
    // the logical A [m, k] and B [k, n]; stored transposed where the product transposes them
    double[] a = integers(m * k, range, 17 + m);
    double[] b = integers(k * n, range, 91 + n);
    String what = dtype.label() + " matmul of [" + m + ", " + k
        + "] x [" + k + ", " + n + "] (transposeA " + ta + ", transposeB " + tb + ")";
    double[] c;
    try (Tensor ta1 = backend.fromArray(ta ? transpose(a, m, k) : a, dtype,
            ta ? new int[] {k, m} : new int[] {m, k});
        Tensor tb1 = backend.fromArray(tb ? transpose(b, k, n) : b, dtype,
            tb ? new int[] {n, k} : new int[] {k, n});
        Tensor product = backend.matmul(ta1, ta, tb1, tb)) {
      int[] shape = product.shape();
      if (shape.length != 2 || shape[0] != m || shape[1] != n) {
        return Optional.of(what + " has shape " + Shapes.format(shape));
      }
      c = product.toArray();
    }
    // Freivalds: C x = A (B x) exactly, for two integer vectors
    for (int trial = 0; trial < 2; trial++) {
      double[] x = integers(n, 3, 5 + trial);
      double[] bx = multiply(b, k, n, x);
      double[] abx = multiply(a, m, k, bx);
      double[] cx = multiply(c, m, n, x);
      for (int i = 0; i < m; i++) {
        if (cx[i] != abx[i]) {
          return Optional.of(what + ": " + firstWrongEntry(a, b, c, i, k, n) + " (an exact "
              + "integer product)");
        }
      }
    }
    return Optional.empty();
  }

  private static String firstWrongEntry(double[] a, double[] b, double[] c, int i, int k, int n) {
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int t = 0; t < k; t++) {
        s += a[i * k + t] * b[t * n + j];
      }
      if (c[i * n + j] != s) {
        return "entry (" + i + ", " + j + ") is " + c[i * n + j] + " where it should be " + s;
      }
    }
    return "row " + i + " is wrong";
  }

  /** {@code U U} for the upper-triangular matrix of ones: {@code j - i + 1} on and above. */
  private static Optional<String> triangular(Backend backend, int n) {
    double[] u = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        u[i * n + j] = 1;
      }
    }
    double[] c;
    try (Tensor t = backend.fromArray(u, n, n); Tensor p = backend.matmul(t, t)) {
      c = p.toArray();
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double expected = j >= i ? j - i + 1 : 0;
        if (c[i * n + j] != expected) {
          return Optional.of("matmul of the " + n + " x " + n + " upper-triangular matrix of "
              + "ones by itself: entry (" + i + ", " + j + ") is " + c[i * n + j]
              + " where it should be " + expected);
        }
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ eigendecomposition

  /** The known eigenproblem: {@code A}, row-major, and {@code S}'s generators {@code u, w}. */
  static double[] knownEigenproblem(int n, double[] u, double[] w) {
    for (int i = 0; i < n; i++) {
      // small, deterministic, irregular: |u| |w| is about 1/3, so S is well conditioned
      u[i] = (((i * 37 + 11) % 23) - 11) / (11.0 * Math.sqrt(n));
      w[i] = (((i * 53 + 7) % 19) - 9) / (9.0 * Math.sqrt(n) * 3.0);
    }
    double wu = 0;
    for (int i = 0; i < n; i++) {
      wu += w[i] * u[i];
    }
    double c = 1 + wu;
    // A = S D S^-1 = (I + u w^T) D (I - u w^T / c)
    //   = D + u (D w)^T - (D u) w^T / c - u ((w^T D u) / c) w^T
    double wdu = 0;
    for (int i = 0; i < n; i++) {
      wdu += w[i] * (i + 1) * u[i];
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dij = i == j ? i + 1 : 0;
        a[i * n + j] = dij + u[i] * (j + 1) * w[j] - (i + 1) * u[i] * w[j] / c
            - u[i] * (wdu / c) * w[j];
      }
    }
    return a;
  }

  private static Optional<String> eigen(Backend backend, boolean vectors) {
    int n = EIGEN_ORDER;
    double[] u = new double[n];
    double[] w = new double[n];
    double[] a = knownEigenproblem(n, u, w);
    String what = "eig" + (vectors ? " with eigenvectors" : " (eigenvalues only)") + " of a " + n
        + " x " + n + " matrix with eigenvalues 1, ..., " + n;
    Eigendecomposition e;
    try (Tensor t = backend.fromArray(a, n, n)) {
      e = backend.eig(t, vectors);
    }
    if (e.size() != n) {
      return Optional.of(what + " gave " + e.size() + " eigenvalues");
    }
    // canonical order is by descending modulus: eigenvalue k (0-based) should be n - k
    for (int k = 0; k < n; k++) {
      double expected = n - k;
      double error = Math.hypot(e.real(k) - expected, e.imag(k));
      if (!(error <= EIGENVALUE_TOLERANCE)) {
        return Optional.of(what + ": eigenvalue " + expected + " came out as " + e.real(k)
            + (e.imag(k) == 0 ? "" : (e.imag(k) > 0 ? " + " : " - ") + Math.abs(e.imag(k)) + "i")
            + " (off by " + error + "; allowed " + EIGENVALUE_TOLERANCE + ")");
      }
    }
    if (!vectors) {
      return Optional.empty();
    }
    for (int k = 0; k < n; k++) {
      int j = n - 1 - k; // eigenvalue j + 1 has eigenvector S e_j = e_j + u w_j
      double[] vr = e.vectorReal(k);
      double[] vi = e.vectorImag(k);
      double norm = 0;
      for (int i = 0; i < n; i++) {
        double s = (i == j ? 1 : 0) + u[i] * w[j];
        norm += s * s;
      }
      norm = Math.sqrt(norm);
      double dotRe = 0;
      double dotIm = 0;
      for (int i = 0; i < n; i++) {
        double s = ((i == j ? 1 : 0) + u[i] * w[j]) / norm;
        dotRe += vr[i] * s;
        dotIm += vi[i] * s;
      }
      double gap = 1 - Math.hypot(dotRe, dotIm);
      if (!(Math.abs(gap) <= VECTOR_TOLERANCE)) {
        return Optional.of(what + ": the eigenvector of " + (j + 1) + " is off its known "
            + "direction (1 - |cos| = " + gap + "; allowed " + VECTOR_TOLERANCE + ")");
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ helpers

  /** Pseudo-random integers in {@code [-range, range]}: deterministic, no library needed. */
  private static double[] integers(int count, int range, long seed) {
    double[] out = new double[count];
    long s = 0x9E3779B97F4A7C15L * seed + 1;
    for (int i = 0; i < count; i++) {
      s ^= s << 13;
      s ^= s >>> 7;
      s ^= s << 17;
      out[i] = Math.floorMod(s, 2 * range + 1) - range;
    }
    return out;
  }

  private static double[] transpose(double[] x, int rows, int cols) {
    double[] t = new double[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = x[i * cols + j];
      }
    }
    return t;
  }

  private static double[] multiply(double[] x, int rows, int cols, double[] v) {
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < cols; j++) {
        s += x[i * cols + j] * v[j];
      }
      out[i] = s;
    }
    return out;
  }
}
