package org.mrnn4j.analysis.regions;

import org.mrnn4j.core.Backend;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Frobenius norms of the blocks between regions (rows: destination region, columns: source
 * region): of the effective recurrent weights {@code |W_AB|_F}, independent of the point, and of
 * the Jacobian's connection part {@code |b diag(r_A) W_AB diag(c_B)|_F} at a point. Computed on the
 * backend as {@code (W o W) C} with {@code C} the squared column scales masked by source region
 * (one product with {@code R} columns), then summed over the destination rows on the host.
 */
public final class BlockGains {
  private BlockGains() {}

  /**
   * {@return {@code |W_AB|_F} over the square block of {@code weights} on {@code units}}
   *
   * @param weights the effective recurrent weights {@code W}, {@code [n, n]}
   * @param units the linearized units (global indices), partitioned by {@code regions}
   * @param regions the regions, as positions among {@code units}
   */
  public static double[][] weightFrobenius(Tensor weights, IndexRanges units,
      RegionPartition regions) {
    JacobianSpec spec = JacobianSpec.builder(weights).rows(units).columns(units).build();
    return jacobianFrobenius(spec, regions);
  }

  /**
   * {@return {@code |b diag(r_A) W_AB diag(c_B)|_F} of a square Jacobian block at one point (the
   * identity term left out)}
   *
   * @param spec the Jacobian block, rows equal to columns, one point
   * @param regions the regions, as positions among the block's units
   */
  public static double[][] jacobianFrobenius(JacobianSpec spec, RegionPartition regions) {
    IndexRanges units = spec.rowsOrAll();
    int d = units.size();
    if (d != regions.units()) {
      throw new IllegalArgumentException("the Jacobian block has " + d + " units, the regions "
          + regions.units());
    }
    int[] idx = units.toIndices();
    double[] r = picked(spec.rowScale(), idx);
    double[] c = picked(spec.columnScale(), idx);
    int[] regionOf = regions.regionOf();
    int nr = regions.size();
    double[] mask = new double[d * nr];
    for (int j = 0; j < d; j++) {
      mask[j * nr + regionOf[j]] = c == null ? 1.0 : c[j] * c[j];
    }
    Tensor w = spec.weights();
    Backend backend = w.backend();
    double[] y;
    try (TensorScope scope = new TensorScope()) {
      Tensor block = units.isAll(w.dim(0)) && units.isAll(w.dim(1)) ? w
          : scope.track(backend.block(w, units, units));
      Tensor squared = scope.track(backend.mul(block, block));
      Tensor m = scope.track(backend.fromArray(mask, w.dtype(), d, nr));
      y = scope.track(backend.matmul(squared, m)).toArray();
    }
    double b2 = spec.scale() * spec.scale();
    double[][] out = new double[nr][nr];
    for (int i = 0; i < d; i++) {
      double ri = r == null ? 1.0 : r[i] * r[i];
      for (int s = 0; s < nr; s++) {
        out[regionOf[i]][s] += ri * y[i * nr + s];
      }
    }
    for (double[] row : out) {
      for (int s = 0; s < nr; s++) {
        row[s] = Math.sqrt(b2 * Math.max(0.0, row[s]));
      }
    }
    return out;
  }

  /** The entries of the scale {@code v} at {@code idx}, or null for all ones. */
  static double[] picked(Tensor v, int[] idx) {
    if (v == null) {
      return null;
    }
    double[] all = v.toArray();
    double[] out = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = all[idx[i]];
    }
    return out;
  }
}
