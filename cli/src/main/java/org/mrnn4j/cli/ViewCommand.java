package org.mrnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.core.Backend;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.ModelLoader;
import org.mrnn4j.viewer.ViewerServer;
import org.mrnn4j.viewer.ViewerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrnn4j view}: loads a model as {@code flow-field} does and serves the interactive viewer
 * ({@link ViewerServer}) on this machine until interrupted or {@code --exit-after}.
 */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "An interactive viewer in the browser: flow fields on the plane of the trajectory (pan,"
          + " zoom, page through the states, region toggles), fixed points, spectra with the"
          + " region participation of each mode, the input, and the continuation diagram.",
      "Starts a local web server on 127.0.0.1 and prints its address with a random token"
          + " (mrnn4j view: http://127.0.0.1:PORT/?token=TOKEN); requests without the token are"
          + " refused. It serves until Ctrl-C (or --exit-after).",
      "",
      "With no FILE it uses the bundled example network."
    })
final class ViewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelFiles;

  @Mixin ConstantInput input;

  @Option(names = {"-s", "--steps"}, split = ",", paramLabel = "N",
      description = "The states paged through: after N steps of the simulation from the model's"
          + " initial condition under the constant input (default: 0,10,...,200). The"
          + " trajectory runs to the largest N.")
  List<Integer> steps;

  @Option(names = "--states", paramLabel = "FILE",
      description = "The states from a file instead, as flow-field reads them (CSV or JSON; x"
          + " for the leaky model, h for Elman); they are also the trajectory.")
  Path states;

  @Option(names = "--port", paramLabel = "P", defaultValue = "0",
      description = "The port (default: any free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only);"
          + " another prints a warning: the token is then the only protection.")
  String bind;

  @Option(names = "--no-browser",
      description = "Only print the address (default when there is no display).")
  boolean noBrowser;

  @Option(names = "--exit-after", paramLabel = "SECONDS",
      description = "Stop the server after this many seconds (for scripts and tests).")
  Double exitAfter;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads computing requests (default: the processors, at least 2).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the fixed-point starts and of the random initialisation of a config"
          + " given without weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be 0..65535, got " + port);
    }
    if (threads == null) {
      threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    }
    if (threads < 1 || threads > 64) {
      throw new UserException("--threads must be 1..64, got " + threads);
    }
    if (exitAfter != null && !(exitAfter > 0)) {
      throw new UserException("--exit-after must be a positive number of seconds, got "
          + exitAfter);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new UserException("--bind: unknown address '" + bind + "'");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    try (Backend b = modelFiles.backend()) {
      ModelLoader.Loaded loaded = modelFiles.load(seed, b);
      try (RecurrentModel model = loaded.model()) {
        double[] u = input.vector(model.numInputs());
        List<Integer> defaults = new ArrayList<>();
        for (int s = 0; s <= 200; s += 10) {
          defaults.add(s);
        }
        FlowFieldAnalysis.States picked = StepsOption.states(model, u, steps, states, defaults);
        ViewerSession session = new ViewerSession(loaded.baseName(), model, b.name(), picked,
            u, seed, true);
        PrintStream warnings = new PrintStream(new java.io.OutputStream() {
          @Override
          public void write(int c) {
            spec.commandLine().getErr().write(c);
          }
        }, true);
        try (ViewerServer server = ViewerServer.start(session, address, port, threads,
            warnings)) {
          spec.commandLine().getErr().flush();
          stdout.println("mrnn4j view: " + server.url());
          stdout.flush();
          if (!noBrowser) {
            browse(server.url());
          }
          CountDownLatch forever = new CountDownLatch(1);
          if (exitAfter != null) {
            forever.await((long) (exitAfter * 1000), TimeUnit.MILLISECONDS);
          } else {
            forever.await();
          }
        }
      }
    }
    return 0;
  }

  /** Opens the page where a desktop browser can be asked to; otherwise the address is printed. */
  private static void browse(String url) {
    try {
      if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
          && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
        java.awt.Desktop.getDesktop().browse(URI.create(url));
      }
    } catch (IOException | RuntimeException e) {
      // the address is printed: the user opens it
    }
  }
}
