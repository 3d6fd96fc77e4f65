package org.mrnn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.ModelFiles;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.MrnnConfig;
import org.mrnn4j.models.io.TorchCheckpoint;

/**
 * Where {@code mrnn4j analyze} and {@code mrnn4j fixed-points} get their model: an mRNNTorch
 * JSON config (with a {@code model} block for the constructor options), optionally with a PyTorch
 * checkpoint for the weights; a model saved by mrnn4j; or, with no file, the bundled example
 * network.
 */
final class ModelSource {
  /** The bundled example: a config with a {@code model} block and a {@code seed}. */
  static final String EXAMPLE_RESOURCE = "/org/mrnn4j/cli/example-model.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ModelSource() {}

  /**
   * A loaded model and how to describe it.
   *
   * @param model the model (the caller closes it)
   * @param description where it came from, for the report
   * @param checkpoint the checkpoint its weights came from, or null
   * @param weights how the weights were obtained, for the report
   * @param baseName the stem of the output files
   */
  record Loaded(RecurrentModel model, String description, String checkpoint, String weights,
      String baseName) {}

  /** The bundled example network, built on {@code backend}. */
  static Loaded example(Backend backend) throws IOException {
    JsonNode root;
    try (InputStream in = ModelSource.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the bundled example " + EXAMPLE_RESOURCE
            + " is missing from the class path");
      }
      root = MAPPER.readTree(in);
    }
    long seed = root.path("seed").asLong(0);
    MrnnConfig config = MrnnConfig.fromJson(root, "bundled example");
    RecurrentModel model = ModelBuilder.fromConfig(config).seed(seed).build(backend);
    return new Loaded(model, "bundled example", null,
        "random initialisation, seed " + seed, "example");
  }

  /**
   * The number of recurrent units of the model the files describe, read cheaply from the config
   * (or the bundled example) to choose a backend before loading; -1 when it cannot be told so (a
   * saved model, a file that does not parse: {@link #load} then reports the problem).
   */
  static int units(Path configOption, List<Path> files, Path checkpointOption) {
    try {
      Path json = configOption;
      Path checkpoint = checkpointOption;
      for (Path f : files) {
        if (isZip(f)) {
          checkpoint = f;
        } else {
          json = f;
        }
      }
      JsonNode root;
      Object source;
      if (json == null && checkpoint == null) {
        try (var in = ModelSource.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
          root = MAPPER.readTree(in);
        }
        source = EXAMPLE_RESOURCE;
      } else {
        json = json != null ? json : besideConfig(checkpoint);
        root = readJson(json);
        source = json;
      }
      if (ModelFiles.FORMAT.equals(root.path("format").asText(null))) {
        return -1;
      }
      return MrnnConfig.fromJson(root, source).recurrentRegions().stream()
          .mapToInt(org.mrnn4j.models.RecurrentRegion::units).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Loads the model the files describe: up to one JSON file (mRNNTorch config or saved mrnn4j
   * model) and up to one checkpoint, told apart by their content. A checkpoint alone is paired
   * with the config of the same name beside it ({@code net.pth} with {@code net.json}).
   *
   * @param configOption the config given by option, or null
   * @param seed the seed for a config given without weights
   */
  static Loaded load(Path configOption, List<Path> files, Path checkpointOption, String prefix,
      long seed, Backend backend) throws IOException {
    Path json = configOption;
    Path checkpoint = checkpointOption;
    if (checkpoint != null) {
      requireFile(checkpoint);
      if (!isZip(checkpoint)) {
        throw new UserException(checkpoint + " is not a PyTorch checkpoint (a zip archive, as "
            + "torch.save writes it)");
      }
    }
    if (json != null) {
      requireFile(json);
      if (isZip(json)) {
        throw new UserException(json + " is a zip archive (a PyTorch checkpoint?), not a JSON "
            + "config; give it with --checkpoint");
      }
    }
    for (Path f : files) {
      requireFile(f);
      if (isZip(f)) {
        if (checkpoint != null) {
          throw new UserException("two checkpoints given (" + checkpoint + " and " + f
              + "); give one checkpoint and its config");
        }
        checkpoint = f;
      } else {
        if (json != null) {
          throw new UserException("two JSON files given (" + json + " and " + f
              + "); give one config (or saved model) and optionally its checkpoint");
        }
        json = f;
      }
    }
    if (json == null && checkpoint == null) {
      return example(backend);
    }
    if (json == null) {
      json = besideConfig(checkpoint);
    }
    JsonNode root = readJson(json);
    String base = stem(json);
    if (ModelFiles.FORMAT.equals(root.path("format").asText(null))) {
      if (checkpoint != null) {
        throw new UserException(json + " is a saved mrnn4j model, which holds its own weights; "
            + "drop the checkpoint " + checkpoint);
      }
      return new Loaded(ModelFiles.fromJson(root, json, backend), json.toString(), null,
          "saved in " + json.getFileName(), base);
    }
    MrnnConfig config = MrnnConfig.fromJson(root, json);
    ModelBuilder<RecurrentModel> builder;
    try {
      builder = ModelBuilder.fromConfig(config);
      builder.spec(); // validate now, so errors name the config file
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(json, null, e.getMessage(), e);
    }
    if (checkpoint == null) {
      RecurrentModel model;
      try {
        model = builder.seed(seed).build(backend);
      } catch (org.mrnn4j.core.MemoryGuard.TooLargeException e) {
        throw new UserException(json + ": " + e.getMessage());
      } catch (IllegalArgumentException | IllegalStateException e) {
        // a spectral radius the weights cannot reach
        throw new ModelFormatException(json, "model.spectral_radius", e.getMessage(), e);
      }
      return new Loaded(model, json.toString(), null,
          "random initialisation, seed " + seed + " (no checkpoint given)", base);
    }
    TorchCheckpoint ckpt = CheckpointLoader.readMrnnKeys(checkpoint);
    var parameters = CheckpointLoader.parameters(ckpt, builder.spec(), prefix);
    RecurrentModel model;
    try {
      model = builder.parameters(parameters).build(backend);
    } catch (org.mrnn4j.core.MemoryGuard.TooLargeException e) {
      throw new UserException(checkpoint + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(checkpoint, null, e.getMessage(), e);
    }
    return new Loaded(model, json.toString(), checkpoint.toString(),
        "from checkpoint " + checkpoint.getFileName(), stem(checkpoint));
  }

  private static Path besideConfig(Path checkpoint) throws NoSuchFileException {
    Path config = checkpoint.resolveSibling(stem(checkpoint) + ".json");
    if (!Files.isRegularFile(config)) {
      throw new UserException("the checkpoint " + checkpoint + " needs its mRNNTorch config (the "
          + "regions and model options): give the JSON file too (looked for " + config + ")");
    }
    return config;
  }

  private static JsonNode readJson(Path file) throws IOException {
    // the loaders' strict, memory-bounded reader: duplicate keys refused, the tree bounded
    JsonNode root = org.mrnn4j.models.io.Json.read(file,
        "an mRNNTorch config, a saved mrnn4j model, or a PyTorch .pth checkpoint");
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file, null,
          "expected a JSON object (an mRNNTorch config or a saved mrnn4j model)");
    }
    return root;
  }

  private static void requireFile(Path f) throws IOException {
    Objects.requireNonNull(f);
    if (!Files.exists(f)) {
      throw new NoSuchFileException(f.toString());
    }
    if (!Files.isRegularFile(f)) {
      throw new UserException(f + " is not a file");
    }
  }

  /** Whether the file starts like a zip archive (a PyTorch checkpoint). */
  private static boolean isZip(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] head = in.readNBytes(2);
      return head.length == 2 && head[0] == 'P' && head[1] == 'K';
    }
  }

  static String stem(Path f) {
    String name = f.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
