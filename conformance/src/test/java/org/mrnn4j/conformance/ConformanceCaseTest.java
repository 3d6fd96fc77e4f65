package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.DType;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.ModelKind;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelFormatException;

/** The case reader's typed view, and the tolerance helpers. */
class ConformanceCaseTest {

  @Test
  void linearizationsAreTypedWithConsistentShapes() throws IOException {
    ConformanceCase c = ConformanceCase.read(
        ConformanceData.cases().resolve("leaky-sigmoid-seed57.json"));
    assertEquals("leaky-sigmoid-seed57", c.id());
    assertEquals(ModelKind.LEAKY, c.kind());
    assertEquals(0.5, c.alpha().orElseThrow());
    try (Backend backend = Backends.select("ejml"); RecurrentModel m = c.buildModel(backend)) {
      for (ConformanceCase.Linearization l : c.linearizations()) {
        int included = m.layout().recurrentIndices(l.regions()).size();
        int excluded = m.numUnits() - included;
        assertEquals(List.of(included, included),
            List.of(l.jacobian().dim(0), l.jacobian().dim(1)));
        assertEquals(m.numInputs(), l.inputJacobian().dim(1));
        assertEquals(included, l.eigenvaluesReal().length);
        assertEquals(m.numUnits(), l.x().dim(0));
        assertEquals(l.dh(), l.h() != null);
        if (excluded == 0) {
          assertNull(l.excludedJacobian());
        } else {
          assertEquals(excluded, l.excludedJacobian().dim(1));
        }
        for (ConformanceCase.Forward f : l.forward()) {
          assertEquals(included, f.deltaState().dim(1));
          assertEquals(f.deltaState().dim(0), f.result().dim(0));
        }
      }
    }
  }

  @Test
  void flipFlopCaseHasReadoutAndFixedPoints() throws IOException {
    ConformanceCase c = ConformanceCase.read(
        ConformanceData.cases().resolve("real-flipflop-leaky-tanh.json"));
    assertEquals(DType.FLOAT32, c.dtype());
    assertEquals(Tolerance.FLOAT32, c.tolerance());
    assertEquals(Optional.of("rnn."), c.checkpointPrefix());
    assertTrue(Files.exists(c.checkpointFile().orElseThrow()));
    assertEquals(30, c.readout().orElseThrow().weight().dim(1));
    ConformanceCase.FixedPoints fp = c.fixedPoints().orElseThrow();
    assertFalse(fp.unique().isEmpty());
    ConformanceCase.FixedPoint p = fp.unique().get(0);
    assertEquals(30, p.xstar().dim(0));
    assertEquals(30, p.eigenvaluesReal().length);
    assertNotNull(c.task().orElseThrow().get("sign_accuracy"));
  }

  @Test
  void malformedCasesNameTheField(@TempDir Path tmp) throws IOException {
    Path f = Files.writeString(tmp.resolve("bad.json"),
        "{\"id\": \"x\", \"model\": {\"type\": \"leaky\"}, \"config\": {}}");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ConformanceCase.read(f));
    assertEquals("state_dict", e.location());
  }

  @Test
  void toleranceMessagesNameTheEntry() {
    Tolerance t = Tolerance.FLOAT64;
    String msg = t.compare("W_rec_effective", new double[][] {{1, 2}, {3, 0.12}},
        new double[][] {{1, 2}, {3, 0.13}}).orElseThrow();
    assertTrue(msg.startsWith("W_rec_effective[1][1]: expected 0.12, got 0.13, |diff| 0.0100 > tol"),
        msg);
    assertTrue(t.compare("v", new double[] {1e-11}, new double[] {0}).isEmpty());
    assertTrue(t.compare("v", new double[] {1}, new double[] {1, 2}).orElseThrow()
        .contains("expected shape [1], got [2]"));
  }

  @Test
  void eigenvaluesMatchAsMultisetsEvenInClusters() {
    Tolerance t = new Tolerance(0, 0, 0.1, 1e-3);
    double[] zero = {0, 0};
    // greedy nearest matching gives 0.05 to 0.08 and leaves 0.0 without a partner; a perfect
    // matching (0.08 - 0.17, 0.0 - 0.05) exists
    assertTrue(t.compareEigenvalues("ev", new double[] {0.08, 0.0}, zero,
        new double[] {0.05, 0.17}, zero).isEmpty());
    // here none exists: both expected values need the computed 0.05
    String two = t.compareEigenvalues("ev", new double[] {0.0, 0.01}, zero,
        new double[] {0.05, 0.5}, zero).orElseThrow();
    assertTrue(two.contains("1 of 2 expected eigenvalues"), two);
    assertTrue(t.compareEigenvalues("ev", new double[] {1, 1}, new double[] {0.5, -0.5},
        new double[] {1, 1}, new double[] {-0.5, 0.5}).isEmpty());
    String msg = t.compareEigenvalues("ev", new double[] {3, 0}, zero, new double[] {0, 0}, zero)
        .orElseThrow();
    assertTrue(msg.contains("1 of 2 expected eigenvalues"), msg);
  }

  @Test
  void anUnmatchedEigenvalueNamesTheNearestComputedOneNotMatchedElsewhere() {
    // three copies of 0.9 expected; two computed exactly and one 6e-5 off: the third copy's
    // nearest computed eigenvalue overall (0.9, at 0) is the match of another copy, so the
    // message must name 0.90006 and its distance, which is the real error
    Tolerance t = new Tolerance(0, 0, 1e-6, 1e-3);
    double[] zero = {0, 0, 0};
    String msg = t.compareEigenvalues("ev", new double[] {0.9, 0.9, 0.9}, zero,
        new double[] {0.9, 0.90006, 0.9}, zero).orElseThrow();
    assertTrue(msg.contains("1 of 3 expected eigenvalues"), msg);
    assertTrue(msg.contains("nearest unused computed eigenvalue 0.90006+0.0i at 6.0"), msg);
    assertTrue(msg.contains("e-05"), msg);
  }
}
