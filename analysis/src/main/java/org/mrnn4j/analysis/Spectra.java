package org.mrnn4j.analysis;

import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

/**
 * The eigendecompositions of the analysis: the backend's eigen kernel, applied after isolating by
 * a symmetric permutation the eigenvalues that the sparsity of the matrix already determines (the
 * permutation step of LAPACK's balancing, {@code dgebal}).
 *
 * <p>Why: Jacobians of mRNNs are often structurally triangular in part. A unit whose activation
 * derivative is zero (relu below threshold) has a Jacobian column holding only its diagonal
 * entry {@code 1 - alpha}; a unit that receives nothing has a row like that. Such eigenvalues are
 * exact, yet an unbalanced QR iteration sees them through the rest of the matrix, and where they
 * repeat (a defective cluster) returns them perturbed by up to {@code eps^(1/m)}. After the
 * permutation the matrix is block upper triangular with those entries on the diagonal, where any
 * Hessenberg-QR eigensolver keeps them exactly. A permutation is an exact similarity: eigenvalues
 * are unchanged and eigenvectors are permuted back.
 *
 * <p>Second, defective clusters. An eigenvalue with a Jordan block of size {@code m >= 3} (also
 * common here: chains of units feeding each other through zero slopes) comes out of any
 * backward-stable eigensolver split into {@code m} values on a small regular polygon around it,
 * at a distance of order {@code (eps |J|)^(1/m)}; the mean of the {@code m} values is accurate to
 * order {@code eps |J|}. A cluster of eigenvalues within {@code 1e-5 max(1, |J|)} of each other
 * that has that shape (at least 3 at equal distances from its mean and at equal angles, to 2%;
 * others only at the centre) is replaced by its mean, as many times; its eigenvectors, all close
 * to the one true eigenvector, are kept.
 */
final class Spectra {
  private Spectra() {}

  /** The eigendecomposition of the square matrix {@code j} (on its backend). */
  static Eigendecomposition eig(Tensor j, boolean vectors) {
    Backend backend = j.backend();
    int d = j.dim(0);
    double[] a = j.toArray();
    int[] order = isolatingOrder(a, d);
    if (order == null) {
      return refineClusters(backend.eig(j, vectors), norm(a));
    }
    try (Tensor p = backend.fromArray(permute(a, d, order), j.dtype(), d, d)) {
      return refineClusters(unpermute(backend.eig(p, vectors), order), norm(a));
    }
  }

  /** The eigendecompositions of a batch {@code [B, d, d]}, in batch order. */
  static List<Eigendecomposition> eigBatch(Tensor js, boolean vectors) {
    Backend backend = js.backend();
    int b = js.dim(0);
    int d = js.dim(1);
    double[] all = js.toArray();
    int[][] orders = new int[b][];
    boolean any = false;
    double[] permuted = new double[all.length];
    double[] norms = new double[b];
    for (int k = 0; k < b; k++) {
      double[] a = java.util.Arrays.copyOfRange(all, k * d * d, (k + 1) * d * d);
      norms[k] = norm(a);
      orders[k] = isolatingOrder(a, d);
      any |= orders[k] != null;
      System.arraycopy(orders[k] == null ? a : permute(a, d, orders[k]), 0, permuted, k * d * d,
          d * d);
    }
    List<Eigendecomposition> raw;
    if (!any) {
      raw = backend.eigBatch(js, vectors);
    } else {
      try (Tensor p = backend.fromArray(permuted, js.dtype(), b, d, d)) {
        raw = backend.eigBatch(p, vectors);
      }
    }
    List<Eigendecomposition> out = new ArrayList<>(b);
    for (int k = 0; k < b; k++) {
      Eigendecomposition e = orders[k] == null ? raw.get(k) : unpermute(raw.get(k), orders[k]);
      out.add(refineClusters(e, norms[k]));
    }
    return out;
  }

