package org.mrnn4j.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mrnn4j.models.RecurrentModel;

/**
 * A linear readout beside the mRNN: {@code y = W h + b}, with {@code W} of shape {@code [O, N]}
 * (N the model's recurrent units, in config order) and {@code b} of shape {@code [O]} or absent,
 * applied to the activations {@code h = act(x)}, as a wrapper module's {@code nn.Linear} reads
 * the mRNN's output (mRNNTorch's flip-flop example: {@code out_layer(h)}).
 *
 * <p>Read from a checkpoint ({@code readout.weight} and {@code readout.bias} automatically, or the
 * {@code Linear} under a key prefix the user names, such as {@code out_layer}) or from a NumPy
 * file ({@link #fromNumpy}). Never taken unasked from other keys: {@link #looksLikeReadout} only
 * says that unused keys look like one.
 *
 * @param weight the weights, {@code [O, N]}, rows = outputs
 * @param bias the bias, {@code [O]}, or null
 * @param source where it came from, for reports (for example {@code checkpoint keys
 *     out_layer.weight, out_layer.bias})
 */
public record Readout(double[][] weight, double[] bias, String source) {
  /** What the readout reads, for reports. */
  public static final String APPLIED_TO =
      "h = act(x): the activations of all recurrent units, in config order";
  /** The keys read automatically when present: {@code readout.weight}, {@code readout.bias}. */
  public static final String DEFAULT_PREFIX = "readout";

  /**
   * @param weight the weights [O, N]
   * @param bias the bias [O], or null
   * @param source where it came from
   */
  public Readout {
    if (weight.length == 0 || weight[0].length == 0) {
      throw new IllegalArgumentException("a readout needs at least one output and one unit");
    }
    weight = Arrays.stream(weight).map(double[]::clone).toArray(double[][]::new);
    for (double[] row : weight) {
      if (row.length != weight[0].length) {
        throw new IllegalArgumentException("the readout's weight rows differ in length");
      }
    }
    if (bias != null && bias.length != weight.length) {
      throw new IllegalArgumentException("the readout's bias has " + bias.length
          + " entries; its weight has " + weight.length + " rows");
    }
    bias = bias == null ? null : bias.clone();
  }

  /** {@return the weights, {@code [O, N]} (a copy)} */
  @Override
  public double[][] weight() {
    return java.util.Arrays.stream(weight).map(double[]::clone).toArray(double[][]::new);
  }

