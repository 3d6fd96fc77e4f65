package org.mrnn4j.backend.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.mrnn4j.core.spi.Availability;

/**
 * Run in a child JVM by {@link FakeDriverTest}: probes CUDA once and prints the answer, then what
 * lies in {@code java.io.tmpdir} and whether {@code java.io.tmpdir} is unchanged.
 */
public final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) throws IOException {
    String tmpdir = System.getProperty("java.io.tmpdir");
    Availability a = new CudaBackendProvider().probe();
    System.out.println("available=" + a.available());
    System.out.println("reason=" + a.reason());
    System.out.println("tmpdir-restored=" + tmpdir.equals(System.getProperty("java.io.tmpdir")));
    try (Stream<Path> files = Files.list(Paths.get(tmpdir))) {
      System.out.println("tmpdir-files=" + files.count());
    }
  }
}
