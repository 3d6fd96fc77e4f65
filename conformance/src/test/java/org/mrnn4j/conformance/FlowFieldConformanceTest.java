package org.mrnn4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;

/**
 * Every mRNNTorch flow-field case ({@code ../shared/conformance/flow-fields}) on every backend, and
 * the runner's honesty: a case with one velocity changed by 1e-3 fails, and a case with nothing to
 * check fails.
 */
class FlowFieldConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Backend> OPEN = new ArrayList<>();

  @AfterAll
  static void closeBackends() {
    OPEN.forEach(Backend::close);
  }

  @TestFactory
  Stream<DynamicTest> everyFlowFieldCaseOnEveryBackend() throws IOException {
    Path dir = ConformanceData.flowFields();
    List<Path> files = ConformanceCase.list(dir);
    assertEquals(16, files.size(), "flow-field cases in " + dir);
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
          ConformanceRunner.Result r = ConformanceRunner.run(file, backend[0]);
          assertTrue(r.passed(), () -> id + " on " + info.name() + ":\n  "
              + String.join("\n  ", r.failures()));
          assertTrue(r.compared() > 2000, id + " compared only " + r.compared() + " values");
        }));
      }
    }
    return tests.stream();
  }

  private static Backend ejml() {
    return Backends.select("ejml");
  }

  @Test
  void oneVelocityChangedByOneThousandthFails(@TempDir Path dir) throws IOException {
    Path original = ConformanceData.flowFields().resolve("flow-leaky-tanh-seed11.json");
    ObjectNode root = (ObjectNode) JSON.readTree(original.toFile());
    ArrayNode row = (ArrayNode) root.path("flow_fields").get(3).path("linear").get(1)
        .path("x_vels").get(2);
    row.set(3, row.get(3).doubleValue() + 1e-3);
    Path changed = dir.resolve("changed.json");
    JSON.writeValue(changed.toFile(), root);
    try (Backend b = ejml()) {
      assertTrue(ConformanceRunner.run(original, b).passed(), "the original passes");
      ConformanceRunner.Result r = ConformanceRunner.run(changed, b);
      assertFalse(r.passed(), "a velocity off by 1e-3 must fail");
      assertEquals(1, r.failures().size(), String.valueOf(r.failures()));
      assertTrue(r.failures().get(0).startsWith("flow_fields[3] linear[1].x_vels[2][3]: "),
          r.failures().get(0));
    }
  }

  @Test
  void aCaseWithNothingToCheckFails(@TempDir Path dir) throws IOException {
    Path original = ConformanceData.cases().resolve(
        ConformanceCase.list(ConformanceData.cases()).get(0).getFileName());
    ObjectNode root = (ObjectNode) JSON.readTree(original.toFile());
    root.remove(List.of("expect", "linearizations", "simulations", "fixed_points"));
    Path empty = dir.resolve("empty.json");
    JSON.writeValue(empty.toFile(), root);
    try (Backend b = ejml()) {
      ConformanceRunner.Result r = ConformanceRunner.run(empty, b);
      assertFalse(r.passed(), "a case with nothing to check must fail");
      assertEquals(0, r.compared());
      assertTrue(r.failures().get(0).startsWith("nothing was compared"), r.failures().get(0));
      // and a flow-field file stripped of its fields, too
      ObjectNode flow = (ObjectNode) JSON.readTree(ConformanceData.flowFields()
          .resolve("flow-leaky-tanh-seed1.json").toFile());
      flow.remove("flow_fields");
      Path noFields = dir.resolve("nofields.json");
      JSON.writeValue(noFields.toFile(), flow);
      ConformanceRunner.Result f = ConformanceRunner.run(noFields, b);
      assertFalse(f.passed());
      assertTrue(f.failures().get(0).startsWith("nothing was compared"), f.failures().get(0));
    }
  }
}
