package org.mrnn4j.cli;

import org.mrnn4j.app.StabilityAnalysis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * The NumPy arrays {@code --npy} writes beside the JSON reports (README, "Reports"): one leading
 * row per operating point (or fixed point), in the printed table's order.
 */
final class NumpyReports {
  private NumpyReports() {}

  /**
   * The Jacobians, input Jacobians and eigenvalues of an analysis (padded with NaN where a point
   * has fewer than the most listed, on the leading path), and the eigenvectors where they were
   * computed (the dense path).
   *
   * @param vectors whether to write the eigenvectors too
   * @return the files written
   */
  static List<Path> writeAnalysis(OutputOptions output, String stem,
      StabilityAnalysis.Jacobians jacobians, List<Eigendecomposition> eigen, boolean vectors)
      throws IOException {
    List<Path> files = new ArrayList<>();
    int p = jacobians.points();
    int d = jacobians.dimension();
    files.add(write(output.file(stem, "-jacobians.npy"), new int[] {p, d, d},
        jacobians.jacobians()));
    files.add(write(output.file(stem, "-input-jacobians.npy"),
        new int[] {p, d, jacobians.inputs()}, jacobians.inputJacobians()));
    int k = eigen.stream().mapToInt(Eigendecomposition::size).max().orElse(0);
    files.add(eigenvalues(output.file(stem, "-eigenvalues.npy"), eigen, k));
    if (!vectors) {
      return files;
    }
    double[] re = new double[p * d * d];
    double[] im = new double[p * d * d];
    for (int b = 0; b < p; b++) {
      Eigendecomposition e = eigen.get(b);
      for (int j = 0; j < d; j++) {
        double[] vr = e.vectorReal(j);
        double[] vi = e.vectorImag(j);
        for (int i = 0; i < d; i++) { // [b, i, j]: eigenvector j is column j, as numpy.linalg.eig
          re[(b * d + i) * d + j] = vr[i];
          im[(b * d + i) * d + j] = vi[i];
        }
      }
    }
    Path file = output.file(stem, "-eigenvectors.npy");
    NumpyArrays.writeComplexNpy(file, new int[] {p, d, d}, re, im);
    files.add(file);
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