  /** {@return the bias, {@code [O]} (a copy), or null} */
  @Override
  public double[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** {@return O, the number of outputs} */
  public int outputs() {
    return weight.length;
  }

  /** {@return N, the number of units read} */
  public int units() {
    return weight[0].length;
  }

  /**
   * {@return {@code W h + b}}
   *
   * @param h the activations, {@code [N]}
   * @throws IllegalArgumentException if {@code h} does not have N values
   */
  public double[] apply(double[] h) {
    if (h.length != units()) {
      throw new IllegalArgumentException("the readout reads " + units() + " units; got a state"
          + " of " + h.length);
    }
    double[] y = new double[outputs()];
    for (int o = 0; o < y.length; o++) {
      double s = bias == null ? 0 : bias[o];
      double[] row = weight[o];
      for (int k = 0; k < row.length; k++) {
        s += row[k] * h[k];
      }
      y[o] = s;
    }
    return y;
  }

  /**
   * The output at a full state of {@code model}: {@code W act(state) + b} when the state is a
   * pre-activation {@code x}, {@code W state + b} when it is already an activation {@code h}.
   *
   * @param model the model (its activation and softplus beta)
   * @param state a full state, N values
   * @param preActivation whether {@code state} is {@code x} (else {@code h})
   * @return the outputs, O values
   */
  public double[] at(RecurrentModel model, double[] state, boolean preActivation) {
    if (!preActivation) {
      return apply(state);
    }
    double[] h = new double[state.length];
    for (int k = 0; k < h.length; k++) {
      h[k] = model.activation().apply(state[k], model.softplusBeta());
    }
    return apply(h);
  }

  /**
   * {@return the outputs formatted for a table: {@code (+1.00, -1.00)}}
   *
   * @param y the outputs
   */
  public static String format(double[] y) {
    StringBuilder s = new StringBuilder("(");
    for (int o = 0; o < y.length; o++) {
      s.append(o == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%+.2f", y[o]));
    }
    return s.append(')').toString();
  }

  /**
   * Reads the {@code Linear} under {@code prefix} ({@code PREFIX.weight}, optional
   * {@code PREFIX.bias}) from a checkpoint whose tensors under those keys were read.
   *
   * @param checkpoint the checkpoint
   * @param prefix the Linear's key prefix, for example {@code out_layer} (a trailing dot allowed)
   * @param units N, the model's recurrent units
   * @return the readout
   * @throws ModelFormatException naming the checkpoint and key when the weight is missing, or a
   *     shape is not {@code [O, N]} / {@code [O]}, or a value is not finite
   */
  public static Readout fromCheckpoint(TorchCheckpoint checkpoint, String prefix, int units)
      throws ModelFormatException {
    String p = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    String wKey = p + ".weight";
    String bKey = p + ".bias";
    StoredTensor w = checkpoint.find(wKey).orElse(null);
    if (w == null) {
      throw new ModelFormatException(checkpoint.source(), wKey, "missing: --readout " + prefix
          + " names a Linear whose weight is " + wKey + "; the checkpoint holds "
          + allKeys(checkpoint));
    }
    double[][] weight = weight(checkpoint.source(), wKey, w.shape(), w.data(), units);
    double[] bias = null;
    StoredTensor b = checkpoint.find(bKey).orElse(null);
    List<String> keys = new ArrayList<>(List.of(wKey));
    if (b != null) {
      bias = bias(checkpoint.source(), bKey, b.shape(), b.data(), weight.length);
      keys.add(bKey);
    }
    return new Readout(weight, bias, "checkpoint keys " + String.join(", ", keys));
  }

  /**
   * Reads a readout from NumPy: a {@code .npy} holding the weights {@code [O, N]} (no bias), or
   * an {@code .npz} holding {@code weight} and optionally {@code bias}.
   *
   * @param file the file
   * @param units N, the model's recurrent units
   * @return the readout
   * @throws IOException if the file cannot be read, or a {@link ModelFormatException} naming it
   *     and the array when a shape is not {@code [O, N]} / {@code [O]} or a value is not finite
   */
  public static Readout fromNumpy(Path file, int units) throws IOException {
    InputFiles.requireRegularFile(file, "a readout (.npy weights [O, N], or .npz with weight and"
        + " bias)");
    Map<String, NumpyArrays.NdArray> arrays = NumpyArrays.read(file);
    NumpyArrays.NdArray w;
    NumpyArrays.NdArray b = null;
    if (arrays.size() == 1 && arrays.containsKey("arr_0")) {
      w = arrays.get("arr_0");
    } else {
      w = arrays.get("weight");
      b = arrays.get("bias");
      if (w == null) {
        throw new ModelFormatException(file, null, "holds " + arrays.keySet()
            + "; expected the readout's weight [O, " + units + "] under 'weight' (and"
            + " optionally its bias [O] under 'bias')");
      }
    }
    double[][] weight = weight(file, "weight", w.shape(), w.data(), units);
    double[] bias = b == null ? null : bias(file, "bias", b.shape(), b.data(), weight.length);
    return new Readout(weight, bias, "file " + file);
  }

  /**
   * Says whether a checkpoint's unused keys hold exactly one {@code Linear}-shaped pair that fits
   * the model ({@code P.weight} {@code [O, N]} and {@code P.bias} {@code [O]}): a readout the user
   * may want, which is never applied unasked.
   *
   * @param checkpoint the checkpoint (the shapes of skipped keys are known)
   * @param unusedKeys the keys the model does not use
   * @param units N
   * @return the pair's prefix, for example {@code out_layer}, when there is exactly one
   */
  public static Optional<String> looksLikeReadout(TorchCheckpoint checkpoint,
      List<String> unusedKeys, int units) {
    List<String> found = new ArrayList<>();
    for (String key : unusedKeys) {
      if (!key.endsWith(".weight")) {
        continue;
      }
      String prefix = key.substring(0, key.length() - ".weight".length());
      int[] ws = checkpoint.shape(key).orElse(null);
      int[] bs = checkpoint.shape(prefix + ".bias").orElse(null);
      if (ws != null && bs != null && unusedKeys.contains(prefix + ".bias") && ws.length == 2
          && ws[1] == units && ws[0] > 0 && bs.length == 1 && bs[0] == ws[0]) {
        found.add(prefix);
      }
    }
    return found.size() == 1 && unusedKeys.size() == 2 ? Optional.of(found.get(0))
        : Optional.empty();
  }

  private static double[][] weight(Object source, String key, int[] shape, double[] data,
      int units) throws ModelFormatException {
    if (shape.length != 2 || shape[1] != units || shape[0] < 1) {
      throw new ModelFormatException(source, key, "has shape " + Arrays.toString(shape)
          + "; a readout's weight must be [O, " + units + "] ([O, N] with N = " + units
          + " recurrent units of the model, read from h = act(x) in config order)");
    }
    requireFinite(source, key, data);
    double[][] m = new double[shape[0]][shape[1]];
    for (int r = 0; r < shape[0]; r++) {
      System.arraycopy(data, r * shape[1], m[r], 0, shape[1]);
    }
    return m;
  }

  private static double[] bias(Object source, String key, int[] shape, double[] data,
      int outputs) throws ModelFormatException {
    if (shape.length != 1 || shape[0] != outputs) {
      throw new ModelFormatException(source, key, "has shape " + Arrays.toString(shape)
          + "; a readout's bias must be [" + outputs + "] (one per output, as its weight has"
          + " rows)");
    }
    requireFinite(source, key, data);
    return data.clone();
  }

  private static void requireFinite(Object source, String key, double[] data)
      throws ModelFormatException {
    for (int k = 0; k < data.length; k++) {
      if (!Double.isFinite(data[k])) {
        throw new ModelFormatException(source, key, "element " + k + " is " + data[k]
            + "; expected finite values");
      }
    }
  }

  private static List<String> allKeys(TorchCheckpoint checkpoint) {
    List<String> all = new ArrayList<>(checkpoint.keys());
    all.addAll(checkpoint.skippedKeys());
    return all;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Readout r && Arrays.deepEquals(weight, r.weight)
        && Arrays.equals(bias, r.bias) && source.equals(r.source);
  }

  @Override
  public int hashCode() {
    return (31 * Arrays.deepHashCode(weight) + Arrays.hashCode(bias)) * 31 + source.hashCode();
  }

  @Override
  public String toString() {
    return "Readout[" + outputs() + " x " + units() + (bias == null ? ", no bias" : ", bias")
        + ", " + source + "]";
  }
}
