package org.mrnn4j.analysis.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.conformance.ConformanceCase;
import org.mrnn4j.models.conformance.ModelConformance;

/**
 * Runs mRNNTorch conformance cases through the models ({@code expect}, {@code simulations}) and
 * the analysis ({@code linearizations}) on one backend.
 */
public final class ConformanceRunner {
  private ConformanceRunner() {}

  /**
   * The outcome of one case.
   *
   * @param id the case's id (its file name when it could not be read)
   * @param file the case file
   * @param failures what differed, by how much; empty when the case passed
   */
  public record Result(String id, Path file, List<String> failures) {
    /** Whether nothing differed. */
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /**
   * The case files of a directory: {@code DIR/cases/*.json} when {@code DIR} has a {@code cases}
   * subdirectory (the layout of {@code ../shared/conformance}), else {@code DIR/*.json}; sorted
   * by name.
   *
   * @throws NoSuchFileException if the directory does not exist
   * @throws IOException if it holds no case file, or cannot be read
   */
  public static List<Path> caseFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new NoSuchFileException(dir.toString());
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + " is not a directory; expected the conformance directory (with"
          + " a cases/ subdirectory) or a directory of case files");
    }
    Path cases = Files.isDirectory(dir.resolve("cases")) ? dir.resolve("cases") : dir;
    List<Path> files = ConformanceCase.list(cases);
    if (files.isEmpty()) {
      throw new IOException("no case files (*.json) in " + cases);
    }
    return files;
  }

  /** Reads one case file and checks it on {@code backend}; never throws for a bad case. */
  public static Result run(Path file, Backend backend) {
    ConformanceCase c;
    try {
      c = ConformanceCase.read(file);
    } catch (IOException | RuntimeException e) {
      return new Result(file.getFileName().toString(), file,
          List.of("cannot read the case: " + e.getMessage()));
    }
    return run(c, backend);
  }

  /** Checks one case on {@code backend}: models first, then the linearizations. */
  public static Result run(ConformanceCase c, Backend backend) {
    List<String> failures = new ArrayList<>();
    try (RecurrentModel model = c.buildModel(backend)) {
      failures.addAll(ModelConformance.checkExpect(c, model));
      failures.addAll(ModelConformance.checkSimulations(c, model));
      failures.addAll(LinearizationConformance.check(c, model));
    } catch (IOException | RuntimeException e) {
      failures.add("building the model failed: " + e.getMessage());
    }
    return new Result(c.id(), c.file(), failures);
  }
}
