package org.mrnn4j.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mrnn4j.analysis.continuation.ContinuationFamilies;
import org.mrnn4j.analysis.continuation.ContinuationFamily;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;
import org.mrnn4j.models.ElmanMRNN;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;

/**
 * What a continuation moves: each kind changes the network's weights or drive affinely in one
 * number {@code s}, so the family's {@code dr/ds} is exact.
 *
 * <ul>
 *   <li>{@link #input}: the constant input {@code u = u0 + s d} (and {@link #inputs}, the
 *       interpolation {@code u = (1 - s) u0 + s u1});
 *   <li>{@link #gain}: the gain {@code g} of one region-to-region block,
 *       {@code W_{DST,SRC} -> g W_{DST,SRC}} (a self-connection when {@code SRC = DST});
 *   <li>{@link #checkpoint}: the interpolation between two models of the same architecture, every
 *       parameter {@code P(s) = (1 - s) P_0 + s P_1} (effective recurrent and input weights, tonic
 *       input), at a given input.
 * </ul>
 *
 * <p>The family is built on the model's natural coordinates (leaky: pre-activations, where the
 * residual is affine in the weights and drive; Elman: activations, {@code r = act(z) - h}).
 */
public final class ContinuationParameter {
  private final String name;
  private final String description;
  private final Kind kind;
  private final double[] u0;
  private final double[] direction;
  private final String source;
  private final String destination;
  private final RecurrentModel other;

  /** The kind of parameter. */
  public enum Kind {
    /** A constant input moved along a direction. */
    INPUT,
    /** The gain of one region-to-region block. */
    GAIN,
    /** The interpolation between two checkpoints. */
    CHECKPOINT
  }

  private ContinuationParameter(String name, String description, Kind kind, double[] u0,
      double[] direction, String source, String destination, RecurrentModel other) {
    this.name = name;
    this.description = description;
    this.kind = kind;
    this.u0 = u0;
    this.direction = direction;
    this.source = source;
    this.destination = destination;
    this.other = other;
  }

