package org.mrnn4j.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts JCuda's JNI libraries where only this user can change them, and loads them without letting
 * a missing CUDA library poison JCuda's classes.
 *
 * <p>JCuda's own loader ({@code jcuda.LibUtils}) first tries {@code System.loadLibrary} (the
 * {@code java.library.path}); failing that it copies the library out of the natives jar to
 * {@code java.io.tmpdir} under a fixed name, never deletes it, and loads a file of that name that
 * is already there without checking it: on a shared {@code /tmp} another user could plant it. So
 * this class:
 *
 * <ol>
 *   <li>chooses a private directory: the system property {@value #LIBDIR_PROPERTY}, else the
 *       environment variable {@value #LIBDIR_ENV}, else
 *       {@code $XDG_CACHE_HOME/mrnn4j/jcuda-VERSION} (by default
 *       {@code ~/.cache/mrnn4j/jcuda-VERSION}); it creates it with mode 0700 and refuses a
 *       directory that someone other than this user (or root) owns or that group or others may
 *       write;
 *   <li>extracts the four libraries this backend uses there (mode 0600, written to a temporary
 *       file and renamed), replacing any file whose bytes differ from the jar's;
 *   <li>loads each with {@link System#load} itself. A JNI library whose CUDA dependency is missing
 *       fails to load here, and the error names that dependency ({@code libcuda.so.1},
 *       {@code libnvrtc.so.12}, ...), while JCuda's classes are still untouched (once a JCuda class
 *       fails its static initialiser it is unusable for the life of the JVM);
 *   <li>only when all four loaded, initialises JCuda's classes with {@code java.io.tmpdir}
 *       pointing at the private directory for that moment, so that JCuda's loader finds the
 *       verified, already loaded files there and writes nothing anywhere else.
 * </ol>
 *
 * A library found on {@code java.library.path} is used as it is (JCuda prefers it too).
 */
final class JCudaNatives {
  /** System property naming the directory for JCuda's native libraries. */
  static final String LIBDIR_PROPERTY = "mrnn4j.cuda.libdir";
  /** Environment variable naming the directory, when the property is not set. */
  static final String LIBDIR_ENV = "MRNN4J_CUDA_LIBDIR";

  private static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Pattern MISSING =
      Pattern.compile("([A-Za-z0-9_.+-]+\\.so[0-9.]*): cannot open shared object file");
  /** Serialises the moment during which java.io.tmpdir points at a private directory. */
  private static final Object TMPDIR_LOCK = new Object();

  /** A JNI library of JCuda that this backend uses, with the CUDA library it needs. */
  enum Library {
    /** The driver API; needs the NVIDIA driver. */
    DRIVER("JCudaDriver", "libcuda.so.1", "jcuda.driver.JCudaDriver"),
    /** The runtime API (CUDA's runtime is linked into it statically). */
    RUNTIME("JCudaRuntime", null, "jcuda.runtime.JCuda"),
    /** NVRTC, the runtime compiler. */
    NVRTC("JNvrtc", "libnvrtc.so.12", "jcuda.nvrtc.JNvrtc"),
    /** cuBLAS. */
    CUBLAS("JCublas2", "libcublas.so.12", "jcuda.jcublas.JCublas2");

    final String base;
    final String needs;
    final String javaClass;

    Library(String base, String needs, String javaClass) {
      this.base = base;
      this.needs = needs;
      this.javaClass = javaClass;
    }
  }

  private JCudaNatives() {}

  /** The JCuda version on the class path, e.g. {@code 12.6.0} (pure Java; loads nothing native). */
  static String jcudaVersion() {
    return jcuda.JCudaVersion.get();
  }

  /** The platform file name of {@code lib}, e.g. {@code libJCudaDriver-12.6.0-linux-x86_64.so}. */
  static String fileName(Library lib) {
    return jcuda.LibUtils.createLibraryFileName(
        jcuda.LibUtils.createPlatformLibraryName(lib.base + "-" + jcudaVersion()));
  }

  /**
   * The directory chosen by {@value #LIBDIR_PROPERTY}, {@value #LIBDIR_ENV} or the user's cache
   * directory, in that order.
   */
  static Path directory(Function<String, String> properties, Function<String, String> env) {
    String configured = properties.apply(LIBDIR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = env.apply(LIBDIR_ENV);
    }
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured.trim()).toAbsolutePath().normalize();
    }
    String cache = env.apply("XDG_CACHE_HOME");
    Path base = cache != null && !cache.isBlank() && Paths.get(cache).isAbsolute()
        ? Paths.get(cache)
        : Paths.get(properties.apply("user.home"), ".cache");
    return base.resolve("mrnn4j").resolve("jcuda-" + jcudaVersion()).toAbsolutePath().normalize();
  }

  /** The default directory for this JVM. */
  static Path directory() {
    return directory(System::getProperty, System::getenv);
  }

  /**
   * Creates {@code dir} (mode 0700) if needed and checks that it is private: a directory, not a
   * link, owned by this user or root, not writable by group or others. A directory of this user's
   * that is too open is tightened to 0700.
   *
   * @throws IOException saying what is wrong with the directory
   */
  static void ensurePrivateDirectory(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory (or is a symbolic link)");
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int self = currentUid();
    if (owner != self && owner != 0) {
      throw new IOException(
          dir + " belongs to user id " + owner + ", not to this user (" + self + ")");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    boolean open = mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE);
    if (open) {
      if (owner != self) {
        throw new IOException(dir + " may be written by other users (mode "
            + PosixFilePermissions.toString(mode) + ")");
      }
      Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
    }
  }

  /** This process's user id: the owner of /proc/self (Linux), else of a file it creates. */
  private static int currentUid() throws IOException {
    Path proc = Paths.get("/proc/self");
    if (Files.exists(proc)) {
      return (Integer) Files.getAttribute(proc, "unix:uid");
    }
    Path probe = Files.createTempFile("mrnn4j-uid", null);
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid");
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /**
   * Makes sure {@code dir} holds a byte-exact copy of {@code lib} from the natives jar.
   *
   * @return the file
   * @throws IOException if the jar lacks the library for this platform or the file cannot be
   *     written
   */
  static Path extract(Library lib, Path dir) throws IOException {
    String name = fileName(lib);
    byte[] expected;
    try (InputStream in = jcuda.LibUtils.class.getResourceAsStream("/lib/" + name)) {
      if (in == null) {
        throw new IOException("the JCuda natives jar for this platform is not on the class path ("
            + "no lib/" + name + "; expected org.jcuda:" + natives(lib) + ":" + jcudaVersion()
            + " with classifier linux-x86_64)");
      }
      expected = in.readAllBytes();
    }
    Path target = dir.resolve(name);
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        && Files.size(target) == expected.length
        && Arrays.equals(Files.readAllBytes(target), expected)) {
      return target;
    }
    // A fresh file (created 0600 by createTempFile) renamed over the old one: a concurrent JVM
    // never sees a half-written library, and a planted file or link is replaced, not followed.
    Path tmp = Files.createTempFile(dir, name, ".part");
    try {
      Files.write(tmp, expected);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  private static String natives(Library lib) {
    return lib == Library.CUBLAS ? "jcublas-natives" : "jcuda-natives";
  }

  /** Where {@code java.library.path} holds {@code lib} (JCuda would load that one first). */
  static Optional<Path> onLibraryPath(Library lib) {
    String path = System.getProperty("java.library.path", "");
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        Path candidate = Paths.get(entry).resolve(fileName(lib));
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The CUDA library named in a failed load's message ({@code libcuda.so.1: cannot open shared
   * object file}), if any.
   */
  static Optional<String> missingLibrary(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher m = MISSING.matcher(message);
    String found = null;
    while (m.find()) {
      found = m.group(1); // the last one: the dependency, not the JNI library itself
    }
    return Optional.ofNullable(found);
  }

  /** The outcome of {@link #load}: the directory used, and what could not be loaded. */
  static final class LoadResult {
    final Path directory;
    final boolean fromLibraryPath;
    /** Library -> missing CUDA library (or the error text when none could be named). */
    final Map<Library, String> failures;

    LoadResult(Path directory, boolean fromLibraryPath, Map<Library, String> failures) {
      this.directory = directory;
      this.fromLibraryPath = fromLibraryPath;
      this.failures = failures;
    }

    boolean ok() {
      return failures.isEmpty();
    }
  }

  /**
   * Extracts (unless on {@code java.library.path}) and loads every library of {@link Library},
   * recording which could not load and why. Loads nothing of JCuda's Java side.
   *
   * @throws IOException if the directory is not private or a library cannot be extracted
   */
  static LoadResult load(Path dir) throws IOException {
    Map<Library, String> failures = new LinkedHashMap<>();
    boolean fromPath = true;
    List<Path> files = new ArrayList<>();
    for (Library lib : Library.values()) {
      Optional<Path> system = onLibraryPath(lib);
      if (system.isEmpty()) {
        fromPath = false;
      }
      files.add(system.orElse(null));
    }
    if (!fromPath) {
      ensurePrivateDirectory(dir);
    }
    for (Library lib : Library.values()) {
      Path file = files.get(lib.ordinal());
      if (file == null) {
        file = extract(lib, dir);
      }
      try {
        System.load(file.toString());
      } catch (UnsatisfiedLinkError e) {
        failures.put(lib, missingLibrary(e.getMessage()).orElse(firstLine(e.getMessage())));
      }
    }
    return new LoadResult(dir, fromPath, failures);
  }

  /**
   * Initialises JCuda's classes for the libraries loaded by {@link #load}: with
   * {@code java.io.tmpdir} briefly pointing at the private directory, so that JCuda's loader
   * resolves to the files already loaded from there.
   */
  static void initializeJCuda(LoadResult loaded) throws ClassNotFoundException {
    ClassLoader loader = jcuda.LibUtils.class.getClassLoader();
    if (loaded.fromLibraryPath) {
      for (Library lib : Library.values()) {
        Class.forName(lib.javaClass, true, loader);
      }
      return;
    }
    synchronized (TMPDIR_LOCK) {
      String previous = System.getProperty("java.io.tmpdir");
      System.setProperty("java.io.tmpdir", loaded.directory.toString());
      try {
        for (Library lib : Library.values()) {
          Class.forName(lib.javaClass, true, loader);
        }
      } finally {
        System.setProperty("java.io.tmpdir", previous);
      }
    }
  }

  /** Words for the failures of {@link #load}: the driver first, then the libraries missing. */
  static String describeFailures(Map<Library, String> failures) {
    List<String> missing = new ArrayList<>();
    String driver = null;
    for (Map.Entry<Library, String> f : failures.entrySet()) {
      String what = f.getValue();
      if (f.getKey() == Library.DRIVER && what.startsWith("libcuda.so")) {
        driver = "no CUDA driver (" + what + " not found)";
      } else if (!missing.contains(what)) {
        missing.add(what);
      }
    }
    StringBuilder sb = new StringBuilder();
    if (driver != null) {
      sb.append(driver);
      if (!missing.isEmpty()) {
        sb.append("; also missing: ").append(String.join(", ", missing));
      }
    } else if (missing.size() == 1) {
      sb.append(libraryWords(missing.get(0))).append(" missing");
    } else {
      sb.append("libraries ").append(String.join(", ", missing)).append(" missing");
    }
    return sb.toString();
  }

  private static String libraryWords(String what) {
    return what.toLowerCase(Locale.ROOT).startsWith("lib") && !what.contains(" ")
        ? "library " + what : what;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  /** File permissions as {@code rwx------}, for messages and tests. */
  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** The set of permissions of mode 0700, for tests. */
  static Set<PosixFilePermission> privateDirectoryMode() {
    return EnumSet.copyOf(DIRECTORY_MODE);
  }
}
