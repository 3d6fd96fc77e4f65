package org.mrnn4j.models;

import java.util.List;
import java.util.Random;
import org.mrnn4j.core.DType;

/**
 * Fresh parameters for a spec, from {@code new java.util.Random(seed)} (the same seed gives the
 * same network on every JVM: {@code Random}'s algorithms are specified).
 *
 * <p>Connections are initialised in the order they were added, recurrent first, then input. For
 * each block (rows = destination units, columns = source units), row-major:
 *
 * <ul>
 *   <li>weights: with Dale's law, {@code U(0, sqrt(1 / (2 N)))} for recurrent and
 *       {@code U(0, sqrt(1 / (N + I)))} for input blocks; without, Xavier normal,
 *       {@code N(0, 2 / (rows + columns))};
 *   <li>then, if the connection is sparse, the mask: for each column in turn, a uniformly random
 *       permutation of the rows (Fisher-Yates, {@code nextInt}) whose first
 *       {@code ceil(sparsity * rows)} rows are zeroed (PyTorch's {@code nn.init.sparse_}).
 * </ul>
 *
 * Sign matrices are {@code sign(source region) * mask}; unconnected blocks are zero in all three
 * matrices, as mRNNTorch's finalisation makes them.
 */
final class Initializer {
  private Initializer() {}

  static ModelParameters initialise(ModelSpec spec, long seed) {
    RegionLayout layout = spec.layout();
    int n = layout.numUnits();
    int i = layout.numInputs();
    Random random = new Random(seed);
    double[][] wRec = new double[n][n];
    double[][] mRec = new double[n][n];
    double[][] sRec = new double[n][n];
    double[][] wInp = new double[n][i];
    double[][] mInp = new double[n][i];
    double[][] sInp = new double[n][i];
    fill(random, spec.recurrentConnections(), layout, false, spec.recurrentConstrained(),
        Math.sqrt(1.0 / (2.0 * n)), wRec, mRec, sRec, spec);
    fill(random, spec.inputConnections(), layout, true, spec.inputConstrained(),
        Math.sqrt(1.0 / (n + (double) i)), wInp, mInp, sInp, spec);
    return ModelParameters.of(wRec, mRec, sRec, wInp, mInp, sInp, DType.FLOAT64);
  }

  private static void fill(Random random, List<Connection> connections, RegionLayout layout,
      boolean input, boolean constrained, double uniformBound, double[][] w, double[][] m,
      double[][] s, ModelSpec spec) {
    for (Connection c : connections) {
      var rows = layout.recurrentRange(c.destination());
      var cols = input ? layout.inputRange(c.source()) : layout.recurrentRange(c.source());
      double sign = input
          ? spec.inputRegions().stream().filter(r -> r.name().equals(c.source())).findFirst()
              .orElseThrow().sign().value()
          : spec.recurrentRegions().stream().filter(r -> r.name().equals(c.source())).findFirst()
              .orElseThrow().sign().value();
      int nr = rows.size();
      int nc = cols.size();
      double xavier = Math.sqrt(2.0 / (nr + nc));
      for (int r = 0; r < nr; r++) {
        for (int k = 0; k < nc; k++) {
          w[rows.start() + r][cols.start() + k] = constrained
              ? random.nextDouble() * uniformBound
              : random.nextGaussian() * xavier;
          m[rows.start() + r][cols.start() + k] = 1.0;
        }
      }
      if (c.isSparse()) {
        int zeros = (int) Math.ceil(c.sparsity() * nr);
        int[] perm = new int[nr];
        for (int k = 0; k < nc; k++) {
          for (int r = 0; r < nr; r++) {
            perm[r] = r;
          }
          for (int r = nr - 1; r > 0; r--) {
            int j = random.nextInt(r + 1);
            int t = perm[r];
            perm[r] = perm[j];
            perm[j] = t;
          }
          for (int z = 0; z < Math.min(zeros, nr); z++) {
            m[rows.start() + perm[z]][cols.start() + k] = 0.0;
          }
        }
      }
      for (int r = 0; r < nr; r++) {
        for (int k = 0; k < nc; k++) {
          double mv = m[rows.start() + r][cols.start() + k];
          s[rows.start() + r][cols.start() + k] = mv == 0.0 ? 0.0 : sign * mv;
        }
      }
    }
  }
}