  /**
   * The input {@code u = u0 + s d}.
   *
   * @param u0 the input at {@code s = 0}
   * @param d the direction
   * @return the parameter {@code s}
   * @throws IllegalArgumentException if the lengths differ, a value is not finite or {@code d} is
   *     zero
   */
  public static ContinuationParameter input(double[] u0, double[] d) {
    if (u0.length != d.length) {
      throw new IllegalArgumentException("the input has " + u0.length + " values, the direction "
          + d.length);
    }
    if (Arrays.stream(d).allMatch(v -> v == 0)) {
      throw new IllegalArgumentException("the input direction is zero: nothing would move");
    }
    for (double v : d) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("the input direction has a non-finite value " + v);
      }
    }
    return new ContinuationParameter("s", "input u = " + Inputs.describe(u0) + " + s "
        + Inputs.describe(d), Kind.INPUT, u0.clone(), d.clone(), null, null, null);
  }

  /**
   * The interpolation {@code u = (1 - s) u0 + s u1} between two inputs.
   *
   * @param u0 the input at {@code s = 0}
   * @param u1 the input at {@code s = 1}
   * @return the parameter {@code s}
   */
  public static ContinuationParameter inputs(double[] u0, double[] u1) {
    if (u0.length != u1.length) {
      throw new IllegalArgumentException("the two inputs have " + u0.length + " and " + u1.length
          + " values");
    }
    double[] d = new double[u0.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = u1[i] - u0[i];
    }
    ContinuationParameter p = input(u0, d);
    return new ContinuationParameter("s", "input u = (1 - s) " + Inputs.describe(u0) + " + s "
        + Inputs.describe(u1), Kind.INPUT, p.u0, p.direction, null, null, null);
  }

  /**
   * The gain {@code g} of the block from region {@code src} to region {@code dst}.
   *
   * @param src the source region (columns of {@code W_rec}), leaf or parent
   * @param dst the destination region (rows), leaf or parent
   * @param u the constant input
   * @return the parameter {@code g}
   */
  public static ContinuationParameter gain(String src, String dst, double[] u) {
    return new ContinuationParameter("g", "gain g of W[" + dst + " <- " + src + "] (input "
        + Inputs.describe(u) + ")", Kind.GAIN, u.clone(), null, Objects.requireNonNull(src),
        Objects.requireNonNull(dst), null);
  }

  /**
   * The interpolation between the model and {@code other}: {@code P(s) = (1 - s) P_0 + s P_1}.
   *
   * @param other the model at {@code s = 1} (the caller keeps owning it)
   * @param otherName how to name it in messages
   * @param u the constant input
   * @return the parameter {@code s}
   */
  public static ContinuationParameter checkpoint(RecurrentModel other, String otherName,
      double[] u) {
    return new ContinuationParameter("s", "interpolation to " + otherName + " (input "
        + Inputs.describe(u) + ")", Kind.CHECKPOINT, u.clone(), null, null, null,
        Objects.requireNonNull(other, "other"));
  }

  /** {@return the parameter's symbol: s or g} */
  public String name() {
    return name;
  }

  /** {@return what it moves, in words} */
  public String description() {
    return description;
  }

  /** {@return its kind} */
  public Kind kind() {
    return kind;
  }

  /**
   * {@return the input at parameter value {@code s}}
   *
   * @param s the parameter
   */
  public double[] inputAt(double s) {
    if (direction == null) {
      return u0.clone();
    }
    double[] u = new double[u0.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = u0[i] + s * direction[i];
    }
    return u;
  }

  /**
   * The family of fixed-point problems this parameter makes of {@code model}.
   *
   * @param model the model (at {@code s = 0} for a checkpoint interpolation)
   * @return the family, over all units in the model's natural coordinates
   * @throws IllegalArgumentException naming the region, input length or architectural difference
   *     that does not fit
   */
  public ContinuationFamily family(RecurrentModel model) {
    Inputs.requireFits(model, u0);
    double[][] w0 = model.recurrentWeights().toMatrix();
    double[][] win0 = model.inputWeights().toMatrix();
    double[] b0 = model.tonicInput().toArray();
    int n = model.numUnits();
    Affine net;
    switch (kind) {
      case INPUT:
        net = s -> HostNetwork.restrict(w0, win0, b0, inputAt(s), null, null, v -> v);
        break;
      case GAIN: {
        int[] rows = indices(model, destination, "destination");
        int[] cols = indices(model, source, "source");
        net = s -> {
          double[][] w = new double[n][];
          for (int i = 0; i < n; i++) {
            w[i] = w0[i].clone();
          }
          for (int i : rows) {
            for (int j : cols) {
              w[i][j] = s * w0[i][j];
            }
          }
          return HostNetwork.restrict(w, win0, b0, u0, null, null, v -> v);
        };
        break;
      }
      case CHECKPOINT: {
        requireSameArchitecture(model, other);
        double[][] w1 = other.recurrentWeights().toMatrix();
        double[][] win1 = other.inputWeights().toMatrix();
        double[] b1 = other.tonicInput().toArray();
        net = s -> HostNetwork.restrict(mix(w0, w1, s), mix(win0, win1, s), mix(b0, b1, s), u0,
            null, null, v -> v);
        break;
      }
      default:
        throw new AssertionError(kind);
    }
    double beta = model.softplusBeta();
    if (model.kind() == ModelKind.LEAKY) {
      double alpha = ((LeakyMRNN) model).alpha();
      return ContinuationFamilies.affineResidual(n, s -> LeakyMRNN.hostMap(net.at(s),
          model.activation(), beta, alpha, Coordinates.PRE_ACTIVATION),
          model.continuousTimeStep(Coordinates.PRE_ACTIVATION), name);
    }
    return ContinuationFamilies.activationOfAffineDrive(n,
        s -> (HostMap) ElmanMRNN.hostMap(net.at(s), model.activation(), beta),
        model.activation(), beta, Double.NaN, name);
  }

  private interface Affine {
    HostNetwork at(double s);
  }

  private static int[] indices(RecurrentModel model, String region, String what) {
    try {
      IndexRanges r = model.layout().recurrentIndices(List.of(region));
      return r.toIndices();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gain: the " + what + " region '" + region
          + "' is not a recurrent region of the model (it has "
          + String.join(", ", model.layout().recurrentRegionNames()) + "): " + e.getMessage(), e);
    }
  }

  /**
   * Throws unless two models have the same architecture: kind, activation, units, inputs, regions
   * and (leaky) time constants.
   *
   * @param a the first model
   * @param b the second
   * @throws IllegalArgumentException naming the first difference
   */
  public static void requireSameArchitecture(RecurrentModel a, RecurrentModel b) {
    List<String> diffs = new ArrayList<>();
    if (a.kind() != b.kind()) {
      diffs.add("kind " + a.kind() + " vs " + b.kind());
    }
    if (a.activation() != b.activation()) {
      diffs.add("activation " + a.activation() + " vs " + b.activation());
    }
    if (a.softplusBeta() != b.softplusBeta()) {
      diffs.add("softplus beta " + a.softplusBeta() + " vs " + b.softplusBeta());
    }
    if (a.numUnits() != b.numUnits()) {
      diffs.add("units " + a.numUnits() + " vs " + b.numUnits());
    }
    if (a.numInputs() != b.numInputs()) {
      diffs.add("inputs " + a.numInputs() + " vs " + b.numInputs());
    }
    if (!a.layout().recurrentRegionNames().equals(b.layout().recurrentRegionNames())) {
      diffs.add("recurrent regions " + a.layout().recurrentRegionNames() + " vs "
          + b.layout().recurrentRegionNames());
    } else {
      for (String r : a.layout().recurrentRegionNames()) {
        if (!a.layout().recurrentRange(r).equals(b.layout().recurrentRange(r))) {
          diffs.add("region " + r + " units " + a.layout().recurrentRange(r) + " vs "
              + b.layout().recurrentRange(r));
        }
      }
    }
    if (a.kind() == ModelKind.LEAKY && b.kind() == ModelKind.LEAKY
        && ((LeakyMRNN) a).alpha() != ((LeakyMRNN) b).alpha()) {
      diffs.add(String.format(Locale.ROOT, "alpha = dt/tau %s vs %s", ((LeakyMRNN) a).alpha(),
          ((LeakyMRNN) b).alpha()));
    }
    if (!diffs.isEmpty()) {
      throw new IllegalArgumentException("checkpoint interpolation needs two models of the same"
          + " architecture; they differ in " + String.join("; ", diffs));
    }
  }

  private static double[][] mix(double[][] a, double[][] b, double s) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = mix(a[i], b[i], s);
    }
    return out;
  }

  private static double[] mix(double[] a, double[] b, double s) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (1 - s) * a[i] + s * b[i];
    }
    return out;
  }
}
