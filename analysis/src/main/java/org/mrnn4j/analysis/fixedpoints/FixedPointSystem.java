package org.mrnn4j.analysis.fixedpoints;

import java.util.Arrays;
import java.util.Objects;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/**
 * The map whose fixed points are sought, held on the host as plain arrays: a recurrent network at
 * a constant input, restricted to a subset of its units (the others held at given values).
 *
 * <p>Three forms, with {@code c = W_inp u + b} plus the excluded units' contribution:
 *
 * <table>
 *   <caption>Forms, residuals and Jacobians</caption>
 *   <tr><th>form</th><th>state s</th><th>residual r(s) = F(s) - s</th>
 *       <th>Jacobian of the map F (reported, eigen-analysed)</th></tr>
 *   <tr><td>{@link Form#LEAKY_X}</td><td>x</td>
 *       <td>{@code alpha (-x + W act(x) + c)}: one leaky step</td>
 *       <td>{@code (1 - alpha) I + alpha W diag(act'(x))}</td></tr>
 *   <tr><td>{@link Form#LEAKY_H}</td><td>h</td>
 *       <td>{@code act(W h + c) - h}</td>
 *       <td>{@code (1 - alpha) I + alpha diag(act'(z)) W}, {@code z = W h + c}</td></tr>
 *   <tr><td>{@link Form#ELMAN}</td><td>h</td>
 *       <td>{@code act(W h + c) - h}: one Elman step</td>
 *       <td>{@code diag(act'(z)) W}</td></tr>
 * </table>
 *
 * <p>{@link Form#LEAKY_H} solves the leaky network's fixed-point equation written in the
 * activations: {@code h* = act(x*)} with {@code x* = W h* + c} ({@code z} above). Its fixed points
 * are exactly those of the leaky network (one-to-one), but its {@code q} is that of the activation
 * update, not of one leaky step. Its reported Jacobian is the leaky dynamics expressed in {@code h}
 * coordinates, similar to the one in {@code x}: both have the same eigenvalues, so stability is the
 * network's.
 *
 * <p>Instances are immutable and thread-safe; every method writes only into the arrays it is given
 * or returns new ones.
 */
public final class FixedPointSystem {

  /** Which map, in which coordinates. */
  public enum Form {
    /** The leaky mRNN in its pre-activation state {@code x}. */
    LEAKY_X,
    /** The leaky mRNN in its activation {@code h = act(x)}. */
    LEAKY_H,
    /** The Elman mRNN in its state {@code h}. */
    ELMAN;

    /** Whether the state is the activation {@code h} (else the pre-activation {@code x}). */
    public boolean inActivation() {
      return this != LEAKY_X;
    }
  }

  private final Form form;
  private final Activation activation;
  private final double alpha;
  private final int n;
  private final double[] w; // included x included, row-major
  private final double[] drive; // c per included unit
  private final int[] units; // model index of each included unit, ascending
  private final double[] frame; // full-length state: excluded values, zeros at included units

  private FixedPointSystem(Form form, Activation activation, double alpha, double[] w,
      double[] drive, int[] units, double[] frame) {
    this.form = form;
    this.activation = activation;
    this.alpha = alpha;
    this.n = units.length;
    this.w = w;
    this.drive = drive;
    this.units = units;
    this.frame = frame;
  }

  /** A builder for a system of the given form. */
  public static Builder builder(Form form) {
    return new Builder(form);
  }

  /** The form. */
  public Form form() {
    return form;
  }

  /** The activation. */
  public Activation activation() {
    return activation;
  }

  /** {@code dt / tau} for the leaky forms; 1 for Elman. */
  public double alpha() {
    return alpha;
  }

  /** The number of units searched over (the included units). */
  public int dimension() {
    return n;
  }

  /** The number of units of the whole network. */
  public int totalUnits() {
    return frame.length;
  }

  /** The model indices of the included units, ascending. */
  public int[] units() {
    return units.clone();
  }

  /**
   * The residual {@code r = F(s) - s} at {@code s} (length {@link #dimension()}), into {@code r}.
   */
  public void residual(double[] s, double[] r) {
    checkLength(s, "state");
    if (form == Form.LEAKY_X) {
      double[] h = new double[n];
      for (int j = 0; j < n; j++) {
        h[j] = activation.apply(s[j]);
      }
      for (int i = 0; i < n; i++) {
        r[i] = alpha * (dotRow(i, h) + drive[i] - s[i]);
      }
    } else {
      for (int i = 0; i < n; i++) {
        r[i] = activation.apply(dotRow(i, s) + drive[i]) - s[i];
      }
    }
  }

