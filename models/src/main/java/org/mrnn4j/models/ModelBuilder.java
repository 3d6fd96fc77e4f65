package org.mrnn4j.models;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;

/**
 * Builds a network: options, regions and connections, then {@link #build(Backend)} finalises it
 * into an immutable model (mRNNTorch's {@code add_recurrent_region}, {@code add_input_region},
 * {@code add_recurrent_connection}, {@code add_input_connection}, {@code finalize_connectivity}).
 *
 * <pre>{@code
 * try (LeakyMRNN model = LeakyMRNN.builder()
 *     .activation(Activation.TANH).dt(1).tau(2).spectralRadius(1.0).seed(7)
 *     .recurrentRegion(RecurrentRegion.of("exc", 21))
 *     .recurrentRegion(RecurrentRegion.of("inh", 9).inhibitory())
 *     .inputRegion(InputRegion.of("inp", 3))
 *     .recurrentConnection("exc", "exc", 0.9)
 *     .recurrentConnection("exc", "inh")
 *     .recurrentConnection("inh", "exc")
 *     .inputConnection("inp", "exc")
 *     .build(backend)) { ... }
 * }</pre>
 *
 * An mRNNTorch config can come first ({@code MrnnConfig.builder()} and {@code MrnnConfig.addTo}
 * in {@code org.mrnn4j.models.io}: the format uses the builder, never the reverse), followed by
 * more regions and connections in code. Finalising fills every missing connection with a zero
 * block (zero weights, mask and sign). Options default to mRNNTorch's constructor defaults: relu,
 * Dale's law on for both weights, dt 10, tau 100, no spectral radius, noise levels 0.01.
 *
 * <p>Weights: from {@link #parameters(ModelParameters)} (a checkpoint), used exactly as given
 * (never rescaled); otherwise freshly initialised from {@link #seed(long)} (default 0; see
 * {@link Initializer} for the distributions) and, if a spectral radius is requested, the raw
 * recurrent matrix is scaled so that the effective one has it.
 *
 * <p>Errors name the region or connection: an unknown region, a duplicate region or connection, a
 * connection from the wrong kind of region, or any change after {@link #build} throw
 * {@link IllegalArgumentException} / {@link IllegalStateException}. A builder is for one thread
 * and builds once.
 *
 * @param <M> the model type built
 */
public final class ModelBuilder<M extends RecurrentModel> {
  private ModelKind kind;
  private final Function<ModelCore, M> factory;
  private Activation activation = Activation.RELU;
  private double softplusBeta = 1.0;
  private boolean recurrentConstrained = true;
  private boolean inputConstrained = true;
  private double dt = 10;
  private double tau = 100;
  private double spectralRadius = Double.NaN;
  private double noiseLevelAct = 0.01;
  private double noiseLevelInp = 0.01;
  private long seed;
  private ModelParameters parameters;
  private final Map<String, RecurrentRegion> regions = new LinkedHashMap<>();
  private final Map<String, InputRegion> inputs = new LinkedHashMap<>();
  private final List<Connection> recurrentConnections = new ArrayList<>();
  private final List<Connection> inputConnections = new ArrayList<>();
  private final Set<String> connectionKeys = new HashSet<>();
  private boolean built;

  private ModelBuilder(ModelKind kind, Function<ModelCore, M> factory) {
    this.kind = kind;
    this.factory = factory;
  }

  /**
   * A builder of {@link LeakyMRNN}.
   *
   * @return a new builder, with mRNNTorch's defaults
   */
  public static ModelBuilder<LeakyMRNN> leaky() {
    return new ModelBuilder<>(ModelKind.LEAKY, LeakyMRNN::new);
  }

  /**
   * A builder of {@link ElmanMRNN}.
   *
   * @return a new builder, with mRNNTorch's defaults
   */
  public static ModelBuilder<ElmanMRNN> elman() {
    return new ModelBuilder<>(ModelKind.ELMAN, ElmanMRNN::new);
  }

  /**
   * A builder of the given kind.
   *
   * @param kind the model kind
   * @return a new builder of that kind
   */
  public static ModelBuilder<RecurrentModel> of(ModelKind kind) {
    return new ModelBuilder<>(Objects.requireNonNull(kind, "kind"), ModelBuilder::create);
  }

  private static RecurrentModel create(ModelCore core) {
    return core.spec.kind() == ModelKind.LEAKY ? new LeakyMRNN(core) : new ElmanMRNN(core);
  }

