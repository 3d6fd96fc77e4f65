package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A sweep on a cluster ships the jar it was loaded from to the executors (spark.jars), unless
 * spark-submit already did; a local one ships nothing. The cluster itself: .ci/spark-cluster.
 */
class SweepJobJarsTest {
  private static final Path JAR = Path.of("/opt/mrnn4j/cli/target/mrnn4j.jar");

  @Test
  void localMastersShipNothing() {
    assertNull(SweepJob.jarsFor("local", null, JAR));
    assertNull(SweepJob.jarsFor("local[2]", null, JAR));
    assertNull(SweepJob.jarsFor("local[*]", "x.jar", null));
  }

  @Test
  void aClusterGetsTheOwnJarAddedToTheJarsSet() {
    assertEquals(JAR.toString(), SweepJob.jarsFor("spark://127.0.0.1:7077", null, JAR));
    assertEquals(JAR.toString(), SweepJob.jarsFor("spark://127.0.0.1:7077", " ", JAR));
    assertEquals("/x/nd4j.jar," + JAR, SweepJob.jarsFor("yarn", "/x/nd4j.jar", JAR));
    // spark-submit's application jar is already there
    assertNull(SweepJob.jarsFor("spark://h:7077", "file:/opt/mrnn4j/cli/target/mrnn4j.jar", JAR));
  }

  @Test
  void aClusterWithoutAJarIsRefusedPointingToSparkSubmit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SweepJob.jarsFor("spark://127.0.0.1:7077", null, null));
    assertTrue(e.getMessage().startsWith("a sweep on spark://127.0.0.1:7077 sends its classes"),
        e.getMessage());
    assertTrue(e.getMessage().contains("spark-submit --class org.mrnn4j.cli.Main"),
        e.getMessage());
  }
}
