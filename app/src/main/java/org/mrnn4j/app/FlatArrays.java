package org.mrnn4j.app;

import java.nio.DoubleBuffer;
import java.util.List;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.regions.RegionModes;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * The application layer's results as flat, row-major {@code double[]} arrays, for front ends that
 * move arrays across a language boundary in one copy (the Python package reads each as a NumPy
 * array through JPype's buffer support and reshapes it) rather than row by row or element by
 * element. Each method says the shape its array is read with; {@code [A, B]} means element
 * {@code (a, b)} at {@code a * B + b}.
 */
public final class FlatArrays {
  private FlatArrays() {}

  /**
   * The states of a simulation, flat.
   *
   * @param xs the states after each step {@code [B, T, N]} (the Elman model's are its
   *     activations, as {@code hs})
   * @param hs the activations after each step {@code [B, T, N]}
   * @param batch B
   * @param steps T
   * @param units N
   */
  public record Simulated(double[] xs, double[] hs, int batch, int steps, int units) {}

  /**
   * {@return {@code matrix} flat, row-major: {@code [rows, columns]}}
   *
   * @param matrix a rectangular matrix (no row null)
   * @throws IllegalArgumentException if the rows differ in length
   */
  public static double[] flatten(double[][] matrix) {
    int rows = matrix.length;
    int cols = rows == 0 ? 0 : matrix[0].length;
    double[] out = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      if (matrix[r].length != cols) {
        throw new IllegalArgumentException("row " + r + " has " + matrix[r].length
            + " values; row 0 has " + cols);
      }
      System.arraycopy(matrix[r], 0, out, r * cols, cols);
    }
    return out;
  }

  /**
   * The linearization every front end's Jacobian comes from: the model's map in its natural
   * coordinates ({@code x} for the leaky model, {@code h} for the Elman model) over
   * {@code regions}. Made once and reused for many points ({@link #jacobian}).
   *
   * @param model the model
   * @param regions the regions (empty: all units)
   * @return the linearization
   * @throws IllegalArgumentException if a region is unknown
   */
  public static Linearization linearization(RecurrentModel model, List<String> regions) {
    return Linearization.of(model, model.naturalCoordinates(), regions);
  }

  /**
   * The Jacobian of the map at {@code (x, u)}, flat {@code [M, M]} over the linearized units
   * ({@code M = lin.size()}), row {@code i} the derivative of unit {@code i}'s next state.
   *
   * @param lin the linearization ({@link #linearization})
   * @param x the state over all units, in the natural coordinates
   * @param u the input
   * @return the Jacobian, row-major
   */
  public static double[] jacobian(Linearization lin, double[] x, double[] u) {
    try (Tensor j = lin.jacobian(OperatingPoint.of(x, u))) {
      return j.toArray();
    }
  }

  /**
   * The Jacobian of the map at {@code (x, u)} as {@link #jacobian(Linearization, double[],
   * double[])} gives it, written into {@code out} instead of a new array ({@link
   * Tensor#copyTo}): for a caller that owns the memory (the Python package passes a direct
   * buffer over a new NumPy array, so the values are copied once, straight into it).
   *
   * @param lin the linearization ({@link #linearization})
   * @param x the state over all units, in the natural coordinates
   * @param u the input
   * @param out the buffer, with at least {@code M * M} elements remaining from its position,
   *     which advances by {@code M * M}
   * @throws java.nio.BufferOverflowException if {@code out} has fewer than {@code M * M}
   *     elements remaining (nothing is written)
   */
  public static void jacobian(Linearization lin, double[] x, double[] u, DoubleBuffer out) {
    try (Tensor j = lin.jacobian(OperatingPoint.of(x, u))) {
      j.copyTo(out);
    }
  }

  /**
   * Runs the dynamics over input sequences, noise-free or with the model's noise.
   *
   * @param model the model
   * @param inputs the inputs, flat {@code [B, T, I]}
   * @param batch B
   * @param steps T
   * @param x0 the initial state, {@code [N]} (every row) or flat {@code [B, N]}, in the natural
   *     coordinates; null for the model's own
   * @param noiseAct the noise level on the activations when {@code noise}, NaN for the model's
   * @param noiseInp the noise level on the inputs when {@code noise}, NaN for the model's
   * @param noise whether to add noise
   * @param seed the noise's seed
   * @return the states after each step, batch first
   * @throws IllegalArgumentException if a length does not fit the model, or a value is not finite
   */
  public static Simulated simulate(RecurrentModel model, double[] inputs, int batch, int steps,
      double[] x0, boolean noise, double noiseAct, double noiseInp, long seed) {
    int n = model.numUnits();
    int in = model.numInputs();
    if (batch < 1 || steps < 1 || (long) batch * steps * in != inputs.length) {
      throw new IllegalArgumentException("the inputs have " + inputs.length + " values; expected"
          + " B * T * I = " + batch + " * " + steps + " * " + in + " (I = " + in + " inputs)");
    }
    Backend b = model.backend();
    Tensor state = null;
    try (Tensor u = b.fromArray(inputs, batch, steps, in)) {
      Simulation sim = Simulation.of(u);
      if (x0 != null) {
        if (x0.length == n) {
          state = b.fromArray(x0, n);
        } else if (x0.length == (long) batch * n) {
          state = b.fromArray(x0, batch, n);
        } else {
          throw new IllegalArgumentException("x0 has " + x0.length + " values; expected N = " + n
              + " or B * N = " + batch * n);
        }
        sim = model.kind() == ModelKind.ELMAN ? sim.h0(state) : sim.x0(state);
      }
      if (noise) {
        sim = Double.isNaN(noiseAct) ? sim.noise(seed) : sim.noise(noiseAct, noiseInp, seed);
      }
      try (Trajectory t = model.simulate(sim)) {
        return new Simulated(t.xs().toArray(), t.hs().toArray(), batch, steps, n);
      }
    } finally {
      if (state != null) {
        state.close();
      }
    }
  }

  /**
   * {@return the eigenvectors of {@code e} as columns, flat {@code [N, K]}: element
   *     {@code (i, k)} is component {@code i} of vector {@code k} (NumPy's {@code v[:, k]});
   *     {@code [0]} the real parts, {@code [1]} the imaginary parts}
   *
   * @param e an eigendecomposition with vectors
   * @param left whether to give the left vectors (then it must have them)
   * @throws IllegalStateException if the vectors asked for were not computed
   */
  public static double[][] eigenvectors(Eigendecomposition e, boolean left) {
    if (left ? !e.hasLeftVectors() : !e.hasVectors()) {
      throw new IllegalStateException("the eigendecomposition holds no "
          + (left ? "left " : "") + "eigenvectors");
    }
    int k = e.size();
    int n = k == 0 ? 0 : (left ? e.leftVectorReal(0) : e.vectorReal(0)).length;
    double[] re = new double[n * k];
    double[] im = new double[n * k];
    for (int c = 0; c < k; c++) {
      double[] vr = left ? e.leftVectorReal(c) : e.vectorReal(c);
      double[] vi = left ? e.leftVectorImag(c) : e.vectorImag(c);
      for (int i = 0; i < n; i++) {
        re[i * k + c] = vr[i];
        im[i * k + c] = vi[i];
      }
    }
    return new double[][] {re, im};
  }

  /**
   * {@return the fixed points' states over all units, flat {@code [P, N]}}
   *
   * @param points the fixed points (all of one model)
   * @param units N
   */
  public static double[] fullStates(List<FixedPoint> points, int units) {
    double[] out = new double[points.size() * units];
    for (int p = 0; p < points.size(); p++) {
      System.arraycopy(points.get(p).fullState(), 0, out, p * units, units);
    }
    return out;
  }

  /**
   * {@return the modes' participation per region, flat {@code [K, R]} (row {@code k} the
   *     {@code k}-th mode, column {@code r} region {@code regions().get(r)}); NaN in a row whose
   *     participation is withheld (a repeated eigenvalue) or, for the left one, not found}
   *
   * @param modes the modes resolved by region
   * @param left whether the left participation (else the right)
   */
  public static double[] participation(RegionModes modes, boolean left) {
    int r = modes.regions().size();
    List<RegionModes.Mode> list = modes.modes();
    double[] out = new double[list.size() * r];
    for (int k = 0; k < list.size(); k++) {
      double[] p = left ? list.get(k).leftParticipation() : list.get(k).rightParticipation();
      for (int j = 0; j < r; j++) {
        out[k * r + j] = p == null ? Double.NaN : p[j];
      }
    }
    return out;
  }
}
