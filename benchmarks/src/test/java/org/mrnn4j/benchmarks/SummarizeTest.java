package org.mrnn4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummarizeTest {

  /** Two entries in JMH's -rf json layout; rawData is [fork][iteration]. */
  private static final String JSON = """
      [
        {
          "benchmark": "org.mrnn4j.benchmarks.JacobianBenchmark.jacobian",
          "mode": "avgt",
          "params": { "backend": "ejml", "n": "512" },
          "primaryMetric": {
            "score": 3.0, "scoreError": 0.25, "scoreUnit": "ms/op",
            "rawData": [ [ 4.0, 2.0, 3.0 ] ]
          }
        },
        {
          "benchmark": "org.mrnn4j.benchmarks.JacobianBenchmark.jacobian",
          "mode": "avgt",
          "params": { "n": "512", "backend": "nd4j" },
          "primaryMetric": {
            "score": 1.25, "scoreError": "NaN", "scoreUnit": "ms/op",
            "rawData": [ [ 1.0, 2.0 ], [ 1.5, 0.5 ] ]
          }
        }
      ]
      """;

  @Test
  void readsMediansOverAllForksAndIterations(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("r.json"), JSON);
    List<Summarize.Result> results = Summarize.read(file);

    assertEquals(2, results.size());
    Summarize.Result ejml = results.get(0);
    assertEquals("JacobianBenchmark.jacobian", ejml.benchmark());
    assertEquals("ejml", ejml.backend());
    assertEquals(Map.of("n", "512"), ejml.params());
    assertEquals(3.0, ejml.median()); // sorted 2, 3, 4
    Summarize.Result nd4j = results.get(1);
    assertEquals(1.25, nd4j.median()); // sorted 0.5, 1, 1.5, 2: mean of the middle two
    assertTrue(Double.isNaN(nd4j.error()));
  }

  @Test
  void reportListsEachCellAndTheRatioOfMedians(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("r.json"), JSON);
    String md = Summarize.markdown(Summarize.read(file));

    assertTrue(md.contains("| JacobianBenchmark.jacobian | n=512 | ejml | 3.000 | 3.000 ± 0.2500 | ms/op | 3 |"), md);
    assertTrue(md.contains("| JacobianBenchmark.jacobian | n=512 | nd4j | 1.250 | 1.250 ± n/a | ms/op | 4 |"), md);
    // 3.0 / 1.25 = 2.4: nd4j is 2.4 times faster than ejml.
    assertTrue(md.contains("| JacobianBenchmark.jacobian | n=512 | 2.40× |"), md);
  }

  @Test
  void rejectsFilesThatAreNotJmhResults(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"benchmark\": 1}");
    IOException e = assertThrows(IOException.class, () -> Summarize.read(file));
    assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
    assertTrue(e.getMessage().contains("JSON array of JMH results"), e.getMessage());
  }

  @Test
  void ratiosKeepThreeSignificantDigits() {
    assertEquals("2.40×", Summarize.ratio(2.4));
    assertEquals("0.00223×", Summarize.ratio(0.002234));
    assertEquals("15.3×", Summarize.ratio(15.26));
    assertEquals("1234×", Summarize.ratio(1234.4));
    assertEquals("n/a", Summarize.ratio(Double.NaN));
  }

  @Test
  void shortNameKeepsClassAndMethod() {
    assertEquals("BatchBenchmark.trajectory",
        Summarize.shortName("org.mrnn4j.benchmarks.BatchBenchmark.trajectory"));
  }
}
