package org.mrnn4j.examples.minimal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.testkit.contract.BackendContractTest;

/**
 * The contract suite catches bugs planted on purpose in copies of {@link MinimalBackend}: it is
 * run (with JUnit's test kit) on each broken backend, and the test that must fail fails with a
 * message that says what is wrong. The unbroken backend passes everything
 * ({@link MinimalContractTest}).
 */
class PlantedBugsTest {

  /**
   * A batched Jacobian that finds point {@code p}'s column scales at {@code p n} instead of
   * {@code p m}: right for every square {@code W}.
   */
  static final class ColumnScaleOffsetBug extends MinimalBackend {
    @Override
    protected Tensor doJacobianBatch(JacobianSpec spec, int batch) {
      int[] rows = spec.rowsOrAll().toIndices();
      int[] columns = spec.columnsOrAll().toIndices();
      int n = spec.weights().dim(0);
      int m = spec.weights().dim(1);
      double[] w = data(spec.weights());
      double[] r = spec.rowScale() == null ? null : data(spec.rowScale());
      double[] c = spec.columnScale() == null ? null : data(spec.columnScale());
      int block = rows.length * columns.length;
      double[] out = new double[batch * block];
      for (int b = 0; b < batch; b++) {
        for (int p = 0; p < rows.length; p++) {
          int i = rows[p];
          for (int q = 0; q < columns.length; q++) {
            int j = columns[q];
            double rs = r == null ? 1 : r[b * n + i];
            double cs = c == null ? 1 : c[Math.min(b * n + j, c.length - 1)]; // the bug: b * n
            double v = spec.scale() * rs * w[i * m + j] * cs;
            out[b * block + p * columns.length + q] = i == j ? v + spec.identity() : v;
          }
        }
      }
      return doFromArray(out, spec.weights().dtype(), new int[] {batch, rows.length,
          columns.length});
    }
  }

  /** An elementwise product through one scratch array shared by every caller: a data race. */
  static final class SharedScratchMulBug extends MinimalBackend {
    private double[] scratch = new double[0];

    @Override
    protected Tensor doMul(Tensor a, Tensor b) {
      double[] x = data(a);
      double[] y = data(b);
      if (scratch.length != x.length) {
        scratch = new double[x.length];
      }
      for (int i = 0; i < x.length; i++) {
        scratch[i] = x[i] * y[i];
      }
      return doFromArray(scratch.clone(), a.dtype(), a.shape());
    }
  }

  /** The contract suite on {@link ColumnScaleOffsetBug}; run only from the tests below. */
  static final class ColumnScaleOffsetSuite extends BackendContractTest {
    @Override
    protected Backend createBackend() {
      return new ColumnScaleOffsetBug();
    }
  }

  /** The contract suite on {@link SharedScratchMulBug}; run only from the tests below. */
  static final class SharedScratchMulSuite extends BackendContractTest {
    @Override
    protected Backend createBackend() {
      return new SharedScratchMulBug();
    }
  }

  private static List<Event> failures(Class<?> suite) {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute()
        .testEvents();
    assertTrue(tests.succeeded().count() > 50, "the suite ran: " + tests.succeeded().count()
        + " tests passed");
    return tests.failed().list();
  }

  private static String describe(List<Event> failed) {
    return failed.stream().map(e -> e.getTestDescriptor().getDisplayName() + ": "
        + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
            .map(Throwable::getMessage).orElse("?"))
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  private static boolean failedWith(List<Event> failed, String test, String message) {
    return failed.stream().anyMatch(e -> e.getTestDescriptor().getDisplayName().startsWith(test)
        && e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
            .map(t -> String.valueOf(t.getMessage()).contains(message)).orElse(false));
  }

  @Test
  void theRectangularBatchedJacobianCatchesAWrongColumnScaleOffset() {
    List<Event> failed = failures(ColumnScaleOffsetSuite.class);
    System.out.println("column-scale offset bug, the suite's failures:" + describe(failed));
    assertTrue(failedWith(failed, "jacobianBatchOfARectangularWeightWithRegionBlocks",
        "batched jacobian of W [5, 9]"), "failures:" + describe(failed));
  }

  @Test
  void eightThreadsOnEachOperationCatchARaceInMul() {
    List<Event> failed = failures(SharedScratchMulSuite.class);
    System.out.println("race in mul, the suite's failures:" + describe(failed));
    assertTrue(failedWith(failed, "mul", "mul called from 8 threads at once gave other bits"),
        "failures:" + describe(failed));
  }
}
