package org.mrnn4j.analysis.regions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mrnn4j.analysis.LeadingOptions;
import org.mrnn4j.analysis.LeadingSpectrum;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Computes {@link RegionModes} of a square Jacobian block {@code J = a I + b diag(r) W diag(c)}
 * at one operating point, by either path:
 *
 * <ul>
 *   <li>{@link #dense}: the formed Jacobian's eigendecomposition with right and left vectors
 *       ({@link Spectra#eigWithLeftVectors}), the {@code K} leading modes by modulus; the products
 *       {@code J_AB v_B} and the left residuals from the Jacobian's host copy;
 *   <li>{@link #krylov}: the leading right vectors from a Krylov-Schur run on {@code J}
 *       ({@link Spectra#leading}), the left ones from a second run on {@code J^T} through the same
 *       kernel (a spec with {@code W} transposed, {@code r} and {@code c} swapped), paired by
 *       eigenvalue; the products {@code J_AB v_B} from {@link Backend#jacobianTimes} with
 *       {@code v} masked to region {@code B}. A mode whose eigenvalue has no single match among
 *       the transposed run's, within {@link #PAIRING} {@code max(1, |lambda|)}, has no left vector:
 *       its left participation and sensitivities are withheld, with that reason.
 * </ul>
 *
 * <p>On both paths a mode whose eigenvalue is repeated, another eigenvalue computed at the point
 * (every one on the dense path, the converged leading ones on the Krylov path) lying within
 * {@link RegionModes#REPEATED}{@code max(1, |lambda|)}, has its participations and sensitivities
 * withheld ({@link RegionModes.Mode#repeated}): its eigenvectors are any vectors of a
 * multi-dimensional eigenspace. A complex eigenvalue's conjugate partner is no repeat. On the
 * Krylov path a repeated eigenvalue can converge once only and then goes undetected.
 */
public final class RegionModeAnalysis {
  private RegionModeAnalysis() {}

  /**
   * The largest block for which the Krylov path falls back to the dense one when the iteration
   * stops unconverged (whatever the options say): above it that fallback would decompose the whole
   * Jacobian with right and left vectors, and the unconverged modes are left out instead.
   */
  public static final int DENSE_FALLBACK_LIMIT = LeadingOptions.LEADING_FROM - 1;

  /** Relative distance within which an eigenvalue of {@code J^T} is paired with one of {@code J}. */
  public static final double PAIRING = 1e-7;

  /**
   * The {@code count} leading modes by modulus from the dense eigendecomposition.
   *
   * @param spec the square Jacobian block at one point (rows equal to columns)
   * @param regions the regions, as positions among the block's units
   * @param count how many modes, from 1 to the number of units
   * @return the modes, leading first
   * @throws IllegalArgumentException if the block is not square, the count is out of range, or
   *     the regions do not match
   */
  public static RegionModes dense(JacobianSpec spec, RegionPartition regions, int count) {
    int d = check(spec, regions, count);
    Backend backend = spec.weights().backend();
    double[] j;
    Eigendecomposition e;
    try (Tensor jt = backend.jacobian(spec)) {
      j = jt.toArray();
      e = Spectra.eigWithLeftVectors(jt);
    }
    double normJ = 0;
    for (double x : j) {
      normJ += x * x;
    }
    normJ = Math.sqrt(normJ);
    int[] regionOf = regions.regionOf();
    int nr = regions.size();
    double a = spec.identity();
    List<RegionModes.Mode> modes = new ArrayList<>();
    for (int k = 0; k < Math.min(count, e.size()); k++) {
      int mult = multiplicity(e, e.real(k), e.imag(k));
      if (mult > 1) {
        modes.add(RegionModes.Mode.repeated(e.real(k), e.imag(k), repeatedReason(mult)));
        continue;
      }
      double[] vr = e.vectorReal(k);
      double[] vi = e.vectorImag(k);
      double[] wr = e.leftVectorReal(k);
      double[] wi = e.leftVectorImag(k);
      // y[B] = J[:, B] v_B, and the left residual w^H J - lambda w^H
      double[][] yr = new double[nr][d];
      double[][] yi = new double[nr][d];
      double[] lr = new double[d];
      double[] li = new double[d];
      for (int i = 0; i < d; i++) {
        int row = i * d;
        for (int c = 0; c < d; c++) {
          double x = j[row + c];
          int b = regionOf[c];
          yr[b][i] += x * vr[c];
          yi[b][i] += x * vi[c];
          // conj(w_i) J_ic
          lr[c] += wr[i] * x;
          li[c] -= wi[i] * x;
        }
      }
      double lre = e.real(k);
      double lim = e.imag(k);
      double res = 0;
      for (int c = 0; c < d; c++) {
        // lambda conj(w_c)
        double tr = lre * wr[c] + lim * wi[c];
        double ti = lim * wr[c] - lre * wi[c];
        res += (lr[c] - tr) * (lr[c] - tr) + (li[c] - ti) * (li[c] - ti);
      }
      modes.add(mode(lre, lim, vr, vi, wr, wi, yr, yi, a, regionOf, nr,
          Math.sqrt(res), maxLeft(normJ)));
    }
    return new RegionModes(regions.names(), a, RegionModes.Method.DENSE, modes,
        BlockGains.jacobianFrobenius(spec, regions), e);
  }

  private static double maxLeft(double normJ) {
    return RegionModes.MAX_LEFT_RESIDUAL * normJ;
  }

  /**
   * The leading modes by modulus from Krylov-Schur runs on {@code J} and {@code J^T} (the dense
   * path where {@link Spectra#leading} takes it: small blocks, or as its fallback up to
   * {@link #DENSE_FALLBACK_LIMIT} units); only converged modes are reported.
   *
   * @param spec the square Jacobian block at one point (rows equal to columns)
   * @param regions the regions, as positions among the block's units
   * @param options the count and the iteration's settings (order: by modulus; vectors: on)
   * @return the converged modes, leading first
   * @throws IllegalArgumentException if the block is not square or the regions do not match
   */
  public static RegionModes krylov(JacobianSpec spec, RegionPartition regions,
      LeadingOptions options) {
    check(spec, regions, 1);
    LeadingOptions o = options.withOrder(LeadingOptions.Order.MODULUS).withVectors(true)
        .withDenseLimit(Math.min(options.denseLimit(), DENSE_FALLBACK_LIMIT));
    return fromRight(spec, regions, Spectra.leading(spec, o), Integer.MAX_VALUE, o);
  }

  /**
   * The stability's leading eigenvalues ({@link Spectra#stability}, with eigenvectors) and the
   * first {@code count} of its converged modes resolved by region, the left vectors from a
   * Krylov-Schur run on {@code J^T}: one run on {@code J} serves both (what {@code analyze
   * --modes} does on the Krylov path). {@link RegionModes#leading()} holds the stability answer.
   *
   * @param spec the square Jacobian block at one point (rows equal to columns)
   * @param regions the regions, as positions among the block's units
   * @param options the starting count and the iteration's settings, as for
   *     {@link Spectra#stability}
   * @param count the most modes to resolve, at least 1
   * @return the modes (at most {@code count}, converged only), with the stability answer
   */
  public static RegionModes stability(JacobianSpec spec, RegionPartition regions,
      LeadingOptions options, int count) {
    check(spec, regions, 1);
    if (count < 1) {
      throw new IllegalArgumentException("the number of modes must be 1 or more, got " + count);
    }
    LeadingSpectrum right = Spectra.stability(spec, options.withVectors(true));
    return fromRight(spec, regions, right, count, options.withOrder(LeadingOptions.Order.MODULUS)
        .withVectors(true).withDenseLimit(Math.min(options.denseLimit(), DENSE_FALLBACK_LIMIT)));
  }

  /** The modes from the right answer {@code right} (its first {@code count}), left from J^T. */
  private static RegionModes fromRight(JacobianSpec spec, RegionPartition regions,
      LeadingSpectrum right, int count, LeadingOptions o) {
    int d = regions.units();
    Backend backend = spec.weights().backend();
    Eigendecomposition er = first(right.eigenvalues(), count);
    double[][] jf = BlockGains.jacobianFrobenius(spec, regions);
    // J^T has the same eigenvalues: as many wanted as converged on J (a bulk that did not
    // converge there is not searched twice)
    LeadingSpectrum left = null;
    if (er.size() > 0) {
      try (TensorScope scope = new TensorScope()) {
        left = Spectra.leading(transposed(scope, spec), o.withCount(er.size()));
      }
    }
    Eigendecomposition el = left == null ? er : left.eigenvalues();
    int[] regionOf = regions.regionOf();
    int nr = regions.size();
    double a = spec.identity();
    int k = er.size();
    // J[:, B] v_B for every mode and region: one product with 2 R K columns
    int cols = 2 * nr * k;
    double[] block = new double[d * cols];
    for (int t = 0; t < k; t++) {
      double[] vr = er.vectorReal(t);
      double[] vi = er.vectorImag(t);
      for (int i = 0; i < d; i++) {
        int col = 2 * (t * nr + regionOf[i]);
        block[i * cols + col] = vr[i];
        block[i * cols + col + 1] = vi[i];
      }
    }
    double[] y;
    try (Tensor x = backend.fromArray(block, spec.weights().dtype(), d, cols);
        Tensor jx = backend.jacobianTimes(spec, x)) {
      y = jx.toArray();
    }
    // |J|_F <= |J - a I|_F + |a| sqrt(d)
    double connection = 0;
    for (double[] row : jf) {
      for (double v : row) {
        connection += v * v;
      }
    }
    double normJ = Math.sqrt(connection) + Math.abs(a) * Math.sqrt(d);
    List<RegionModes.Mode> modes = new ArrayList<>();
    Eigendecomposition all = right.eigenvalues();
    for (int t = 0; t < k; t++) {
      double lre = er.real(t);
      double lim = er.imag(t);
      int mult = multiplicity(all, lre, lim);
      if (mult > 1) {
        modes.add(RegionModes.Mode.repeated(lre, lim, repeatedReason(mult)));
        continue;
      }
      double[] vr = er.vectorReal(t);
      double[] vi = er.vectorImag(t);
      double[][] yr = new double[nr][d];
      double[][] yi = new double[nr][d];
      for (int b = 0; b < nr; b++) {
        int col = 2 * (t * nr + b);
        for (int i = 0; i < d; i++) {
          yr[b][i] = y[i * cols + col];
          yi[b][i] = y[i * cols + col + 1];
        }
      }
      double tol = PAIRING * Math.max(1.0, Math.hypot(lre, lim));
      int match = -1;
      int within = 0;
      double best = Double.POSITIVE_INFINITY;
      for (int s = 0; s < el.size(); s++) {
        double dist = Math.hypot(el.real(s) - lre, el.imag(s) - lim);
        if (dist <= tol) {
          within++;
        }
        if (dist < best) {
          best = dist;
          match = s;
        }
      }
      if (within != 1) {
        String why = within == 0
            ? String.format(Locale.ROOT, "no left eigenvector: the Krylov run on J^T found no"
                + " eigenvalue within %.1e of lambda (nearest at %.3e)", tol, best)
            : String.format(Locale.ROOT, "no left eigenvector: the Krylov run on J^T found %d"
                + " eigenvalues within %.1e of lambda", within, tol);
        modes.add(new RegionModes.Mode(lre, lim, Double.NaN, participation(vr, vi, regionOf, nr),
            null, null, null, null, null, why));
        continue;
      }
      // w = conj(z) for J^T z = mu z
      double[] wr = el.vectorReal(match);
      double[] wi = el.vectorImag(match);
      double[] negWi = new double[d];
      for (int i = 0; i < d; i++) {
        negWi[i] = -wi[i];
      }
      double leftResidual = left.residual(match) + best;
      modes.add(mode(lre, lim, vr, vi, wr, negWi, yr, yi, a, regionOf, nr, leftResidual,
          maxLeft(normJ)));
    }
    RegionModes.Method method = right.method() == LeadingSpectrum.Method.KRYLOV
        ? RegionModes.Method.KRYLOV : RegionModes.Method.DENSE;
    return new RegionModes(regions.names(), a, method, modes, jf, er, right);
  }

  /**
   * How many eigenvalues of {@code e} lie within {@link RegionModes#REPEATED}{@code max(1,
   * |lambda|)} of {@code lambda} (itself included, at least 1). For a complex {@code lambda} those
   * with the opposite sign of imaginary part are left out: they are conjugate partners (of
   * {@code lambda} or of its repeats), never repeats.
   */
  static int multiplicity(Eigendecomposition e, double re, double im) {
    double tol = RegionModes.REPEATED * Math.max(1.0, Math.hypot(re, im));
    int m = 0;
    for (int s = 0; s < e.size(); s++) {
      if (e.imag(s) * im < 0) {
        continue;
      }
      if (Math.hypot(e.real(s) - re, e.imag(s) - im) <= tol) {
        m++;
      }
    }
    return Math.max(1, m);
  }

  private static String repeatedReason(int multiplicity) {
    return "repeated eigenvalue (m = " + multiplicity + "): its eigenvectors are not unique (or,"
        + " if it is defective, not complete), so neither participation nor sensitivity is"
        + " defined";
  }

  /** The first {@code count} pairs of {@code e} (with vectors), or {@code e} itself. */
  private static Eigendecomposition first(Eigendecomposition e, int count) {
    if (count >= e.size()) {
      return e;
    }
    double[] re = java.util.Arrays.copyOf(e.realParts(), count);
    double[] im = java.util.Arrays.copyOf(e.imagParts(), count);
    double[][] vr = new double[count][];
    double[][] vi = new double[count][];
    for (int k = 0; k < count; k++) {
      vr[k] = e.vectorReal(k);
      vi[k] = e.vectorImag(k);
    }
    return Eigendecomposition.of(re, im, vr, vi);
  }

  /** The spec of {@code J^T} over the gathered block: {@code W^T}, {@code r} and {@code c} swapped. */
  private static JacobianSpec transposed(TensorScope scope, JacobianSpec spec) {
    Tensor w = spec.weights();
    Backend b = w.backend();
    IndexRanges units = spec.rowsOrAll();
    int[] idx = units.toIndices();
    Tensor block = units.isAll(w.dim(0)) && units.isAll(w.dim(1)) ? w
        : scope.track(b.block(w, units, units));
    Tensor wt = scope.track(b.transpose(block));
    double[] r = BlockGains.picked(spec.rowScale(), idx);
    double[] c = BlockGains.picked(spec.columnScale(), idx);
    DType dtype = w.dtype();
    return JacobianSpec.builder(wt).identity(spec.identity()).scale(spec.scale())
        .rowScale(c == null ? null : scope.track(b.fromArray(c, dtype, c.length)))
        .columnScale(r == null ? null : scope.track(b.fromArray(r, dtype, r.length)))
        .build();
  }

  private static int check(JacobianSpec spec, RegionPartition regions, int count) {
    java.util.Objects.requireNonNull(spec, "spec");
    java.util.Objects.requireNonNull(regions, "regions");
    IndexRanges rows = spec.rowsOrAll();
    if (!rows.equals(spec.columnsOrAll())) {
      throw new IllegalArgumentException("region modes need a square Jacobian block on equal rows"
          + " and columns, got rows " + rows + " and columns " + spec.columnsOrAll());
    }
    int d = rows.size();
    if (d != regions.units()) {
      throw new IllegalArgumentException("the Jacobian block has " + d + " units, the regions "
          + regions.names() + " " + regions.units());
    }
    if (count < 1 || count > d) {
      throw new IllegalArgumentException("the number of modes must be between 1 and the " + d
          + " linearized units, got " + count);
    }
    return d;
  }

  private static double[] participation(double[] xr, double[] xi, int[] regionOf, int nr) {
    double[] out = new double[nr];
    double total = 0;
    for (int i = 0; i < xr.length; i++) {
      double m = xr[i] * xr[i] + xi[i] * xi[i];
      out[regionOf[i]] += m;
      total += m;
    }
    for (int r = 0; r < nr; r++) {
      out[r] /= total;
    }
    return out;
  }

  /**
   * One mode from its eigenvalue, right vector v, left vector w ({@code w^H J = lambda w^H}), and
   * the products {@code y[B] = J[:, B] v_B} (identity term included).
   */
  private static RegionModes.Mode mode(double lre, double lim, double[] vr, double[] vi,
      double[] wr, double[] wi, double[][] yr, double[][] yi, double a, int[] regionOf, int nr,
      double leftResidual, double maxLeftResidual) {
    int d = vr.length;
    double[] right = participation(vr, vi, regionOf, nr);
    double[] left = participation(wr, wi, regionOf, nr);
    // w^H v, |w|, |v|
    double pr = 0;
    double pi = 0;
    double nw = 0;
    double nv = 0;
    double[] diagR = new double[nr]; // w_A^H v_A, for the identity term
    double[] diagI = new double[nr];
    for (int i = 0; i < d; i++) {
      double cr = wr[i] * vr[i] + wi[i] * vi[i];
      double ci = wr[i] * vi[i] - wi[i] * vr[i];
      pr += cr;
      pi += ci;
      diagR[regionOf[i]] += cr;
      diagI[regionOf[i]] += ci;
      nw += wr[i] * wr[i] + wi[i] * wi[i];
      nv += vr[i] * vr[i] + vi[i] * vi[i];
    }
    double p2 = pr * pr + pi * pi;
    double kappa = Math.sqrt(nw * nv / p2);
    double unitLeftResidual = leftResidual / Math.sqrt(nw);
    String why = null;
    if (!(kappa <= RegionModes.MAX_CONDITION)) {
      why = String.format(Locale.ROOT, "condition number %.3e exceeds %.0e: the eigenvalue is"
          + " (nearly) defective and has no well-defined sensitivity", kappa,
          RegionModes.MAX_CONDITION);
    } else if (!(unitLeftResidual <= maxLeftResidual)) {
      why = String.format(Locale.ROOT, "left eigenvector residual %.3e exceeds %.0e |J|_F = %.3e",
          unitLeftResidual, RegionModes.MAX_LEFT_RESIDUAL, maxLeftResidual);
    } else if (lre == 0 && lim == 0) {
      why = "lambda = 0: its modulus has no derivative";
    }
    if (why != null) {
      return new RegionModes.Mode(lre, lim, kappa, right, left, null, null, null, null, why);
    }
    double[][] sr = new double[nr][nr];
    double[][] si = new double[nr][nr];
    for (int b = 0; b < nr; b++) {
      // w_A^H y[B]_A
      for (int i = 0; i < d; i++) {
        int ar = regionOf[i];
        sr[ar][b] += wr[i] * yr[b][i] + wi[i] * yi[b][i];
        si[ar][b] += wr[i] * yi[b][i] - wi[i] * yr[b][i];
      }
    }
    double mod = Math.hypot(lre, lim);
    double[][] m = new double[nr][nr];
    double total = 0;
    for (int ar = 0; ar < nr; ar++) {
      sr[ar][ar] -= a * diagR[ar];
      si[ar][ar] -= a * diagI[ar];
      for (int b = 0; b < nr; b++) {
        // divide by w^H v
        double xr = (sr[ar][b] * pr + si[ar][b] * pi) / p2;
        double xi = (si[ar][b] * pr - sr[ar][b] * pi) / p2;
        sr[ar][b] = xr;
        si[ar][b] = xi;
        // Re(conj(lambda) s) / |lambda|
        m[ar][b] = (lre * xr + lim * xi) / mod;
        total += Math.abs(m[ar][b]);
      }
    }
    double[][] share = new double[nr][nr];
    for (int ar = 0; ar < nr; ar++) {
      for (int b = 0; b < nr; b++) {
        share[ar][b] = total == 0 ? 0.0 : m[ar][b] / total;
      }
    }
    return new RegionModes.Mode(lre, lim, kappa, right, left, sr, si, m, share, null);
  }
}
