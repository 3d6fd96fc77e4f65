package org.mrnn4j.models.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mrnn4j.core.Activation;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.io.MrnnConfig.ModelOptions;

/**
 * The model's constructor arguments (mRNNTorch's {@code mRNN(...)} / {@code ElmanmRNN(...)}
 * arguments: kind, activation, {@code softplus_beta}, {@code dt}, {@code tau}, Dale's law on
 * either weight), resolved from where the user gave them: the config's {@code model} block, or
 * options (command line, sweep task, Java), options winning. mRNNTorch's configs hold none of
 * them, and a wrong one silently gives another network (a relu network analysed as if it were
 * tanh, {@code W * mask} read as {@code mask * |W| * sign}), so none is guessed: a missing one is
 * refused ({@link MissingModelArgumentsException}) unless the caller explicitly accepts
 * mRNNTorch's defaults, and each value's source is recorded for the report.
 */
public final class ModelArguments {
  private ModelArguments() {}

  /** The {@code model} block keys, in report order. */
  public static final List<String> KEYS = List.of("type", "activation", "softplus_beta", "dt",
      "tau", "rec_constrained", "inp_constrained", "spectral_radius", "noise_level_act",
      "noise_level_inp", "batch_first");

  /** Where a value came from. */
  public enum Source {
    /** The config's {@code model} block. */
    CONFIG("config"),
    /** An option (command line, sweep task key, or Java). */
    OPTION("option"),
    /** mRNNTorch's constructor default, assumed. */
    MRNNTORCH_DEFAULT("mrnntorch default"),
    /** A model saved by mrnn4j, which holds every argument. */
    SAVED_MODEL("saved model");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    /** {@return how reports name it, for example {@code mrnntorch default}} */
    public String label() {
      return label;
    }
  }

  /**
   * Resolved arguments: every required one set.
   *
   * @param options the arguments (the optional ones may stay null: then they take mRNNTorch's
   *     default, recorded as such in {@code sources})
   * @param sources where each key of {@link #KEYS} came from, in that order
   * @param assumed the required keys that were missing and took mRNNTorch's default because the
   *     caller allowed it (empty otherwise)
   */
  public record Resolved(ModelOptions options, Map<String, Source> sources, List<String> assumed) {
    /**
     * @param options the arguments
     * @param sources where each came from
     * @param assumed the required keys assumed
     */
    public Resolved {
      sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
      assumed = List.copyOf(assumed);
    }

    /**
     * {@return where {@code key} came from}
     *
     * @param key a key of {@link #KEYS}
     */
    public Source source(String key) {
      return sources.get(key);
    }
  }

  /**
   * {@return mRNNTorch's constructor defaults for a model of {@code kind}}: relu, softplus beta
   * 1, Dale's law on for both weights, dt 10 and tau 100 (leaky), no spectral radius, noise
   * levels 0.01, batch first; the kind itself defaults to leaky (mRNNTorch's {@code mRNN}).
   *
   * @param kind the kind, or null for leaky
   */
  public static ModelOptions mrnntorchDefaults(ModelKind kind) {
    ModelKind k = kind == null ? ModelKind.LEAKY : kind;
    return new ModelOptions(k, Activation.RELU, 1.0, true, true, null, 10.0, 100.0, 0.01, 0.01,
        true);
  }

  /**
   * The required keys that {@code o} leaves unset: {@code type}, {@code activation},
   * {@code rec_constrained}, {@code inp_constrained}; {@code softplus_beta} for softplus;
   * {@code dt} and {@code tau} for the leaky kind (or an unknown kind).
   *
   * @param o the arguments given
   * @return the missing keys, in {@link #KEYS} order
   */
  public static List<String> missing(ModelOptions o) {
    List<String> out = new ArrayList<>();
    if (o.kind() == null) {
      out.add("type");
    }
    if (o.activation() == null) {
      out.add("activation");
    }
    if (o.activation() == Activation.SOFTPLUS && o.softplusBeta() == null) {
      out.add("softplus_beta");
    }
    if (o.kind() != ModelKind.ELMAN) {
      if (o.dt() == null) {
        out.add("dt");
      }
      if (o.tau() == null) {
        out.add("tau");
      }
    }
    if (o.recurrentConstrained() == null) {
      out.add("rec_constrained");
    }
    if (o.inputConstrained() == null) {
      out.add("inp_constrained");
    }
    return out;
  }