  /** {@code q(s) = 1/2 |F(s) - s|^2}, the reference's per-state objective. */
  public double q(double[] s) {
    double[] r = new double[n];
    residual(s, r);
    return 0.5 * dot(r, r);
  }

  /** One step of the map, {@code F(s)}. */
  public double[] map(double[] s) {
    double[] r = new double[n];
    residual(s, r);
    for (int i = 0; i < n; i++) {
      r[i] += s[i];
    }
    return r;
  }

  /**
   * The Jacobian of the residual, {@code dF/ds - I}, row-major into {@code jac} (length
   * {@code n * n}).
   */
  public void residualJacobian(double[] s, double[] jac) {
    checkLength(s, "state");
    if (form == Form.LEAKY_X) {
      double[] d = new double[n];
      for (int j = 0; j < n; j++) {
        d[j] = alpha * activation.derivative(s[j]);
      }
      for (int i = 0; i < n; i++) {
        int row = i * n;
        for (int j = 0; j < n; j++) {
          jac[row + j] = w[row + j] * d[j];
        }
        jac[row + i] -= alpha;
      }
    } else {
      for (int i = 0; i < n; i++) {
        int row = i * n;
        double d = activation.derivative(dotRow(i, s) + drive[i]);
        for (int j = 0; j < n; j++) {
          jac[row + j] = d * w[row + j];
        }
        jac[row + i] -= 1.0;
      }
    }
  }

