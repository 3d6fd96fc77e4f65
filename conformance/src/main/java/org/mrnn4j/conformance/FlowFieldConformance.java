package org.mrnn4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.analysis.Pca;
import org.mrnn4j.analysis.flowfields.FlowField;
import org.mrnn4j.analysis.flowfields.FlowFieldFinder;
import org.mrnn4j.analysis.flowfields.FlowGrid;
import org.mrnn4j.analysis.flowfields.GridBounds;
import org.mrnn4j.models.RecurrentModel;

/**
 * Checks a flow-field case ({@code ../shared/conformance/flow-fields/*.json}) against mRNNTorch's
 * flow-field finders: for every finder setting, this implementation's PCA of the setting's
 * {@code fit_states} (mean, components up to sign, explained variance), then the nonlinear and
 * linear fields at the picked states on the reference's own plane (grids, velocities, speeds),
 * with the case's tolerances. The grids are laid out as the reference lays them out
 * ({@link GridBounds#MRNNTORCH_ROUNDED}), not as the library does by default. See the README beside the cases.
 */
public final class FlowFieldConformance {
  private FlowFieldConformance() {}

  /**
   * {@return whether a case file holds flow fields (it has {@code flow_fields})}
   *
   * @param root the case file's JSON, or null
   */
  public static boolean isFlowFieldCase(JsonNode root) {
    return root != null && root.has("flow_fields");
  }

  /**
   * Every difference between the case and this implementation, by setting, field, state and
   * entry; empty when everything matches.
   *
   * @param root the flow-field case's JSON
   * @param model the case's model, built on the backend under test
   * @param tol the case's tolerances
   * @return human-readable failures; empty when everything matches
   */
  public static List<String> check(JsonNode root, RecurrentModel model, Tolerance tol) {
    List<String> failures = new ArrayList<>();
    double[][] states = matrix(root.path("trajectory").path("states"));
    double[][] inputs = matrix(root.path("trajectory").path("input"));
    JsonNode picked = root.path("picked");
    double[][] pickedStates = new double[picked.size()][];
    double[][] pickedInputs = new double[picked.size()][];
    for (int k = 0; k < picked.size(); k++) {
      pickedStates[k] = states[picked.get(k).asInt()];
      pickedInputs[k] = inputs[picked.get(k).asInt()];
    }
    JsonNode settings = root.path("flow_fields");
    for (int s = 0; s < settings.size(); s++) {
      JsonNode ff = settings.get(s);
      String where = "flow_fields[" + s + "]";
      try {
        checkSetting(ff, where, model, tol, pickedStates, pickedInputs, failures);
      } catch (RuntimeException e) {
        failures.add(where + ": " + e);
      }
    }
    return failures;
  }

  private static void checkSetting(JsonNode ff, String where, RecurrentModel model,
      Tolerance tol, double[][] states, double[][] inputs, List<String> failures) {
    List<String> regions = new ArrayList<>();
    ff.path("regions").forEach(r -> regions.add(r.asText()));
    // this implementation's PCA of the fit states, against the reference's
    JsonNode ref = ff.path("pca");
    double[] mean = vector(ref.path("mean"));
    double[][] components = matrix(ref.path("components"));
    double[] variance = vector(ref.path("explained_variance"));
    List<double[]> fit = List.of(matrix(ff.path("fit_states")));
    Pca own = Pca.fit(fit, 2);
    tol.compare(where + " pca.mean", mean, own.mean()).ifPresent(failures::add);
    for (int m = 0; m < 2; m++) {
      double[] c = own.component(m);
      double sign = dot(c, components[m]) < 0 ? -1 : 1;
      for (int i = 0; i < c.length; i++) {
        c[i] *= sign;
      }
      tol.compare(where + " pca.components[" + m + "] (up to sign)", components[m], c)
          .ifPresent(failures::add);
    }
    tol.compare(where + " pca.explained_variance", variance,
        new double[] {own.variance(0), own.variance(1)}).ifPresent(failures::add);

    // the fields, on the reference's plane and its grid: linspace in the model's precision,
    // followed bounds rounded to one decimal (never the library's default)
    FlowGrid grid = new FlowGrid(ff.path("num_points").asInt(), ff.path("x_offset").asDouble(),
        ff.path("y_offset").asDouble(), ff.path("x_center").asDouble(),
        ff.path("y_center").asDouble(), ff.path("follow_traj").asBoolean(),
        GridBounds.MRNNTORCH_ROUNDED);
    JsonNode stim = ff.path("stim_input");
    FlowFieldFinder finder = FlowFieldFinder.on(model)
        .regions(regions)
        .cancelOtherRegions(ff.path("cancel_other_regions").asBoolean())
        .plane(Pca.of(mean, components))
        .grid(grid)
        .stimulus(stim.isNull() || stim.isMissingNode() ? null : matrix(stim))
        .build();
    compareFields(where + " nonlinear", ff.path("nonlinear"), finder.nonlinear(states, inputs),
        tol, failures);
    JsonNode dStatic = ff.path("delta_state_static");
    compareFields(where + " linear", ff.path("linear"), finder.linear(states, inputs,
        matrix(ff.path("delta_input")),
        dStatic.isNull() || dStatic.isMissingNode() ? null : matrix(dStatic)), tol, failures);
  }

  private static void compareFields(String where, JsonNode expected, List<FlowField> actual,
      Tolerance tol, List<String> failures) {
    if (expected.size() != actual.size()) {
      failures.add(where + ": " + expected.size() + " fields expected, " + actual.size()
          + " computed");
      return;
    }
    for (int k = 0; k < actual.size(); k++) {
      JsonNode e = expected.get(k);
      FlowField f = actual.get(k);
      String at = where + "[" + k + "]";
      int p = f.points();
      double[][] grid = new double[p * p][2];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          grid[i * p + j][0] = f.xAxis()[i];
          grid[i * p + j][1] = f.yAxis()[j];
        }
      }
      double[][] expectedGrid = new double[p * p][];
      JsonNode eg = e.path("grid");
      if (eg.size() != p) {
        failures.add(at + ".grid: " + eg.size() + " rows expected, " + p + " computed");
        continue;
      }
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          expectedGrid[i * p + j] = vector(eg.get(i).get(j));
        }
      }
      tol.compare(at + ".grid", expectedGrid, grid).ifPresent(failures::add);
      tol.compare(at + ".x_vels", matrix(e.path("x_vels")), f.xVelocity())
          .ifPresent(failures::add);
      tol.compare(at + ".y_vels", matrix(e.path("y_vels")), f.yVelocity())
          .ifPresent(failures::add);
      tol.compare(at + ".speeds", matrix(e.path("speeds")), f.speed()).ifPresent(failures::add);
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[] vector(JsonNode node) {
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asDouble();
    }
    return out;
  }

  static double[][] matrix(JsonNode node) {
    double[][] out = new double[node.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(node.get(i));
    }
    return out;
  }
}
