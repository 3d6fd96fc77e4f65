package org.mrnn4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.MrnnConfig.ModelOptions;

/**
 * Loads a model from its files as the command line and the sweeps take them: an mRNNTorch JSON
 * config (with a {@code model} block for the constructor options) with or without its PyTorch
 * checkpoint, a checkpoint alone with the config of the same name beside it ({@code net.pth} and
 * {@code net.json}), or a model saved by mrnn4j ({@link ModelFiles}). Files are told apart by
 * their content (a checkpoint is a zip archive), not their names. Every error names the file, and
 * the field where there is one.
 */
public final class ModelLoader {
  private ModelLoader() {}

  /**
   * A loaded model and where it came from.
   *
   * @param model the model (the caller closes it)
   * @param description where it came from, for reports
   * @param checkpoint the checkpoint its weights came from, or null
   * @param weights how the weights were obtained, for reports
   * @param baseName the stem of output files named after it
   * @param arguments its constructor arguments and where each came from
   * @param unusedKeys the checkpoint's keys the model does not use (an optimiser's state, a
   *     readout not asked for), as {@code load_state_dict} reports unexpected keys; empty without
   *     a checkpoint. The keys of a readout taken are not among them.
   * @param readout the readout beside the model ({@link Readout}), or null
   * @param readoutHint when no readout was taken but the unused keys are exactly a
   *     {@code Linear}-shaped pair: its key prefix ({@code out_layer}), to suggest
   *     {@code --readout out_layer}; otherwise null
   */
  public record Loaded(RecurrentModel model, String description, String checkpoint,
      String weights, String baseName, ModelArguments.Resolved arguments,
      List<String> unusedKeys, Readout readout, String readoutHint) {
    /**
     * @param model the model
     * @param description where it came from
     * @param checkpoint the checkpoint, or null
     * @param weights how the weights were obtained
     * @param baseName the stem of output files
     * @param arguments its constructor arguments and their sources
     * @param unusedKeys the checkpoint's unused keys
     * @param readout the readout, or null
     * @param readoutHint the prefix of a Linear pair that looks like a readout, or null
     */
    public Loaded {
      unusedKeys = List.copyOf(unusedKeys);
    }

    /**
     * A loaded model without a readout.
     *
     * @param model the model
     * @param description where it came from
     * @param checkpoint the checkpoint, or null
     * @param weights how the weights were obtained
     * @param baseName the stem of output files
     * @param arguments its constructor arguments and their sources
     * @param unusedKeys the checkpoint's unused keys
     */
    public Loaded(RecurrentModel model, String description, String checkpoint, String weights,
        String baseName, ModelArguments.Resolved arguments, List<String> unusedKeys) {
      this(model, description, checkpoint, weights, baseName, arguments, unusedKeys, null, null);
    }

    /**
     * {@return this with {@code readout} (read from a file after loading), or this unchanged
     *     when it is null}
     *
     * @param r the readout
     */
    public Loaded withReadout(Readout r) {
      return r == null ? this : new Loaded(model, description, checkpoint, weights, baseName,
          arguments, unusedKeys, r, null);
    }
  }

