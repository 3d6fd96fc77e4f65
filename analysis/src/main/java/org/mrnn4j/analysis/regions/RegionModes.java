package org.mrnn4j.analysis.regions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which regions the leading modes of a Jacobian {@code J = a I + b diag(r) W diag(c)} live in, and
 * which connections between regions set their eigenvalues, at one operating point.
 *
 * <p>For a mode with eigenvalue {@code lambda}, right eigenvector {@code v} ({@code J v = lambda
 * v}) and left eigenvector {@code w} ({@code w^H J = lambda w^H}), and regions {@code A}, {@code B}
 * of the linearized units (the texts are {@link #DEFINITIONS}):
 *
 * <ul>
 *   <li><b>right participation</b> of {@code A}: {@code sum_{i in A} |v_i|^2 / sum_i |v_i|^2}
 *       (sums to 1 over the regions); <b>left participation</b>: the same with {@code w};
 *   <li><b>connection-gain sensitivity</b> {@code s[A][B] = w_A^H (b diag(r_A) W_AB diag(c_B)) v_B
 *       / (w^H v)}: {@code d lambda / d g} at {@code g = 1} when the weight block {@code W_AB}
 *       (rows: destination {@code A}, columns: source {@code B}) is replaced by {@code g W_AB}. The
 *       identity (leak) term is no connection and contributes exactly {@code a}, so
 *       {@code sum_{A,B} s[A][B] = lambda - a};
 *   <li><b>modulus sensitivity</b> {@code m[A][B] = Re(conj(lambda) s[A][B]) / |lambda| =
 *       d|lambda| / d g_AB}, and its <b>share</b> {@code m[A][B] / sum |m|} (signed; the absolute
 *       values sum to 1);
 *   <li><b>condition number</b> {@code kappa = |w| |v| / |w^H v|}. Where {@code kappa > }
 *       {@link #MAX_CONDITION} or the left residual {@code |w^H J - lambda w^H|} exceeds
 *       {@link #MAX_LEFT_RESIDUAL}{@code |J|_F}, the sensitivities are withheld
 *       ({@link Mode#withheld()} says why): a near-defective eigenvalue (relu's dead units give
 *       Jordan blocks at {@code 1 - alpha}) has none.
 *   <li><b>repeated eigenvalues</b>: where another eigenvalue computed at the point (all of them
 *       on the dense path, the converged leading ones on the Krylov path) lies within
 *       {@link #REPEATED}{@code max(1, |lambda|)} of {@code lambda} (a complex eigenvalue's
 *       conjugate partner is a different eigenvalue, never a repeat), the eigenvectors are any
 *       vectors of a multi-dimensional eigenspace: the participations and the sensitivities are
 *       withheld ({@link Mode#participationWithheld()} says why, with the multiplicity {@code m}).
 *   <li><b>Jacobian block Frobenius norms</b> {@code |b diag(r_A) W_AB diag(c_B)|_F}: the
 *       Jacobian's connection part at the point, per block (rows destination, columns source).
 * </ul>
 *
 * <p>Immutable; the accessors return copies.
 */
public final class RegionModes {

  /** Above this condition number the sensitivities are withheld. */
  public static final double MAX_CONDITION = 1e8;

  /** Above this left residual, relative to {@code |J|_F}, the sensitivities are withheld. */
  public static final double MAX_LEFT_RESIDUAL = 1e-8;

  /**
   * Two computed eigenvalues closer than this times {@code max(1, |lambda|)} are one repeated
   * eigenvalue: its participations and sensitivities are withheld.
   */
  public static final double REPEATED = 1e-8;

  /**
   * One sentence and formula per quantity, keyed by the name used in JSON output; the same texts
   * as this class's description.
   */
  public static final Map<String, String> DEFINITIONS = definitions();

  private static Map<String, String> definitions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("right_participation", "Share of the right eigenvector's squared norm in region A:"
        + " sum_{i in A} |v_i|^2 / sum_i |v_i|^2, where J v = lambda v (sums to 1 over regions).");
    d.put("left_participation", "The same with the left eigenvector w, where w^H J = lambda w^H:"
        + " sum_{i in A} |w_i|^2 / sum_i |w_i|^2.");
    d.put("participation_withheld", "Where another eigenvalue computed at the point (all on the"
        + " dense path, the converged leading ones on the Krylov path; a conjugate partner is no"
        + " repeat) lies within 1e-8 max(1, |lambda|), the eigenvalue is repeated (multiplicity m)"
        + " and its eigenvectors are not unique (or not complete): right and left participation"
        + " and the sensitivities are null, with the reason.");
    d.put("dlambda_dgain", "Connection-gain sensitivity s[A][B] = w_A^H (b diag(r_A) W_AB"
        + " diag(c_B)) v_B / (w^H v) = d lambda / d g at g = 1 when W_AB (rows destination A,"
        + " columns source B) is replaced by g W_AB; the leak term contributes a, so"
        + " sum_{A,B} s[A][B] = lambda - a.");
    d.put("dmodulus_dgain", "Modulus sensitivity m[A][B] = Re(conj(lambda) s[A][B]) / |lambda|"
        + " = d|lambda| / d g_AB: how the connection's gain moves the mode towards (+) or away"
        + " from (-) the unit circle's outside.");
    d.put("share", "share[A][B] = m[A][B] / sum_{A',B'} |m[A'][B']| (signed; absolute values sum"
        + " to 1).");
    d.put("condition_number", "Eigenvalue condition number kappa = |w| |v| / |w^H v|;"
        + " sensitivities are withheld where kappa > 1e8 or |w^H J - lambda w^H| > 1e-8 |J|_F.");
    d.put("jacobian_block_frobenius", "Frobenius norm |b diag(r_A) W_AB diag(c_B)|_F of the"
        + " Jacobian's connection part from source region B to destination region A at the point.");
    d.put("weight_block_frobenius", "Frobenius norm |W_AB|_F of the effective recurrent weights"
        + " from source region B to destination region A (independent of the point).");
    return java.util.Collections.unmodifiableMap(d);
  }

  /** How the modes were found. */
  public enum Method {
    /** From the dense eigendecomposition of the formed Jacobian (right and left vectors). */
    DENSE,
    /**
     * From Krylov-Schur runs on Jacobian-vector products: right vectors from {@code J}, left ones
     * from {@code J^T}, paired by eigenvalue.
     */
    KRYLOV
  }

  /**
   * A connection and its share of {@code d|lambda|/dgain}.
   *
   * @param destination the destination region's index (row)
   * @param source the source region's index (column)
   * @param share the signed share
   */
  public record Connection(int destination, int source, double share) {}

  /**
   * One mode: its eigenvalue, participations and sensitivities. A repeated eigenvalue (see
   * {@link RegionModes#REPEATED}) has neither participations nor sensitivities:
   * {@link #participationWithheld()} and {@link #withheld()} give the same reason,
   * {@link #rightParticipation()}, {@link #leftParticipation()} and the sensitivities are null.
   */
  public static final class Mode {
    private final double real;
    private final double imag;
    private final double condition;
    private final double[] right;
    private final double[] left;
    private final double[][] sRe;
    private final double[][] sIm;
    private final double[][] modulus;
    private final double[][] share;
    private final String withheld;
    private final String participationWithheld;

    /**
     * A mode.
     *
     * @param real real part of the eigenvalue
     * @param imag imaginary part
     * @param condition the condition number (NaN when there is no left vector)
     * @param right the right participation per region
     * @param left the left participation per region, or null when there is no left vector
     * @param sensitivityReal real parts of {@code s[A][B]}, or null when withheld
     * @param sensitivityImag imaginary parts, or null when withheld
     * @param modulus {@code m[A][B]}, or null when withheld
     * @param share the shares, or null when withheld
     * @param withheld why the sensitivities are withheld, or null
     */
    public Mode(double real, double imag, double condition, double[] right, double[] left,
        double[][] sensitivityReal, double[][] sensitivityImag, double[][] modulus,
        double[][] share, String withheld) {
      this(real, imag, condition, java.util.Objects.requireNonNull(right, "right participation"),
          left, sensitivityReal, sensitivityImag, modulus, share, withheld, null);
    }

    /**
     * A mode whose participations and sensitivities are withheld, a repeated eigenvalue's.
     *
     * @param real real part of the eigenvalue
     * @param imag imaginary part
     * @param reason why (the multiplicity and what it means); also the sensitivities' reason
     * @return the mode, with NaN condition number and null participations and sensitivities
     */
    public static Mode repeated(double real, double imag, String reason) {
      return new Mode(real, imag, Double.NaN, null, null, null, null, null, null,
          java.util.Objects.requireNonNull(reason, "reason"), reason);
    }

    private Mode(double real, double imag, double condition, double[] right, double[] left,
        double[][] sensitivityReal, double[][] sensitivityImag, double[][] modulus,
        double[][] share, String withheld, String participationWithheld) {
      this.real = real;
      this.imag = imag;
      this.condition = condition;
      this.participationWithheld = participationWithheld;
      this.right = right == null ? null : right.clone();
      this.left = left == null ? null : left.clone();
      this.sRe = copy(sensitivityReal);
      this.sIm = copy(sensitivityImag);
      this.modulus = copy(modulus);
      this.share = copy(share);
      this.withheld = withheld;
      if ((sRe == null) != (withheld != null)) {
        throw new IllegalArgumentException(
            "a mode has either sensitivities or a reason they are withheld");
      }
    }

    /** {@return the eigenvalue's real part} */
    public double real() {
      return real;
    }

    /** {@return the eigenvalue's imaginary part} */
    public double imag() {
      return imag;
    }

    /** {@return the eigenvalue's modulus} */
    public double modulus() {
      return Math.hypot(real, imag);
    }

    /** {@return the condition number {@code |w| |v| / |w^H v|}, NaN without a left vector} */
    public double conditionNumber() {
      return condition;
    }

    /**
     * {@return the right participation per region (sums to 1), or null when withheld (a repeated
     * eigenvalue, {@link #participationWithheld()})}
     */
    public double[] rightParticipation() {
      return right == null ? null : right.clone();
    }

    /**
     * {@return the left participation per region, or null when no left vector was found or the
     * participations are withheld}
     */
    public double[] leftParticipation() {
      return left == null ? null : left.clone();
    }

    /** {@return whether the participations are reported (not withheld)} */
    public boolean hasParticipation() {
      return participationWithheld == null;
    }

    /**
     * {@return why the participations (right and left) and the sensitivities are withheld: the
     * eigenvalue is repeated, so its eigenvectors are not unique; null when they are reported}
     */
    public String participationWithheld() {
      return participationWithheld;
    }

    /** {@return whether the sensitivities are reported (not withheld)} */
    public boolean hasSensitivity() {
      return sRe != null;
    }

    /** {@return why the sensitivities are withheld, or null when they are reported} */
    public String withheld() {
      return withheld;
    }

    /** {@return {@code Re s[A][B]} (rows destination), or null when withheld} */
    public double[][] sensitivityReal() {
      return copy(sRe);
    }

    /** {@return {@code Im s[A][B]} (rows destination), or null when withheld} */
    public double[][] sensitivityImag() {
      return copy(sIm);
    }

    /** {@return {@code m[A][B] = d|lambda|/dg_AB} (rows destination), or null when withheld} */
    public double[][] modulusSensitivity() {
      return copy(modulus);
    }

    /** {@return the signed shares of {@code d|lambda|/dgain}, or null when withheld} */
    public double[][] share() {
      return copy(share);
    }

    /**
     * {@return the {@code count} connections with the largest {@code |share|}, largest first
     * (empty when withheld)}
     *
     * @param count how many
     */
    public List<Connection> strongest(int count) {
      List<Connection> all = new ArrayList<>();
      if (share == null) {
        return all;
      }
      for (int a = 0; a < share.length; a++) {
        for (int b = 0; b < share[a].length; b++) {
          all.add(new Connection(a, b, share[a][b]));
        }
      }
      all.sort(Comparator.comparingDouble((Connection c) -> Math.abs(c.share())).reversed());
      return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }
  }

  private final List<String> regions;
  private final double identity;
  private final Method method;
  private final List<Mode> modes;
  private final double[][] jacobianBlocks;
  private final org.mrnn4j.core.Eigendecomposition spectrum;
  private final org.mrnn4j.analysis.LeadingSpectrum leading;

  /**
   * The result at one point.
   *
   * @param regions the region names, in order (the index of every per-region array)
   * @param identity {@code a}, the coefficient of the identity (leak) term
   * @param method how the modes were found
   * @param modes the modes, leading first
   * @param jacobianBlockFrobenius {@code |b diag(r_A) W_AB diag(c_B)|_F}, rows destination
   * @param spectrum the eigendecomposition the modes were taken from: every eigenvalue on the
   *     dense path, the converged leading ones on the Krylov path
   */
  public RegionModes(List<String> regions, double identity, Method method, List<Mode> modes,
      double[][] jacobianBlockFrobenius, org.mrnn4j.core.Eigendecomposition spectrum) {
    this(regions, identity, method, modes, jacobianBlockFrobenius, spectrum, null);
  }

  /**
   * The result at one point, with the leading answer the modes came from.
   *
   * @param regions the region names, in order (the index of every per-region array)
   * @param identity {@code a}, the coefficient of the identity (leak) term
   * @param method how the modes were found
   * @param modes the modes, leading first
   * @param jacobianBlockFrobenius {@code |b diag(r_A) W_AB diag(c_B)|_F}, rows destination
   * @param spectrum the eigendecomposition the modes were taken from
   * @param leading the leading answer ({@code Spectra.leading} or {@code Spectra.stability}) the
   *     right vectors came from, or null on the dense path
   */
  public RegionModes(List<String> regions, double identity, Method method, List<Mode> modes,
      double[][] jacobianBlockFrobenius, org.mrnn4j.core.Eigendecomposition spectrum,
      org.mrnn4j.analysis.LeadingSpectrum leading) {
    this.leading = leading;
    this.spectrum = java.util.Objects.requireNonNull(spectrum, "spectrum");
    this.regions = List.copyOf(regions);
    this.identity = identity;
    this.method = method;
    this.modes = List.copyOf(modes);
    this.jacobianBlocks = copy(jacobianBlockFrobenius);
  }

  /** {@return the region names, the index of every per-region array} */
  public List<String> regions() {
    return regions;
  }

  /** {@return {@code a}, the identity (leak) coefficient: the sensitivities sum to lambda - a} */
  public double identity() {
    return identity;
  }

  /** {@return how the modes were found} */
  public Method method() {
    return method;
  }

  /** {@return the modes, leading (largest modulus) first} */
  public List<Mode> modes() {
    return modes;
  }

  /**
   * {@return the eigendecomposition the modes were taken from: every eigenvalue (with right and
   * left vectors) on the dense path, the converged leading ones on the Krylov path}
   */
  public org.mrnn4j.core.Eigendecomposition spectrum() {
    return spectrum;
  }

  /**
   * {@return the leading answer the right vectors came from (converged counts, residuals, and
   * for {@code RegionModeAnalysis.stability} the count of unstable modes), or null on the dense
   * path}
   */
  public org.mrnn4j.analysis.LeadingSpectrum leading() {
    return leading;
  }

  /** {@return the Frobenius norms of the Jacobian's connection blocks, rows destination} */
  public double[][] jacobianBlockFrobenius() {
    return copy(jacobianBlocks);
  }

  static double[][] copy(double[][] a) {
    if (a == null) {
      return null;
    }
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  @Override
  public String toString() {
    return "RegionModes[" + method + ", regions " + regions + ", " + modes.size() + " modes]";
  }
}
