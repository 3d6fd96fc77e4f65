package org.mrnn4j.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.DType;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.ModelParameters;
import org.mrnn4j.models.ModelSpec;
import org.mrnn4j.models.RecurrentModel;

/**
 * Loads the weights of a PyTorch state dict ({@code torch.save(model.state_dict(), f)}) into a
 * network built from its config, as mRNNTorch's {@code load_state_dict} does.
 *
 * <pre>{@code
 * try (RecurrentModel model = CheckpointLoader.load(
 *     Path.of("flip_flop_rnn_leaky.pth"), Path.of("flip_flop_rnn_leaky.json"), backend)) { ... }
 * }</pre>
 *
 * <p>The six keys {@code W_rec}, {@code W_rec_mask}, {@code W_rec_sign_matrix}, {@code W_inp},
 * {@code W_inp_mask}, {@code W_inp_sign_matrix} are looked up under a common prefix, found
 * automatically (the prefix of the one key ending in {@code W_rec}, for example {@code rnn.} when
 * the mRNN is a submodule {@code rnn}) or given. Other keys (a readout, say) are ignored. Shapes are
 * checked against the config: {@code [N, N]} and {@code [N, I]}. Baseline firing is not in
 * checkpoints (mRNNTorch never registers it): it comes from the config.
 *
 * <p>Float32 checkpoints are widened to float64 exactly; the model computes in float64, so its
 * results agree with PyTorch's float32 ones to float32 precision, not bit for bit.
 */
public final class CheckpointLoader {
  private static final String[] KEYS = {
    ModelParameters.W_REC, ModelParameters.W_REC_MASK, ModelParameters.W_REC_SIGN,
    ModelParameters.W_INP, ModelParameters.W_INP_MASK, ModelParameters.W_INP_SIGN
  };

  private CheckpointLoader() {}

  /**
   * Reads a checkpoint and its mRNNTorch config (with a {@code model} block giving kind and
   * options; the conformance checkpoints' {@code .json} files are such configs) and builds the
   * model.
   *
   * @param checkpoint the checkpoint
   * @param config its mRNNTorch JSON config
   * @param backend the backend to build on
   * @return the model, owned by the caller
   * @throws ModelFormatException if either file is malformed, the config is incomplete (its
   *     model block must give every constructor argument: {@link ModelArguments#missing}), or
   *     they do not fit each other; the message names the file, the key or field, and what was
   *     expected
   */
  public static RecurrentModel load(Path checkpoint, Path config, Backend backend)
      throws IOException {
    MrnnConfig cfg = MrnnConfig.read(config);
    ModelArguments.Resolved arguments =
        ModelArguments.resolve(cfg.model().orElse(null), null, false, config);
    cfg = cfg.withModel(arguments.options());
    ModelSpec spec = cfg.spec(config); // an incomplete config is reported against its file
    ModelParameters p = parameters(readMrnnKeys(checkpoint), spec, null);
    try {
      return cfg.builder().parameters(p).build(backend);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(checkpoint, null, e.getMessage(), e);
    }
  }

