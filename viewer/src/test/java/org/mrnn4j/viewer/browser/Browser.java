package org.mrnn4j.viewer.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium and its driver (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs): the browser tests use only these, never a browser or driver
 * downloaded at build time (Selenium Manager is never asked: both paths are given). Absent, the
 * tests skip with a message, except under CI (environment variable {@code CI} set), where they fail.
 * The paths can be overridden with the system properties {@code mrnn4j.chromium} and
 * {@code mrnn4j.chromedriver}.
 */
final class Browser {
  static final Path CHROMIUM = Path.of(System.getProperty("mrnn4j.chromium", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getProperty("mrnn4j.chromedriver", "/usr/bin/chromedriver"));

  private Browser() {}

  /** Skips (locally) or fails (under CI) the calling tests when the browser or its driver is absent. */
  static void require() {
    String missing = null;
    if (!Files.isExecutable(CHROMIUM)) {
      missing = CHROMIUM + " (Debian package chromium)";
    } else if (!Files.isExecutable(DRIVER)) {
      missing = DRIVER + " (Debian package chromium-driver)";
    }
    if (missing == null) {
      return;
    }
    String message = "the browser tests need the system's Chromium and its driver: " + missing
        + " is missing; install them with 'apt-get install chromium chromium-driver' (.ci/run does)";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank()) {
      Assertions.fail(message + "; under CI they must run");
    }
    // printed too: a class skipped in @BeforeAll shows in Surefire's summary only as 0 tests run
    System.err.println("SKIPPED browser tests: " + message);
    Assumptions.abort(message + "; skipping");
  }

  /** {@return a headless Chromium, 1400 x 1000, driven through the system's chromedriver} */
  static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--window-size=1400,1000", "--disable-gpu", "--disable-extensions",
        "--no-first-run", "--disable-background-networking");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(60))
        .build();
    return new ChromeDriver(service, options);
  }
}
