package org.mrnn4j.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mrnn4j.core.DType;

/**
 * How closely results must match the reference (the conformance README): elementwise
 * {@code |actual - expected| <= atol + rtol |expected|}; eigenvalues matched as multisets within
 * {@link #eigenvalueTolerance()} in the complex plane; fixed points within
 * {@link #fixedPointTolerance()} in the max-norm.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 * @param eigenvalueTolerance distance within which an expected eigenvalue matches a computed one
 * @param fixedPointTolerance max-norm distance within which a reference fixed point counts as found
 */
public record Tolerance(double rtol, double atol, double eigenvalueTolerance,
    double fixedPointTolerance) {

  /** For float64 cases: rtol 1e-9, atol 1e-10, eigenvalues 1e-7, fixed points 1e-3. */
  public static final Tolerance FLOAT64 = new Tolerance(1e-9, 1e-10, 1e-7, 1e-3);
  /** For float32 cases: rtol 1e-4, atol 1e-5, eigenvalues 1e-4, fixed points 1e-3. */
  public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-5, 1e-4, 1e-3);

  /**
   * How many values the comparisons of this thread have checked since the last
   * {@link #resetCount()}: every entry of {@link #compare} and every eigenvalue of
   * {@link #compareEigenvalues}. A conformance run reports it, and a case that compared nothing
   * fails.
   *
   * @return the number of values compared
   */
  public static long count() {
    return COUNT.get()[0];
  }

  /** Starts a new {@link #count()} on this thread. */
  public static void resetCount() {
    COUNT.get()[0] = 0;
  }

  private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

  /**
   * {@return the tolerance for a case's dtype}
   *
   * @param dtype the case's dtype
   */
  public static Tolerance of(DType dtype) {
    return dtype == DType.FLOAT32 ? FLOAT32 : FLOAT64;
  }

  /**
   * {@return the allowed difference from {@code expected}}
   *
   * @param expected the reference values
   */
  public double allowed(double expected) {
    return atol + rtol * Math.abs(expected);
  }

  /**
   * {@return whether {@code actual} matches {@code expected} (NaN never matches)}
   *
   * @param actual the computed values
   * @param expected the reference values
   */
  public boolean matches(double actual, double expected) {
    return Math.abs(actual - expected) <= allowed(expected);
  }

  /**
   * Compares arrays of the given shapes elementwise.
   *
   * @param name what is compared, for the message
   * @param expectedShape the reference shape
   * @param expected the reference values
   * @param actualShape the computed shape
   * @param actual the computed values
   * @return empty when they match; otherwise a message naming the first mismatching entry with
   *     its index, both values, the difference and the tolerance, and how many entries differ
   */
  public Optional<String> compare(String name, int[] expectedShape, double[] expected,
      int[] actualShape, double[] actual) {
    if (!Arrays.equals(expectedShape, actualShape)) {
      return Optional.of(name + ": expected shape " + Arrays.toString(expectedShape) + ", got "
          + Arrays.toString(actualShape));
    }
    COUNT.get()[0] += expected.length;
    int bad = 0;
    String first = null;
    for (int k = 0; k < expected.length; k++) {
      if (!matches(actual[k], expected[k])) {
        if (first == null) {
          first = name + index(expectedShape, k) + ": expected " + expected[k] + ", got "
              + actual[k] + ", |diff| " + fmt(Math.abs(actual[k] - expected[k])) + " > tol "
              + fmt(allowed(expected[k]));
        }
        bad++;
      }
    }
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(bad == 1 ? first
        : first + " (and " + (bad - 1) + " more of " + expected.length + " entries)");
  }

  /**
   * {@return {@link #compare(String, int[], double[], int[], double[])} for an array and values}
   *
   * @param name what is compared, for the message
   * @param expected the reference array
   * @param actualShape the computed shape
   * @param actual the computed values
   */
  public Optional<String> compare(String name, NumericArray expected, int[] actualShape,
      double[] actual) {
    return compare(name, expected.shape(), expected.data(), actualShape, actual);
  }

  /**
   * Compares two matrices.
   *
   * @param name what is compared, for the message
   * @param expected the reference values
   * @param actual the computed values
   * @return empty when they match, else the first mismatch
   */
  public Optional<String> compare(String name, double[][] expected, double[][] actual) {
    return compare(name, shape(expected), flatten(expected), shape(actual), flatten(actual));
  }

  /**
   * Compares two vectors.
   *
   * @param name what is compared, for the message
   * @param expected the reference values
   * @param actual the computed values
   * @return empty when they match, else the first mismatch
   */
  public Optional<String> compare(String name, double[] expected, double[] actual) {
    return compare(name, new int[] {expected.length}, expected, new int[] {actual.length}, actual);
  }

  /**
   * Compares eigenvalues as multisets: every expected eigenvalue must match a distinct computed
   * one within {@link #eigenvalueTolerance()} (a maximum bipartite matching, so clusters of close
   * eigenvalues are handled).
   *
   * @param name what is compared, for the message
   * @param expectedReal the reference real parts
   * @param expectedImag the reference imaginary parts
   * @param actualReal the computed real parts
   * @param actualImag the computed imaginary parts
   * @return empty when they match; otherwise the expected eigenvalues left unmatched
   */
  public Optional<String> compareEigenvalues(String name, double[] expectedReal,
      double[] expectedImag, double[] actualReal, double[] actualImag) {
    int n = expectedReal.length;
    if (actualReal.length != n) {
      return Optional.of(name + ": expected " + n + " eigenvalues, got " + actualReal.length);
    }
    COUNT.get()[0] += n;
    List<List<Integer>> edges = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      List<Integer> near = new ArrayList<>();
      for (int a = 0; a < n; a++) {
        if (Math.hypot(expectedReal[e] - actualReal[a], expectedImag[e] - actualImag[a])
            <= eigenvalueTolerance) {
          near.add(a);
        }
      }
      edges.add(near);
    }
    int[] matchOfActual = new int[n];
    Arrays.fill(matchOfActual, -1);
    List<Integer> unmatched = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      if (!augment(e, edges, matchOfActual, new boolean[n])) {
        unmatched.add(e);
      }
    }
    if (unmatched.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder(name).append(": ").append(unmatched.size())
        .append(" of ").append(n).append(" expected eigenvalues have no distinct computed one within ")
        .append(fmt(eigenvalueTolerance)).append(", e.g. ");
    // the distance that matters is to the computed eigenvalues no expected one took: the
    // nearest computed one overall may be the match of another copy of a repeated eigenvalue
    for (int k = 0; k < Math.min(3, unmatched.size()); k++) {
      int e = unmatched.get(k);
      int nearest = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int a = 0; a < n; a++) {
        double d = Math.hypot(expectedReal[e] - actualReal[a], expectedImag[e] - actualImag[a]);
        if (matchOfActual[a] < 0 && d < best) {
          best = d;
          nearest = a;
        }
      }
      sb.append(k > 0 ? "; " : "").append(complex(expectedReal[e], expectedImag[e]));
      if (nearest < 0) {
        sb.append(" (every computed eigenvalue is matched to another expected one)");
      } else {
        sb.append(" (nearest unused computed eigenvalue ")
            .append(complex(actualReal[nearest], actualImag[nearest])).append(" at ")
            .append(fmt(best)).append(')');
      }
    }
    return Optional.of(sb.toString());
  }

  private static String complex(double re, double im) {
    return re + (im >= 0 ? "+" : "") + im + "i";
  }

  private static boolean augment(int e, List<List<Integer>> edges, int[] matchOfActual,
      boolean[] seen) {
    for (int a : edges.get(e)) {
      if (!seen[a]) {
        seen[a] = true;
        if (matchOfActual[a] < 0 || augment(matchOfActual[a], edges, matchOfActual, seen)) {
          matchOfActual[a] = e;
          return true;
        }
      }
    }
    return false;
  }

  static int[] shape(double[][] m) {
    return new int[] {m.length, m.length == 0 ? 0 : m[0].length};
  }

  static double[] flatten(double[][] m) {
    return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
  }

  private static String index(int[] shape, int flat) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
      flat = shape[d] == 0 ? 0 : flat / shape[d];
    }
    StringBuilder sb = new StringBuilder();
    for (int i : idx) {
      sb.append('[').append(i).append(']');
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