  /** The Jacobian of the map the network iterates, at {@code s} (see the class table). */
  public double[][] mapJacobian(double[] s) {
    checkLength(s, "state");
    double[][] j = new double[n][n];
    switch (form) {
      case LEAKY_X -> {
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
          d[k] = alpha * activation.derivative(s[k]);
        }
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < n; c++) {
            j[r][c] = w[r * n + c] * d[c];
          }
          j[r][r] += 1.0 - alpha;
        }
      }
      case LEAKY_H, ELMAN -> {
        double scale = form == Form.LEAKY_H ? alpha : 1.0;
        for (int r = 0; r < n; r++) {
          double d = scale * activation.derivative(dotRow(r, s) + drive[r]);
          for (int c = 0; c < n; c++) {
            j[r][c] = d * w[r * n + c];
          }
          if (form == Form.LEAKY_H) {
            j[r][r] += 1.0 - alpha;
          }
        }
      }
      default -> throw new AssertionError(form);
    }
    return j;
  }

  /**
   * A lower bound on the {@code q} that float64 evaluation can certify at {@code s}: the rounding
   * error of the residual's terms. A search that stalls below it has found a fixed point.
   */
  public double roundingFloor(double[] s) {
    double eps = Math.ulp(1.0);
    double[] h = form == Form.LEAKY_X ? activate(s) : s;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double mag = Math.abs(s[i]) + Math.abs(drive[i]);
      int row = i * n;
      for (int j = 0; j < n; j++) {
        mag += Math.abs(w[row + j] * h[j]);
      }
      double e = 8 * eps * mag * (form == Form.LEAKY_X ? alpha : 1.0);
      sum += e * e;
    }
    return 0.5 * sum;
  }

  /**
   * The trajectory of the network's own dynamics over the included units from a model state
   * ({@code x} for the leaky model, {@code h} for Elman) of length {@link #dimension()}: {@code
   * steps + 1} states in this system's coordinates, the first being the start.
   */
  public double[][] trajectory(double[] modelState, int steps) {
    checkLength(modelState, "initial model state");
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    double[][] out = new double[steps + 1][];
    double[] v = modelState.clone();
    double[] r = new double[n];
    for (int t = 0; ; t++) {
      out[t] = form == Form.LEAKY_H ? activate(v) : v.clone();
      if (t == steps) {
        break;
      }
      if (form == Form.ELMAN) {
        residual(v, r);
      } else {
        // the leaky step in x: the drive c is the same for the x and h forms
        double[] h = activate(v);
        for (int i = 0; i < n; i++) {
          r[i] = alpha * (dotRow(i, h) + drive[i] - v[i]);
        }
      }
      for (int i = 0; i < n; i++) {
        v[i] += r[i];
      }
    }
    return out;
  }

  /**
   * The full network state (all units, model order): {@code s} at the included units, the held
   * values elsewhere.
   */
  public double[] embed(double[] s) {
    checkLength(s, "state");
    double[] full = frame.clone();
    for (int i = 0; i < n; i++) {
      full[units[i]] = s[i];
    }
    return full;
  }

  /** The included units' entries of a full-length state. */
  public double[] restrict(double[] full) {
    if (full.length != frame.length) {
      throw new IllegalArgumentException(
          "a full state has " + frame.length + " entries (one per unit), got " + full.length);
    }
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = full[units[i]];
    }
    return s;
  }

  private double[] activate(double[] v) {
    double[] h = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      h[i] = activation.apply(v[i]);
    }
    return h;
  }

  private double dotRow(int i, double[] v) {
    int row = i * n;
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += w[row + j] * v[j];
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private void checkLength(double[] s, String what) {
    if (s.length != n) {
      throw new IllegalArgumentException(
          "the " + what + " must have " + n + " entries (one per included unit), got " + s.length);
    }
  }

  /** Builds a {@link FixedPointSystem}; the arrays given are copied. */
  public static final class Builder {
    private final Form form;
    private Activation activation;
    private double alpha = 1.0;
    private double[][] recurrent;
    private double[][] inputWeights;
    private double[] bias;
    private double[] input;
    private IndexRanges included;
    private double[] heldState;

    private Builder(Form form) {
      this.form = Objects.requireNonNull(form, "form");
    }

    /** The activation (required). */
    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /** {@code alpha = dt / tau}, in (0, 1] (leaky forms only; Elman ignores it). */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** The effective recurrent weights {@code [N][N]}, rows destination units (required). */
    public Builder recurrentWeights(double[][] w) {
      this.recurrent = w;
      return this;
    }

    /** The effective input weights {@code [N][I]} (optional when there is no input). */
    public Builder inputWeights(double[][] w) {
      this.inputWeights = w;
      return this;
    }

    /** The tonic input {@code b}, length {@code N} (default zeros). */
    public Builder bias(double[] b) {
      this.bias = b;
      return this;
    }

    /** The constant input {@code u}, length {@code I} (default zeros). */
    public Builder input(double[] u) {
      this.input = u;
      return this;
    }

    /** The units searched over (default all). */
    public Builder included(IndexRanges units) {
      this.included = units;
      return this;
    }

    /**
     * A full-length state (length {@code N}, in this form's coordinates: {@code x} for {@link
     * Form#LEAKY_X}, else {@code h}) whose entries at the excluded units are held fixed (default
     * zeros). Entries at included units are ignored.
     */
    public Builder heldState(double[] state) {
      this.heldState = state;
      return this;
    }

    /**
     * Builds the system.
     *
     * @throws IllegalArgumentException naming the argument whose shape or value is wrong
     */
    public FixedPointSystem build() {
      if (activation == null) {
        throw new IllegalArgumentException("an activation is required");
      }
      if (recurrent == null) {
        throw new IllegalArgumentException("the recurrent weights are required");
      }
      int total = recurrent.length;
      for (int i = 0; i < total; i++) {
        if (recurrent[i].length != total) {
          throw new IllegalArgumentException(
              "the recurrent weights must be square [" + total + ", " + total + "], but row " + i
                  + " has " + recurrent[i].length + " entries");
        }
      }
      if (form != Form.ELMAN && !(alpha > 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha = dt / tau must lie in (0, 1], got " + alpha);
      }
      double[] u = input == null ? new double[0] : input;
      if (inputWeights == null && u.length > 0 && Arrays.stream(u).anyMatch(v -> v != 0)) {
        throw new IllegalArgumentException("a non-zero input needs the input weights");
      }
      if (inputWeights != null) {
        if (inputWeights.length != total) {
          throw new IllegalArgumentException(
              "the input weights must have " + total + " rows (one per unit), got "
                  + inputWeights.length);
        }
        int inputs = total == 0 ? 0 : inputWeights[0].length;
        if (input != null && input.length != inputs) {
          throw new IllegalArgumentException(
              "the input must have " + inputs + " entries (one per input unit), got "
                  + input.length);
        }
      }
      if (bias != null && bias.length != total) {
        throw new IllegalArgumentException(
            "the tonic input must have " + total + " entries, got " + bias.length);
      }
      if (heldState != null && heldState.length != total) {
        throw new IllegalArgumentException(
            "the held state must have " + total + " entries (one per unit), got "
                + heldState.length);
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
      if (heldState != null) {
        for (int i = 0; i < total; i++) {
          frame[i] = isIncluded[i] ? 0.0 : heldState[i];
        }
      }
      // what the excluded units send: W multiplies activations
      double[] heldActivity = new double[total];
      for (int i = 0; i < total; i++) {
        if (!isIncluded[i]) {
          heldActivity[i] = form == Form.LEAKY_X ? activation.apply(frame[i]) : frame[i];
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
            c += recurrent[i][j] * heldActivity[j];
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
      return new FixedPointSystem(form, activation, form == Form.ELMAN ? 1.0 : alpha, w, drive,
          units, frame);
    }
  }
}
