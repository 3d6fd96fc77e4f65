package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.mrnn4j.core.Backend;
import org.mrnn4j.testkit.ConformanceData;

/**
 * The mRNNTorch conformance cases on one backend: what {@code mrnn4j conformance} checks, as JUnit
 * 5 tests. A backend module runs it by extending this class in its tests:
 *
 * <pre>{@code
 * class MyConformanceTest extends BackendConformanceTest {
 *   @Override
 *   protected Backend createBackend() {
 *     return new MyBackend();
 *   }
 * }
 * }</pre>
 *
 * Every file of {@code cases/} (weights, simulations, linearizations: Jacobians, input Jacobians,
 * excluded blocks, affine predictions, eigenvalues, eigenvector residuals) and of
 * {@code flow-fields/} becomes one test, compared within the tolerances the data's README sets;
 * a failure lists every difference. The data is found by {@link ConformanceData} (it is in no
 * artifact: the README's "Conformance" says how to get it). Without it the kit never passes
 * silently: each of its two test factories fails with a message saying where it looked, unless
 * the build is run with {@code -Dmrnn4j.conformance.skip=true} ({@link ConformanceData#SKIP}),
 * when they are reported skipped with that message. The backend is created once, on the first
 * case, and closed after the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
  private Backend backend;

  /** {@return a new instance of the backend under test} */
  protected abstract Backend createBackend();

  @AfterAll
  void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  /** {@return one test per mRNNTorch case in {@code cases/}} */
  @TestFactory
  List<DynamicTest> mrnnTorchCases() throws IOException {
    return tests("cases");
  }

  /** {@return one test per mRNNTorch flow-field case in {@code flow-fields/}} */
  @TestFactory
  List<DynamicTest> mrnnTorchFlowFields() throws IOException {
    return tests("flow-fields");
  }

  private List<DynamicTest> tests(String subdirectory) throws IOException {
    if (ConformanceData.find().isEmpty()) {
      // one test that fails with the reason (or skips, when the author opted out with
      // -Dmrnn4j.conformance.skip=true), so that the report never shows an empty class
      return List.of(DynamicTest.dynamicTest(subdirectory, () -> ConformanceData.require()));
    }
    Path dir = ConformanceData.require().resolve(subdirectory);
    List<Path> files = Files.isDirectory(dir) ? ConformanceCase.list(dir) : List.of();
    assertFalse(files.isEmpty(), "no case files (*.json) in " + dir);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files) {
      String id = file.getFileName().toString().replaceFirst("\\.json$", "");
      tests.add(DynamicTest.dynamicTest(id, file.toUri(), () -> {
        ConformanceRunner.Result r = ConformanceRunner.run(file, backend());
        if (!r.passed()) {
          fail(id + " on the " + backend().name() + " backend (" + r.failures().size()
              + " differences, " + r.compared() + " values compared):\n  "
              + String.join("\n  ", r.failures()));
        }
      }));
    }
    return tests;
  }

  private synchronized Backend backend() {
    if (backend == null) {
      backend = createBackend();
      assertNotNull(backend, "createBackend() returned null");
    }
    return backend;
  }
}