  /**
   * The kind being built.
   *
   * @return the kind this builder builds
   */
  public ModelKind kind() {
    return kind;
  }

  /**
   * Sets softplus's {@code beta} (mRNNTorch's {@code softplus_beta}, default 1): the activation
   * is then {@code log(1 + exp(beta x)) / beta}, linear where {@code beta x > 20}. Other
   * activations ignore it.
   *
   * @param beta positive and finite
   * @return this builder
   * @throws IllegalArgumentException if {@code beta} is not positive and finite
   */
  public ModelBuilder<M> softplusBeta(double beta) {
    checkOpen("set softplus_beta");
    this.softplusBeta = Activation.requireBeta(beta);
    return this;
  }

  /**
   * Sets the activation (default relu).
   *
   * @param f the activation
   * @return this builder
   */
  public ModelBuilder<M> activation(Activation f) {
    checkOpen("set the activation");
    this.activation = Objects.requireNonNull(f, "activation");
    return this;
  }

  /**
   * Sets the activation by its mRNNTorch name ({@code relu}, {@code tanh}, ...).
   *
   * @param name the activation's mRNNTorch name
   * @return this builder
   */
  public ModelBuilder<M> activation(String name) {
    return activation(Activation.fromName(name));
  }

  /**
   * Dale's law on the recurrent weights (default true).
   *
   * @param on whether recurrent weights obey Dale's law (signs by source region)
   * @return this builder
   */
  public ModelBuilder<M> recurrentConstrained(boolean on) {
    checkOpen("set rec_constrained");
    this.recurrentConstrained = on;
    return this;
  }

  /**
   * Dale's law on the input weights (default true).
   *
   * @param on whether input weights obey Dale's law
   * @return this builder
   */
  public ModelBuilder<M> inputConstrained(boolean on) {
    checkOpen("set inp_constrained");
    this.inputConstrained = on;
    return this;
  }

  /**
   * The Euler step (leaky model; default 10).
   *
   * @param value the step, in the units of tau
   * @return this builder
   * @throws IllegalStateException for an Elman builder, which has no dt
   */
  public ModelBuilder<M> dt(double value) {
    checkOpen("set dt");
    requireLeaky("dt");
    this.dt = positive("dt", value);
    return this;
  }

  /**
   * The time constant (leaky model; default 100).
   *
   * @param value the time constant, in the units of dt
   * @return this builder
   * @throws IllegalStateException for an Elman builder, which has no tau
   */
  public ModelBuilder<M> tau(double value) {
    checkOpen("set tau");
    requireLeaky("tau");
    this.tau = positive("tau", value);
    return this;
  }

  /**
   * Sets dt and tau whatever the kind, as a config's model block gives them. An Elman model does
   * not use them, but mRNNTorch's Elman configs may carry its (unused) values, which the model's
   * spec keeps; code that builds an Elman network calls neither {@link #dt} nor {@link #tau},
   * which refuse it.
   *
   * @param dt the Euler step, or null to keep the current one
   * @param tau the time constant, or null to keep the current one
   * @return this builder
   * @throws IllegalArgumentException if a value given is not positive and finite
   */
  public ModelBuilder<M> timeConstants(Double dt, Double tau) {
    checkOpen("set dt and tau");
    if (dt != null) {
      this.dt = positive("dt", dt);
    }
    if (tau != null) {
      this.tau = positive("tau", tau);
    }
    return this;
  }

  /**
   * Rescales freshly initialised recurrent weights so that the effective matrix has this spectral
   * radius (ignored when {@link #parameters} are given, as mRNNTorch's {@code load_state_dict}
   * overrides the rescaled initialisation).
   *
   * @param radius the wanted spectral radius of the effective recurrent matrix
   * @return this builder
   * @throws IllegalArgumentException unless positive and finite
   */
  public ModelBuilder<M> spectralRadius(double radius) {
    checkOpen("set the spectral radius");
    if (!(radius > 0) || !Double.isFinite(radius)) {
      throw new IllegalArgumentException(
          "the spectral radius must be positive and finite, got " + radius);
    }
    this.spectralRadius = radius;
    return this;
  }

