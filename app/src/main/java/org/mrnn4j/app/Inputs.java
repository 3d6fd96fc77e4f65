package org.mrnn4j.app;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mrnn4j.models.RecurrentModel;

/** The constant input as the front ends take it: nothing, one value for all, or one per unit. */
public final class Inputs {
  private Inputs() {}

  /**
   * The input vector from given values: none (or null) for zeros, one value for every input unit,
   * or one per input unit.
   *
   * @param values the values given, or null
   * @param inputs the model's number of input units
   * @param name how the front end calls the values, for messages ({@code --input}, {@code input})
   * @return one value per input unit
   * @throws IllegalArgumentException naming {@code name} if the count fits neither, or a value
   *     is missing or not finite
   */
  public static double[] constant(List<Double> values, int inputs, String name) {
    double[] u = new double[inputs];
    if (values == null || values.isEmpty()) {
      return u;
    }
    if (values.size() != 1 && values.size() != inputs) {
      throw new IllegalArgumentException(name + " has " + values.size() + " values; the model has "
          + inputs + " input units: give one value for all, or " + inputs);
    }
    for (int i = 0; i < inputs; i++) {
      int k = values.size() == 1 ? 0 : i;
      Double v = values.get(k);
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException(name + ": value " + k + " is " + v
            + ", expected a finite number");
      }
      u[i] = v;
    }
    return u;
  }

  /**
   * A constant input for reports.
   *
   * @param u the input
   * @return for example {@code zero on all 3 input units} or {@code [0.5, -1]}
   */
  public static String describe(double[] u) {
    if (u.length == 0) {
      return "(none)";
    }
    boolean same = Arrays.stream(u).allMatch(v -> v == u[0]);
    if (same) {
      return (u[0] == 0 ? "zero" : number(u[0])) + " on all " + u.length + " input units";
    }
    return Arrays.stream(u).mapToObj(Inputs::number)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * A number for tables and reports: six significant digits without trailing zeros between
   * 1e-3 and 1e6, else four decimals of scientific notation; {@code 0} for zero.
   *
   * @param v the number
   * @return for example {@code 1}, {@code 0.783295}, {@code 1.5000e-07}
   */
  public static String number(double v) {
    if (v == 0.0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.6g", v);
      if (s.contains(".") && !s.contains("e")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return s;
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  /**
   * Checks an input vector against a model: one finite value per input unit.
   *
   * @param model the model
   * @param u the input
   * @throws IllegalArgumentException naming the count or the value that does not fit
   */
  public static void requireFits(RecurrentModel model, double[] u) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(u, "u");
    if (u.length != model.numInputs()) {
      throw new IllegalArgumentException("the input has " + u.length + " values; the model has "
          + model.numInputs() + " input units: give one value per input unit");
    }
    for (int i = 0; i < u.length; i++) {
      if (!Double.isFinite(u[i])) {
        throw new IllegalArgumentException("input value " + i + " is " + u[i]
            + "; expected a finite number");
      }
    }
  }}
