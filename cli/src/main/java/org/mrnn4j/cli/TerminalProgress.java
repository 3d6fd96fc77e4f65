package org.mrnn4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for work that takes more than a second (me.tongfei's
 * progressbar): nothing for shorter work, nothing with {@code --quiet}, and nothing when standard
 * error is not a terminal (a pipe, a log file, a test), where a bar redrawn in place would only
 * leave clutter. Thread-safe: workers may report concurrently.
 *
 * <p>Whether standard error is a terminal: the {@code ./mrnn4j} launcher tests it ({@code -t 2})
 * and says so in the system property {@value #TERMINAL}; without the launcher, the JVM's console
 * (present only when neither standard input nor output is redirected) stands in.
 */
final class TerminalProgress implements AutoCloseable {
  /** The system property the launcher sets to {@code true} when standard error is a terminal. */
  static final String TERMINAL = "mrnn4j.stderr.terminal";
  /** No bar for work that ends within this long. */
  private static final long DELAY_NANOS = 1_000_000_000L;

  /** Set by {@link Main#execute} from {@code -q/--quiet}. */
  static volatile boolean quiet;

  private final String task;
  private long total;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private ProgressBar bar;

  private TerminalProgress(String task, long total, boolean enabled) {
    this.task = task;
    this.total = total;
    this.enabled = enabled;
  }

  /** Progress of {@code total} units of work called {@code task} ("fixed points"). */
  static TerminalProgress start(String task, long total) {
    return new TerminalProgress(task, total, !quiet && stderrIsTerminal());
  }

  static boolean stderrIsTerminal() {
    String said = System.getProperty(TERMINAL);
    return said != null ? Boolean.parseBoolean(said) : System.console() != null;
  }

  /** {@code done} of {@code newTotal} units have finished (the work grew or shrank). */
  synchronized void update(long done, long newTotal) {
    if (newTotal != total) {
      total = newTotal;
      if (bar != null) {
        bar.maxHint(newTotal);
      }
    }
    update(done);
  }

  /** {@code done} of the total units have finished. */
  synchronized void update(long done) {
    if (!enabled) {
      return;
    }
    if (bar == null) {
      if (System.nanoTime() - start < DELAY_NANOS || done >= total) {
        return;
      }
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .build();
    }
    bar.stepTo(done);
  }

  /** Ends the bar (a final line), if one was shown. */
  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.stepTo(total);
      bar.close();
      bar = null;
    }
  }
}
