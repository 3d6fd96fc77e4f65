package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * Hostile states, inputs and configs at the command line: each a one-line refusal with exit 2
 * that names the file and the place, never a raw JVM error or an empty message.
 */
class InputHardeningCommandTest {
  private static Path network(Path dir) throws Exception {
    return TestNetwork.write(dir, "net", "{" + TestNetwork.BLOCK + TestNetwork.REGIONS + "}");
  }

  private static void refused(MainTest.Run r, String expected) {
    assertEquals(2, r.status(), r.err());
    var refusal = r.errLines().stream().filter(l -> !l.startsWith("mrnn4j: note:")).toList();
    assertEquals(1, refusal.size(), r.err());
    assertTrue(refusal.get(0).startsWith("mrnn4j: ") && refusal.get(0).contains(expected),
        r.err());
    assertFalse(r.err().contains("\u0000"), r.err());
  }

  @Test
  void nonFiniteAndNonDecimalStatesAreRefusedAtReading(@TempDir Path dir) throws Exception {
    Path pth = network(dir);
    Path npy = dir.resolve("s.npy");
    double[] v = new double[4 * 24];
    v[2 * 24 + 5] = Double.NaN;
    NumpyArrays.writeNpy(npy, new int[] {4, 24}, v);
    refused(MainTest.run("analyze", pth.toString(), "--states", npy.toString(), "--no-plot",
        "-o", dir.toString()), "s.npy: state 2 (index [2]): unit 5 is NaN; states and inputs"
        + " must be finite numbers");
    Path csv = dir.resolve("s.csv");
    Files.writeString(csv, "0" + ",0".repeat(23) + "\n" + "0x1p-3" + ",0".repeat(23) + "\n");
    refused(MainTest.run("analyze", pth.toString(), "--states", csv.toString(), "--no-plot",
        "-o", dir.toString()), "s.csv: line 2, column 1: '0x1p-3' is not a decimal number");
    Files.writeString(csv, "0" + ",NaN".repeat(23) + "\n");
    refused(MainTest.run("analyze", pth.toString(), "--states", csv.toString(), "--no-plot",
        "-o", dir.toString()), "s.csv: line 1 (state 0): unit 1 is NaN");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoOrADeviceIsRefusedAsStatesInputsAndInitialState(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    Path pth = network(dir);
    Path fifo = dir.resolve("fifo.csv");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo");
    refused(MainTest.run("analyze", pth.toString(), "--states", fifo.toString(), "--no-plot",
        "-o", dir.toString()), "fifo.csv is a device, pipe or socket; a states file must be a"
        + " regular file (links are followed)");
    Path zero = Files.createSymbolicLink(dir.resolve("zero.npy"), Path.of("/dev/zero"));
    refused(MainTest.run("simulate", pth.toString(), "--inputs", zero.toString(), "-o",
        dir.toString()), "zero.npy is a device, pipe or socket");
    refused(MainTest.run("simulate", pth.toString(), "--x0", zero.toString(), "-o",
        dir.toString()), "zero.npy is a device, pipe or socket");
    Path random = Files.createSymbolicLink(dir.resolve("plane.json"), Path.of("/dev/urandom"));
    refused(MainTest.run("flow-field", pth.toString(), "--plane", random.toString(),
        "--no-plot", "-o", dir.toString()), "plane.json is a device, pipe or socket");
  }

  @Test
  void aNulInAConfigNeverEmptiesTheMessage(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("nul.json");
    Files.writeString(config, "{" + TestNetwork.BLOCK + """
        "recurrent_regions": [{"name": "a", "num_units": 4, "n\\u0000": 1}],
        "input_regions": [{"name": "\\u0000", "num_units": 2}]}""");
    refused(MainTest.run("analyze", config.toString(), "--no-plot", "-o", dir.toString()),
        "unknown key 'n\\u0000' in a recurrent region");
  }
}
