package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.models.io.NumpyArrays;

/**
 * What the commands assumed about inputs is said: per-state inputs of a states file in the
 * header; the layout of a 3-D input array (which axis is time) and where it came from; noise
 * levels that nobody gave are refused.
 */
class InputsAndLayoutTest {
  private static final String BLOCK_BATCH_FIRST = """
      "model": {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
                "rec_constrained": true, "inp_constrained": false, "batch_first": true},""";

  @Test
  void perStateInputsAreNamedInTheHeader(@TempDir Path dir) throws Exception {
    Path pth = TestNetwork.write(dir, "net", "{" + TestNetwork.BLOCK + TestNetwork.REGIONS + "}");
    double[] zeros = new double[24];
    String row = Arrays.toString(zeros);
    Path states = dir.resolve("trial.json");
    Files.writeString(states, "{\"states\": [" + row + ", " + row + "], \"inputs\": [[1, 0],"
        + " [0, 1]]}");
    MainTest.Run r = MainTest.run("analyze", pth.toString(), "--states", states.toString(),
        "--no-plot", "-o", dir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("input        per state, from trial.json (2 inputs)"), r.out());
    assertTrue(!r.out().contains("zero on all"), r.out());
    // and the two points differ only by their inputs: the reports carry each
    MainTest.Run both = MainTest.run("analyze", pth.toString(), "--states", states.toString(),
        "-u", "0.5", "--no-plot", "-o", dir.toString());
    assertEquals(2, both.status());
    assertTrue(both.err().contains("holds an input for each state; give the inputs either there"
        + " or as the constant input, not both"), both.err());
  }

  @Test
  void theLayoutOfAThreeDimensionalInputIsSaidAndTheModelsBatchFirstIsHonoured(@TempDir Path dir)
      throws Exception {
    Path pth = TestNetwork.write(dir, "net",
        "{" + BLOCK_BATCH_FIRST + TestNetwork.REGIONS + "}");
    // 4 sequences of 10 steps, batch first, as the model's batch_first says
    Path u = dir.resolve("u.npy");
    NumpyArrays.writeNpy(u, new int[] {4, 10, 2}, new double[80]);
    MainTest.Run plain = MainTest.run("simulate", pth.toString(), "--inputs", u.toString(),
        "-o", dir.toString(), "--name", "plain");
    assertEquals(0, plain.status(), plain.err());
    assertTrue(plain.err().contains("reading u.npy (4, 10, 2) as 4 sequences of 10 steps (batch"
        + " first [B, T, I], from the model's batch_first = true)"), plain.err());
    assertArrayEquals(new int[] {4, 10, 24},
        NumpyArrays.readNpy(dir.resolve("plain-xs.npy")).shape());
    // --time-first against it: obeyed, and the line says it overrode the model
    MainTest.Run flipped = MainTest.run("simulate", pth.toString(), "--inputs", u.toString(),
        "--time-first", "-o", dir.toString(), "--name", "flipped");
    assertEquals(0, flipped.status(), flipped.err());
    assertTrue(flipped.err().contains("as 10 sequences of 4 steps (time first [T, B, I], from"
        + " --time-first, which overrides the model's batch_first = true)"), flipped.err());
    assertArrayEquals(new int[] {4, 10, 24},
        NumpyArrays.readNpy(dir.resolve("flipped-xs.npy")).shape());
    MainTest.Run both = MainTest.run("simulate", pth.toString(), "--inputs", u.toString(),
        "--time-first", "--batch-first", "-o", dir.toString());
    assertEquals(2, both.status());
  }

  @Test
  void noiseLevelsNobodyGaveAreRefused(@TempDir Path dir) throws Exception {
    Path pth = TestNetwork.write(dir, "net", "{" + TestNetwork.BLOCK + TestNetwork.REGIONS + "}");
    MainTest.Run r = MainTest.run("simulate", pth.toString(), "--steps", "3", "--noise", "-o",
        dir.toString());
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("--noise: the model's noise levels (noise_level_act,"
        + " noise_level_inp) are not given"), r.err());
    MainTest.Run d = MainTest.run("simulate", pth.toString(), "--steps", "3", "--noise",
        "--mrnntorch-defaults", "-o", dir.toString());
    assertEquals(0, d.status(), d.err());
    assertTrue(d.err().contains("assumed noise levels act 0.01, inp 0.01"), d.err());
  }
}
