package org.mrnn4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.models.io.MrnnConfig;

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
   * The bundled example: its config, and the seed of its random initialisation (the example's own
   * {@code seed} key, which is not a config key).
   */
  private record Example(MrnnConfig config, long seed) {
    static Example read() throws IOException {
      JsonNode root;
      try (InputStream in = ModelSource.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the bundled example " + EXAMPLE_RESOURCE
              + " is missing from the class path");
        }
        root = MAPPER.readTree(in);
      }
      long seed = root.path("seed").asLong(0);
      ((ObjectNode) root).remove("seed");
      return new Example(MrnnConfig.fromJson(root, "bundled example"), seed);
    }
  }

  /** The bundled example network, built on {@code backend} with the arguments of {@code request}. */
  static ModelLoader.Loaded example(ModelLoader.Request request, Backend backend)
      throws IOException {
    Example e = Example.read();
    return ModelLoader.initialised(e.config(), "bundled example", "example",
        new ModelLoader.Request(request.arguments(), request.mrnntorchDefaults(), null, e.seed()),
        backend);
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
        if (ModelLoader.isCheckpoint(f)) {
          checkpoint = f;
        } else {
          json = f;
        }
      }
      if (json != null || checkpoint != null) {
        return ModelLoader.units(json != null ? json : checkpoint);
      }
      return Example.read().config().recurrentRegions().stream()
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
  static ModelLoader.Loaded load(Path configOption, List<Path> files, Path checkpointOption,
      ModelLoader.Request request, Backend backend) throws IOException {
    Path json = configOption;
    Path checkpoint = checkpointOption;
    if (checkpoint != null) {
      requireFile(checkpoint);
      if (!ModelLoader.isCheckpoint(checkpoint)) {
        throw new UserException(checkpoint + " is not a PyTorch checkpoint (a zip archive, as "
            + "torch.save writes it)");
      }
    }
    if (json != null) {
      requireFile(json);
      if (ModelLoader.isCheckpoint(json)) {
        throw new UserException(json + " is a zip archive (a PyTorch checkpoint?), not a JSON "
            + "config; give it with --checkpoint");
      }
    }
    for (Path f : files) {
      requireFile(f);
      if (ModelLoader.isCheckpoint(f)) {
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
      return example(request, backend);
    }
    return ModelLoader.load(json, checkpoint, request, backend);
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
}
