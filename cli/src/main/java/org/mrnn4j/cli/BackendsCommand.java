package org.mrnn4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mrnn4j backends}: every backend found, whether it can run here, and why not. */
@Command(
    name = "backends",
    mixinStandardHelpOptions = true,
    description = {
      "List every compute backend found on the class path, whether it can run here and, if not,"
          + " why.",
      "The default (used when --backend is not given) is marked with '*': the one named by the"
          + " system property mrnn4j.backend or the environment variable MRNN4J_BACKEND, else the"
          + " highest-ranked available one."
    })
final class BackendsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<BackendInfo> infos = Backends.list();
    if (infos.isEmpty()) {
      out.println("no backend found on the class path (add mrnn4j-backend-ejml)");
      return Main.FAILURE;
    }
    Optional<String> requested = Backends.selector().requestedName(null);
    String defaultName = requested.orElseGet(() -> infos.stream()
        .filter(BackendInfo::available).map(BackendInfo::name).findFirst().orElse(""));
    int width = Math.max(7, infos.stream().mapToInt(i -> i.name().length()).max().orElse(0));
    String format = "%-2s%-" + width + "s  %-9s  %5s  %s%n";
    out.printf(format, "", "BACKEND", "AVAILABLE", "RANK", "DETAILS");
    for (BackendInfo info : infos) {
      String detail = info.description() == null || info.description().isBlank()
          ? nullToEmpty(info.detail())
          : info.description() + (info.detail() == null || info.detail().isBlank() ? ""
              : (info.available() ? "; " : "; unavailable: ") + info.detail());
      out.printf(format, info.name().equals(defaultName) ? "*" : "", info.name(),
          info.available() ? "yes" : "no",
          info.rank() == Integer.MIN_VALUE ? "-" : Integer.toString(info.rank()), detail);
    }
    out.flush();
    return 0;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
