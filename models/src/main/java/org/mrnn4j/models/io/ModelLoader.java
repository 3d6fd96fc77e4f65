package org.mrnn4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.MemoryGuard;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.RecurrentModel;

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
   */
  public record Loaded(RecurrentModel model, String description, String checkpoint,
      String weights, String baseName) {}

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
    requireFile(file);
    return isCheckpoint(file) ? load(null, file, null, seed, backend)
        : load(file, null, null, seed, backend);
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
      } catch (MemoryGuard.TooLargeException e) {
        throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
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
    } catch (MemoryGuard.TooLargeException e) {
      throw new IllegalArgumentException(checkpoint + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(checkpoint, null, e.getMessage(), e);
    }
    return new Loaded(model, json.toString(), checkpoint.toString(),
        "from checkpoint " + checkpoint.getFileName(), stem(checkpoint));
  }

  /**
   * The number of recurrent units of the model a file describes, read cheaply from its config to
   * choose a backend before loading; -1 when it cannot be told so (a saved model, a file that
   * does not parse: {@link #load} then reports the problem).
   *
   * @param file a config, a checkpoint with its config beside it, or a saved model
   * @return the number of recurrent units, or -1
   */
  public static int units(Path file) {
    try {
      Path json = isCheckpoint(file) ? configBeside(file) : file;
      JsonNode root = readJson(json);
      if (ModelFiles.FORMAT.equals(root.path("format").asText(null))) {
        return -1;
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
    if (!Files.exists(f)) {
      throw new NoSuchFileException(f.toString());
    }
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(f + " is not a file");
    }
  }
}
