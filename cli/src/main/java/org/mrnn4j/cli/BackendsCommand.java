package org.mrnn4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mrnn4j backends}: every backend found, whether it can run here, and why not. */
@Command(
    name = "backends",
    mixinStandardHelpOptions = true,
    description = {
      "List every compute backend found on the class path and in the plugin directories"
          + " (--plugin DIR, MRNN4J_PLUGINS), whether it can run here and, if not, why; a plugin's"
          + " jar is named after its details.",
      "The default (used when --backend is not given) is marked with '*': the one named by the"
          + " system property mrnn4j.backend or the environment variable MRNN4J_BACKEND, else the"
          + " highest-ranked available one."
    })
final class BackendsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BackendSelector selector = Plugins.selector();
    List<BackendInfo> infos = selector.list();
    if (infos.isEmpty()) {
      out.println("no backend found on the class path (add mrnn4j-backend-ejml)");
      return Main.FAILURE;
    }
    Optional<String> requested = selector.requestedName(null);
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
          info.rank() == Integer.MIN_VALUE ? "-" : Integer.toString(info.rank()),
          detail + selector.provider(info.name()).flatMap(Plugins::origin)
              .map(jar -> " [plugin: " + jar + "]").orElse(""));
    }
    out.flush();
    return requested.map(name -> warnIfUnusable(name, infos)).orElse(0);
  }

  /**
   * Warns on standard error when the default named by the property or the environment cannot be
   * used (every command without {@code --backend} would fail): {@link Main#FAILURE} then.
   */
  private int warnIfUnusable(String name, List<BackendInfo> infos) {
    String from = System.getProperty(BackendSelector.PROPERTY) != null
        && !System.getProperty(BackendSelector.PROPERTY).isBlank()
        ? "the system property " + BackendSelector.PROPERTY
        : "the environment variable " + BackendSelector.ENVIRONMENT;
    Optional<BackendInfo> named = infos.stream().filter(i -> i.name().equals(name)).findFirst();
    String problem;
    if (named.isEmpty()) {
      problem = "no backend of that name is on the class path (found: " + String.join(", ",
          infos.stream().map(BackendInfo::name).toList()) + ")";
    } else if (!named.get().available()) {
      problem = "it cannot run here";
    } else {
      return 0;
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("mrnn4j: " + from + " names the default backend '" + name + "', but " + problem
        + ": every command without --backend will fail");
    err.flush();
    return Main.FAILURE;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
