package org.mrnn4j.benchmarks;

import java.util.Random;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/**
 * The network every benchmark measures, fixed so that results compare across backends, runs and
 * with the reference implementation's:
 *
 * <ul>
 *   <li>a leaky mRNN with tanh, {@code dt = 10}, {@code tau = 100} ({@code alpha = 0.1});
 *   <li>two recurrent regions: {@code exc} with {@code floor(0.8 n)} units (sign positive) and
 *       {@code inh} with the other {@code n - floor(0.8 n)} (sign negative);
 *   <li>one input region {@code inp} of {@value #INPUTS} units;
 *   <li>all four recurrent connections and both input connections dense; Dale's law on the
 *       recurrent weights, off on the input weights;
 *   <li>weights from the models module's default initialisation with seed {@value #WEIGHT_SEED}.
 * </ul>
 *
 * The operating point is {@code x ~ N(0, 1)} drawn with {@code new Random(}{@value #STATE_SEED}
 * {@code ).nextGaussian()}, with zero input.
 */
public final class BenchmarkNetwork {
  /** Input units. */
  public static final int INPUTS = 8;
  /** Euler step. */
  public static final double DT = 10;
  /** Time constant. */
  public static final double TAU = 100;
  /** Seed of the weight initialisation. */
  public static final long WEIGHT_SEED = 20240611L;
  /** Seed of the operating points and initial states. */
  public static final long STATE_SEED = 7L;

  private BenchmarkNetwork() {}

  /**
   * The excitatory units of a network of {@code n}: {@code floor(0.8 n)}.
   *
   * @param n the number of recurrent units
   * @return the size of the {@code exc} region, {@code floor(0.8 n)}
   */
  public static int excitatory(int n) {
    return n * 4 / 5;
  }

  /**
   * Builds the benchmark network of {@code n} recurrent units on {@code backend}.
   *
   * @param backend the backend that holds the network's weights and computes with them
   * @param n the number of recurrent units, at least 5
   * @return a new network, which the caller must close
   * @throws IllegalArgumentException if {@code n < 5} (each region needs a unit)
   */
  public static LeakyMRNN build(Backend backend, int n) {
    if (n < 5) {
      throw new IllegalArgumentException(
          "the benchmark network needs n >= 5 units (80 % exc, 20 % inh), got n=" + n);
    }
    int exc = excitatory(n);
    return LeakyMRNN.builder()
        .activation(Activation.TANH)
        .dt(DT)
        .tau(TAU)
        .recurrentConstrained(true)
        .inputConstrained(false)
        .seed(WEIGHT_SEED)
        .recurrentRegion(RecurrentRegion.of("exc", exc).sign(Sign.POS))
        .recurrentRegion(RecurrentRegion.of("inh", n - exc).sign(Sign.NEG))
        .inputRegion("inp", INPUTS)
        .recurrentConnection("exc", "exc")
        .recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc")
        .recurrentConnection("inh", "inh")
        .inputConnection("inp", "exc")
        .inputConnection("inp", "inh")
        .build(backend);
  }

  /**
   * {@code rows * columns} standard normal numbers from {@link #STATE_SEED}, row-major.
   *
   * @param rows the number of rows
   * @param columns the number of columns
   * @return a new array of {@code rows * columns} draws, the same on every call with the same
   *     size
   */
  public static double[] gaussian(int rows, int columns) {
    Random random = new Random(STATE_SEED);
    double[] out = new double[rows * columns];
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  /**
   * The operating point's state {@code x ~ N(0, 1)}, {@code [n]}.
   *
   * @param n the number of recurrent units
   * @return a new array of the {@code n} state values, {@code [n]}
   */
  public static double[] operatingPoint(int n) {
    return gaussian(1, n);
  }

  /**
   * Waits until {@code t} has been computed: a GPU backend may return before its kernels finish,
   * and a benchmark must time the work, not its launch. On a GPU this reads one element (a tiny
   * kernel and a transfer of 8 bytes); CPU backends compute synchronously, so there it returns at
   * once rather than add a copy to what is measured.
   *
   * @return the last element on a GPU backend, else {@code t}'s size (something to consume)
   */
  static double settle(Tensor t) {
    Backend backend = t.backend();
    if (!backend.supports(Capability.GPU)) {
      return t.size();
    }
    return lastElement(t);
  }

  /** The last element of {@code t} in row-major order, read through a 1 x 1 block. */
  static double lastElement(Tensor t) {
    Backend backend = t.backend();
    Tensor m = t;
    Tensor owned = null;
    try {
      // Reduce a batch [B, r, c] to its last matrix, a vector [c] to a row [1, c].
      if (t.rank() == 3) {
        owned = backend.at(t, t.dim(0) - 1);
        m = owned;
      } else if (t.rank() == 1) {
        owned = backend.reshape(t, 1, t.dim(0));
        m = owned;
      } else if (t.rank() != 2) {
        double[] all = t.toArray();
        return all[all.length - 1];
      }
      int r = m.dim(0);
      int c = m.dim(1);
      try (Tensor last = backend.block(m, IndexRanges.of(r - 1, r), IndexRanges.of(c - 1, c))) {
        return last.toArray()[0];
      }
    } finally {
      if (owned != null) {
        owned.close();
      }
    }
  }
}
