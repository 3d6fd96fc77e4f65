package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;

/**
 * A lesion of a network's recurrent weights, in the one syntax the command line, the sweep key
 * {@code lesion} and the reports use:
 *
 * <ul>
 *   <li>{@code silence:REGION}: every outgoing recurrent connection of the region, its
 *       self-connection included, scaled by 0 ({@code W[:, REGION] = 0}). The region's units still
 *       run (they receive their inputs, tonic drive and recurrent input, and have their own
 *       leak) but drive no unit, themselves included: a silenced output, not clamped activity.
 *   <li>{@code cut:SRC->DST}: the block {@code W[DST, SRC] = 0}.
 *   <li>{@code scale:SRC->DST=F}: the block {@code W[DST, SRC]} times {@code F} (finite; 1 leaves
 *       the network as it is, 0 is a cut, a negative factor flips the block's signs).
 * </ul>
 *
 * <p>Rows of {@code W} are destinations, columns sources; the weights are the effective ones
 * ({@link RecurrentModel#recurrentWeights()}). Regions may be leaf recurrent regions or parent
 * regions (which stand for all their children). Input weights are never changed.
 *
 * <pre>{@code
 * Lesion cut = Lesion.parse("cut:PFC->STR");
 * try (RecurrentModel lesioned = cut.apply(model)) { ... }
 * }</pre>
 */
public final class Lesion {
  /** What a lesion does. */
  public enum Kind {
    /** Every outgoing recurrent connection of a region scaled by 0. */
    SILENCE("silence"),
    /** One region-to-region block set to 0. */
    CUT("cut"),
    /** One region-to-region block multiplied by a factor. */
    SCALE("scale");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** {@return the word the syntax uses: silence, cut or scale} */
    public String label() {
      return label;
    }
  }

  /** The syntax, for messages. */
  public static final String SYNTAX = "silence:REGION, cut:SRC->DST or scale:SRC->DST=F";

  private final Kind kind;
  private final String source;
  private final String destination;
  private final double factor;

  private Lesion(Kind kind, String source, String destination, double factor) {
    this.kind = kind;
    this.source = requireName(source, "region");
    this.destination = destination == null ? null : requireName(destination, "destination");
    if (!Double.isFinite(factor)) {
      throw new IllegalArgumentException("the lesion factor must be finite, got " + factor);
    }
    this.factor = factor;
  }