  /**
   * Noise levels (mRNNTorch's {@code noise_level_act}, {@code noise_level_inp}; default 0.01).
   *
   * @param act the hidden-state noise level
   * @param inp the input noise level
   * @return this builder
   */
  public ModelBuilder<M> noiseLevels(double act, double inp) {
    checkOpen("set noise levels");
    if (!(act >= 0) || !(inp >= 0) || !Double.isFinite(act) || !Double.isFinite(inp)) {
      throw new IllegalArgumentException(
          "noise levels must be finite and >= 0, got act=" + act + ", inp=" + inp);
    }
    this.noiseLevelAct = act;
    this.noiseLevelInp = inp;
    return this;
  }
  /**
   * The hidden-state noise level alone (mRNNTorch's {@code noise_level_act}; default 0.01).
   *
   * @param act the hidden-state noise level
   * @return this builder
   * @throws IllegalArgumentException as {@link #noiseLevels}
   */
  public ModelBuilder<M> noiseLevelAct(double act) {
    return noiseLevels(act, noiseLevelInp);
  }

  /**
   * The input noise level alone (mRNNTorch's {@code noise_level_inp}; default 0.01).
   *
   * @param inp the input noise level
   * @return this builder
   * @throws IllegalArgumentException as {@link #noiseLevels}
   */
  public ModelBuilder<M> noiseLevelInp(double inp) {
    return noiseLevels(noiseLevelAct, inp);
  }


  /**
   * The seed of the weight initialisation (default 0): the same seed gives the same network.
   *
   * @param value the seed
   * @return this builder
   */
  public ModelBuilder<M> seed(long value) {
    checkOpen("set the seed");
    this.seed = value;
    return this;
  }

  /**
   * Uses these stored parameters (from a checkpoint or a state dict) instead of a fresh
   * initialisation; their shapes must fit the regions at {@link #build}.
   *
   * @param p the stored weights and biases
   * @return this builder
   */
  public ModelBuilder<M> parameters(ModelParameters p) {
    checkOpen("set parameters");
    this.parameters = Objects.requireNonNull(p, "parameters");
    return this;
  }

  /**
   * Adds a recurrent region; its units follow those of the regions added before it.
   *
   * @param region the region
   * @return this builder
   * @throws IllegalArgumentException if a region of that name exists
   */
  public ModelBuilder<M> recurrentRegion(RecurrentRegion region) {
    checkOpen("add recurrent region '" + region.name() + "'");
    requireNewName(region.name());
    regions.put(region.name(), region);
    return this;
  }

  /**
   * Adds an excitatory recurrent region with mRNNTorch's defaults.
   *
   * @param name the region's name, unique among all regions
   * @param units its number of units
   * @return this builder
   */
  public ModelBuilder<M> recurrentRegion(String name, int units) {
    return recurrentRegion(RecurrentRegion.of(name, units));
  }

  /**
   * Adds a recurrent region with the given sign and mRNNTorch's other defaults.
   *
   * @param name the region's name, unique among all regions
   * @param units its number of units
   * @param sign the sign of its outgoing weights under Dale's law
   * @return this builder
   */
  public ModelBuilder<M> recurrentRegion(String name, int units, Sign sign) {
    return recurrentRegion(RecurrentRegion.of(name, units).sign(sign));
  }

  /**
   * Adds an input region.
   *
   * @param region the region
   * @return this builder
   * @throws IllegalArgumentException if a region of that name exists
   */
  public ModelBuilder<M> inputRegion(InputRegion region) {
    checkOpen("add input region '" + region.name() + "'");
    requireNewName(region.name());
    inputs.put(region.name(), region);
    return this;
  }

  /**
   * Adds a positive input region.
   *
   * @param name the region's name, unique among all regions
   * @param units its number of input units
   * @return this builder
   */
  public ModelBuilder<M> inputRegion(String name, int units) {
    return inputRegion(InputRegion.of(name, units));
  }

  /**
   * Adds an input region with the given sign.
   *
   * @param name the region's name, unique among all regions
   * @param units its number of input units
   * @param sign the sign of its weights under Dale's law
   * @return this builder
   */
  public ModelBuilder<M> inputRegion(String name, int units, Sign sign) {
    return inputRegion(InputRegion.of(name, units).sign(sign));
  }

  /**
   * Adds a dense recurrent connection {@code source -> destination}.
   *
   * @param source the sending recurrent region
   * @param destination the receiving recurrent region
   * @return this builder
   */
  public ModelBuilder<M> recurrentConnection(String source, String destination) {
    return recurrentConnection(Connection.of(source, destination));
  }