  /**
   * What the user says about the model beyond its files: the constructor arguments given as
   * options ({@link ModelArguments}), whether mRNNTorch's defaults may fill missing ones, the
   * checkpoint's key prefix and the seed of a random initialisation.
   *
   * @param arguments constructor arguments given as options (override the config's model block)
   * @param mrnntorchDefaults whether missing constructor arguments take mRNNTorch's defaults
   * @param prefix the key prefix of the weights in the checkpoint, or null to detect it
   * @param seed the seed of the random initialisation when there is no checkpoint
   * @param readout the readout: a checkpoint key prefix of a {@code Linear} ({@code out_layer}),
   *     or a {@code .npy}/{@code .npz} file; null to take {@code readout.weight} and
   *     {@code readout.bias} when the checkpoint holds them
   */
  public record Request(ModelOptions arguments, boolean mrnntorchDefaults, String prefix,
      long seed, String readout) {
    /**
     * @param arguments the arguments given (null: none)
     * @param mrnntorchDefaults whether defaults may fill missing ones
     * @param prefix the checkpoint key prefix, or null
     * @param seed the initialisation seed
     * @param readout the readout's key prefix or file, or null
     */
    public Request {
      arguments = arguments == null ? ModelOptions.NONE : arguments;
    }

    /**
     * A request without a named readout ({@code readout.*} still taken when present).
     *
     * @param arguments the arguments given (null: none)
     * @param mrnntorchDefaults whether defaults may fill missing ones
     * @param prefix the checkpoint key prefix, or null
     * @param seed the initialisation seed
     */
    public Request(ModelOptions arguments, boolean mrnntorchDefaults, String prefix, long seed) {
      this(arguments, mrnntorchDefaults, prefix, seed, null);
    }

    /** {@return whether {@link #readout} names a NumPy file rather than a checkpoint key} */
    public boolean readoutIsFile() {
      return readout != null && (readout.endsWith(".npy") || readout.endsWith(".npz"));
    }

    /**
     * {@return a request with no argument given and no defaults allowed}
     *
     * @param seed the seed of a random initialisation
     */
    public static Request strict(long seed) {
      return new Request(ModelOptions.NONE, false, null, seed);
    }
  }

  /**
   * Loads the model one file describes: a config or saved model, or a checkpoint with its config
   * beside it.
   *
   * @param file a JSON config, a saved mrnn4j model, or a {@code .pth} checkpoint
   * @param seed the seed of the random initialisation of a config given without weights
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws IOException if a file is missing, unreadable or malformed (naming it)
   */
  public static Loaded load(Path file, long seed, Backend backend) throws IOException {
    return load(file, Request.strict(seed), backend);
  }

  /**
   * Loads the model one file describes, with the arguments of {@code request}.
   *
   * @param file a JSON config, a saved mrnn4j model, or a {@code .pth} checkpoint
   * @param request the constructor arguments given, whether defaults may fill missing ones, the
   *     checkpoint prefix and the seed
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws IOException if a file is missing, unreadable or malformed (naming it), or a
   *     constructor argument is missing ({@link ModelArguments.MissingModelArgumentsException})
   */
  public static Loaded load(Path file, Request request, Backend backend) throws IOException {
    requireFile(file);
    return isCheckpoint(file) ? load(null, file, request, backend)
        : load(file, null, request, backend);
  }

  /**
   * Loads a model from a JSON file (config or saved model) and an optional checkpoint.
   *
   * @param json the config or saved model; null to use the config beside {@code checkpoint}
   * @param checkpoint the PyTorch checkpoint holding the weights, or null
   * @param prefix the key prefix of the weights in the checkpoint, or null to detect it
   * @param seed the seed of the random initialisation when there is no checkpoint
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws IOException if a file is missing, unreadable or malformed (naming it)
   * @throws IllegalArgumentException if the files do not go together
   */
  public static Loaded load(Path json, Path checkpoint, String prefix, long seed, Backend backend)
      throws IOException {
    return load(json, checkpoint, new Request(ModelOptions.NONE, false, prefix, seed), backend);
  }