  private static String requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a lesion needs a " + what + " name (" + SYNTAX + ")");
    }
    return name.strip();
  }

  /**
   * {@code silence:REGION}: the region drives no unit.
   *
   * @param region a recurrent or parent region
   * @return the lesion
   */
  public static Lesion silence(String region) {
    return new Lesion(Kind.SILENCE, region, null, 0);
  }

  /**
   * {@code cut:SRC->DST}: the connection from {@code source} to {@code destination} removed.
   *
   * @param source the sending region
   * @param destination the receiving region
   * @return the lesion
   */
  public static Lesion cut(String source, String destination) {
    return new Lesion(Kind.CUT, source, Objects.requireNonNull(destination, "destination"), 0);
  }

  /**
   * {@code scale:SRC->DST=F}: the connection from {@code source} to {@code destination} times F.
   *
   * @param source the sending region
   * @param destination the receiving region
   * @param factor the factor, finite
   * @return the lesion
   * @throws IllegalArgumentException if the factor is not finite
   */
  public static Lesion scale(String source, String destination, double factor) {
    return new Lesion(Kind.SCALE, source, Objects.requireNonNull(destination, "destination"),
        factor);
  }

  /**
   * Reads a lesion: {@code silence:REGION}, {@code cut:SRC->DST} or {@code scale:SRC->DST=F}.
   *
   * @param spec the text
   * @return the lesion
   * @throws IllegalArgumentException naming the text and the expected syntax
   */
  public static Lesion parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty lesion; expected " + SYNTAX);
    }
    String text = spec.strip();
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("lesion '" + text + "': expected " + SYNTAX);
    }
    String word = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String rest = text.substring(colon + 1);
    try {
      switch (word) {
        case "silence":
          if (rest.contains("->")) {
            throw new IllegalArgumentException("silence takes one region (silence:REGION)");
          }
          return silence(rest);
        case "cut": {
          String[] ends = ends(rest);
          return cut(ends[0], ends[1]);
        }
        case "scale": {
          int eq = rest.lastIndexOf('=');
          if (eq < 0) {
            throw new IllegalArgumentException("scale needs a factor (scale:SRC->DST=F)");
          }
          String f = rest.substring(eq + 1).strip();
          double factor;
          try {
            factor = Double.parseDouble(f);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the factor '" + f + "' is not a number");
          }
          String[] ends = ends(rest.substring(0, eq));
          return scale(ends[0], ends[1], factor);
        }
        default:
          throw new IllegalArgumentException("unknown lesion '" + word
              + "' (silence, cut or scale)");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("lesion '" + text + "': " + e.getMessage()
          + "; expected " + SYNTAX, e);
    }
  }

  private static String[] ends(String text) {
    int arrow = text.indexOf("->");
    if (arrow < 0) {
      throw new IllegalArgumentException("a connection is written SRC->DST");
    }
    return new String[] {text.substring(0, arrow), text.substring(arrow + 2)};
  }

  /** {@return what the lesion does} */
  public Kind kind() {
    return kind;
  }

  /** {@return the silenced region, or the connection's sending region} */
  public String source() {
    return source;
  }

  /** {@return the connection's receiving region, or null for {@code silence}} */
  public String destination() {
    return destination;
  }

  /** {@return the factor the weights are multiplied by: 0 for silence and cut} */
  public double factor() {
    return factor;
  }

  /**
   * Every leaf recurrent region silenced, one lesion each, in model order.
   *
   * @param layout the network's layout
   * @return {@code silence:R} for every leaf recurrent region R
   */
  public static List<Lesion> allRegions(RegionLayout layout) {
    List<Lesion> out = new ArrayList<>();
    for (String r : layout.recurrentRegionNames()) {
      out.add(silence(r));
    }
    return out;
  }

  /**
   * Every connection with weights, one cut each: the leaf region-to-region blocks of the
   * effective recurrent weights that hold a nonzero weight, self-connections included, ordered by
   * source region, then destination region, in model order.
   *
   * @param model the network
   * @return {@code cut:SRC->DST} for every nonzero block
   */
  public static List<Lesion> allConnections(RecurrentModel model) {
    double[][] w = model.parameters().effectiveRecurrent(model.recurrentConstrained());
    RegionLayout layout = model.layout();
    List<Lesion> out = new ArrayList<>();
    for (String src : layout.recurrentRegionNames()) {
      for (String dst : layout.recurrentRegionNames()) {
        if (anyNonzero(w, layout.recurrentRange(dst), layout.recurrentRange(src))) {
          out.add(cut(src, dst));
        }
      }
    }
    return out;
  }

  private static boolean anyNonzero(double[][] w, IndexRange rows, IndexRange cols) {
    for (int r = rows.start(); r < rows.end(); r++) {
      for (int c = cols.start(); c < cols.end(); c++) {
        if (w[r][c] != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Checks the lesion against a network: its regions exist, and a connection to cut or scale has
   * weights.
   *
   * @param model the network
   * @throws IllegalArgumentException naming an unknown region (and the known ones), or a
   *     connection whose effective weights are all zero
   */
  public void validate(RecurrentModel model) {
    validate(model, model.parameters().effectiveRecurrent(model.recurrentConstrained()));
  }

  private void validate(RecurrentModel model, double[][] effective) {
    RegionLayout layout = model.layout();
    IndexRanges cols = indices(layout, source);
    if (kind == Kind.SILENCE) {
      return;
    }
    IndexRanges rows = indices(layout, destination);
    for (IndexRange r : rows.ranges()) {
      for (IndexRange c : cols.ranges()) {
        if (anyNonzero(effective, r, c)) {
          return;
        }
      }
    }
    throw new IllegalArgumentException("lesion '" + this + "': the connection " + source + " -> "
        + destination + " has no weights (its block of the effective recurrent weights is all"
        + " zero), so there is nothing to " + kind.label());
  }

  private IndexRanges indices(RegionLayout layout, String region) {
    if (!layout.isRecurrentRegion(region) && !layout.isParentRegion(region)) {
      String hint = layout.isInputRegion(region)
          ? " ('" + region + "' is an input region; lesions act on recurrent weights only)" : "";
      throw new IllegalArgumentException("lesion '" + this + "': unknown recurrent region '"
          + region + "'" + hint + "; known recurrent regions: " + layout.recurrentRegionNames()
          + (layout.parentRegionNames().isEmpty() ? ""
              : ", parent regions: " + layout.parentRegionNames()));
    }
    return layout.recurrentIndices(List.of(region));
  }

  /**
   * The lesioned network: a new model of the same kind, spec and layout on the same backend,
   * whose effective recurrent weights are the intact ones with this lesion's block (or columns)
   * multiplied by {@link #factor()}; everything else is unchanged. The stored parameters stay
   * valid: the raw {@code W_rec} is scaled by {@code F} ({@code |F|} under Dale's law), masks keep 0 and 1, and with Dale's law
   * a negative factor flips the block's sign matrix. The caller closes the new model; the given
   * one is untouched.
   *
   * @param model the intact network
   * @return the lesioned network, owned by the caller
   * @throws IllegalArgumentException as {@link #validate} does
   */
  public RecurrentModel apply(RecurrentModel model) {
    return apply(model, List.of(this));
  }

  /**
   * Several lesions at once, applied in order to one new model (see {@link #apply}).
   *
   * @param model the intact network
   * @param lesions the lesions (empty: a copy of the network)
   * @return the lesioned network, owned by the caller
   * @throws IllegalArgumentException as {@link #validate} does, for the first lesion that fails
   *     on the network as the lesions before it left it
   */
  public static RecurrentModel apply(RecurrentModel model, Collection<Lesion> lesions) {
    ModelParameters p = model.parameters();
    boolean constrained = model.recurrentConstrained();
    double[][] w = p.recurrentWeights();
    double[][] sign = p.recurrentSign();
    double[][] mask = p.recurrentMask();
    for (Lesion l : lesions) {
      l.validate(model, ModelParameters.effective(w, mask, sign, constrained));
      RegionLayout layout = model.layout();
      IndexRanges cols = l.indices(layout, l.source);
      IndexRanges rows = l.kind == Kind.SILENCE ? IndexRanges.all(model.numUnits())
          : l.indices(layout, l.destination);
      for (IndexRange rr : rows.ranges()) {
        for (int r = rr.start(); r < rr.end(); r++) {
          for (IndexRange cr : cols.ranges()) {
            for (int c = cr.start(); c < cr.end(); c++) {
              if (l.factor == 0) {
                w[r][c] = 0;
              } else if (constrained) {
                // |W| is what counts; the sign lives in the sign matrix
                w[r][c] *= Math.abs(l.factor);
                if (l.factor < 0) {
                  sign[r][c] = -sign[r][c] + 0.0; // +0.0: no negative zero in a sign matrix
                }
              } else {
                w[r][c] *= l.factor;
              }
            }
          }
        }
      }
    }
    ModelParameters lesioned = ModelParameters.of(w, mask, sign, p.inputWeights(), p.inputMask(),
        p.inputSign(), p.sourceDType());
    ModelCore core = new ModelCore(model.spec(), lesioned, model.backend());
    try {
      return model.kind() == ModelKind.LEAKY ? new LeakyMRNN(core) : new ElmanMRNN(core);
    } catch (RuntimeException e) {
      core.close();
      throw e;
    }
  }

  /**
   * Several lesions' syntax joined with {@code " + "} (a combined lesion's label).
   *
   * @param lesions the lesions
   * @return their syntax, joined
   */
  public static String describe(Collection<Lesion> lesions) {
    return String.join(" + ", lesions.stream().map(Lesion::toString).toList());
  }

  /** {@return the lesion in its syntax: {@code silence:R}, {@code cut:A->B}, {@code scale:A->B=F}} */
  @Override
  public String toString() {
    return switch (kind) {
      case SILENCE -> "silence:" + source;
      case CUT -> "cut:" + source + "->" + destination;
      case SCALE -> "scale:" + source + "->" + destination + "=" + number(factor);
    };
  }

  private static String number(double f) {
    if (f == Math.rint(f) && Math.abs(f) < 1e15) {
      return Long.toString((long) f);
    }
    return Double.toString(f);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lesion l && l.kind == kind && l.source.equals(source)
        && Objects.equals(l.destination, destination)
        && Double.compare(l.factor, factor) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, source, destination, factor);
  }
}
