package org.mrnn4j.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in a new JVM on a module's runtime class path (as an application depending on
 * the module gets it: no test libraries, no logging binding), for tests of what such an
 * application sees. The class path comes from {@code target/runtime-classpath.txt}, which the
 * module's build writes with the dependency plugin's {@code build-classpath}.
 */
public final class FreshJvm {
  /** What the program printed and its exit status. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private FreshJvm() {}

  /**
   * The module's runtime class path: {@code target/classes}, then its runtime dependencies.
   *
   * @throws IllegalStateException if the build did not write {@code target/runtime-classpath.txt}
   */
  public static String runtimeClasspath() throws IOException {
    Path file = Path.of("target", "runtime-classpath.txt");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file.toAbsolutePath() + " is missing: the module's pom"
          + " must run dependency:build-classpath (execution runtime-classpath) before the tests");
    }
    String deps = Files.readString(file, StandardCharsets.UTF_8).trim();
    String classes = Path.of("target", "classes").toAbsolutePath().toString();
    return deps.isEmpty() ? classes : classes + java.io.File.pathSeparator + deps;
  }

  /** Runs {@code mainClass} with {@code args} on {@code classpath}; fails after 120 seconds. */
  public static Result run(String classpath, String mainClass, String... args)
      throws IOException, InterruptedException {
    return run(List.of(), classpath, mainClass, args);
  }

  /** {@link #run(String, String, String...)} with options for the JVM (system properties). */
  public static Result run(List<String> jvmOptions, String classpath, String mainClass,
      String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.awt.headless=true");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("MRNN4J_BACKEND");
    Path out = Files.createTempFile("fresh-jvm", ".out");
    Path err = Files.createTempFile("fresh-jvm", ".err");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(mainClass + " did not finish in 120 s; stderr: "
            + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