  /**
   * Adds a recurrent connection with the given sparsity (fraction of each column zeroed).
   *
   * @param source the sending recurrent region
   * @param destination the receiving recurrent region
   * @param sparsity the fraction of each column zeroed, in [0, 1)
   * @return this builder
   */
  public ModelBuilder<M> recurrentConnection(String source, String destination, double sparsity) {
    return recurrentConnection(new Connection(source, destination, sparsity));
  }

  /**
   * Adds a recurrent connection between two recurrent regions already added.
   *
   * @param c the connection
   * @return this builder
   * @throws IllegalArgumentException naming the connection if a region is unknown (or an input
   *     region) or the connection exists
   */
  public ModelBuilder<M> recurrentConnection(Connection c) {
    checkOpen("add recurrent connection " + c.source() + " -> " + c.destination());
    if (!regions.containsKey(c.source())) {
      throw unknownRegion("recurrent connection", c, c.source(), "source");
    }
    if (!regions.containsKey(c.destination())) {
      throw unknownRegion("recurrent connection", c, c.destination(), "destination");
    }
    if (!connectionKeys.add("rec\u0000" + c.source() + "\u0000" + c.destination())) {
      throw new IllegalArgumentException("duplicate recurrent connection " + c.source() + " -> "
          + c.destination() + ": it was already added");
    }
    recurrentConnections.add(c);
    return this;
  }

  /**
   * Adds a dense input connection {@code source -> destination}.
   *
   * @param source the sending input region
   * @param destination the receiving recurrent region
   * @return this builder
   */
  public ModelBuilder<M> inputConnection(String source, String destination) {
    return inputConnection(Connection.of(source, destination));
  }

  /**
   * Adds an input connection with the given sparsity.
   *
   * @param source the sending input region
   * @param destination the receiving recurrent region
   * @param sparsity the fraction of each column zeroed, in [0, 1)
   * @return this builder
   */
  public ModelBuilder<M> inputConnection(String source, String destination, double sparsity) {
    return inputConnection(new Connection(source, destination, sparsity));
  }

  /**
   * Adds an input connection from an input region to a recurrent region, both already added.
   *
   * @param c the connection
   * @return this builder
   * @throws IllegalArgumentException naming the connection if a region is unknown or of the wrong
   *     kind, or the connection exists
   */
  public ModelBuilder<M> inputConnection(Connection c) {
    checkOpen("add input connection " + c.source() + " -> " + c.destination());
    if (!inputs.containsKey(c.source())) {
      throw unknownRegion("input connection", c, c.source(), "source");
    }
    if (!regions.containsKey(c.destination())) {
      throw unknownRegion("input connection", c, c.destination(), "destination");
    }
    if (!connectionKeys.add("inp\u0000" + c.source() + "\u0000" + c.destination())) {
      throw new IllegalArgumentException("duplicate input connection " + c.source() + " -> "
          + c.destination() + ": it was already added");
    }
    inputConnections.add(c);
    return this;
  }

  /**
   * The validated description of the network so far, without building it.
   *
   * @return the spec: options, regions and connections
   * @throws IllegalArgumentException if it is incomplete (no recurrent or input region) or
   *     inconsistent
   */
  public ModelSpec spec() {
    return new ModelSpec(kind, activation, softplusBeta, recurrentConstrained, inputConstrained, dt, tau,
        spectralRadius, noiseLevelAct, noiseLevelInp, new ArrayList<>(regions.values()),
        new ArrayList<>(inputs.values()), recurrentConnections, inputConnections);
  }