  /**
   * Resolves the arguments: {@code given} over {@code config}; the required ones must be set
   * unless {@code mrnntorchDefaults}, which fills them from {@link #mrnntorchDefaults}. The
   * optional ones ({@code spectral_radius}, noise levels, {@code batch_first}) stay as given;
   * their source is {@link Source#MRNNTORCH_DEFAULT} when unset.
   *
   * @param config the config's model block, or null
   * @param given the arguments given as options, or null
   * @param mrnntorchDefaults whether missing required arguments may take mRNNTorch's defaults
   * @param file the config, for the message
   * @return the resolved arguments and their sources
   * @throws MissingModelArgumentsException naming every missing required argument, when
   *     defaults are not allowed
   */
  public static Resolved resolve(ModelOptions config, ModelOptions given,
      boolean mrnntorchDefaults, Object file) throws MissingModelArgumentsException {
    ModelOptions c = config == null ? ModelOptions.NONE : config;
    ModelOptions g = given == null ? ModelOptions.NONE : given;
    ModelOptions merged = c.overriddenBy(g);
    Map<String, Source> sources = new LinkedHashMap<>();
    for (String key : KEYS) {
      sources.put(key, g.get(key) != null ? Source.OPTION
          : c.get(key) != null ? Source.CONFIG : Source.MRNNTORCH_DEFAULT);
    }
    List<String> missing = missing(merged);
    if (missing.isEmpty()) {
      return new Resolved(merged, sources, List.of());
    }
    if (!mrnntorchDefaults) {
      throw new MissingModelArgumentsException(file, missing);
    }
    ModelOptions d = mrnntorchDefaults(merged.kind());
    ModelOptions filled = new ModelOptions(
        pick(merged.kind(), d.kind(), missing, "type"),
        pick(merged.activation(), d.activation(), missing, "activation"),
        pick(merged.softplusBeta(), d.softplusBeta(), missing, "softplus_beta"),
        pick(merged.recurrentConstrained(), d.recurrentConstrained(), missing,
            "rec_constrained"),
        pick(merged.inputConstrained(), d.inputConstrained(), missing, "inp_constrained"),
        merged.spectralRadius(),
        pick(merged.dt(), d.dt(), missing, "dt"), pick(merged.tau(), d.tau(), missing, "tau"),
        merged.noiseLevelAct(), merged.noiseLevelInp(), merged.batchFirst());
    // softplus's beta may only now be required, when the activation itself was assumed
    List<String> assumed = new ArrayList<>(missing);
    if (filled.activation() == Activation.SOFTPLUS && filled.softplusBeta() == null) {
      filled = filled.overriddenBy(new ModelOptions(null, null, 1.0, null, null, null, null,
          null, null, null, null));
      assumed.add("softplus_beta");
    }
    return new Resolved(filled, sources, assumed);
  }

  private static <T> T pick(T value, T fallback, List<String> missing, String key) {
    return value == null && missing.contains(key) ? fallback : value;
  }

  /**
   * A missing required argument's description for messages: its key and mRNNTorch's default.
   *
   * @param key a key of {@link #KEYS}
   * @param kind the kind (for the defaults), or null
   * @return for example {@code activation (mRNNTorch's default: relu)}
   */
  public static String describeDefault(String key, ModelKind kind) {
    Object v = mrnntorchDefaults(kind).get(key);
    String text = v instanceof Activation a ? a.label() : v instanceof ModelKind k ? k.label()
        : v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue())
        : String.valueOf(v);
    return key + " = " + text;
  }

  /**
   * A required constructor argument is given neither by the config's {@code model} block nor by
   * an option, and mRNNTorch's defaults were not explicitly accepted.
   */
  public static final class MissingModelArgumentsException extends ModelFormatException {
    private static final long serialVersionUID = 1L;
    /** The missing keys. */
    private final List<String> missing;

    /**
     * @param file the config, for the message
     * @param missing the missing keys
     */
    public MissingModelArgumentsException(Object file, List<String> missing) {
      super(file, "model", "the model's constructor arguments " + String.join(", ", missing)
          + " are not given (mRNNTorch takes them as arguments of mRNN(...) / ElmanmRNN(...),"
          + " not from its config): set them in the config's \"model\" block or as options, or"
          + " accept mRNNTorch's defaults explicitly");
      this.missing = List.copyOf(missing);
    }

    /** {@return the missing keys, in {@link #KEYS} order} */
    public List<String> missing() {
      return missing;
    }
  }
}
