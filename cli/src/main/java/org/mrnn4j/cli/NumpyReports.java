package org.mrnn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mrnn4j.analysis.BatchLinearization;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * The NumPy arrays {@code --npy} writes beside the JSON reports (README, "Reports"): one leading
 * row per operating point (or fixed point), in the printed table's order.
 */
final class NumpyReports {
  private NumpyReports() {}

  /**
   * The Jacobians, input Jacobians, eigenvalues and eigenvectors of a full-spectrum analysis.
   *
   * @return the files written
   */
  static List<Path> writeAnalysis(OutputOptions output, String stem, BatchLinearization batch,
      List<Eigendecomposition> eigen) throws IOException {
    List<Path> files = new ArrayList<>();
    int p = batch.size();
    int d = batch.dimension();
    files.add(write(output.file(stem, "-jacobians.npy"), batch.jacobians().shape(),
        batch.jacobians().toArray()));
    files.add(write(output.file(stem, "-input-jacobians.npy"), batch.inputJacobians().shape(),
        batch.inputJacobians().toArray()));
    files.add(eigenvalues(output.file(stem, "-eigenvalues.npy"), eigen, d));
    double[] re = new double[p * d * d];
    double[] im = new double[p * d * d];
    for (int b = 0; b < p; b++) {
      Eigendecomposition e = eigen.get(b);
      for (int k = 0; k < d; k++) {
        double[] vr = e.vectorReal(k);
        double[] vi = e.vectorImag(k);
        for (int i = 0; i < d; i++) { // [b, i, k]: eigenvector k is column k, as numpy.linalg.eig
          re[(b * d + i) * d + k] = vr[i];
          im[(b * d + i) * d + k] = vi[i];
        }
      }
    }
    Path vectors = output.file(stem, "-eigenvectors.npy");
    NumpyArrays.writeComplexNpy(vectors, new int[] {p, d, d}, re, im);
    files.add(vectors);
    return files;
  }

  /**
   * The Jacobians and input Jacobians of {@code lin} at each point, formed one point at a time,
   * and the eigenvalues given (a leading-spectrum analysis, or the partial dh Jacobian's with the
   * stem {@code STEM-partial-dh}), padded with NaN where a point has fewer than the most listed.
   *
   * @return the files written
   */
  static List<Path> writeLeadingAnalysis(OutputOptions output, String stem, Linearization lin,
      List<OperatingPoint> points, List<Eigendecomposition> eigen) throws IOException {
    int p = points.size();
    int d = lin.size();
    double[] jac = null;
    double[] jin = null;
    int inputs = 0;
    for (int b = 0; b < p; b++) {
      try (LinearizationResult r = lin.at(points.get(b))) {
        if (jac == null) {
          inputs = r.inputJacobian().dim(1);
          jac = new double[p * d * d];
          jin = new double[p * d * inputs];
        }
        System.arraycopy(r.jacobian().toArray(), 0, jac, b * d * d, d * d);
        System.arraycopy(r.inputJacobian().toArray(), 0, jin, b * d * inputs, d * inputs);
      }
    }
    List<Path> files = new ArrayList<>();
    files.add(write(output.file(stem, "-jacobians.npy"), new int[] {p, d, d}, jac));
    files.add(write(output.file(stem, "-input-jacobians.npy"), new int[] {p, d, inputs}, jin));
    int k = eigen.stream().mapToInt(Eigendecomposition::size).max().orElse(0);
    files.add(eigenvalues(output.file(stem, "-eigenvalues.npy"), eigen, k));
    return files;
  }

