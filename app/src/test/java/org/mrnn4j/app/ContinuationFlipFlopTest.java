package org.mrnn4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.analysis.continuation.Bifurcation;
import org.mrnn4j.analysis.continuation.BifurcationKind;
import org.mrnn4j.analysis.continuation.Branch;
import org.mrnn4j.analysis.continuation.ContinuationPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPoint;
import org.mrnn4j.analysis.fixedpoints.FixedPointOptions;
import org.mrnn4j.analysis.fixedpoints.FixedPointSearch;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.models.io.ModelFiles;
import org.mrnn4j.testkit.ConformanceData;

/**
 * Continuation on the trained 3-bit flip-flop (conformance checkpoint, leaky): branch counts
 * against the fixed-point finder at sampled inputs, every branch point's {@code q} from the
 * model's own step, and the interpolation to a perturbed copy of the checkpoint.
 */
class ContinuationFlipFlopTest {
  private static final double[] DIRECTION = {1, 1, 1};
  private static Backend backend;
  private static RecurrentModel model;

  @BeforeAll
  static void open() throws Exception {
    backend = Backends.select("ejml");
    Path dir = ConformanceData.require().resolve("checkpoints");
    model = CheckpointLoader.load(dir.resolve("flip_flop_rnn_leaky.pth"),
        dir.resolve("flip_flop_rnn_leaky.json"), backend);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
    backend.close();
  }

  /** {@code 1/2 |F(x) - x|^2} with F the model's own step. */
  private static double q(RecurrentModel m, double[] x, double[] u) {
    double[] next = m.step(x, u);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (next[i] - x[i]) * (next[i] - x[i]);
    }
    return 0.5 * s;
  }

  @Test
  void branchesCrossingEachSampledInputMatchTheFinderAndAreFixedPoints() {
    ContinuationParameter input = ContinuationParameter.input(new double[3], DIRECTION);
    ContinuationAnalysis.Result r = ContinuationAnalysis.run(model,
        new ContinuationAnalysis.Request(input, 0, 0.5, true, 7, null));
    StringBuilder summary = new StringBuilder();
    for (Branch b : r.branches()) {
      summary.append(String.format("branch %.4f -> %.4f, %d points, %s, %s%n",
          b.start().parameter(), b.end().parameter(), b.points().size(), b.stop(),
          b.bifurcations().stream().map(Bifurcation::note).toList()));
    }
    double tol = FixedPointOptions.defaults().tolQ();
    for (Branch b : r.branches()) {
      for (ContinuationPoint p : b.points()) {
        double qs = q(model, p.state(), input.inputAt(p.parameter()));
        assertTrue(qs < tol, "q = " + qs + " at s = " + p.parameter());
      }
    }
    for (double s : new double[] {0.06, 0.17, 0.26, 0.33, 0.44}) {
      FixedPointSearch search = FixedPoints.find(model, input.inputAt(s), 7);
      assertEquals(search.fixedPoints().size(), r.crossings(s),
          "branches crossing s = " + s + "\n" + summary);
      // and they are the same points: each point found lies on a branch there
      for (FixedPoint fp : search.fixedPoints()) {
        boolean on = false;
        for (Branch b : r.branches()) {
          for (double[] x : ContinuationAnalysis.statesAt(b, s)) {
            on |= distance(x, fp.state()) < 1e-2 * (1 + norm(fp.state()));
          }
        }
        assertTrue(on, "fixed point at s = " + s + " on no branch\n" + summary);
      }
    }
    assertTrue(r.branches().stream().flatMap(b -> b.bifurcations().stream())
        .anyMatch(f -> f.kind() == BifurcationKind.FOLD && f.located()), summary::toString);
  }

  @Test
  void interpolationToAPerturbedCheckpointPairsTheFixedPointsOfEach() throws Exception {
    ObjectNode json = ModelFiles.toJson(model);
    ArrayNode w = (ArrayNode) json.get("parameters").get("W_rec");
    Random rnd = new Random(4);
    for (JsonNode row : w) {
      ArrayNode a = (ArrayNode) row;
      for (int j = 0; j < a.size(); j++) {
        a.set(j, a.get(j).asDouble() * (1 + 0.08 * rnd.nextGaussian()));
      }
    }
    try (RecurrentModel other = ModelFiles.fromJson(json, "perturbed", backend)) {
      double[] u = {0.1, 0.1, 0.1};
      ContinuationAnalysis.Result r = ContinuationAnalysis.run(model,
          new ContinuationAnalysis.Request(ContinuationParameter.checkpoint(other, "perturbed", u),
              0, 1, true, 7, null));
      double tol = FixedPointOptions.defaults().tolQ();
      for (Branch b : r.branches()) {
        for (ContinuationPoint p : List.of(b.start(), b.end())) {
          if (p.parameter() == 0) {
            assertTrue(q(model, p.state(), u) < tol);
          } else if (p.parameter() == 1) {
            assertTrue(q(other, p.state(), u) < tol);
          }
        }
      }
      assertEquals(r.atStart().fixedPoints().size(), r.pairings().size());
      int paired = 0;
      for (ContinuationAnalysis.Pairing p : r.pairings()) {
        assertTrue(p.endPoint() >= 0 || p.note().startsWith("no partner"), p.note());
        if (p.endPoint() >= 0) {
          paired++;
          // the partner is the other checkpoint's fixed point found by the finder there
          double[] x = r.atEnd().fixedPoints().get(p.endPoint()).state();
          assertTrue(q(other, x, u) < tol);
        }
      }
      assertTrue(paired > 0, r.pairings().toString());
    }
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  private static double norm(double[] a) {
    return distance(a, new double[a.length]);
  }
}