  /**
   * Finalises connectivity and builds the model on {@code backend}. The builder cannot be changed
   * afterwards.
   *
   * @param backend the backend that holds and computes the model's tensors
   * @return the model; the caller closes it
   * @throws IllegalArgumentException if the network is incomplete or the parameters do not fit it
   *     (naming the matrix and both shapes)
   * @throws IllegalStateException if a spectral radius is requested but the effective recurrent
   *     matrix has none to rescale (all zero or nilpotent)
   */
  public M build(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    if (built) {
      throw new IllegalStateException("this builder has already built its model; use a new builder");
    }
    ModelSpec spec = spec();
    ModelParameters p = parameters;
    // the host copies of W_rec while building: the raw weights, mask and signs, the effective
    // weights and their row-major copy for the backend
    int n = spec.numUnits();
    MemoryGuard.requireHeap("building the recurrent weights of a " + n + "-unit network",
        MemoryGuard.squareMatrices(5, n), "5 host copies of " + n + " x " + n + " float64",
        "raise it (java -Xmx..., or MRNN4J_JAVA_OPTS=-Xmx... for the mrnn4j launcher); docs/library.md,"
            + " 'What fits'");
    if (p == null) {
      p = Initializer.initialise(spec, seed);
      if (spec.spectralRadiusOption().isPresent()) {
        p = rescale(spec, p, backend);
      }
    } else if (p.numUnits() != spec.numUnits() || p.numInputs() != spec.numInputs()) {
      throw new IllegalArgumentException("the parameters have W_rec [" + p.numUnits() + ", "
          + p.numUnits() + "] and W_inp [" + p.numUnits() + ", " + p.numInputs()
          + "], but the regions need [" + spec.numUnits() + ", " + spec.numUnits() + "] and ["
          + spec.numUnits() + ", " + spec.numInputs() + "]");
    }
    built = true;
    ModelCore core = new ModelCore(spec, p, backend);
    try {
      return factory.apply(core);
    } catch (RuntimeException e) {
      core.close();
      throw e;
    }
  }

  /**
   * Scales the raw recurrent weights so the effective matrix has the requested spectral radius.
   * A radius below {@code sqrt(machine epsilon) * ||W||_F} counts as zero (an all-zero or
   * nilpotent matrix, which mRNNTorch silently turns into NaN weights).
   */
  static ModelParameters rescale(ModelSpec spec, ModelParameters p, Backend backend) {
    double[][] eff = p.effectiveRecurrent(spec.recurrentConstrained());
    double norm = 0;
    for (double[] row : eff) {
      for (double v : row) {
        norm += v * v;
      }
    }
    norm = Math.sqrt(norm);
    double radius;
    try (Tensor t = backend.fromMatrix(eff)) {
      Eigendecomposition e = backend.eig(t, false);
      radius = e.spectralRadius();
    }
    if (!(radius > Math.sqrt(Math.ulp(1.0)) * norm) || !Double.isFinite(radius)) {
      throw new IllegalStateException("cannot rescale the recurrent weights to spectral radius "
          + spec.spectralRadius() + ": the effective recurrent matrix (" + spec.numUnits() + " x "
          + spec.numUnits() + ", Frobenius norm " + norm + ") has spectral radius " + radius
          + ", which is zero to working precision (no recurrent connections, or a nilpotent "
          + "matrix such as purely feed-forward connectivity); remove spectralRadius(...) or add "
          + "recurrent connections that form a loop");
    }
    return p.withRecurrentScaled(spec.spectralRadius() / radius);
  }

  private void checkOpen(String action) {
    if (built) {
      throw new IllegalStateException("cannot " + action
          + ": the connectivity is finalized (this builder already built its model); "
          + "add all regions and connections before build()");
    }
  }

  private void requireLeaky(String option) {
    if (kind != ModelKind.LEAKY) {
      throw new IllegalStateException(option + " applies to the leaky model only; this builder "
          + "builds an " + kind + " model");
    }
  }

  private void requireNewName(String name) {
    if (regions.containsKey(name)) {
      throw new IllegalArgumentException("duplicate region '" + name
          + "': a recurrent region of that name was already added");
    }
    if (inputs.containsKey(name)) {
      throw new IllegalArgumentException("duplicate region '" + name
          + "': an input region of that name was already added");
    }
  }

  private IllegalArgumentException unknownRegion(
      String what, Connection c, String name, String side) {
    String expected = what.startsWith("input") && side.equals("source") ? "input" : "recurrent";
    String hint = "";
    if (expected.equals("recurrent") && inputs.containsKey(name)) {
      hint = " ('" + name + "' is an input region"
          + (side.equals("source") ? "; use inputConnection" : "") + ")";
    } else if (expected.equals("input") && regions.containsKey(name)) {
      hint = " ('" + name + "' is a recurrent region; use recurrentConnection)";
    }
    List<String> known = new ArrayList<>(
        expected.equals("input") ? inputs.keySet() : regions.keySet());
    return new IllegalArgumentException(what + " " + c.source() + " -> " + c.destination()
        + ": unknown " + side + " " + expected + " region '" + name + "'" + hint + "; known "
        + expected + " regions: " + known);
  }

  private static double positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be positive and finite, got " + v);
    }
    return v;
  }
}
