package org.mrnn4j.analysis.fixedpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.core.Activation;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The conformance case {@code real-flipflop-leaky-tanh}, read with Jackson: the network rebuilt from
 * its state_dict (effective weights by the README's rule) and the reference's fixed points.
 */
final class FlipFlopCase {
  final double[][] wRec;
  final double[][] wInp;
  final double[] bias;
  final double alpha;
  final Activation activation;
  final double[] input;
  final List<Reference> fixedPoints = new ArrayList<>();

  record Reference(double[] xstar, double qstar, int unstable, double[] eigReal, double[] eigImag) {}

  private FlipFlopCase(JsonNode root) {
    JsonNode sd = root.get("state_dict");
    double[][] w = matrix(sd.get("W_rec"));
    double[][] mask = matrix(sd.get("W_rec_mask"));
    double[][] sign = matrix(sd.get("W_rec_sign_matrix"));
    boolean recConstrained = root.get("model").get("rec_constrained").asBoolean();
    int n = w.length;
    wRec = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        wRec[i][j] = recConstrained
            ? mask[i][j] * Math.abs(w[i][j]) * sign[i][j] : w[i][j] * mask[i][j];
      }
    }
    double[][] wi = matrix(sd.get("W_inp"));
    double[][] mi = matrix(sd.get("W_inp_mask"));
    double[][] si = matrix(sd.get("W_inp_sign_matrix"));
    boolean inpConstrained = root.get("model").get("inp_constrained").asBoolean();
    wInp = new double[n][wi[0].length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < wi[0].length; j++) {
        wInp[i][j] = inpConstrained
            ? mi[i][j] * Math.abs(wi[i][j]) * si[i][j] : wi[i][j] * mi[i][j];
      }
    }
    bias = new double[n];
    int k = 0;
    for (JsonNode region : root.get("config").get("recurrent_regions")) {
      for (int u = 0; u < region.get("num_units").asInt(); u++) {
        bias[k++] = region.get("base_firing").asDouble();
      }
    }
    alpha = root.get("model").get("alpha").asDouble();
    activation = Activation.fromName(root.get("model").get("activation").asText());
    JsonNode fp = root.get("fixed_points");
    input = vector(fp.get("input"));
    for (JsonNode p : fp.get("unique")) {
      fixedPoints.add(new Reference(vector(p.get("xstar")), p.get("qstar").asDouble(),
          p.get("n_unstable").asInt(), vector(p.get("eigenvalues").get("real")),
          vector(p.get("eigenvalues").get("imag"))));
    }
  }

  static FlipFlopCase load() throws IOException {
    Path file = ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json");
    return new FlipFlopCase(new ObjectMapper().readTree(file.toFile()));
  }

  FixedPointSystem system(TestSystems.Form form) {
    return TestSystems.builder(form)
        .activation(activation)
        .alpha(alpha)
        .recurrentWeights(wRec)
        .inputWeights(wInp)
        .bias(bias)
        .input(input)
        .build();
  }

  static double[] vector(JsonNode node) {
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = node.get(i).asDouble();
    }
    return v;
  }

  static double[][] matrix(JsonNode node) {
    double[][] m = new double[node.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = vector(node.get(i));
    }
    return m;
  }
}