  /**
   * The order {@code dgebal} ('P') puts the indices in: rows that are zero off the diagonal
   * (within the indices still active) moved to the bottom, then columns that are zero off the
   * diagonal moved to the top, until none is left; the rest keep their order in the middle. The
   * permuted matrix is block upper triangular with the isolated entries on its diagonal.
   * Incremental counts of the off-diagonal nonzeros make it {@code O(d^2)}. {@code null} when
   * the order is the identity.
   */
  static int[] isolatingOrder(double[] a, int d) {
    boolean[] active = new boolean[d];
    int[] rowCount = new int[d];
    int[] colCount = new int[d];
    for (int i = 0; i < d; i++) {
      active[i] = true;
      for (int j = 0; j < d; j++) {
        if (i != j && a[i * d + j] != 0.0) {
          rowCount[i]++;
          colCount[j]++;
        }
      }
    }
    int[] order = new int[d];
    int lo = 0;
    int hi = d - 1;
    // rows isolating an eigenvalue, to the bottom
    java.util.ArrayDeque<Integer> ready = new java.util.ArrayDeque<>();
    for (int i = d - 1; i >= 0; i--) {
      if (rowCount[i] == 0) {
        ready.push(i);
      }
    }
    while (!ready.isEmpty()) {
      int r = ready.pop();
      if (!active[r] || rowCount[r] != 0) {
        continue;
      }
      active[r] = false;
      order[hi--] = r;
      for (int i = 0; i < d; i++) {
        if (active[i] && a[i * d + r] != 0.0 && --rowCount[i] == 0) {
          ready.push(i);
        }
        if (active[i] && a[r * d + i] != 0.0) {
          colCount[i]--;
        }
      }
    }
    // columns isolating an eigenvalue, to the top
    for (int j = d - 1; j >= 0; j--) {
      if (active[j] && colCount[j] == 0) {
        ready.push(j);
      }
    }
    while (!ready.isEmpty()) {
      int c = ready.pop();
      if (!active[c] || colCount[c] != 0) {
        continue;
      }
      active[c] = false;
      order[lo++] = c;
      for (int j = 0; j < d; j++) {
        if (active[j] && a[c * d + j] != 0.0 && --colCount[j] == 0) {
          ready.push(j);
        }
      }
    }
    for (int i = 0; i < d; i++) {
      if (active[i]) {
        order[lo++] = i;
      }
    }
    for (int i = 0; i < d; i++) {
      if (order[i] != i) {
        return order;
      }
    }
    return null;
  }

  /** {@code P^T A P}: entry {@code (i, k)} is {@code A[order[i]][order[k]]}. */
  static double[] permute(double[] a, int d, int[] order) {
    double[] out = new double[d * d];
    for (int i = 0; i < d; i++) {
      int src = order[i] * d;
      for (int k = 0; k < d; k++) {
        out[i * d + k] = a[src + order[k]];
      }
    }
    return out;
  }

  /** Maps the eigenvectors of {@code P^T A P} back to {@code A}'s: component i to order[i]. */
  private static Eigendecomposition unpermute(Eigendecomposition e, int[] order) {
    if (!e.hasVectors()) {
      return e;
    }
    int n = e.size();
    double[][] vr = new double[n][];
    double[][] vi = new double[n][];
    for (int k = 0; k < n; k++) {
      double[] pr = e.vectorReal(k);
      double[] pi = e.vectorImag(k);
      double[] r = new double[pr.length];
      double[] im = new double[pr.length];
      for (int i = 0; i < pr.length; i++) {
        r[order[i]] = pr[i];
        im[order[i]] = pi[i];
      }
      vr[k] = r;
      vi[k] = im;
    }
    return Eigendecomposition.of(e.realParts(), e.imagParts(), vr, vi);
  }

  /** The Frobenius norm. */
  static double norm(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
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
    for (double relative : CLUSTER_RADII) {
      for (List<Integer> c : clusters(re, im, relative * scale)) {
        if (c.size() >= 3 && collapse(c, re, im, floor)) {
          changed = true;
        }
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
    for (int k = 0; k < n; k++) {
      vr[k] = e.vectorReal(k);
      vi[k] = e.vectorImag(k);
    }
    return Eigendecomposition.of(re, im, vr, vi);
  }

  /** Single-linkage clusters of the eigenvalues within {@code radius} of each other. */
  private static java.util.Collection<List<Integer>> clusters(double[] re, double[] im,
      double radius) {
    int n = re.length;
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    // sweep in order of real part: only neighbours within the radius along it are compared
    Integer[] byReal = new Integer[n];
    for (int i = 0; i < n; i++) {
      byReal[i] = i;
    }
    java.util.Arrays.sort(byReal, java.util.Comparator.comparingDouble(k -> re[k]));
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
