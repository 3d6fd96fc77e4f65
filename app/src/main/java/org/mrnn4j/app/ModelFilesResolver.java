package org.mrnn4j.app;

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
 * Where every front end gets its model: from files as a user names them (an mRNNTorch JSON config,
 * optionally with its PyTorch checkpoint; a checkpoint with its config beside it; a model saved
 * by mrnn4j; told apart by their content), or, with no file, the bundled example network; and the
 * model's size, read cheaply first so that the backend can be chosen by it.
 */
public final class ModelFilesResolver {
  /** The bundled example: a config with a {@code model} block and a {@code seed}. */
  static final String EXAMPLE_RESOURCE = "/org/mrnn4j/app/example-model.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ModelFilesResolver() {}

  /**
   * The bundled example: its config, and the seed of its random initialisation (the example's own
   * {@code seed} key, which is not a config key).
   */
  private record Example(MrnnConfig config, long seed) {
    static Example read() throws IOException {
      JsonNode root;
      try (InputStream in = ModelFilesResolver.class.getResourceAsStream(EXAMPLE_RESOURCE)) {
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

  /**
   * The bundled example network (a leaky tanh network of an excitatory and an inhibitory region
   * driven by a two-unit input, randomly initialised with its own seed).
   *
   * @param request constructor arguments that override the example's, and whether defaults may
   *     fill missing ones (its seed is the example's own)
   * @param backend the backend to build it on
   * @return the example network
   * @throws IOException if the bundled resource cannot be read
   */
  public static ModelLoader.Loaded example(ModelLoader.Request request, Backend backend)
      throws IOException {
    Example e = Example.read();
    return ModelLoader.initialised(e.config(), "bundled example", "example",
        new ModelLoader.Request(request.arguments(), request.mrnntorchDefaults(), null, e.seed(),
            request.readout()),
        backend);
  }

  /**
   * The number of recurrent units of the model the files describe, read cheaply from the config,
   * the saved model or the bundled example, to choose a backend before loading; -1 when it
   * cannot be told (a file that does not parse: {@link #load} then reports the problem).
   *
   * @param configOption the config given by option, or null
   * @param files the files given (JSON files and checkpoints, told apart by content)
   * @param checkpointOption the checkpoint given by option, or null
   * @return the number of recurrent units, or -1
   */
  public static int units(Path configOption, List<Path> files, Path checkpointOption) {
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
   * @param files the files given (at most one JSON file and one checkpoint)
   * @param checkpointOption the checkpoint given by option, or null
   * @param request the constructor arguments given, whether defaults may fill missing ones, the
   *     checkpoint prefix and the seed of a config given without weights
   * @param backend the backend to build the model on
   * @return the model and where it came from
   * @throws IOException if a file is missing, unreadable or malformed (naming it), or a
   *     constructor argument is missing
   * @throws IllegalArgumentException if the files do not go together (two checkpoints, a
   *     checkpoint given as the config, ...)
   */
  public static ModelLoader.Loaded load(Path configOption, List<Path> files, Path checkpointOption,
      ModelLoader.Request request, Backend backend) throws IOException {
    Path json = configOption;
    Path checkpoint = checkpointOption;
    if (checkpoint != null) {
      requireFile(checkpoint);
      if (!ModelLoader.isCheckpoint(checkpoint)) {
        throw new IllegalArgumentException(checkpoint + " is not a PyTorch checkpoint (a zip archive, as "
            + "torch.save writes it)");
      }
    }
    if (json != null) {
      requireFile(json);
      if (ModelLoader.isCheckpoint(json)) {
        throw new IllegalArgumentException(json + " is a zip archive (a PyTorch checkpoint?), not a JSON "
            + "config; give it with --checkpoint");
      }
    }
    for (Path f : files) {
      requireFile(f);
      if (ModelLoader.isCheckpoint(f)) {
        if (checkpoint != null) {
          throw new IllegalArgumentException("two checkpoints given (" + checkpoint + " and " + f
              + "); give one checkpoint and its config");
        }
        checkpoint = f;
      } else {
        if (json != null) {
          throw new IllegalArgumentException("two JSON files given (" + json + " and " + f
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
    org.mrnn4j.models.io.InputFiles.requireRegularFile(f, "a model file");
  }
}
