package org.mrnn4j.core.dynamics;

import java.util.Arrays;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/**
 * The data of a {@link HostMap}: a network's weights restricted to the included units, and the
 * constant drive of each included unit ({@code W_inp u + b} plus what the held units send), on
 * the host. It knows no dynamics: a model kind turns it into a map.
 *
 * @param weights the included block of the effective recurrent weights, {@code d x d} row-major
 * @param drive the constant drive of each included unit, length {@code d}
 * @param units the model index of each included unit, ascending
 * @param frame a full-length state: the held values at the excluded units, zeros elsewhere
 */
public record HostNetwork(double[] weights, double[] drive, int[] units, double[] frame) {

  /** {@return the number of included units} */
  public int dimension() {
    return units.length;
  }

  /**
   * {@return {@code (W s)_i} over the included block}
   *
   * @param i the row, among the included units
   * @param v a vector over the included units
   */
  public double dotRow(int i, double[] v) {
    int n = units.length;
    int row = i * n;
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += weights[row + j] * v[j];
    }
    return s;
  }

  /**
   * The rounding floor of a residual {@code scale (act(W sent + drive) - s)} or
   * {@code scale (W sent + drive - s)}: {@code 1/2 sum_i (8 eps scale (|s_i| + |drive_i| +
   * sum_j |w_ij sent_j|))^2}, what float64 evaluation of its terms can certify (see
   * {@link HostMap#roundingFloor}).
   *
   * @param s the state
   * @param sent what the included units send through {@code W} (the state, or its activation)
   * @param scale the residual's factor (a leak rate, or 1)
   * @return the floor, in units of {@code q}
   */
  public double roundingFloor(double[] s, double[] sent, double scale) {
    double eps = Math.ulp(1.0);
    int n = units.length;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double mag = Math.abs(s[i]) + Math.abs(drive[i]);
      int row = i * n;
      for (int j = 0; j < n; j++) {
        mag += Math.abs(weights[row + j] * sent[j]);
      }
      double e = 8 * eps * mag * scale;
      sum += e * e;
    }
    return 0.5 * sum;
  }

  /**
   * {@return the full state: {@code s} at the included units, the held values elsewhere}
   *
   * @param s the state over the included units
   */
  public double[] embed(double[] s) {
    check(s, "state");
    double[] full = frame.clone();
    for (int i = 0; i < units.length; i++) {
      full[units[i]] = s[i];
    }
    return full;
  }

  /**
   * {@return the included units' entries of a full-length state}
   *
   * @param full a state over every unit
   */
  public double[] restrict(double[] full) {
    if (full.length != frame.length) {
      throw new IllegalArgumentException(
          "a full state has " + frame.length + " entries (one per unit), got " + full.length);
    }
    double[] s = new double[units.length];
    for (int i = 0; i < units.length; i++) {
      s[i] = full[units[i]];
    }
    return s;
  }

  /**
   * Throws unless {@code s} has one entry per included unit.
   *
   * @param s the state over the included units
   * @param what what the state is, for the message
   * @throws IllegalArgumentException naming {@code what} and both lengths
   */
  public void check(double[] s, String what) {
    if (s.length != units.length) {
      throw new IllegalArgumentException("the " + what + " must have " + units.length
          + " entries (one per included unit), got " + s.length);
    }
  }

  /**
   * Restricts a network.
   *
   * @param recurrent effective recurrent weights {@code [N][N]}, rows destination units
   * @param inputWeights effective input weights {@code [N][I]}, or null without input
   * @param bias the tonic input, length {@code N}, or null for zeros
   * @param input the constant input, length {@code I}, or null for zeros
   * @param included the units searched over, or null for all
   * @param heldState a full-length state (in the map's coordinates) whose excluded entries are
   *     held, or null for zeros
   * @param heldActivity what the held units send through {@code W}, from their held values (the
   *     activation for pre-activation states, the value itself for activations)
   * @return the network over the included units
   * @throws IllegalArgumentException naming the argument whose shape or value is wrong
   */
  public static HostNetwork restrict(double[][] recurrent, double[][] inputWeights, double[] bias,
      double[] input, IndexRanges included, double[] heldState,
      java.util.function.DoubleUnaryOperator heldActivity) {
    if (recurrent == null) {
      throw new IllegalArgumentException("the recurrent weights are required");
    }
    int total = recurrent.length;
    for (int i = 0; i < total; i++) {
      if (recurrent[i].length != total) {
        throw new IllegalArgumentException("the recurrent weights must be square [" + total
            + ", " + total + "], but row " + i + " has " + recurrent[i].length + " entries");
      }
    }
    double[] u = input == null ? new double[0] : input;
    if (inputWeights == null && Arrays.stream(u).anyMatch(v -> v != 0)) {
      throw new IllegalArgumentException("a non-zero input needs the input weights");
    }
    if (inputWeights != null) {
      if (inputWeights.length != total) {
        throw new IllegalArgumentException("the input weights must have " + total
            + " rows (one per unit), got " + inputWeights.length);
      }
      int inputs = total == 0 ? 0 : inputWeights[0].length;
      if (input != null && input.length != inputs) {
        throw new IllegalArgumentException("the input must have " + inputs
            + " entries (one per input unit), got " + input.length);
      }
    }
    if (bias != null && bias.length != total) {
      throw new IllegalArgumentException(
          "the tonic input must have " + total + " entries, got " + bias.length);
    }
    if (heldState != null && heldState.length != total) {
      throw new IllegalArgumentException("the held state must have " + total
          + " entries (one per unit), got " + heldState.length);
    }
    IndexRanges inc = included == null ? IndexRanges.all(total) : included;
    int[] units = new int[inc.size()];
    int k = 0;
    for (IndexRange range : inc.ranges()) {
      if (range.end() > total) {
        throw new IllegalArgumentException(
            "included units " + range + " lie outside the network's " + total + " units");
      }
      for (int i = range.start(); i < range.end(); i++) {
        units[k++] = i;
      }
    }
    if (units.length == 0) {
      throw new IllegalArgumentException("the search needs at least one included unit");
    }
    boolean[] isIncluded = new boolean[total];
    for (int i : units) {
      isIncluded[i] = true;
    }
    double[] frame = new double[total];
    double[] activity = new double[total];
    if (heldState != null) {
      for (int i = 0; i < total; i++) {
        if (!isIncluded[i]) {
          frame[i] = heldState[i];
          activity[i] = heldActivity.applyAsDouble(heldState[i]);
        }
      }
    } else {
      for (int i = 0; i < total; i++) {
        if (!isIncluded[i]) {
          activity[i] = heldActivity.applyAsDouble(0.0);
        }
      }
    }
    int n = units.length;
    double[] w = new double[n * n];
    double[] drive = new double[n];
    for (int a = 0; a < n; a++) {
      int i = units[a];
      for (int b = 0; b < n; b++) {
        w[a * n + b] = recurrent[i][units[b]];
      }
      double c = bias == null ? 0.0 : bias[i];
      if (inputWeights != null && input != null) {
        for (int j = 0; j < input.length; j++) {
          c += inputWeights[i][j] * input[j];
        }
      }
      for (int j = 0; j < total; j++) {
        if (!isIncluded[j]) {
          c += recurrent[i][j] * activity[j];
        }
      }
      drive[a] = c;
    }
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("the recurrent weights hold a non-finite entry");
      }
    }
    for (double v : drive) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "the constant drive (input weights, input, tonic input, held state) is not finite");
      }
    }
    return new HostNetwork(w, drive, units, frame);
  }
}
