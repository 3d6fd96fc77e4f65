package org.mrnn4j.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * The eigendecompositions of the analysis: the backend's eigen kernel, then a refinement of
 * defective clusters.
 *
 * <p>Why: Jacobians of mRNNs often have defective eigenvalues. Units whose activation derivative
 * is zero (relu below threshold) that feed each other in a chain give an eigenvalue
 * {@code 1 - alpha} with a Jordan block of size {@code m >= 3}. Any backward-stable eigensolver
 * (LAPACK's {@code dgeev} included) returns such an eigenvalue split into {@code m} values on a
 * small regular polygon around it, at a distance of order {@code (eps |J|)^(1/m)} (about 1e-7 for
 * a triple), while the mean of the {@code m} values is accurate to order {@code eps |J|}. A
 * cluster of eigenvalues within {@code 1e-5 max(1, |J|)} of each other ({@code |J|} the Frobenius
 * norm, read on the host: O(d^2) beside the eigensolver's O(d^3)) that has that shape (at least 3 at equal distances from its mean and at equal angles,
 * to 2%; others only at the centre) is replaced by its mean, as many times. Eigenvectors are kept
 * as computed. Balancing, the other half of an accurate nonsymmetric eigensolver, is the
 * backends' job (EJML's kernel and LAPACK both balance).
 *
 * <p>Every eigendecomposition of the analyses (linearizations, batches, fixed points, flow
 * fields) goes through this class, and so do the leading eigenvalues of large Jacobians
 * ({@link #leading}, {@link #stability}: a Krylov-Schur iteration on the backend's
 * Jacobian-times-vectors kernel, whose small projected eigenproblems come back here).
 */
public final class Spectra {
  private Spectra() {}

  /**
   * The eigendecomposition of the square matrix {@code j} (on its backend), refined.
   *
   * @param j a square matrix {@code [d, d]}
   * @param vectors whether to compute the eigenvectors too
   * @return the eigenvalues (and eigenvectors), in the canonical order
   * @throws MemoryGuard.TooLargeException if its working copies cannot fit the heap
   */
  public static Eigendecomposition eig(Tensor j, boolean vectors) {
    requireDenseRoom(j.dim(0), 1);
    return refineClusters(j.backend().eig(j, vectors), norm(j.toArray(), 0, (int) j.size()));
  }

  /**
   * The eigendecomposition of the square matrix {@code j} with right and left eigenvectors
   * ({@link Backend#eigWithLeftVectors}), refined as {@link #eig} refines (a collapsed defective
   * cluster keeps its vectors as computed: near-parallel right and left vectors, a huge condition
   * number).
   *
   * @param j a square matrix {@code [d, d]}
   * @return the eigenvalues with right and left eigenvectors, in the canonical order
   * @throws MemoryGuard.TooLargeException if its working copies cannot fit the heap
   * @throws UnsupportedOperationException if the backend computes no eigenvectors
   */
  public static Eigendecomposition eigWithLeftVectors(Tensor j) {
    requireDenseRoom(j.dim(0), 1);
    return refineClusters(j.backend().eigWithLeftVectors(j), norm(j.toArray(), 0, (int) j.size()));
  }

  /**
   * Refuses a dense eigendecomposition whose host copies (the matrix read back, LAPACK's
   * column-major input and workspace, the eigenvectors: about 4 of order {@code n}) cannot fit.
   */
  private static void requireDenseRoom(int n, int batch) {
    MemoryGuard.requireHeap("the dense eigendecomposition of " + (batch == 1 ? "a" : batch + "")
        + " " + n + " x " + n + " Jacobian" + (batch == 1 ? "" : "s"),
        MemoryGuard.squareMatrices(4, n) * Math.max(1, Math.min(batch,
            Runtime.getRuntime().availableProcessors())),
        "4 working copies of " + n + " x " + n + " float64 per concurrent decomposition",
        "ask for the leading eigenvalues instead (--leading K, Linearization.leading), or raise"
            + " the heap (-Xmx)");
  }

  /**
   * The eigendecompositions of a batch {@code [B, d, d]}, in batch order, refined.
   *
   * @param js the batch of square matrices, {@code [B, d, d]}
   * @param vectors whether to compute the eigenvectors too
   * @return one eigendecomposition per matrix, in batch order, each in the canonical order
   * @throws MemoryGuard.TooLargeException if the working copies cannot fit the heap
   */
  public static List<Eigendecomposition> eigBatch(Tensor js, boolean vectors) {
    requireDenseRoom(js.dim(1), js.dim(0));
    List<Eigendecomposition> raw = js.backend().eigBatch(js, vectors);
    double[] all = js.toArray();
    int size = js.dim(1) * js.dim(2);
    // Independent per point, and a tenth of a dense solve each: on the cores that just solved
    // them, so that a batch is not serialised behind its own post-processing.
    return IntStream.range(0, raw.size()).parallel()
        .mapToObj(k -> refineClusters(raw.get(k), norm(all, k * size, size)))
        .toList();
  }

  // ------------------------------------------------------------------ leading eigenvalues

  /**
   * Up to this dimension (or twice the Krylov basis, if larger) {@link #leading} takes the dense
   * path at once: a Krylov run would cost about as much and answer less.
   */
  public static final int DENSE_BELOW = 64;

  /**
   * The leading eigenvalues of the square Jacobian block {@code spec} (rows equal to columns; one
   * operating point) by the Krylov-Schur iteration on {@link Backend#jacobianTimes}, never
   * forming the Jacobian; the dense path for small blocks and as fallback (see
   * {@link LeadingSpectrum}).
   *
   * @param spec the square Jacobian block at one operating point
   * @param options how many eigenvalues, which end, and the iteration's limits
   * @return the leading eigenvalues, with their residuals and the method used
   * @throws IllegalArgumentException if the block is not square on equal rows and columns, or the
   *     spec is batched or invalid
   * @throws UnsupportedOperationException if the backend computes no eigenvectors
   */
  public static LeadingSpectrum leading(JacobianSpec spec, LeadingOptions options) {
    LeadingSpectrum s = krylovOrDense(spec, options);
    if (!s.isComplete() && s.dimension() <= options.denseLimit()) {
      return dense(spec, options, LeadingSpectrum.Method.DENSE_FALLBACK, s.products());
    }
    return s;
  }

  /**
   * Beyond converged unstable outliers, a bulk whose Ritz values stay below this modulus is taken
   * to be stable ({@link LeadingSpectrum.Certainty#BULK_ESTIMATE}): a margin, because the Ritz
   * values of a bulk approach its edge from inside.
   */
  public static final double BULK_MARGIN = 0.95;

  /**
   * The leading eigenvalues by modulus, enough of them to count the unstable modes
   * ({@code |lambda| > 1}): starting from {@code options.count()}, the count doubles while every
   * converged eigenvalue is unstable, until a stable one converges (the count is then exact) or
   * the run stops inside the bulk. There, a bulk whose Ritz values lie within
   * {@link #BULK_MARGIN} leaves the count of the converged outliers, marked as resting on that
   * estimate; a bulk reaching further is decomposed densely (up to
   * {@link LeadingOptions#denseLimit()} units) or the count is a lower bound. Which of these
   * happened is {@link LeadingSpectrum#unstableCertainty()}.
   *
   * @param spec the square Jacobian block at one operating point
   * @param options the starting count and the iteration's limits; the order is always by modulus
   * @return the leading eigenvalues, with the count of unstable modes and its certainty
   */
  public static LeadingSpectrum stability(JacobianSpec spec, LeadingOptions options) {
    LeadingOptions o = options.withOrder(LeadingOptions.Order.MODULUS);
    while (true) {
      LeadingSpectrum s = krylovOrDense(spec, o);
      if (s.method() != LeadingSpectrum.Method.KRYLOV
          || s.unstableCertainty() == LeadingSpectrum.Certainty.EXACT) {
        return s;
      }
      if (s.isComplete()) {
        o = o.withCount(2 * o.count());
        continue;
      }
      if (s.bulkRadius() < BULK_MARGIN) {
        return s.withCertainty(LeadingSpectrum.Certainty.BULK_ESTIMATE);
      }
      if (s.dimension() <= o.denseLimit()) {
        return dense(spec, o, LeadingSpectrum.Method.DENSE_FALLBACK, s.products());
      }
      return s;
    }
  }

  /** The Krylov answer, partial or not, or the dense one for a small block. */
  private static LeadingSpectrum krylovOrDense(JacobianSpec spec, LeadingOptions options) {
    java.util.Objects.requireNonNull(spec, "spec");
    java.util.Objects.requireNonNull(options, "options");
    IndexRanges rows = spec.rowsOrAll();
    if (!rows.equals(spec.columnsOrAll())) {
      throw new IllegalArgumentException("leading eigenvalues need a square Jacobian block on "
          + "equal rows and columns, got rows " + rows + " and columns " + spec.columnsOrAll());
    }
    int n = rows.size();
    int m = options.subspaceFor(n);
    if (n <= Math.max(DENSE_BELOW, 2 * m) || options.count() >= n / 2) {
      return dense(spec, options, LeadingSpectrum.Method.DENSE, 0);
    }
    Backend backend = spec.weights().backend();
    if (!backend.supports(Capability.EIGENVECTORS)) {
      throw new UnsupportedOperationException("the Krylov eigensolver needs eigenvectors of its "
          + "projected matrices, which the " + backend.name() + " backend does not compute");
    }
    try (TensorScope scope = new TensorScope()) {
      JacobianSpec whole = gathered(scope, spec);
      DType dtype = spec.weights().dtype();
      java.util.function.UnaryOperator<double[]> op = x -> {
        try (Tensor t = backend.fromArray(x, dtype, n, x.length / n);
            Tensor y = backend.jacobianTimes(whole, t)) {
          return y.toArray();
        }
      };
      java.util.function.Function<double[][], Eigendecomposition> small = h -> {
        try (Tensor t = backend.fromMatrix(h)) {
          return eig(t, true);
        }
      };
      KrylovSchur.Result r = KrylovSchur.run(op, n, options.count(), m, options.order(),
          options.maxProductsFor(n), options.toleranceFor(dtype == DType.FLOAT32), small);
      return fromKrylov(n, options, r);
    }
  }

  /** The spec over a gathered copy of the block (so each product reads one contiguous matrix). */
  private static JacobianSpec gathered(TensorScope scope, JacobianSpec spec) {
    Tensor w = spec.weights();
    IndexRanges units = spec.rowsOrAll();
    if (units.isAll(w.dim(0)) && units.isAll(w.dim(1))) {
      return spec;
    }
    Backend b = w.backend();
    Tensor block = scope.track(b.block(w, units, units));
    return JacobianSpec.builder(block).identity(spec.identity()).scale(spec.scale())
        .rowScale(pick(scope, spec.rowScale(), units))
        .columnScale(pick(scope, spec.columnScale(), units)).build();
  }

  private static Tensor pick(TensorScope scope, Tensor v, IndexRanges units) {
    if (v == null) {
      return null;
    }
    Backend b = v.backend();
    Tensor row = scope.track(b.reshape(v, 1, v.dim(0)));
    Tensor part = scope.track(b.block(row, null, units));
    return scope.track(b.reshape(part, units.size()));
  }

  /** The first {@code count} eigenvalues in the wanted order from the full decomposition. */
  private static LeadingSpectrum dense(JacobianSpec spec, LeadingOptions options,
      LeadingSpectrum.Method method, int products) {
    Backend backend = spec.weights().backend();
    int n = spec.rowsOrAll().size();
    Eigendecomposition all;
    try (Tensor j = backend.jacobian(spec)) {
      all = eig(j, options.vectors());
    }
    int unstable = 0;
    for (int i = 0; i < all.size(); i++) {
      unstable += all.modulus(i) > 1.0 ? 1 : 0;
    }
    Integer[] idx = new Integer[all.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    if (options.order() == LeadingOptions.Order.REAL_PART) {
      java.util.Arrays.sort(idx, java.util.Comparator.comparingDouble((Integer i) -> all.real(i))
          .reversed().thenComparing(java.util.Comparator.comparingDouble(
              (Integer i) -> all.imag(i)).reversed()));
    }
    int take = Math.min(all.size(), options.count());
    if (take < all.size() && take > 0 && all.imag(idx[take - 1]) != 0.0
        && all.imag(idx[take]) == -all.imag(idx[take - 1])) {
      take++; // keep a conjugate pair whole
    }
    double[] re = new double[take];
    double[] im = new double[take];
    double[][] vr = options.vectors() ? new double[take][] : null;
    double[][] vi = options.vectors() ? new double[take][] : null;
    for (int t = 0; t < take; t++) {
      re[t] = all.real(idx[t]);
      im[t] = all.imag(idx[t]);
      if (vr != null) {
        vr[t] = all.vectorReal(idx[t]);
        vi[t] = all.vectorImag(idx[t]);
      }
    }
    Eigendecomposition chosen = Eigendecomposition.of(re, im, vr, vi);
    double[] residuals = new double[take];
    java.util.Arrays.fill(residuals, Double.NaN);
    if (vr != null && take > 0) {
      residuals = trueResiduals(spec, chosen);
    }
    return new LeadingSpectrum(n, options.order(), take, chosen, residuals, method, products,
        Double.NaN, unstable, LeadingSpectrum.Certainty.EXACT, all.spectralRadius());
  }

  /** {@code |J x - lambda x| / |x|} for every pair of {@code e}, by one block product. */
  private static double[] trueResiduals(JacobianSpec spec, Eigendecomposition e) {
    Backend backend = spec.weights().backend();
    int n = spec.rowsOrAll().size();
    int cols = 2 * e.size();
    double[] block = new double[n * cols];
    for (int t = 0; t < e.size(); t++) {
      double[] xr = e.vectorReal(t);
      double[] xi = e.vectorImag(t);
      for (int r = 0; r < n; r++) {
        block[r * cols + 2 * t] = xr[r];
        block[r * cols + 2 * t + 1] = xi[r];
      }
    }
    double[] ax;
    try (Tensor x = backend.fromArray(block, spec.weights().dtype(), n, cols);
        Tensor y = backend.jacobianTimes(spec, x)) {
      ax = y.toArray();
    }
    double[] out = new double[e.size()];
    for (int t = 0; t < e.size(); t++) {
      double[] xr = e.vectorReal(t);
      double[] xi = e.vectorImag(t);
      double s2 = 0;
      double x2 = 0;
      for (int r = 0; r < n; r++) {
        double dr = ax[r * cols + 2 * t] - (e.real(t) * xr[r] - e.imag(t) * xi[r]);
        double di = ax[r * cols + 2 * t + 1] - (e.real(t) * xi[r] + e.imag(t) * xr[r]);
        s2 += dr * dr + di * di;
        x2 += xr[r] * xr[r] + xi[r] * xi[r];
      }
      out[t] = Math.sqrt(s2 / x2);
    }
    return out;
  }

  private static LeadingSpectrum fromKrylov(int n, LeadingOptions options, KrylovSchur.Result r) {
    int wanted = r.re().length;
    int done = 0;
    for (boolean converged : r.converged()) {
      done += converged ? 1 : 0;
    }
    double[] re = new double[done];
    double[] im = new double[done];
    double[][] vr = new double[done][];
    double[][] vi = new double[done][];
    double[] res = new double[done];
    int c = 0;
    for (int t = 0; t < wanted; t++) {
      if (r.converged()[t]) {
        re[c] = r.re()[t];
        im[c] = r.im()[t];
        vr[c] = r.vr()[t];
        vi[c] = r.vi()[t];
        res[c] = r.residual()[t];
        c++;
      }
    }
    // canonical order first, so the residuals follow their pairs through Eigendecomposition.of
    Integer[] idx = new Integer[done];
    for (int i = 0; i < done; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, java.util.Comparator
        .comparingDouble((Integer i) -> Math.hypot(re[i], im[i])).reversed()
        .thenComparing(java.util.Comparator.comparingDouble((Integer i) -> re[i]).reversed())
        .thenComparing(java.util.Comparator.comparingDouble((Integer i) -> im[i]).reversed()));
    double[] sr = new double[done];
    double[] si = new double[done];
    double[][] svr = new double[done][];
    double[][] svi = new double[done][];
    double[] sres = new double[done];
    for (int t = 0; t < done; t++) {
      sr[t] = re[idx[t]];
      si[t] = im[idx[t]];
      svr[t] = vr[idx[t]];
      svi[t] = vi[idx[t]];
      sres[t] = res[idx[t]];
    }
    Eigendecomposition e = options.vectors() ? Eigendecomposition.of(sr, si, svr, svi)
        : Eigendecomposition.of(sr, si, null, null);
    // stability by modulus: exact once a stable pair converged with every larger one
    boolean modulus = options.order() == LeadingOptions.Order.MODULUS;
    int unstable = 0;
    boolean exact = false;
    boolean prefix = true;
    for (int t = 0; t < wanted && prefix; t++) {
      if (!r.converged()[t]) {
        prefix = false;
      } else if (Math.hypot(r.re()[t], r.im()[t]) > 1.0) {
        unstable++;
      } else {
        exact = modulus;
        break;
      }
    }
    double radius = modulus && r.converged()[0] ? Math.hypot(r.re()[0], r.im()[0]) : Double.NaN;
    return new LeadingSpectrum(n, options.order(), wanted, e, sres, LeadingSpectrum.Method.KRYLOV,
        r.products(), done < wanted ? r.unconvergedRadius() : Double.NaN, unstable,
        exact ? LeadingSpectrum.Certainty.EXACT : LeadingSpectrum.Certainty.LOWER_BOUND, radius);
  }

  /** The Frobenius norm of {@code a[from, from + length)}. */
  private static double norm(double[] a, int from, int length) {
    double s = 0;
    for (int i = from; i < from + length; i++) {
      s += a[i] * a[i];
    }
    return Math.sqrt(s);
  }

  /** Radii (relative to {@code max(1, |J|)}) at which defective clusters are looked for. */
  private static final double[] CLUSTER_RADII = {1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5};
  /** How regular the polygon of a split Jordan block must be (radii and angles). */
  private static final double SHAPE_TOLERANCE = 0.02;

  /**
   * Replaces every defective cluster (see the class description) by its mean; {@code e}
   * unchanged when there is none. Clusters are looked for at growing radii, so that a small
   * split block is found before it merges with its neighbours; members that already sit at the
   * centre (Jordan blocks of size 1, isolated eigenvalues) may belong to it.
   */
  static Eigendecomposition refineClusters(Eigendecomposition e, double norm) {
    int n = e.size();
    if (n < 3) {
      return e;
    }
    double[] re = e.realParts();
    double[] im = e.imagParts();
    double scale = Math.max(1.0, norm);
    double floor = 1e3 * Math.ulp(1.0) * scale;
    boolean changed = false;
    Integer[] byReal = byRealPart(re);
    for (double relative : CLUSTER_RADII) {
      boolean moved = false;
      for (List<Integer> c : clusters(re, im, byReal, relative * scale)) {
        if (c.size() >= 3 && collapse(c, re, im, floor)) {
          moved = true;
        }
      }
      if (moved) {
        byReal = byRealPart(re); // collapsed members moved: the sweep needs the new order
        changed = true;
      }
    }
    if (!changed) {
      return e;
    }
    if (!e.hasVectors()) {
      return Eigendecomposition.of(re, im, null, null);
    }
    double[][] vr = new double[n][];
    double[][] vi = new double[n][];
    double[][] lr = e.hasLeftVectors() ? new double[n][] : null;
    double[][] li = e.hasLeftVectors() ? new double[n][] : null;
    for (int k = 0; k < n; k++) {
      vr[k] = e.vectorReal(k);
      vi[k] = e.vectorImag(k);
      if (lr != null) {
        lr[k] = e.leftVectorReal(k);
        li[k] = e.leftVectorImag(k);
      }
    }
    return Eigendecomposition.of(re, im, vr, vi, lr, li);
  }

  /** The indices of {@code re} in increasing order of value. */
  private static Integer[] byRealPart(double[] re) {
    Integer[] byReal = new Integer[re.length];
    for (int i = 0; i < re.length; i++) {
      byReal[i] = i;
    }
    java.util.Arrays.sort(byReal, java.util.Comparator.comparingDouble(k -> re[k]));
    return byReal;
  }

  /**
   * Single-linkage clusters of the eigenvalues within {@code radius} of each other;
   * {@code byReal} is {@link #byRealPart} of {@code re}.
   */
  private static java.util.Collection<List<Integer>> clusters(double[] re, double[] im,
      Integer[] byReal, double radius) {
    int n = re.length;
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    // sweep in order of real part: only neighbours within the radius along it are compared
    for (int a = 0; a < n; a++) {
      int i = byReal[a];
      for (int b = a + 1; b < n && re[byReal[b]] - re[i] <= radius; b++) {
        int j = byReal[b];
        if (Math.hypot(re[i] - re[j], im[i] - im[j]) <= radius) {
          parent[find(parent, i)] = find(parent, j);
        }
      }
    }
    java.util.Map<Integer, List<Integer>> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
    }
    return out.values();
  }

  /**
   * Sets the cluster to its mean if its members off the centre (at least 3) lie on a regular
   * polygon around it, above rounding level.
   */
  private static boolean collapse(List<Integer> c, double[] re, double[] im, double floor) {
    int m = c.size();
    double mr = 0;
    double mi = 0;
    for (int k : c) {
      mr += re[k];
      mi += im[k];
    }
    mr /= m;
    mi /= m;
    double rmax = 0;
    for (int k : c) {
      rmax = Math.max(rmax, Math.hypot(re[k] - mr, im[k] - mi));
    }
    if (rmax <= floor) {
      return false; // already together
    }
    List<Double> angles = new ArrayList<>();
    for (int k : c) {
      double dr = re[k] - mr;
      double di = im[k] - mi;
      double r = Math.hypot(dr, di);
      if (r <= 1e-2 * rmax) {
        continue; // at the centre
      }
      if (r < (1 - SHAPE_TOLERANCE) * rmax) {
        return false;
      }
      angles.add(Math.atan2(di, dr));
    }
    int ring = angles.size();
    if (ring < 3) {
      return false;
    }
    java.util.Collections.sort(angles);
    double step = 2 * Math.PI / ring;
    for (int k = 0; k < ring; k++) {
      double gap = k + 1 < ring ? angles.get(k + 1) - angles.get(k)
          : angles.get(0) + 2 * Math.PI - angles.get(k);
      if (Math.abs(gap - step) > SHAPE_TOLERANCE * step) {
        return false;
      }
    }
    // a cluster that straddles the real axis is closed under conjugation: its mean is real
    boolean real = false;
    for (int k : c) {
      real |= im[k] == 0.0 || (im[k] > 0) != (mi > 0);
    }
    for (int k : c) {
      re[k] = mr;
      im[k] = real ? 0.0 : mi;
    }
    return true;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
