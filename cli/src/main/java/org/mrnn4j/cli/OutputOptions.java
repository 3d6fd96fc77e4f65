package org.mrnn4j.cli;

import org.mrnn4j.models.io.ModelLoader;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command writes its report and plot: {@code -o/--out} and {@code --name}, shared by
 * {@code analyze} and {@code fixed-points} (a picocli mixin).
 */
final class OutputOptions {
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "mrnn4j-out",
      description = "Directory for the report and the plot (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Stem of the output files (default: the model file's name, or 'example').")
  String name;

  /**
   * Creates the output directory if needed and checks that a file can be written in it, before
   * any work: a run that cannot keep its results is refused at once, not after the computation.
   *
   * @throws UserException naming the directory and what is wrong with it
   */
  void requireWritable() {
    Path dir = out.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserException("cannot create the output directory " + out + " (-o): "
          + reason(e), e);
    }
    try {
      Files.delete(Files.createTempFile(dir, ".mrnn4j-write-check", ".tmp"));
    } catch (IOException e) {
      throw new UserException("cannot write to the output directory " + out + " (-o): "
          + reason(e), e);
    }
  }

  /** Why a file operation failed, in words. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " exists and is not a directory";
    }
    if (e instanceof java.nio.file.NoSuchFileException f) {
      return "no directory can be made at " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** The stem of the output files: {@code --name}, or else the model's base name. */
  String stem(ModelLoader.Loaded loaded) {
    return name != null ? name : loaded.baseName();
  }

  /** The output file {@code DIR/STEM SUFFIX}. */
  Path file(String stem, String suffix) {
    return out.resolve(stem + suffix);
  }
}
