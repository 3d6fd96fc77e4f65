package org.mrnn4j.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Backends from plugin directories: every {@code .jar} in each directory given with
 * {@code --plugin DIR} or listed in the environment variable {@value #ENVIRONMENT} (directories
 * separated by the platform's path separator, {@code :} on Linux) joins the class path of backend
 * discovery, so that a backend built outside this repository is listed by
 * {@code mrnn4j backends} and selected with {@code --backend NAME}. A directory holds the
 * backend's jar and whatever it needs beyond the command line's own jar (mrnn4j, EJML, Guice).
 */
final class Plugins {
  /** The environment variable listing plugin directories. */
  static final String ENVIRONMENT = "MRNN4J_PLUGINS";

  private static final List<Path> DIRECTORIES = new ArrayList<>();
  private static BackendSelector selector;
  private static URLClassLoader loader;

  private Plugins() {}

  /** Forgets the directories of an earlier run of {@link Main#execute} (tests run several). */
  static synchronized void reset() {
    DIRECTORIES.clear();
    selector = null;
    loader = null;
  }

  /**
   * Adds a directory given with {@code --plugin}.
   *
   * @throws UserException if it is not a directory holding a jar
   */
  static synchronized void add(Path dir) {
    jars(dir, "--plugin " + dir);
    DIRECTORIES.add(dir);
    selector = null;
  }

  /** {@return the selector over the built-in backends and those of every plugin directory} */
  static synchronized BackendSelector selector() {
    if (selector != null) {
      return selector;
    }
    List<Path> dirs = new ArrayList<>(DIRECTORIES);
    String env = System.getenv(ENVIRONMENT);
    if (env != null && !env.isBlank()) {
      for (String part : env.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          Path dir = Path.of(part.trim());
          jars(dir, ENVIRONMENT + "=" + env);
          dirs.add(dir);
        }
      }
    }
    if (dirs.isEmpty()) {
      selector = Backends.selector();
      return selector;
    }
    List<URL> urls = new ArrayList<>();
    for (Path dir : dirs) {
      for (Path jar : jars(dir, dir.toString())) {
        try {
          urls.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new UserException("plugin jar " + jar + " has no usable path", e);
        }
      }
    }
    loader = new URLClassLoader("mrnn4j-plugins", urls.toArray(new URL[0]),
        Plugins.class.getClassLoader());
    selector = BackendSelector.fromServiceLoader(loader);
    return selector;
  }

  /** {@return the plugin jar a provider came from, if it came from one} */
  static synchronized Optional<String> origin(BackendProvider provider) {
    if (loader == null || provider.getClass().getClassLoader() != loader) {
      return Optional.empty();
    }
    var source = provider.getClass().getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.of("a plugin directory");
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI()).toString());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.of(source.getLocation().toString());
    }
  }

  /** The jars of {@code dir}, sorted; refuses a missing directory or one without a jar. */
  private static List<Path> jars(Path dir, String given) {
    if (!Files.isDirectory(dir)) {
      throw new UserException("plugin directory " + dir.toAbsolutePath() + " (" + given + ")"
          + (Files.exists(dir) ? " is not a directory" : " does not exist")
          + "; expected a directory of backend jars");
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(Files::isRegularFile).sorted().toList();
      if (jars.isEmpty()) {
        throw new UserException("plugin directory " + dir.toAbsolutePath() + " (" + given
            + ") holds no .jar file; expected the backend's jar and the jars it needs");
      }
      return jars;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the plugin directory " + dir, e);
    }
  }
}
