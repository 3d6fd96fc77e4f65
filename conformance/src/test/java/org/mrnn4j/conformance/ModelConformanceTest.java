package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;

/** Every mRNNTorch conformance case, rebuilt from config + state dict, on the EJML backend. */
class ModelConformanceTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = Backends.select("ejml");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesTheReference() throws IOException {
    List<Path> files = ConformanceCase.list(ConformanceData.cases());
    assertFalse(files.isEmpty(), "no cases found");
    return files.stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          ConformanceCase c = ConformanceCase.read(file);
          assertTrue(c.expect().isPresent() || c.fixedPoints().isPresent(),
              "case has neither an expect block nor fixed points");
          assertFalse(c.simulations().isEmpty(), "case has no simulations");
          List<String> failures = ModelConformance.check(c, backend);
          assertEquals(List.of(), failures, c.id() + " differs from mRNNTorch");
        }));
  }
}
