package org.mrnn4j.analysis.flowfields;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.Spectra;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.dynamics.RecurrentDynamics;

/**
 * A flow-field plane through a point (typically a fixed point) spanned by the two leading
 * eigen-directions of the Jacobian of the network's map there, over the plane's units (the
 * others held at the point's values): the plane the dynamics near the point move in.
 *
 * <p>The eigenvalues are taken in the library's canonical order (descending modulus; at a
 * stable point, the slowest modes first). When the leading eigenvalue is complex, the plane is
 * spanned by the real and imaginary parts of its eigenvector (the plane of the rotation); when it
 * is real, by its eigenvector and the next eigenvector that is not parallel to it (the real part
 * of a complex one). The two directions are orthonormalised (Gram-Schmidt), and the plane's mean
 * is the point, whose plane coordinates are therefore {@code (0, 0)}.
 *
 * @param plane the plane: mean the point (over the plane's units), components the two
 *     orthonormal directions
 * @param real the real parts of the two eigenvalues whose directions span it
 * @param imag their imaginary parts
 */
public record EigenPlane(Pca plane, double[] real, double[] imag) {

  /**
   * The plane at {@code point} under input {@code input}.
   *
   * @param model the model
   * @param regions the plane's regions (empty: all), as for {@link FlowFieldFinder.Builder#regions}
   * @param point a full state {@code [N]} in the natural coordinates
   * @param input the input {@code [I]}
   * @return the plane and the eigenvalues that span it
   * @throws IllegalArgumentException naming what is wrong: an unknown region, fewer than 2 units,
   *     a point or input of the wrong length, or a Jacobian with fewer than two independent
   *     eigen-directions
   */
  public static EigenPlane at(RecurrentDynamics model, Collection<String> regions,
      double[] point, double[] input) {
    Objects.requireNonNull(model, "model");
    Linearization lin = Linearization.of(model, model.naturalCoordinates(), regions);
    int d = lin.units().size();
    if (d < 2) {
      throw new IllegalArgumentException("the plane's regions span " + d + " unit; a 2-D plane"
          + " needs at least 2");
    }
    Eigendecomposition eig;
    try (LinearizationResult r = lin.at(OperatingPoint.of(point, input))) {
      eig = Spectra.eig(r.jacobian(), true);
    }
    double[] mean = new double[d];
    int k = 0;
    for (var range : lin.units().ranges()) {
      for (int i = range.start(); i < range.end(); i++) {
        mean[k++] = point[i];
      }
    }
    double[] first = eig.vectorReal(0);
    double[] second;
    int other;
    if (isComplex(eig, 0)) {
      second = eig.vectorImag(0);
      other = 0;
    } else {
      second = null;
      other = -1;
      for (int m = 1; m < eig.size() && second == null; m++) {
        double[] v = eig.vectorReal(m);
        if (orthogonalPart(v, unit(first.clone())) > 1e-8) {
          second = v;
          other = m;
        }
      }
    }
    if (second == null) {
      throw new IllegalArgumentException("the Jacobian at the point has no second eigen-direction"
          + " independent of the leading one; give the plane another way");
    }
    double[] c0 = unit(first);
    double[] c1 = second.clone();
    double dot = dot(c0, c1);
    for (int a = 0; a < d; a++) {
      c1[a] -= dot * c0[a];
    }
    if (!(Math.sqrt(dot(c1, c1)) > 1e-8)) {
      throw new IllegalArgumentException("the leading eigenvector's real and imaginary parts are"
          + " parallel at the point; give the plane another way");
    }
    unit(c1);
    double[] re = other == 0 ? new double[] {eig.real(0), eig.real(0)}
        : new double[] {eig.real(0), eig.real(other)};
    double[] im = other == 0 ? new double[] {eig.imag(0), -eig.imag(0)}
        : new double[] {eig.imag(0), eig.imag(other)};
    return new EigenPlane(Pca.of(mean, new double[][] {c0, c1}), re, im);
  }

  /** {@return the two eigenvalues, as {@code "0.95+0.1i, 0.95-0.1i"}} */
  public String describeEigenvalues() {
    return value(real[0], imag[0]) + ", " + value(real[1], imag[1]);
  }

  private static String value(double re, double im) {
    return im == 0 ? String.format(Locale.ROOT, "%.4g", re)
        : String.format(Locale.ROOT, "%.4g%s%.4gi", re, im < 0 ? "-" : "+", Math.abs(im));
  }

  private static boolean isComplex(Eigendecomposition eig, int k) {
    return Math.abs(eig.imag(k)) > 1e-12 * Math.max(eig.modulus(k), Double.MIN_NORMAL);
  }

  private static double orthogonalPart(double[] v, double[] unit) {
    double p = dot(v, unit);
    double s = 0;
    for (int a = 0; a < v.length; a++) {
      double r = v[a] - p * unit[a];
      s += r * r;
    }
    return Math.sqrt(s);
  }

  private static double[] unit(double[] v) {
    double n = Math.sqrt(dot(v, v));
    for (int a = 0; a < v.length; a++) {
      v[a] /= n;
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
