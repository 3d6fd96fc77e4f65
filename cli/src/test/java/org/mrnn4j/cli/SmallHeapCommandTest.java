package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * The command line in its own JVM with a 256 MiB heap ({@code MRNN4J_JAVA_OPTS=-Xmx256m}): what
 * cannot fit is refused before it is allocated, in one line with the sizes and the option that
 * helps, exit 2, never an {@code OutOfMemoryError}.
 */
class SmallHeapCommandTest {
  private record Run(int status, String err) {}

  private static Run run(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mrnn4j " + String.join(" ", args) + " did not end in 120 s");
    }
    return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void refused(Run r, String... expected) {
    assertEquals(2, r.status(), r.err());
    assertFalse(r.err().contains("OutOfMemoryError"), r.err());
    List<String> lines = r.err().lines().filter(l -> !l.startsWith("mrnn4j: note:")).toList();
    assertEquals(1, lines.size(), r.err());
    for (String e : expected) {
      assertTrue(lines.get(0).contains(e), r.err());
    }
    assertTrue(lines.get(0).contains("MRNN4J_JAVA_OPTS=-Xmx"), r.err());
  }

  @Test
  void whatCannotFitTheHeapIsRefusedBeforeItIsAllocated(@TempDir Path dir) throws Exception {
    Path pth = TestNetwork.write(dir, "net", "{" + TestNetwork.BLOCK + TestNetwork.REGIONS + "}");
    String o = dir.toString();
    refused(run(dir, "simulate", pth.toString(), "--steps", "100000000", "-o", o),
        "simulate: 1 x 100000000 steps of a 24-unit network needs about", "give fewer --steps");
    Path u = dir.resolve("u.npy");
    NumpyArrays.writeNpy(u, new int[] {2_000_000, 2}, new double[4_000_000]);
    refused(run(dir, "simulate", pth.toString(), "--inputs", u.toString(), "-o", o),
        "simulate: 1 x 2000000 steps of a 24-unit network needs about");
    // 200,000 states: read, then the batch of Jacobians is refused with the sizes
    Path csv = dir.resolve("states.csv");
    String row = "0.01" + ",0.01".repeat(23) + "\n";
    Files.writeString(csv, row.repeat(200_000));
    refused(run(dir, "analyze", pth.toString(), "--states", csv.toString(), "--no-plot", "-o", o),
        "the batch of 200000 Jacobians of 24 x 24 needs about", "--leading K");
    // the leading path with --npy holds every point's Jacobians for the arrays: refused first
    refused(run(dir, "analyze", pth.toString(), "--states", csv.toString(), "--leading", "3",
        "--npy", "--no-plot", "-o", o),
        "the 200000 Jacobians of 24 x 24 for NumPy output needs about", "leave out --npy");
    refused(run(dir, "flow-field", pth.toString(), "--grid", "5000", "--no-plot", "-o", o),
        "flow fields on a 5000 x 5000 grid needs about", "--grid");
  }
}