  /**
   * Loads a model from a JSON file (config or saved model) and an optional checkpoint, with the
   * arguments of {@code request}: the config's {@code model} block and the arguments given
   * resolve to the model's constructor arguments ({@link ModelArguments#resolve}); none is
   * guessed.
   *
   * @param json the config or saved model; null to use the config beside {@code checkpoint}
   * @param checkpoint the PyTorch checkpoint holding the weights, or null
   * @param request the constructor arguments given, whether defaults may fill missing ones, the
   *     checkpoint prefix and the seed
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws IOException if a file is missing, unreadable or malformed (naming it), or a
   *     constructor argument is missing ({@link ModelArguments.MissingModelArgumentsException})
   * @throws IllegalArgumentException if the files do not go together, or arguments are given for
   *     a saved model
   */
  public static Loaded load(Path json, Path checkpoint, Request request, Backend backend)
      throws IOException {
    long seed = request.seed();
    String prefix = request.prefix();
    if (json == null && checkpoint == null) {
      throw new IllegalArgumentException("no model file given");
    }
    if (checkpoint != null) {
      requireFile(checkpoint);
      if (!isCheckpoint(checkpoint)) {
        throw new IllegalArgumentException(checkpoint + " is not a PyTorch checkpoint (a zip"
            + " archive, as torch.save writes it)");
      }
    }
    if (json == null) {
      json = configBeside(checkpoint);
    }
    requireFile(json);
    if (isCheckpoint(json)) {
      throw new IllegalArgumentException(json + " is a zip archive (a PyTorch checkpoint?), not"
          + " a JSON config; give it as the checkpoint");
    }
    JsonNode root = readJson(json);
    String base = stem(json);
    if (ModelFiles.FORMAT.equals(root.path("format").asText(null))) {
      if (checkpoint != null) {
        throw new IllegalArgumentException(json + " is a saved mrnn4j model, which holds its own"
            + " weights; drop the checkpoint " + checkpoint);
      }
      List<String> given = new ArrayList<>();
      for (String key : ModelArguments.KEYS) {
        if (request.arguments().get(key) != null) {
          given.add(key);
        }
      }
      if (!given.isEmpty()) {
        throw new IllegalArgumentException(json + " is a saved mrnn4j model, which holds its own"
            + " constructor arguments; drop the options that set " + String.join(", ", given));
      }
      RecurrentModel model = ModelFiles.fromJson(root, json, backend);
      Map<String, ModelArguments.Source> sources = new LinkedHashMap<>();
      ModelArguments.KEYS.forEach(k -> sources.put(k, ModelArguments.Source.SAVED_MODEL));
      return withFileReadout(new Loaded(model, json.toString(), null, "saved in "
          + json.getFileName(), base,
          new ModelArguments.Resolved(ModelOptions.of(model.spec()), sources, List.of()),
          List.of()), request);
    }
    MrnnConfig config = MrnnConfig.fromJson(root, json);
    if (checkpoint == null) {
      return initialised(config, json, base, request, backend);
    }
    ModelArguments.Resolved arguments = ModelArguments.resolve(config.model().orElse(null),
        request.arguments(), request.mrnntorchDefaults(), json);
    ModelBuilder<RecurrentModel> builder = builder(config, arguments, json);
    String readoutKey = request.readoutIsFile() || request.readout() == null
        ? null : stripDot(request.readout());
    String wantedReadout = readoutKey != null ? readoutKey
        : request.readout() == null ? Readout.DEFAULT_PREFIX : null;
    TorchCheckpoint ckpt = TorchCheckpoint.read(checkpoint, key -> CheckpointLoader.isMrnnKey(key)
        || wantedReadout != null && (key.equals(wantedReadout + ".weight")
            || key.equals(wantedReadout + ".bias")));
    return fromCheckpoint(config, json, ckpt, checkpoint.toString(),
        "from checkpoint " + checkpoint.getFileName(), stem(checkpoint), arguments, builder,
        request, backend);
  }

  /**
   * Loads a model from an mRNNTorch config and a state dict held in memory (no file): what
   * {@link #load(Path, Path, Request, Backend)} does with a config and a checkpoint, for front ends
   * that hold the weights already (a Python session's {@code state_dict}). The keys, shapes, the
   * prefix, the readout and the constructor arguments are resolved and refused exactly as for a
   * checkpoint file; a readout file named by the request is read.
   *
   * @param config the config (for example {@link MrnnConfig#parse(String, Object)})
   * @param configSource how messages name the config
   * @param stateDict the state dict ({@link TorchCheckpoint#of})
   * @param request the constructor arguments given, whether defaults may fill missing ones, the
   *     key prefix and the readout
   * @param backend the backend to build the model on
   * @return the model; its checkpoint is the state dict's name
   * @throws IOException if a tensor is missing, misshapen or not finite ({@link
   *     ModelFormatException} naming the key), a constructor argument is missing, or a readout
   *     file cannot be read
   */
  public static Loaded fromStateDict(MrnnConfig config, Object configSource,
      TorchCheckpoint stateDict, Request request, Backend backend) throws IOException {
    ModelArguments.Resolved arguments = ModelArguments.resolve(config.model().orElse(null),
        request.arguments(), request.mrnntorchDefaults(), configSource);
    ModelBuilder<RecurrentModel> builder = builder(config, arguments, configSource);
    return fromCheckpoint(config, configSource, stateDict, stateDict.source(),
        "from " + stateDict.source(), "state_dict", arguments, builder, request, backend);
  }

