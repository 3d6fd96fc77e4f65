package org.mrnn4j.analysis;

import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

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
 * fields) goes through this class.
 */
public final class Spectra {
  private Spectra() {}

  /** The eigendecomposition of the square matrix {@code j} (on its backend), refined. */
  public static Eigendecomposition eig(Tensor j, boolean vectors) {
    return refineClusters(j.backend().eig(j, vectors), norm(j.toArray(), 0, (int) j.size()));
  }

  /** The eigendecompositions of a batch {@code [B, d, d]}, in batch order, refined. */
  public static List<Eigendecomposition> eigBatch(Tensor js, boolean vectors) {
    List<Eigendecomposition> raw = js.backend().eigBatch(js, vectors);
    double[] all = js.toArray();
    int size = js.dim(1) * js.dim(2);
    List<Eigendecomposition> out = new ArrayList<>(raw.size());
    for (int k = 0; k < raw.size(); k++) {
      out.add(refineClusters(raw.get(k), norm(all, k * size, size)));
    }
    return out;
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
