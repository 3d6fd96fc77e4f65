package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;

/**
 * Every mRNNTorch case through the models and the analysis (the check {@code mrnn4j conformance}
 * runs: weights, simulations, and every {@code linearizations} entry), on every backend on the
 * test class path: one dynamic test per case and backend. Unavailable backends are skipped with
 * their reason.
 */
class ConformanceTest {
  private static final List<Backend> OPEN = new ArrayList<>();

  @AfterAll
  static void closeBackends() {
    OPEN.forEach(Backend::close);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseOnEveryBackend() throws IOException {
    Path cases = ConformanceData.cases();
    List<Path> files = ConformanceCase.list(cases);
    assertTrue(files.size() > 0, "no case files in " + cases);
    List<DynamicTest> tests = new ArrayList<>();
    for (BackendInfo info : Backends.list()) {
      Backend[] backend = new Backend[1];
      for (Path file : files) {
        String id = file.getFileName().toString().replaceFirst("\\.json$", "");
        tests.add(DynamicTest.dynamicTest(info.name() + ": " + id, () -> {
          assumeTrue(info.available(), () -> "backend " + info.name() + " is unavailable here: "
              + info.detail());
          if (backend[0] == null) {
            backend[0] = Backends.select(info.name());
            OPEN.add(backend[0]);
          }
          ConformanceCase c = ConformanceCase.read(file);
          assertTrue(!c.linearizations().isEmpty(), id + " has no linearizations");
          List<String> failures = ConformanceRunner.run(c, backend[0]).failures();
          assertTrue(failures.isEmpty(), () -> id + " on " + info.name() + ":\n  "
              + String.join("\n  ", failures));
        }));
      }
    }
    return tests.stream();
  }
}
