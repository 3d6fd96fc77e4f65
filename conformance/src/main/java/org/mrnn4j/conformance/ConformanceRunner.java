package org.mrnn4j.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.Json;

/**
 * Runs mRNNTorch conformance cases through the models ({@code expect}, {@code simulations}) and
 * the analysis ({@code linearizations}, {@code flow_fields}) on one backend. A case from which
 * nothing was compared fails.
 */
public final class ConformanceRunner {
  private ConformanceRunner() {}

  /**
   * The outcome of one case.
   *
   * @param id the case's id (its file name when it could not be read)
   * @param file the case file
   * @param failures what differed, by how much; empty when the case passed
   * @param compared how many values were compared
   */
  public record Result(String id, Path file, List<String> failures, long compared) {
    /** {@return whether nothing differed (a case with nothing to check has a failure saying so)} */
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /**
   * The case files of a directory: for a conformance directory (one with a {@code cases}
   * subdirectory, the layout of {@code ../shared/conformance}), {@code DIR/cases/*.json} and then
   * {@code DIR/flow-fields/*.json} when that subdirectory exists; else {@code DIR/*.json}. Sorted
   * by name within each directory.
   *
   * @param dir a conformance directory or a directory of case files
   * @return the case files
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
    boolean conformanceDir = Files.isDirectory(dir.resolve("cases"));
    Path cases = conformanceDir ? dir.resolve("cases") : dir;
    List<Path> files = new ArrayList<>(ConformanceCase.list(cases));
    if (files.isEmpty()) {
      throw new IOException("no case files (*.json) in " + cases);
    }
    if (conformanceDir && Files.isDirectory(dir.resolve("flow-fields"))) {
      files.addAll(ConformanceCase.list(dir.resolve("flow-fields")));
    }
    return List.copyOf(files);
  }

  /**
   * Reads one case file (a model case of {@code cases/} or a flow-field case of
   * {@code flow-fields/}, told apart by its content) and checks it on {@code backend}; never
   * throws for a bad case.
   *
   * @param file the case file
   * @param backend the backend under test
   * @return the outcome; a case that cannot be read is a failed result saying why
   */
  public static Result run(Path file, Backend backend) {
    ConformanceCase c;
    JsonNode root;
    try {
      c = ConformanceCase.read(file);
      root = Json.read(file, "an mRNNTorch conformance case");
    } catch (IOException | RuntimeException e) {
      return new Result(file.getFileName().toString(), file,
          List.of("cannot read the case: " + e.getMessage()), 0);
    }
    return run(c, root, backend);
  }

  /**
   * Checks one model case on {@code backend}: models first, then the linearizations.
   *
   * @param c the case, already read
   * @param backend the backend under test
   * @return the outcome
   */
  public static Result run(ConformanceCase c, Backend backend) {
    return run(c, null, backend);
  }

  private static Result run(ConformanceCase c, JsonNode root, Backend backend) {
    List<String> failures = new ArrayList<>();
    Tolerance.resetCount();
    try (RecurrentModel model = c.buildModel(backend)) {
      failures.addAll(ModelConformance.checkExpect(c, model));
      failures.addAll(ModelConformance.checkSimulations(c, model));
      failures.addAll(LinearizationConformance.check(c, model));
      if (FlowFieldConformance.isFlowFieldCase(root)) {
        failures.addAll(FlowFieldConformance.check(root, model, c.tolerance()));
      }
    } catch (IOException | RuntimeException e) {
      failures.add("building the model failed: " + e.getMessage());
    }
    long compared = Tolerance.count();
    if (compared == 0 && failures.isEmpty()) {
      failures.add("nothing was compared: the case holds none of the expectations this "
          + "implementation checks (expect, simulations, linearizations, flow_fields)");
    }
    return new Result(c.id(), c.file(), failures, compared);
  }
}
