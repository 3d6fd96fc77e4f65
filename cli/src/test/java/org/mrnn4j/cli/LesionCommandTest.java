package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;

/**
 * {@code mrnn4j lesion}, run in-process on {@link TestNetwork} (three regions whose checkpoint
 * masks are all ones, so every one of the 9 region-to-region blocks has weights).
 */
class LesionCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path network() throws Exception {
    return TestNetwork.write(dir.resolve("model"), "net",
        "{" + TestNetwork.BLOCK + TestNetwork.REGIONS + "}");
  }

  @Test
  void allConnectionsRunsOneAnalysisPerBlockAndWritesTheReport() throws Exception {
    Run r = MainTest.run("lesion", network().toString(), "--lesions", "all-connections",
        "-b", "ejml", "--seed", "1", "--steps", "0,20", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    List<String> expected = new ArrayList<>();
    for (String s : List.of("sen", "mem_exc", "mem_inh")) {
      for (String d : List.of("sen", "mem_exc", "mem_inh")) {
        expected.add("cut:" + s + "->" + d);
      }
    }
    for (String lesion : expected) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(lesion + " ")), lesion + "\n"
          + r.out());
    }
    assertTrue(r.out().contains("RADIUS AT OP. POINTS"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("net-lesions.json").toFile());
    assertEquals("mrnn4j-lesions", json.get("format").asText());
    assertEquals(9, json.get("lesions").size());
    assertEquals(2, json.get("operating_points").get("labels").size());
    // the intact search is the fixed-points command's with the same seed
    Run fp = MainTest.run("fixed-points", network().toString(), "-b", "ejml", "--seed", "1",
        "--no-plot", "-o", dir.resolve("fp").toString());
    assertEquals(0, fp.status(), fp.err());
    JsonNode fixed = JSON.readTree(dir.resolve("fp/net-fixed-points.json").toFile());
    assertEquals(fixed.get("summary").get("fixed_points").asInt(),
        json.get("intact").get("summary").get("fixed_points").asInt());
    for (int i = 0; i < 9; i++) {
      JsonNode l = json.get("lesions").get(i);
      assertEquals(expected.get(i), l.get("lesion").asText());
      assertEquals("cut", l.get("kind").asText());
      assertEquals(json.get("intact").get("fixed_points").size(), l.get("intact_points").size());
      assertEquals(2, l.get("operating_points").size());
      for (JsonNode p : l.get("fixed_points")) {
        assertTrue(p.get("q").asDouble() < 1e-18, l.get("lesion") + ": q " + p.get("q"));
      }
    }
  }

  @Test
  void aFactorOfOneLeavesEveryPointWhereItWas() throws Exception {
    Run r = MainTest.run("lesion", network().toString(), "--lesion", "scale:sen->mem_exc=1",
        "-b", "ejml", "-o", dir.toString(), "--name", "one");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("intact fixed points in the lesioned network"), r.out());
    JsonNode json = JSON.readTree(dir.resolve("one-lesions.json").toFile());
    JsonNode l = json.get("lesions").get(0);
    assertEquals(0, l.get("summary").get("moved").asInt());
    assertEquals(0, l.get("summary").get("new").asInt());
    assertEquals(0, l.get("summary").get("not_found").asInt());
    assertEquals(json.get("intact").get("fixed_points"), l.get("fixed_points"));
    for (JsonNode m : l.get("intact_points")) {
      assertEquals(0.0, m.get("distance").asDouble());
    }
  }

  @Test
  void unknownRegionsAndBadSyntaxAreRefusedByName() throws Exception {
    Run r = MainTest.run("lesion", network().toString(), "--lesion", "cut:sen->nowhere",
        "-b", "ejml", "-o", dir.toString());
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("'nowhere'") && r.err().contains("mem_inh"), r.err());
    Run bad = MainTest.run("lesion", network().toString(), "--lesion", "cut:sen",
        "-b", "ejml", "-o", dir.toString());
    assertNotEquals(0, bad.status());
    assertTrue(bad.err().contains("SRC->DST"), bad.err());
    Run none = MainTest.run("lesion", network().toString(), "-o", dir.toString());
    assertNotEquals(0, none.status());
    Run zero = MainTest.run("lesion", network().toString(), "--lesion", "silence:sen", "-n", "0",
        "-b", "ejml", "-o", dir.toString());
    assertNotEquals(0, zero.status());
    assertTrue(zero.err().contains("--starts must be at least 1"), zero.err());
  }
}
