package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's task file is a regular file: a FIFO or a device behind a link is refused by name. */
class SweepTaskFileTest {
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoOrADeviceIsNotATaskFile(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    Path fifo = dir.resolve("tasks.jsonl");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SweepTasks.read(fifo));
    assertEquals(fifo + " is a device, pipe or socket; a sweep task file must be a regular file"
        + " (links are followed)", e.getMessage());
    Path zero = Files.createSymbolicLink(dir.resolve("zero.jsonl"), Path.of("/dev/zero"));
    e = assertThrows(IllegalArgumentException.class, () -> SweepTasks.read(zero));
    assertEquals(zero + " is a device, pipe or socket; a sweep task file must be a regular file"
        + " (links are followed)", e.getMessage());
  }
}
