package org.mrnn4j.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mrnn4j.analysis.BatchLinearization;
import org.mrnn4j.core.dynamics.Coordinates;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.models.RecurrentModel;

/**
 * Checks a case's {@code linearizations} against the reference, within the README's tolerances:
 * for every entry the state Jacobian, the input Jacobian, the excluded block, the eigenvalues (as
 * multisets), the eigenvectors (by their residual {@code |J v - lambda v| / |v|}) and every
 * first-order prediction of {@code forward}; and, for the entries that share regions and
 * coordinates, the batched Jacobians and eigenvalues against the same reference.
 */
public final class LinearizationConformance {
  private LinearizationConformance() {}

  /**
   * Checks every linearization entry on a model built from the case.
   *
   * @param c the case
   * @param model the case's model, built on the backend under test
   * @return human-readable failures, each naming the entry, the item and the first differing
   *     entry with the difference and the tolerance; empty when everything matches
   */
  public static List<String> check(ConformanceCase c, RecurrentModel model) {
    List<String> failures = new ArrayList<>();
    List<ConformanceCase.Linearization> entries = c.linearizations();
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      ConformanceCase.Linearization e = entries.get(i);
      String where = "linearizations[" + i + "] (regions " + e.regions()
          + (model.coordinates().size() > 1 ? ", dh " + e.dh() : "") + ")";
      try {
        checkEntry(c.tolerance(), model, e, where, failures);
      } catch (RuntimeException ex) {
        failures.add(where + ": " + ex);
      }
      groups.computeIfAbsent(e.regions() + "/" + e.dh(), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : groups.values()) {
      try {
        checkBatch(c.tolerance(), model, entries, group, failures);
      } catch (RuntimeException ex) {
        failures.add("batched linearizations " + group + ": " + ex);
      }
    }
    return failures;
  }

  /** The coordinates of an entry: {@code dh} for the leaky model; h for the Elman model. */
  static Coordinates coordinates(RecurrentModel model, ConformanceCase.Linearization e) {
    return model.coordinates().contains(Coordinates.PRE_ACTIVATION)
        ? Coordinates.fromDh(e.dh()) : Coordinates.ACTIVATION;
  }

  /** The operating point of an entry. */
  static OperatingPoint point(RecurrentModel model, ConformanceCase.Linearization e) {
    double[] input = e.input().data();
    if (model.naturalCoordinates() == Coordinates.PRE_ACTIVATION) {
      return OperatingPoint.of(e.x().data(), e.dh() && e.h() != null ? e.h().data() : null, input);
    }
    return OperatingPoint.of(e.h().data(), input);
  }

  private static void checkEntry(Tolerance tol, RecurrentModel model,
      ConformanceCase.Linearization e, String where, List<String> failures) {
    Backend backend = model.backend();
    Linearization lin = Linearization.of(model, coordinates(model, e), e.regions());
    OperatingPoint p = point(model, e);
    try (LinearizationResult r = lin.at(p); TensorScope scope = new TensorScope()) {
      compare(tol, where + " jacobian", e.jacobian(), r.jacobian(), failures);
      compare(tol, where + " input_jacobian", e.inputJacobian(), r.inputJacobian(), failures);
      Optional<Tensor> exc = r.excludedJacobian();
      if (e.excludedJacobian() == null) {
        // null: nothing excluded, or (real cases) not recorded; nothing to compare either way
        if (exc.isPresent() && lin.excludedRegions().isEmpty()) {
          failures.add(where + " excluded_jacobian: expected none (nothing is excluded), got one");
        }
      } else if (exc.isEmpty()) {
        failures.add(where + " excluded_jacobian: expected shape "
            + java.util.Arrays.toString(e.excludedJacobian().shape()) + ", got none");
      } else {
        compare(tol, where + " excluded_jacobian", e.excludedJacobian(), exc.get(), failures);
      }

      boolean vectors = backend.supports(Capability.EIGENVECTORS);
      Eigendecomposition eig = vectors ? r.eigendecomposition() : r.eigenvalues();
      tol.compareEigenvalues(where + " eigenvalues", e.eigenvaluesReal(), e.eigenvaluesImag(),
          eig.realParts(), eig.imagParts()).ifPresent(failures::add);
      if (vectors) {
        residuals(tol, where, r.jacobian().toMatrix(), eig, failures);
      }
      Eigendecomposition values = r.eigenvalues();
      tol.compareEigenvalues(where + " eigenvalues (values only)", e.eigenvaluesReal(),
          e.eigenvaluesImag(), values.realParts(), values.imagParts()).ifPresent(failures::add);

      List<ConformanceCase.Forward> forward = e.forward() == null ? List.of() : e.forward();
      for (int k = 0; k < forward.size(); k++) {
        ConformanceCase.Forward f = forward.get(k);
        Tensor ds = scope.track(f.deltaState().toTensor(backend));
        Tensor di = f.deltaInput() == null ? null : scope.track(f.deltaInput().toTensor(backend));
        Tensor dss = f.deltaStateStatic() == null ? null
            : scope.track(f.deltaStateStatic().toTensor(backend));
        Tensor pred = scope.track(r.predict(ds, di, dss));
        compare(tol, where + " forward[" + k + "].result", f.result(), pred, failures);
      }
    }
  }

