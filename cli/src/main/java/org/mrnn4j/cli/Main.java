package org.mrnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.mrnn4j.app.Failures;
import org.mrnn4j.core.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code mrnn4j} command line: {@code analyze}, {@code fixed-points}, {@code flow-field},
 * {@code simulate}, {@code sweep}, {@code backends}, {@code conformance}.
 *
 * <p>Exit status: 0 on success; 1 when conformance cases fail or on an internal error; 2 for a
 * usage error or a user error (a missing or malformed file, an unknown backend or region), which
 * is reported as one line {@code mrnn4j: <message>} (with the stack trace under
 * {@code --verbose}).
 */
@Command(
    name = "mrnn4j",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Local linear analysis of multi-regional RNNs (mRNNTorch's mRNN and ElmanmRNN)"
        + " on the JVM: Jacobians, eigenvalues and stability at operating points, and fixed"
        + " points, on a choice of compute backends.",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "Run 'mrnn4j COMMAND --help' for a command's options. Examples:",
      "  mrnn4j analyze                          analyse the bundled example network",
      "  mrnn4j analyze net.json -c net.pth      analyse a trained mRNNTorch model",
      "  mrnn4j fixed-points net.pth             its fixed points (net.json beside it)",
      "  mrnn4j continue net.pth -p input        follow its fixed points as the input grows",
      "  mrnn4j backends                         list the compute backends",
      "  mrnn4j --plugin DIR backends            ... with the backends whose jars are in DIR",
      "  mrnn4j conformance ../shared/conformance"
    },
    subcommands = {
      AnalyzeCommand.class,
      FixedPointsCommand.class,
      FlowFieldCommand.class,
      LesionCommand.class,
      ContinueCommand.class,
      ViewCommand.class,
      SimulateCommand.class,
      CurrentsCommand.class,
      SweepCommand.class,
      BackendsCommand.class,
      ConformanceCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  /** Exit status of a user error. */
  public static final int USER_ERROR = 2;
  /** Exit status of an internal error, or of failed conformance cases. */
  public static final int FAILURE = 1;

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log progress, and show the stack trace of an error.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "No progress bars (they show only on a terminal, for work over a second).")
  boolean quiet;

  /**
   * Adds the backends of a plugin directory (picocli calls this for each {@code --plugin}).
   *
   * @param dirs the directories given so far
   */
  @Option(
      names = "--plugin",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Load backends from every .jar in DIR (repeatable; also the environment"
          + " variable MRNN4J_PLUGINS, directories separated by ':'). 'mrnn4j backends' lists"
          + " them.")
  void plugins(List<java.nio.file.Path> dirs) {
    for (java.nio.file.Path dir : dirs) {
      if (!this.plugins.contains(dir)) {
        this.plugins.add(dir);
        try {
          Plugins.add(dir);
        } catch (UserException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
      }
    }
  }

  private final List<java.nio.file.Path> plugins = new java.util.ArrayList<>();

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the command and its options, as {@code mrnn4j --help} lists them
   */
  public static void main(String[] args) {
    configureLogging(isVerbose(args));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int status = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Runs the command line with the given streams and returns the exit status (for tests and
   * embedding; it never calls {@link System#exit}).
   *
   * @param out where tables and "wrote" lines go
   * @param err where errors, warnings and progress go
   * @param args the command and its options
   * @return 0 on success, {@link #USER_ERROR} for bad input, {@link #FAILURE} otherwise
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    Plugins.reset();
    TerminalProgress.quiet = args != null
        && Arrays.stream(args).anyMatch(a -> a.equals("-q") || a.equals("--quiet"));
    return commandLine(out, err, isVerbose(args)).execute(args);
  }

  /** The configured picocli command line. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean verbose) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      PrintWriter e = cmd.getErr();
      boolean user = isUserError(ex);
      e.println("mrnn4j: " + describe(ex) + (user || verbose ? ""
          : " (run with --verbose for the stack trace)"));
      if (verbose) {
        ex.printStackTrace(e);
      }
      e.flush();
      return user ? USER_ERROR : FAILURE;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter e = cmd.getErr();
      e.println("mrnn4j: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
      e.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
      e.flush();
      return USER_ERROR;
    });
    return cl;
  }

  /** With no command: the usage text, and status 2. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("mrnn4j: no command given");
    spec.commandLine().usage(err);
    return USER_ERROR;
  }

  static boolean isVerbose(String[] args) {
    return args != null && Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
  }

  /**
   * Sets slf4j-simple's level before any logger exists: WARN normally, DEBUG with
   * {@code --verbose}; messages go to standard error. Properties the user set win.
   */
  static void configureLogging(boolean verbose) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    setIfAbsent("java.awt.headless", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Whether {@code ex} is the user's mistake rather than a defect. */
  static boolean isUserError(Throwable ex) {
    return ex instanceof UserException
        || ex instanceof BackendUnavailableException
        || ex instanceof IOException
        || ex instanceof UncheckedIOException
        || ex instanceof IllegalArgumentException;
  }

  /**
   * One line saying what was wrong ({@link Failures#describe}, the wording every front end
   * shares), naming the exception's class where it is a defect rather than the user's mistake.
   */
  static String describe(Throwable ex) {
    Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
    String line = Failures.describe(t);
    boolean worded = t.getMessage() != null && !t.getMessage().isBlank();
    return !worded || isUserError(t) ? line : t.getClass().getSimpleName() + ": " + line;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "mrnn4j " + (v == null ? "(development build)" : v),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
