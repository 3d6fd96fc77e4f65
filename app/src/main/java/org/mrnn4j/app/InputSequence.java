package org.mrnn4j.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.mrnn4j.models.io.ModelFormatException;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * An input sequence for a simulation, read from a NumPy file as mRNNTorch's forward takes it:
 * {@code [T, I]} (one sequence), or {@code [B, T, I]} batch first / {@code [T, B, I]} time first
 * (a {@code .npy}, or an {@code .npz} holding it under {@code inputs}).
 *
 * @param data the values, in the file's order
 * @param shape the array's shape as stored
 * @param shapeText the shape as NumPy prints it, for example {@code (4, 100, 2)}
 * @param batch B, the number of sequences
 * @param steps T, the number of steps
 * @param timeFirst whether the data is laid out time first (a {@code [T, I]} array is one
 *     sequence either way; it is reported as time first only when read so)
 */
public record InputSequence(double[] data, int[] shape, String shapeText, int batch, int steps,
    boolean timeFirst) {

  /**
   * Reads an input sequence.
   *
   * @param file the {@code .npy} or {@code .npz} file
   * @param inputs the model's number of input units
   * @param timeFirst whether a 3-D array is {@code [T, B, I]} (else {@code [B, T, I]})
   * @return the sequence
   * @throws IOException if the file is missing or unreadable, or a {@link ModelFormatException}
   *     naming the file if its shape fits neither layout or it holds no step
   */
  public static InputSequence read(Path file, int inputs, boolean timeFirst) throws IOException {
    Map<String, NumpyArrays.NdArray> arrays = NumpyArrays.read(file);
    NumpyArrays.NdArray a;
    if (arrays.containsKey("arr_0") && arrays.size() == 1) {
      a = arrays.get("arr_0");
    } else {
      a = arrays.get("inputs");
      if (a == null) {
        throw new ModelFormatException(file, null, "holds " + arrays.keySet()
            + "; expected the input sequence under 'inputs'");
      }
    }
    int[] s = a.shape();
    int batch;
    int steps;
    if (s.length == 2 && s[1] == inputs) {
      batch = 1;
      steps = s[0];
    } else if (s.length == 3 && s[2] == inputs) {
      batch = timeFirst ? s[1] : s[0];
      steps = timeFirst ? s[0] : s[1];
    } else {
      throw new ModelFormatException(file, "shape", "is " + a.shapeText() + "; expected"
          + " [T, " + inputs + "] or " + (timeFirst ? "[T, B, " : "[B, T, ") + inputs + "]");
    }
    if (steps < 1) {
      throw new ModelFormatException(file, "shape", "is " + a.shapeText()
          + "; expected at least one step");
    }
    return new InputSequence(a.data(), s, a.shapeText(), batch, steps, timeFirst);
  }
}
