package org.mrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.cli.MainTest.Run;
import org.mrnn4j.testkit.ConformanceData;

/**
 * {@code --plugin DIR}: a backend whose jar is only in DIR (compiled here, so that it is on no
 * class path) is listed by {@code backends} with the jar it came from, and runs conformance cases.
 */
class PluginsTest {
  @TempDir static Path work;
  static Path plugins;

  /** Compiles a provider named "plugged" (computing with the EJML backend) into DIR/plugged.jar. */
  @BeforeAll
  static void buildPlugin() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assumeTrue(javac != null, "no Java compiler in this runtime (a JRE, not a JDK)");
    Path src = work.resolve("src/org/example/plugged/PluggedProvider.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, String.join("\n",
        "package org.example.plugged;",
        "public final class PluggedProvider implements org.mrnn4j.core.spi.BackendProvider {",
        "  public String name() { return \"plugged\"; }",
        "  public int rank() { return 1; }",
        "  public String description() { return \"a backend from a plugin jar\"; }",
        "  public org.mrnn4j.core.spi.Availability probe() {",
        "    return org.mrnn4j.core.spi.Availability.available(\"compiled by PluginsTest\");",
        "  }",
        "  public org.mrnn4j.core.Backend create(org.mrnn4j.core.spi.BackendOptions options) {",
        "    return new org.mrnn4j.backend.ejml.EjmlBackend();",
        "  }",
        "}", ""));
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    int status = javac.run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertEquals(0, status, "compiling the plugin");
    plugins = work.resolve("plugins");
    Files.createDirectories(plugins);
    try (JarOutputStream jar = new JarOutputStream(
        Files.newOutputStream(plugins.resolve("plugged.jar")))) {
      jar.putNextEntry(new JarEntry("META-INF/services/org.mrnn4j.core.spi.BackendProvider"));
      jar.write("org.example.plugged.PluggedProvider\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      jar.putNextEntry(new JarEntry("org/example/plugged/PluggedProvider.class"));
      Files.copy(classes.resolve("org/example/plugged/PluggedProvider.class"), jar);
      jar.closeEntry();
    }
  }

  @Test
  void aPluginBackendIsListedWithItsJar() {
    Run without = MainTest.run("backends");
    assertEquals(0, without.status(), without.err());
    assertFalse(without.out().contains("plugged"), without.out());
    Run r = MainTest.run("--plugin", plugins.toString(), "backends");
    assertEquals(0, r.status(), r.err());
    String line = r.out().lines().filter(l -> l.contains("plugged")).findFirst().orElse("");
    assertTrue(line.contains("yes") && line.contains("a backend from a plugin jar")
        && line.contains("[plugin: " + plugins.resolve("plugged.jar") + "]"), r.out());
  }

  @Test
  void conformanceRunsOnAPluginBackend() {
    Path cases = ConformanceData.cases();
    Run r = MainTest.run("--plugin", plugins.toString(), "conformance",
        cases.toString(), "--backend", "plugged");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("62 passed, 0 failed"), r.out());
  }

  @Test
  void aMissingOrEmptyPluginDirectoryIsAUserError() throws IOException {
    Run missing = MainTest.run("--plugin", work.resolve("nope").toString(), "backends");
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("plugin directory " + work.resolve("nope"))
        && missing.err().contains("does not exist"), missing.err());
    Path empty = Files.createDirectories(work.resolve("empty"));
    Run none = MainTest.run("backends", "--plugin", empty.toString());
    assertEquals(2, none.status());
    assertTrue(none.err().contains("holds no .jar file"), none.err());
    assertFalse(none.out().contains("BACKEND"), "refused before listing anything: " + none.out());
  }
}
