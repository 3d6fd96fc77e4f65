package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.models.InputRegion;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * Region-to-region currents along a trajectory (CURBD's decomposition, with the network's own
 * weights instead of a fitted model). The model's pre-activation drive at step {@code t},
 *
 * <pre>
 *   z_t = W_rec h_t + W_inp u_t + b
 * </pre>
 *
 * (leaky: {@code x_{t+1} = (1 - alpha) x_t + alpha z_t}; Elman: {@code h_{t+1} = act(z_t)}), is
 * split by source: for destination unit {@code k}, the current from recurrent region {@code B}
 * is {@code sum_{j in B} W_rec[k, j] h_t[j]}, from input region {@code C}
 * {@code sum_{m in C} W_inp[k, m] u_t[m]}, and the bias (tonic input) {@code b[k]}; they sum to
 * {@code z_t[k]}. {@code h_t} is the activation of state {@code s_t}: {@code act(x_t)} for the
 * leaky model, the state itself for the Elman model.
 *
 * <p>Time: entry {@code t} is the drive of the step from state {@code s_t} under input
 * {@code u_t} to state {@code s_{t+1}}. Along a simulation ({@link #simulate}), {@code s_0} is the
 * initial condition and {@code s_t} the state after {@code t} steps, so entry {@code t} produced
 * the simulation's state {@code t} (its {@code xs[t]}, {@code hs[t]}, 0-based); along given states
 * ({@link #of}) it is the drive at each given state.
 *
 * <p>Sources are ordered: the recurrent regions, then the input regions (config order), then
 * {@code bias}. {@link #mean} averages over each destination region's units (so its sum over
 * sources is the region-mean drive), {@link #rms} is the root-mean-square over them (the current's
 * magnitude), {@link #unit} keeps every unit.
 *
 * @param destinations the recurrent regions, R of them, in config order
 * @param sources the sources, S = R + input regions + 1
 * @param steps T
 * @param units N
 * @param mean the region-mean currents, {@code [T, R, S]} row-major
 * @param rms the root-mean-square currents, {@code [T, R, S]} row-major
 * @param unit the per-unit currents, {@code [T, N, S]} row-major, or null when not kept
 */
public record RegionCurrents(List<String> destinations, List<String> sources, int steps,
    int units, double[] mean, double[] rms, double[] unit) {
  /** The name of the last source: the bias (tonic input, baseline firing). */
  public static final String BIAS = "bias";

  /**
   * @param destinations the destination regions
   * @param sources the sources
   * @param steps T
   * @param units N
   * @param mean the mean currents
   * @param rms the RMS currents
   * @param unit the unit currents, or null
   */
  public RegionCurrents {
    destinations = List.copyOf(destinations);
    sources = List.copyOf(sources);
  }

  /**
   * The currents at given states under given inputs.
   *
   * @param model the model
   * @param states T states in the model's natural coordinates ({@code x} leaky, {@code h}
   *     Elman), each N values
   * @param inputs T inputs, each I values (the input of the step leaving that state)
   * @param keepUnits whether to keep the per-unit currents {@code [T, N, S]}
   * @return the currents
   * @throws IllegalArgumentException if the counts or lengths do not fit the model
   */
  public static RegionCurrents of(RecurrentModel model, double[][] states, double[][] inputs,
      boolean keepUnits) {
    int n = model.numUnits();
    int in = model.numInputs();
    int steps = states.length;
    if (steps < 1 || inputs.length != steps) {
      throw new IllegalArgumentException("currents need one input per state and at least one"
          + " state; got " + steps + " states and " + inputs.length + " inputs");
    }
    List<RecurrentRegion> rec = model.layout().recurrentRegions();
    List<InputRegion> inp = model.layout().inputRegions();
    int r = rec.size();
    int s = r + inp.size() + 1;
    MemoryGuard.requireHeap("currents over " + steps + " steps of a " + n + "-unit network",
        (long) steps * ((keepUnits ? (long) n * s : 0) + 2L * r * s + n) * Double.BYTES,
        steps + " x " + (keepUnits ? n + " x " + s + " per-unit and " : "") + r + " x " + s
            + " region currents, float64", "give fewer steps, or leave out the per-unit"
            + " currents, or raise the heap (MRNN4J_JAVA_OPTS=-Xmx...)");
    double[][] w = matrix(model.recurrentWeights(), n, n);
    double[][] wi = matrix(model.inputWeights(), n, in);
    double[] b = model.tonicInput().toArray();
    IndexRange[] srcRange = new IndexRange[s - 1];
    List<String> names = new ArrayList<>();
    List<String> dst = new ArrayList<>();
    for (int a = 0; a < r; a++) {
      srcRange[a] = model.layout().recurrentRange(rec.get(a).name());
      names.add(rec.get(a).name());
      dst.add(rec.get(a).name());
    }
    for (int c = 0; c < inp.size(); c++) {
      srcRange[r + c] = model.layout().inputRange(inp.get(c).name());
      names.add(inp.get(c).name());
    }
    names.add(BIAS);
    boolean pre = model.naturalCoordinates() == Coordinates.PRE_ACTIVATION;
    Activation act = model.activation();
    double beta = model.softplusBeta();
    double[] mean = new double[steps * r * s];
    double[] rms = new double[steps * r * s];
    double[] unit = keepUnits ? new double[steps * n * s] : null;
    double[] cur = new double[n * s];
    double[] h = new double[n];
    for (int t = 0; t < steps; t++) {
      double[] st = states[t];
      double[] u = inputs[t];
      if (st.length != n || u.length != in) {
        throw new IllegalArgumentException("step " + t + ": a state of " + st.length
            + " values and an input of " + u.length + "; the model has N = " + n + ", I = "
            + in);
      }
      for (int k = 0; k < n; k++) {
        h[k] = pre ? act.apply(st[k], beta) : st[k];
      }
      for (int k = 0; k < n; k++) {
        for (int src = 0; src < s - 1; src++) {
          IndexRange range = srcRange[src];
          double[] row = src < r ? w[k] : wi[k];
          double[] v = src < r ? h : u;
          double sum = 0;
          for (int j = range.start(); j < range.end(); j++) {
            sum += row[j] * v[j];
          }
          cur[k * s + src] = sum;
        }
        cur[k * s + s - 1] = b[k];
      }
      if (unit != null) {
        System.arraycopy(cur, 0, unit, t * n * s, n * s);
      }
      for (int a = 0; a < r; a++) {
        IndexRange range = srcRange[a];
        int size = range.size();
        for (int src = 0; src < s; src++) {
          double sum = 0;
          double sq = 0;
          for (int k = range.start(); k < range.end(); k++) {
            double c = cur[k * s + src];
            sum += c;
            sq += c * c;
          }
          mean[(t * r + a) * s + src] = sum / size;
          rms[(t * r + a) * s + src] = Math.sqrt(sq / size);
        }
      }
    }
    return new RegionCurrents(dst, names, steps, n, mean, rms, unit);
  }

  /**
   * The currents along a simulation from the model's initial condition, without noise, under the
   * input sequence {@code inputs} ({@code [T, I]} row-major): entry {@code t} is the drive that
   * produced the simulation's state {@code t}.
   *
   * @param model the model
   * @param inputs the inputs, T rows of I values, row-major
   * @param steps T
   * @param keepUnits whether to keep the per-unit currents
   * @return the currents
   * @throws IllegalArgumentException if the input does not fit the model or is not finite
   */
  public static RegionCurrents simulate(RecurrentModel model, double[] inputs, int steps,
      boolean keepUnits) {
    int n = model.numUnits();
    int in = model.numInputs();
    if (steps < 1 || inputs.length != (long) steps * in) {
      throw new IllegalArgumentException("expected " + steps + " x " + in + " input values, got "
          + inputs.length);
    }
    double[][] states = new double[steps][];
    double[][] us = new double[steps][];
    states[0] = model.initialCondition().toArray();
    for (int t = 0; t < steps; t++) {
      us[t] = java.util.Arrays.copyOfRange(inputs, t * in, (t + 1) * in);
    }
    if (steps > 1) {
      boolean pre = model.naturalCoordinates() == Coordinates.PRE_ACTIVATION;
      double[] seq = java.util.Arrays.copyOf(inputs, (steps - 1) * in);
      try (Tensor u = model.backend().fromArray(seq, 1, steps - 1, in);
          Trajectory tr = model.simulate(Simulation.of(u))) {
        double[] xs = (pre ? tr.xs() : tr.hs()).toArray();
        for (int t = 1; t < steps; t++) {
          states[t] = java.util.Arrays.copyOfRange(xs, (t - 1) * n, t * n);
        }
      }
    }
    return of(model, states, us, keepUnits);
  }

  /** {@return S, the number of sources} */
  public int numSources() {
    return sources.size();
  }

  /**
   * {@return the time-averaged RMS current, {@code [R][S]}: each destination region's mean over
   *     the steps of its RMS current from each source}
   */
  public double[][] averageRms() {
    int r = destinations.size();
    int s = sources.size();
    double[][] out = new double[r][s];
    for (int t = 0; t < steps; t++) {
      for (int a = 0; a < r; a++) {
        for (int src = 0; src < s; src++) {
          out[a][src] += rms[(t * r + a) * s + src] / steps;
        }
      }
    }
    return out;
  }

  private static double[][] matrix(Tensor t, int rows, int cols) {
    double[] flat = t.toArray();
    double[][] m = new double[rows][cols];
    for (int k = 0; k < rows; k++) {
      System.arraycopy(flat, k * cols, m[k], 0, cols);
    }
    return m;
  }
}
