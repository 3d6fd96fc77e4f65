package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mrnn4j.backend.cuda.JCudaNatives.Library;

/**
 * Where and how JCuda's native libraries are placed: a private directory, byte-exact copies, a
 * planted file replaced. Extraction only; loading is left to the probe (a library loaded from two
 * paths in one JVM would be two copies).
 */
class JCudaNativesTest {
  @TempDir Path temp; // under java.io.tmpdir, which surefire sets to target/

  @Test
  void theDirectoryIsThePropertyElseTheEnvironmentElseTheUsersCache() {
    Map<String, String> props = new LinkedHashMap<>();
    Map<String, String> env = new LinkedHashMap<>();
    props.put("user.home", "/home/ada");
    assertEquals(Paths.get("/home/ada/.cache/mrnn4j/jcuda-12.6.0"),
        JCudaNatives.directory(props::get, env::get));
    env.put("XDG_CACHE_HOME", "/var/cache/ada");
    assertEquals(Paths.get("/var/cache/ada/mrnn4j/jcuda-12.6.0"),
        JCudaNatives.directory(props::get, env::get));
    env.put(JCudaNatives.LIBDIR_ENV, "/opt/natives");
    assertEquals(Paths.get("/opt/natives"), JCudaNatives.directory(props::get, env::get));
    props.put(JCudaNatives.LIBDIR_PROPERTY, "/srv/jcuda");
    assertEquals(Paths.get("/srv/jcuda"), JCudaNatives.directory(props::get, env::get));
  }

  @Test
  void createsThePrivateDirectoryWithMode0700() throws IOException {
    Path dir = temp.resolve("a/b/natives");
    JCudaNatives.ensurePrivateDirectory(dir);
    assertEquals("rwx------", JCudaNatives.mode(dir));
    assertEquals("rwx------", JCudaNatives.mode(dir.getParent()));
  }

  @Test
  void tightensAnOpenDirectoryOfThisUser() throws IOException {
    Path dir = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    JCudaNatives.ensurePrivateDirectory(dir);
    assertEquals("rwx------", JCudaNatives.mode(dir));
  }

  @Test
  void refusesALinkOrAFile() throws IOException {
    Path real = Files.createDirectory(temp.resolve("real"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), real);
    IOException e = assertThrows(IOException.class, () -> JCudaNatives.ensurePrivateDirectory(link));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    Path file = Files.createFile(temp.resolve("file"));
    assertThrows(IOException.class, () -> JCudaNatives.ensurePrivateDirectory(file));
  }

  @Test
  void extractsByteExactPrivateCopiesAndReplacesPlantedFiles() throws IOException {
    Path dir = temp.resolve("natives");
    JCudaNatives.ensurePrivateDirectory(dir);
    for (Library lib : Library.values()) {
      byte[] jar = resource(lib);
      Path f = JCudaNatives.extract(lib, dir);
      assertEquals(dir.resolve(JCudaNatives.fileName(lib)), f);
      assertArrayEquals(jar, Files.readAllBytes(f), lib + " differs from the jar");
      assertEquals("rw-------", JCudaNatives.mode(f));

      // an intact copy is kept as it is
      FileTime old = FileTime.fromMillis(1_000_000_000_000L);
      Files.setLastModifiedTime(f, old);
      JCudaNatives.extract(lib, dir);
      assertEquals(old, Files.getLastModifiedTime(f), "an intact copy was rewritten");

      // a planted file of the same name, as JCuda would load it unchecked, is replaced
      Files.write(f, new byte[] {0x7f, 'E', 'L', 'F', 0});
      JCudaNatives.extract(lib, dir);
      assertArrayEquals(jar, Files.readAllBytes(f), "a planted " + lib + " was not replaced");
    }
    try (var files = Files.list(dir)) {
      assertEquals(Library.values().length, files.count(), "only the libraries, no leftovers");
    }
  }

  @Test
  void libraryFileNamesAreJCudas() {
    assertEquals("libJCudaDriver-12.6.0-linux-x86_64.so", JCudaNatives.fileName(Library.DRIVER));
    assertEquals("libJCublas2-12.6.0-linux-x86_64.so", JCudaNatives.fileName(Library.CUBLAS));
  }

  @Test
  void namesTheMissingLibraryFromTheLoadersMessage() {
    String driver = "/x/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared"
        + " object file: No such file or directory";
    assertEquals(Optional.of("libcuda.so.1"), JCudaNatives.missingLibrary(driver));
    assertEquals(Optional.of("libcublasLt.so.12"), JCudaNatives.missingLibrary(
        "/x/libJCublas2.so: libcublasLt.so.12: cannot open shared object file: No such file"));
    assertEquals(Optional.empty(), JCudaNatives.missingLibrary("undefined symbol: foo"));
    assertEquals(Optional.empty(), JCudaNatives.missingLibrary(null));
  }

  @Test
  void describesFailuresDriverFirst() {
    Map<Library, String> all = new LinkedHashMap<>();
    all.put(Library.DRIVER, "libcuda.so.1");
    all.put(Library.NVRTC, "libnvrtc.so.12");
    all.put(Library.CUBLAS, "libcublas.so.12");
    assertEquals("no CUDA driver (libcuda.so.1 not found); also missing: libnvrtc.so.12,"
        + " libcublas.so.12", JCudaNatives.describeFailures(all));
    assertEquals("no CUDA driver (libcuda.so.1 not found)",
        JCudaNatives.describeFailures(Map.of(Library.DRIVER, "libcuda.so.1")));
    assertEquals("library libnvrtc.so.12 missing",
        JCudaNatives.describeFailures(Map.of(Library.NVRTC, "libnvrtc.so.12")));
    Map<Library, String> two = new LinkedHashMap<>();
    two.put(Library.NVRTC, "libnvrtc.so.12");
    two.put(Library.CUBLAS, "libcublas.so.12");
    assertEquals("libraries libnvrtc.so.12, libcublas.so.12 missing",
        JCudaNatives.describeFailures(two));
    assertFalse(JCudaNatives.describeFailures(two).contains("driver"));
  }

  private static byte[] resource(Library lib) throws IOException {
    try (InputStream in =
        jcuda.LibUtils.class.getResourceAsStream("/lib/" + JCudaNatives.fileName(lib))) {
      return in.readAllBytes();
    }
  }
}