  /**
   * The fixed points' full states, Jacobians and eigenvalues.
   *
   * @param n the model's units
   * @param d the searched units
   * @return the files written
   */
  static List<Path> writeFixedPoints(OutputOptions output, String stem,
      List<org.mrnn4j.analysis.fixedpoints.FixedPoint> points, int n, int d) throws IOException {
    int f = points.size();
    double[] states = new double[f * n];
    double[] jac = new double[f * d * d];
    for (int b = 0; b < f; b++) {
      System.arraycopy(points.get(b).fullState(), 0, states, b * n, n);
      double[][] j = points.get(b).jacobian();
      for (int i = 0; i < d; i++) {
        System.arraycopy(j[i], 0, jac, (b * d + i) * d, d);
      }
    }
    List<Path> files = new ArrayList<>();
    files.add(write(output.file(stem, "-fixed-points.npy"), new int[] {f, n}, states));
    files.add(write(output.file(stem, "-fixed-point-jacobians.npy"), new int[] {f, d, d}, jac));
    List<Eigendecomposition> eigen = points.stream()
        .map(org.mrnn4j.analysis.fixedpoints.FixedPoint::eigen).toList();
    int k = eigen.stream().mapToInt(Eigendecomposition::size).max().orElse(0);
    files.add(eigenvalues(output.file(stem, "-fixed-point-eigenvalues.npy"), eigen, k));
    return files;
  }

  /**
   * The grids' axes and the nonlinear and linear fields (either may be null: not computed).
   *
   * @return the files written
   */
  static List<Path> writeFlowFields(OutputOptions output, String stem,
      List<org.mrnn4j.analysis.flowfields.FlowField> nonlinear,
      List<org.mrnn4j.analysis.flowfields.FlowField> linear) throws IOException {
    List<org.mrnn4j.analysis.flowfields.FlowField> any = nonlinear != null ? nonlinear : linear;
    int states = any.size();
    int p = any.get(0).points();
    double[] axes = new double[states * 2 * p];
    for (int s = 0; s < states; s++) {
      System.arraycopy(any.get(s).xAxis(), 0, axes, (2 * s) * p, p);
      System.arraycopy(any.get(s).yAxis(), 0, axes, (2 * s + 1) * p, p);
    }
    List<Path> files = new ArrayList<>();
    files.add(write(output.file(stem, "-flow-axes.npy"), new int[] {states, 2, p}, axes));
    if (nonlinear != null) {
      files.add(write(output.file(stem, "-flow-nonlinear.npy"), new int[] {states, 2, p, p},
          velocities(nonlinear, p)));
    }
    if (linear != null) {
      files.add(write(output.file(stem, "-flow-linear.npy"), new int[] {states, 2, p, p},
          velocities(linear, p)));
    }
    return files;
  }

  /** {@code [s, c, i, j]}: velocity component c (0: x, 1: y) at grid point (i, j) of state s. */
  private static double[] velocities(List<org.mrnn4j.analysis.flowfields.FlowField> fields,
      int p) {
    double[] out = new double[fields.size() * 2 * p * p];
    for (int s = 0; s < fields.size(); s++) {
      double[][][] both = {fields.get(s).xVelocity(), fields.get(s).yVelocity()};
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < p; i++) {
          System.arraycopy(both[c][i], 0, out, ((s * 2 + c) * p + i) * p, p);
        }
      }
    }
    return out;
  }

  /** Eigenvalues as complex {@code [P, k]}, NaN-padded past each row's own count. */
  static Path eigenvalues(Path file, List<Eigendecomposition> eigen, int k) throws IOException {
    double[] re = new double[eigen.size() * k];
    double[] im = new double[eigen.size() * k];
    Arrays.fill(re, Double.NaN);
    Arrays.fill(im, Double.NaN);
    for (int b = 0; b < eigen.size(); b++) {
      Eigendecomposition e = eigen.get(b);
      for (int j = 0; j < Math.min(k, e.size()); j++) {
        re[b * k + j] = e.real(j);
        im[b * k + j] = e.imag(j);
      }
    }
    NumpyArrays.writeComplexNpy(file, new int[] {eigen.size(), k}, re, im);
    return file;
  }

  private static Path write(Path file, int[] shape, double[] data) throws IOException {
    NumpyArrays.writeNpy(file, shape, data);
    return file;
  }
}