  /**
   * Checks {@code |J v - lambda v| / |v|} for every eigenpair against the eigenvalue tolerance
   * scaled by {@code max(1, |J|_F)} (a backward-stable eigensolver leaves residuals of order
   * machine epsilon times {@code |J|}).
   */
  static void residuals(Tolerance tol, String where, double[][] j, Eigendecomposition eig,
      List<String> failures) {
    double norm = 0;
    for (double[] row : j) {
      for (double v : row) {
        norm += v * v;
      }
    }
    double allowed = tol.eigenvalueTolerance() * Math.max(1.0, Math.sqrt(norm));
    double worst = 0;
    int worstK = -1;
    for (int k = 0; k < eig.size(); k++) {
      double r = residual(j, eig.real(k), eig.imag(k), eig.vectorReal(k), eig.vectorImag(k));
      if (!(r <= worst)) {
        worst = r;
        worstK = k;
      }
    }
    if (worstK >= 0 && !(worst <= allowed)) {
      failures.add(String.format(java.util.Locale.ROOT,
          "%s eigenvector %d: residual |J v - lambda v| / |v| = %.3g > tol %.3g", where, worstK,
          worst, allowed));
    }
  }

  /**
   * The residual {@code |J v - lambda v| / |v|} of an eigenpair, {@code lambda = lr + i li},
   * {@code v = vr + i vi} (infinite for a zero vector).
   *
   * @param j the matrix, {@code n x n}
   * @param lr the eigenvalue's real part
   * @param li the eigenvalue's imaginary part
   * @param vr the eigenvector's real part, length {@code n}
   * @param vi the eigenvector's imaginary part, length {@code n}
   * @return the relative residual
   */
  public static double residual(double[][] j, double lr, double li, double[] vr, double[] vi) {
    int n = vr.length;
    double num = 0;
    double den = 0;
    for (int a = 0; a < n; a++) {
      double sr = 0;
      double si = 0;
      for (int b = 0; b < n; b++) {
        sr += j[a][b] * vr[b];
        si += j[a][b] * vi[b];
      }
      sr -= lr * vr[a] - li * vi[a];
      si -= lr * vi[a] + li * vr[a];
      num += sr * sr + si * si;
      den += vr[a] * vr[a] + vi[a] * vi[a];
    }
    return den == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(num / den);
  }

  /** The batched kernels on every point of a group sharing regions and coordinates. */
  private static void checkBatch(Tolerance tol, RecurrentModel model,
      List<ConformanceCase.Linearization> entries, List<Integer> group, List<String> failures) {
    ConformanceCase.Linearization first = entries.get(group.get(0));
    Linearization lin = Linearization.of(model, coordinates(model, first), first.regions());
    List<OperatingPoint> points = new ArrayList<>();
    for (int i : group) {
      points.add(point(model, entries.get(i)));
    }
    Backend backend = model.backend();
    try (BatchLinearization batch = lin.batch(points)) {
      List<Eigendecomposition> eigs = batch.eigenvalues();
      for (int b = 0; b < group.size(); b++) {
        ConformanceCase.Linearization e = entries.get(group.get(b));
        String where = "linearizations[" + group.get(b) + "] batched";
        try (Tensor j = backend.at(batch.jacobians(), b);
            Tensor jin = backend.at(batch.inputJacobians(), b)) {
          compare(tol, where + " jacobian", e.jacobian(), j, failures);
          compare(tol, where + " input_jacobian", e.inputJacobian(), jin, failures);
        }
        if (e.excludedJacobian() != null && batch.excludedJacobians().isPresent()) {
          try (Tensor jexc = backend.at(batch.excludedJacobians().get(), b)) {
            compare(tol, where + " excluded_jacobian", e.excludedJacobian(), jexc, failures);
          }
        }
        tol.compareEigenvalues(where + " eigenvalues", e.eigenvaluesReal(), e.eigenvaluesImag(),
            eigs.get(b).realParts(), eigs.get(b).imagParts()).ifPresent(failures::add);
      }
    }
  }

  private static void compare(Tolerance tol, String name, NumericArray expected, Tensor actual,
      List<String> failures) {
    tol.compare(name, expected, actual.shape(), actual.toArray()).ifPresent(failures::add);
  }
}
