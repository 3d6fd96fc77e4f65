package org.mrnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mrnn4j.conformance.ConformanceRunner;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.spi.BackendOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j conformance DIR}: every case file (the model cases, then the flow fields) through
 * the models and the analysis.
 */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = {
      "Check this implementation against the mRNNTorch reference results: every case file in"
          + " DIR/cases, then every flow-field case in DIR/flow-fields (or every case file in DIR,"
          + " when it has no cases/) is rebuilt and its weights, simulations, linearizations"
          + " (Jacobians, input Jacobians, excluded blocks, predictions, eigenvalues, eigenvector"
          + " residuals) and flow fields compared within the format's tolerances.",
      "Prints 'PASS id' or 'FAIL id: what differed' per case, then 'N passed, M failed'."
          + " Exit status 0 only if none failed; --verbose lists every difference."
    })
final class ConformanceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR",
      description = "The conformance directory (e.g. ../shared/conformance: its cases/ and"
          + " flow-fields/), or one directory of case files (e.g. its cases/).")
  Path dir;

  @Option(names = {"-b", "--backend"}, paramLabel = "NAME",
      description = "Compute backend (see 'mrnn4j backends'); default: the best available.")
  String backend;

  @ParentCommand Main parent;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    boolean verbose = parent != null && parent.verbose; // --verbose lists every difference
    List<Path> files = ConformanceRunner.caseFiles(dir);
    int passed = 0;
    int failed = 0;
    try (Backend b = Plugins.selector().select(backend, BackendOptions.none())) {
      for (Path f : files) {
        ConformanceRunner.Result r = ConformanceRunner.run(f, b);
        if (r.passed()) {
          passed++;
          out.println("PASS " + r.id() + " (" + r.compared() + " values compared)");
        } else {
          failed++;
          List<String> fs = r.failures();
          out.println("FAIL " + r.id() + ": " + fs.get(0)
              + (fs.size() > 1 && !verbose ? " (and " + (fs.size() - 1) + " more)" : ""));
          if (verbose) {
            for (String s : fs.subList(1, fs.size())) {
              out.println("     " + s);
            }
          }
        }
        out.flush();
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0 ? 0 : Main.FAILURE;
  }
}