  private static Loaded fromCheckpoint(MrnnConfig config, Object configSource,
      TorchCheckpoint ckpt, String checkpointName, String weights, String baseName,
      ModelArguments.Resolved arguments, ModelBuilder<RecurrentModel> builder, Request request,
      Backend backend) throws IOException {
    String prefix = request.prefix();
    String readoutKey = request.readoutIsFile() || request.readout() == null
        ? null : stripDot(request.readout());
    String wantedReadout = readoutKey != null ? readoutKey
        : request.readout() == null ? Readout.DEFAULT_PREFIX : null;
    String keyPrefix = prefix != null ? prefix : CheckpointLoader.detectPrefix(ckpt);
    var parameters = CheckpointLoader.parameters(ckpt, builder.spec(), keyPrefix);
    RecurrentModel model;
    try {
      model = builder.parameters(parameters).build(backend);
    } catch (MemoryGuard.TooLargeException e) {
      throw new IllegalArgumentException(checkpointName + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(checkpointName, null, e.getMessage(), e);
    }
    List<String> unused = new ArrayList<>(CheckpointLoader.unusedKeys(ckpt, keyPrefix));
    Readout readout = null;
    String hint = null;
    try {
      if (readoutKey != null
          || ckpt.find(Readout.DEFAULT_PREFIX + ".weight").isPresent() && wantedReadout != null) {
        readout = Readout.fromCheckpoint(ckpt, wantedReadout, model.numUnits());
        unused.remove(wantedReadout + ".weight");
        unused.remove(wantedReadout + ".bias");
      } else if (request.readoutIsFile()) {
        readout = Readout.fromNumpy(Path.of(request.readout()), model.numUnits());
      } else {
        hint = Readout.looksLikeReadout(ckpt, unused, model.numUnits()).orElse(null);
      }
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
    return new Loaded(model, String.valueOf(configSource), checkpointName, weights, baseName,
        arguments, unused, readout, hint);
  }

  /** A readout file of the request, read for a model without a checkpoint. */
  private static Loaded withFileReadout(Loaded loaded, Request request) throws IOException {
    if (request.readout() == null) {
      return loaded;
    }
    if (!request.readoutIsFile()) {
      loaded.model().close();
      throw new IllegalArgumentException("--readout " + request.readout() + " names a checkpoint"
          + " key, but no checkpoint is given (" + loaded.description() + " holds no readout);"
          + " give the checkpoint, or the readout as a .npy (weights [O, N]) or .npz (weight,"
          + " bias)");
    }
    try {
      return loaded.withReadout(Readout.fromNumpy(Path.of(request.readout()),
          loaded.model().numUnits()));
    } catch (IOException | RuntimeException e) {
      loaded.model().close();
      throw e;
    }
  }

  private static String stripDot(String key) {
    return key.endsWith(".") ? key.substring(0, key.length() - 1) : key;
  }

  /**
   * Builds the network a config describes with freshly initialised weights (seed
   * {@link Request#seed()}; the model block's spectral radius applied), its constructor
   * arguments resolved from the config's model block and the request ({@link ModelArguments}).
   *
   * @param config the config
   * @param source the config's file or a description (such as {@code bundled example}), for
   *     messages and reports
   * @param baseName the stem of output files named after it
   * @param request the constructor arguments given, whether defaults may fill missing ones, and
   *     the seed
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws ModelFormatException naming {@code source} if a constructor argument is missing, the
   *     network is incomplete or its spectral radius cannot be reached
   * @throws IOException if the request's readout file cannot be read or does not fit
   */
  public static Loaded initialised(MrnnConfig config, Object source, String baseName,
      Request request, Backend backend) throws IOException {
    ModelArguments.Resolved arguments = ModelArguments.resolve(config.model().orElse(null),
        request.arguments(), request.mrnntorchDefaults(), source);
    ModelBuilder<RecurrentModel> builder = builder(config, arguments, source);
    RecurrentModel model;
    try {
      model = builder.seed(request.seed()).build(backend);
    } catch (MemoryGuard.TooLargeException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // a spectral radius the weights cannot reach
      throw new ModelFormatException(source, "model.spectral_radius", e.getMessage(), e);
    }
    return withFileReadout(new Loaded(model, source.toString(), null,
        "random initialisation, seed " + request.seed() + " (no checkpoint given)", baseName,
        arguments, List.of()), request);
  }

  /** The builder of a config with resolved arguments, checked now so errors name the file. */
  private static ModelBuilder<RecurrentModel> builder(MrnnConfig config,
      ModelArguments.Resolved arguments, Object source) throws ModelFormatException {
    try {
      ModelBuilder<RecurrentModel> builder =
          config.withModel(arguments.options()).builder();
      builder.spec();
      return builder;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source, null, e.getMessage(), e);
    }
  }

  /**
   * The number of recurrent units of the model a file describes, read cheaply from its config (a
   * saved model's own) to choose a backend before loading; -1 when it cannot be told so (a file
   * that does not parse: {@link #load} then reports the problem).
   *
   * @param file a config, a checkpoint with its config beside it, or a saved model
   * @return the number of recurrent units, or -1
   */
  public static int units(Path file) {
    try {
      Path json = isCheckpoint(file) ? configBeside(file) : file;
      JsonNode root = readJson(json);
      if (ModelFiles.FORMAT.equals(root.path("format").asText(null))) {
        root = root.path("config"); // a saved model holds its config (it gave -1 before)
      }
      return MrnnConfig.fromJson(root, json).recurrentRegions().stream()
          .mapToInt(org.mrnn4j.models.RecurrentRegion::units).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * {@return the config of a checkpoint: the {@code .json} of the same name beside it}
   *
   * @param checkpoint the {@code .pth} file
   * @throws IllegalArgumentException naming the file looked for, if it is not there
   */
  public static Path configBeside(Path checkpoint) {
    Path config = checkpoint.resolveSibling(stem(checkpoint) + ".json");
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("the checkpoint " + checkpoint + " needs its mRNNTorch"
          + " config (the regions and model options): give the JSON file too (looked for "
          + config + ")");
    }
    return config;
  }

  /**
   * {@return whether the file starts like a zip archive (a PyTorch checkpoint)}
   *
   * @param file the file
   * @throws IOException if it cannot be read
   */
  public static boolean isCheckpoint(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(2);
      return head.length == 2 && head[0] == 'P' && head[1] == 'K';
    }
  }

  /**
   * {@return the file name without its extension}
   *
   * @param file the file
   */
  public static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /**
   * Reads a config or saved model with the loaders' strict, memory-bounded JSON reader.
   *
   * @param file the JSON file
   * @return its root object
   * @throws IOException if it cannot be read, or is not a JSON object
   */
  public static JsonNode readJson(Path file) throws IOException {
    JsonNode root = Json.read(file,
        "an mRNNTorch config, a saved mrnn4j model, or a PyTorch .pth checkpoint");
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file, null,
          "expected a JSON object (an mRNNTorch config or a saved mrnn4j model)");
    }
    return root;
  }

  private static void requireFile(Path f) throws IOException {
    InputFiles.requireRegularFile(f, "a model file");
  }
}