  /**
   * Reads a checkpoint into the network a builder describes (its regions define the shapes) and
   * builds it.
   *
   * @param <M> the model type
   * @param checkpoint the checkpoint
   * @param builder the network, with its regions and options
   * @param backend the backend to build on
   * @return the model, owned by the caller
   * @throws ModelFormatException naming the key and both shapes when the checkpoint does not fit
   */
  public static <M extends RecurrentModel> M load(Path checkpoint, ModelBuilder<M> builder,
      Backend backend) throws IOException {
    ModelSpec spec;
    try {
      spec = builder.spec();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the network to load " + checkpoint + " into is invalid: "
          + e.getMessage(), e);
    }
    ModelParameters p = parameters(readMrnnKeys(checkpoint), spec, null);
    return builder.parameters(p).build(backend);
  }

  /**
   * Reads the tensors of a checkpoint that an mRNN needs: the keys named {@code W_rec},
   * {@code W_rec_mask}, ... under any prefix. The storages of other keys (a readout, optimiser
   * state) are never read; {@link TorchCheckpoint#skippedKeys()} lists them.
   *
   * @param checkpoint the {@code .pth} file
   * @return the checkpoint, with only the mRNN's tensors read
   * @throws ModelFormatException as {@link TorchCheckpoint#read(Path)}
   */
  public static TorchCheckpoint readMrnnKeys(Path checkpoint) throws IOException {
    return TorchCheckpoint.read(checkpoint, CheckpointLoader::isMrnnKey);
  }

  /**
   * The keys of a checkpoint that an mRNN under {@code prefix} does not use (a readout, an
   * optimiser's state, another module's weights), in the checkpoint's order: what
   * {@code torch.nn.Module.load_state_dict} reports as unexpected keys.
   *
   * @param checkpoint the checkpoint
   * @param prefix the mRNN's key prefix ({@code ""}, {@code "rnn."})
   * @return the keys not used
   */
  public static List<String> unusedKeys(TorchCheckpoint checkpoint, String prefix) {
    List<String> out = new ArrayList<>();
    for (String key : allKeys(checkpoint)) {
      boolean used = false;
      for (String name : KEYS) {
        used |= key.equals(prefix + name);
      }
      if (!used) {
        out.add(key);
      }
    }
    return out;
  }

  private static List<String> allKeys(TorchCheckpoint checkpoint) {
    List<String> all = new ArrayList<>(checkpoint.keys());
    all.addAll(checkpoint.skippedKeys());
    return all;
  }

  /**
   * {@return whether {@code key} is one of an mRNN's six tensors, under any prefix}
   *
   * @param key a checkpoint key
   */
  public static boolean isMrnnKey(String key) {
    for (String name : KEYS) {
      if (key.equals(name) || key.endsWith("." + name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The parameters in a checkpoint for a network of the given spec.
   *
   * @param prefix the key prefix ({@code ""}, {@code "rnn."}), or null to detect it
   * @param checkpoint the checkpoint
   * @param spec the network the parameters must fit
   * @return the parameters for the spec
   * @throws ModelFormatException if a key is missing (naming it and the keys present), a shape
   *     differs from the config's (naming the key and both shapes), or a value is not finite
   *     (naming the key and the index)
   */
  public static ModelParameters parameters(TorchCheckpoint checkpoint, ModelSpec spec,
      String prefix) throws ModelFormatException {
    String p = prefix != null ? prefix : detectPrefix(checkpoint);
    int n = spec.numUnits();
    int i = spec.numInputs();
    double[][][] m = new double[6][][];
    DType dtype = DType.FLOAT64;
    for (int k = 0; k < 6; k++) {
      String key = p + KEYS[k];
      StoredTensor t = checkpoint.find(key).orElse(null);
      if (t == null) {
        throw new ModelFormatException(checkpoint.source(), key,
            "missing; the checkpoint holds " + allKeys(checkpoint));
      }
      int[] expected = {n, k < 3 ? n : i};
      if (!Arrays.equals(t.shape(), expected)) {
        throw new ModelFormatException(checkpoint.source(), key, "has shape "
            + Arrays.toString(t.shape()) + ", but the config needs " + Arrays.toString(expected)
            + " (N = " + n + " recurrent units, I = " + i + " inputs)");
      }
      if (t.dtype() == DType.FLOAT32) {
        dtype = DType.FLOAT32;
      }
      requireFinite(checkpoint.source(), key, t);
      m[k] = t.toMatrix();
    }
    try {
      return ModelParameters.of(m[0], m[1], m[2], m[3], m[4], m[5], dtype);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(checkpoint.source(), null, e.getMessage(), e);
    }
  }

  /** Weights must be finite: a NaN or infinity would silently poison every state it reaches. */
  private static void requireFinite(String source, String key, StoredTensor t)
      throws ModelFormatException {
    double[] data = t.data();
    int columns = t.shape()[1];
    for (int k = 0; k < data.length; k++) {
      if (!Double.isFinite(data[k])) {
        throw new ModelFormatException(source, key, "element [" + k / columns + ", "
            + k % columns + "] is " + data[k] + "; expected finite weights");
      }
    }
  }

  /**
   * The prefix of the mRNN's keys: what precedes {@code W_rec} in the one key ending with it.
   *
   * @param checkpoint the checkpoint
   * @return the key prefix of the mRNN's tensors (empty when none)
   * @throws ModelFormatException if no key or several keys end with {@code W_rec}
   */
  public static String detectPrefix(TorchCheckpoint checkpoint) throws ModelFormatException {
    List<String> prefixes = new ArrayList<>();
    for (String key : checkpoint.keys()) {
      if (key.endsWith(ModelParameters.W_REC)) {
        String prefix = key.substring(0, key.length() - ModelParameters.W_REC.length());
        if (prefix.isEmpty() || prefix.endsWith(".")) {
          prefixes.add(prefix);
        }
      }
    }
    if (prefixes.isEmpty()) {
      throw new ModelFormatException(checkpoint.source(), ModelParameters.W_REC,
          "no key W_rec (nor PREFIX.W_rec): this is not an mRNNTorch state dict; it holds "
              + allKeys(checkpoint));
    }
    if (prefixes.size() > 1) {
      throw new ModelFormatException(checkpoint.source(), ModelParameters.W_REC,
          "several mRNNs in one checkpoint (prefixes " + prefixes + "); name the prefix");
    }
    return prefixes.get(0);
  }
}
