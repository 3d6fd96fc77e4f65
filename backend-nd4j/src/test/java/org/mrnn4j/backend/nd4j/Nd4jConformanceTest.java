package org.mrnn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The backend's kernels against mRNNTorch: for every operating point of every conformance case, the
 * state, input and excluded-region Jacobians built with {@link Backend#jacobian} from the case's
 * weights (the formulas of DESIGN.md), and their eigenvalues from {@link Backend#eig}, compared
 * with the reference's with the tolerances of the conformance README. The conformance module
 * runs the full cases (models, linearizations) on every available backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Backend backend;

  @BeforeAll
  void start() {
    backend = Nd4jTesting.startBackend();
  }

  @AfterAll
  void stop() {
    backend.close();
  }

  static Stream<Path> cases() throws IOException {
    Path dir = ConformanceData.cases();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
    }
    assertFalse(files.isEmpty(), "no case files in " + dir);
    return files.stream();
  }

  private static double[] vector(JsonNode node) {
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asDouble();
    }
    return out;
  }

  private static double[][] matrix(JsonNode node) {
    double[][] out = new double[node.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(node.get(i));
    }
    return out;
  }

  /** {@code mask * |W| * sign} when constrained (Dale's law), else {@code W * mask}. */
  private static double[][] effective(JsonNode stateDict, String name, boolean constrained) {
    double[][] w = matrix(stateDict.get(name));
    double[][] mask = matrix(stateDict.get(name + "_mask"));
    double[][] sign = constrained ? matrix(stateDict.get(name + "_sign_matrix")) : null;
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = constrained ? mask[i][j] * Math.abs(w[i][j]) * sign[i][j] : w[i][j] * mask[i][j];
      }
    }
    return w;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void jacobiansAndEigenvaluesMatchTheReference(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    JsonNode model = root.get("model");
    boolean leaky = model.get("type").asText().equals("leaky");
    Activation act = Activation.fromName(model.get("activation").asText());
    double alpha = leaky ? model.get("alpha").asDouble() : 1.0;
    boolean f32 = root.get("dtype").asText().equals("float32");
    double rtol = f32 ? 1e-4 : 1e-9;
    double atol = f32 ? 1e-5 : 1e-10;
    double eigTol = f32 ? 1e-4 : 1e-7;

    double[][] wRec = effective(root.get("state_dict"), "W_rec",
        model.get("rec_constrained").asBoolean());
    double[][] wInp = effective(root.get("state_dict"), "W_inp",
        model.get("inp_constrained").asBoolean());
    int n = wRec.length;

    // region layout, in config order; the baseline firing vector
    List<String> names = new ArrayList<>();
    List<String> parents = new ArrayList<>();
    List<IndexRange> ranges = new ArrayList<>();
    double[] tonic = new double[n];
    int at = 0;
    for (JsonNode r : root.get("config").get("recurrent_regions")) {
      int size = r.get("num_units").asInt();
      names.add(r.get("name").asText());
      JsonNode parent = r.get("parent_region");
      parents.add(parent == null || parent.isNull() ? null : parent.asText());
      ranges.add(new IndexRange(at, at + size));
      JsonNode base = r.get("base_firing");
      for (int i = 0; i < size; i++) {
        tonic[at + i] = base == null || base.isNull() ? 0 : base.isArray() ? base.get(i).asDouble()
            : base.asDouble();
      }
      at += size;
    }
    assertEquals(n, at, "regions cover W_rec");
    JsonNode expect = root.get("expect");
    if (expect != null && expect.has("tonic_inp")) {
      tonic = vector(expect.get("tonic_inp"));
    }

    int index = 0;
    for (JsonNode lin : root.get("linearizations")) {
      String where = file.getFileName() + ", linearization " + index++;
      List<IndexRange> chosen = new ArrayList<>();
      List<String> wanted = new ArrayList<>();
      lin.get("regions").forEach(r -> wanted.add(r.asText()));
      for (int k = 0; k < names.size(); k++) {
        if (wanted.isEmpty() || wanted.contains(names.get(k)) || wanted.contains(parents.get(k))) {
          chosen.add(ranges.get(k));
        }
      }
      IndexRanges inc = IndexRanges.of(chosen);
      IndexRanges exc = inc.complement(n);
      boolean dh = lin.has("dh") && lin.get("dh").asBoolean();
      double[] u = vector(lin.get("input"));

      try (TensorScope scope = new TensorScope()) {
        Tensor wr = scope.track(backend.fromMatrix(wRec));
        Tensor wi = scope.track(backend.fromMatrix(wInp));
        JacobianSpec.Builder state;
        JacobianSpec.Builder input;
        if (leaky && !dh) {
          Tensor slope = scope.track(backend.activateDerivative(act,
              scope.track(backend.fromArray(vector(lin.get("x")), n))));
          state = JacobianSpec.builder(wr).identity(1 - alpha).scale(alpha).columnScale(slope);
          input = JacobianSpec.builder(wi).scale(alpha);
        } else {
          // the pre-activation of the step: leaky x + alpha (-x + W h + W_in u + b),
          // Elman W h + W_in u + b
          Tensor h = scope.track(backend.fromArray(vector(lin.get("h")), 1, n));
          Tensor ut = scope.track(backend.fromArray(u, 1, u.length));
          Tensor drive = scope.track(backend.addVector(scope.track(backend.add(
              scope.track(backend.matmul(h, false, wr, true)),
              scope.track(backend.matmul(ut, false, wi, true)))),
              scope.track(backend.fromArray(tonic, n))));
          Tensor pre = drive;
          if (leaky) {
            Tensor x = scope.track(backend.fromArray(vector(lin.get("x")), 1, n));
            pre = scope.track(backend.axpby(1 - alpha, x, alpha, drive));
          }
          Tensor slope = scope.track(backend.reshape(
              scope.track(backend.activateDerivative(act, pre)), n));
          state = JacobianSpec.builder(wr).scale(alpha).rowScale(slope);
          input = JacobianSpec.builder(wi).scale(alpha).rowScale(slope);
        }
        Tensor j = scope.track(backend.jacobian(state.rows(inc).columns(inc).build()));
        compare(matrix(lin.get("jacobian")), j.toMatrix(), rtol, atol, where + ": jacobian");
        Tensor ji = scope.track(backend.jacobian(input.rows(inc).build()));
        compare(matrix(lin.get("input_jacobian")), ji.toMatrix(), rtol, atol,
            where + ": input jacobian");
        JsonNode excluded = lin.get("excluded_jacobian");
        if (excluded != null && !excluded.isNull()) {
          Tensor je = scope.track(backend.jacobian(state.rows(inc).columns(exc).build()));
          compare(matrix(excluded), je.toMatrix(), rtol, atol, where + ": excluded jacobian");
        }
        Eigendecomposition e = backend.eig(j, false);
        matchEigenvalues(vector(lin.get("eigenvalues").get("real")),
            vector(lin.get("eigenvalues").get("imag")), e, eigTol, where);
      }
    }
  }

  private static void compare(double[][] want, double[][] got, double rtol, double atol,
      String what) {
    assertEquals(want.length, got.length, what + ": rows");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i].length, got[i].length, what + ": columns");
      for (int k = 0; k < want[i].length; k++) {
        if (!(Math.abs(got[i][k] - want[i][k]) <= atol + rtol * Math.abs(want[i][k]))) {
          fail(what + ": entry (" + i + ", " + k + ") is " + got[i][k] + ", expected "
              + want[i][k]);
        }
      }
    }
  }

  /**
   * Every expected eigenvalue matched to a distinct computed one within {@code tol}, except in
   * clusters: a defective eigenvalue of multiplicity m is determined only to about eps^(1/m) (the
   * reference and LAPACK builds scatter a triple root by 1e-8 to 1e-7 differently), but the mean of
   * the cluster is well conditioned. An expected eigenvalue without a match must lie in a cluster
   * (radius {@value #CLUSTER}) holding as many computed eigenvalues, with means within {@code tol}.
   */
  private static void matchEigenvalues(double[] re, double[] im, Eigendecomposition e, double tol,
      String what) {
    assertEquals(re.length, e.size(), what + ": number of eigenvalues");
    boolean[] used = new boolean[e.size()];
    for (int i = 0; i < re.length; i++) {
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int k = 0; k < e.size(); k++) {
        double d = Math.hypot(e.real(k) - re[i], e.imag(k) - im[i]);
        if (!used[k] && d < bestDistance) {
          best = k;
          bestDistance = d;
        }
      }
      if (best >= 0 && bestDistance <= tol) {
        used[best] = true;
        continue;
      }
      double[] want = clusterMean(re, im, re[i], im[i]);
      double[] got = clusterMean(e.realParts(), e.imagParts(), re[i], im[i]);
      if (want[2] != got[2] || Math.hypot(want[0] - got[0], want[1] - got[1]) > tol) {
        fail(what + ": the eigenvalue " + re[i] + " + " + im[i] + "i has no match within " + tol
            + ", and its cluster of " + (int) want[2] + " (mean " + want[0] + " + " + want[1]
            + "i) differs from the computed one of " + (int) got[2] + " (mean " + got[0] + " + "
            + got[1] + "i)");
      }
    }
  }

  private static final double CLUSTER = 1e-5;

  /** The mean and count of the values within {@link #CLUSTER} of {@code (cr, ci)}. */
  private static double[] clusterMean(double[] re, double[] im, double cr, double ci) {
    double sr = 0;
    double si = 0;
    int count = 0;
    for (int k = 0; k < re.length; k++) {
      if (Math.hypot(re[k] - cr, im[k] - ci) <= CLUSTER) {
        sr += re[k];
        si += im[k];
        count++;
      }
    }
    return new double[] {sr / count, si / count, count};
  }
}
