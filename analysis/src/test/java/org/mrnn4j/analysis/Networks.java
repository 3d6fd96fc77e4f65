package org.mrnn4j.analysis;

import java.util.Random;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;

/** Small random networks for the tests: three regions (two under a parent), two input regions. */
final class Networks {
  private Networks() {}

  static final String[] REGIONS = {"a", "b", "c"};

  /** A leaky network, unconstrained (weights of both signs), dense connectivity. */
  static LeakyMRNN leaky(Backend backend, Activation f, long seed) {
    return wire(ModelBuilder.leaky(), f, seed).dt(10).tau(40).build(backend);
  }

  /** An Elman network like {@link #leaky}. */
  static ElmanMRNN elman(Backend backend, Activation f, long seed) {
    return wire(ModelBuilder.elman(), f, seed).build(backend);
  }

  private static <M extends RecurrentModel> ModelBuilder<M> wire(ModelBuilder<M> b,
      Activation f, long seed) {
    b.activation(f).recurrentConstrained(false).inputConstrained(false).seed(seed)
        .recurrentRegion(RecurrentRegion.of("a", 4).baseFiring(0.3).parent("ab"))
        .recurrentRegion(RecurrentRegion.of("b", 3).baseFiring(-0.2).parent("ab"))
        .recurrentRegion(RecurrentRegion.of("c", 5).baseFiring(0.1))
        .inputRegion("u", 2)
        .inputRegion("v", 1);
    for (String s : REGIONS) {
      for (String d : REGIONS) {
        b.recurrentConnection(s, d);
      }
    }
    b.inputConnection("u", "a").inputConnection("u", "c").inputConnection("v", "b");
    return b;
  }

  /** Standard normal entries, scaled. */
  static double[] gaussian(Random rnd, int n, double scale) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = scale * rnd.nextGaussian();
    }
    return out;
  }

  /** Gaussian entries kept at least {@code gap} away from 0 (the relu kink). */
  static double[] awayFromZero(Random rnd, int n, double scale, double gap) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double v;
      do {
        v = scale * rnd.nextGaussian();
      } while (Math.abs(v) < gap);
      out[i] = v;
    }
    return out;
  }
}
