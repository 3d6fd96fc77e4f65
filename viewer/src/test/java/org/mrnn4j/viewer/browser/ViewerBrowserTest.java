package org.mrnn4j.viewer.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.RecurrentModel;
import org.mrnn4j.models.io.CheckpointLoader;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.viewer.ViewerServer;
import org.mrnn4j.viewer.ViewerSession;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer's page in a real browser (the system's headless Chromium), against the real server
 * started in this JVM on the trained flip-flop checkpoint (conformance data) with a simulated
 * trajectory of 20 states under u = (1, 0, 0) (from the zero initial condition; under zero input
 * the trajectory would stay at the origin): the page draws a field, pans and zooms with the mouse,
 * changes the plane's regions, pages through the states, finds fixed points, shows a fixed point's
 * spectrum and a mode's participation, and reports an invalid input. The tests run in order on one
 * page, as a user would use it; screenshots go to {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserTest {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STATES = 20;

  private RecurrentModel model;
  private ViewerServer server;
  private ChromeDriver driver;
  private long navigationStart;

  @BeforeAll
  void start() throws Exception {
    Browser.require();
    Path dir = ConformanceData.require().resolve("checkpoints");
    Backend backend = Backends.select("ejml");
    model = CheckpointLoader.load(dir.resolve("flip_flop_rnn_leaky.pth"),
        dir.resolve("flip_flop_rnn_leaky.json"), backend);
    double[] u = new double[model.numInputs()];
    u[0] = 1;
    FlowFieldAnalysis.States states = FlowFieldAnalysis.States.simulated(model, u,
        new TreeSet<>(IntStream.range(0, STATES).boxed().toList()));
    ViewerSession session = new ViewerSession("flip_flop_rnn_leaky", model, "ejml", states, u, 1L,
        true);
    server = ViewerServer.start(session, InetAddress.getLoopbackAddress(), 0, 4, System.err);
    driver = Browser.start();
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (model != null) {
      model.close();
    }
  }

  @Test
  @Order(1)
  void pageLoadsAndDrawsTheFieldWithinTwoSeconds() throws Exception {
    navigationStart = System.nanoTime();
    driver.get(server.url());
    waitFor("the first drawn field", () -> counter("fieldsDrawn") >= 1, 20);
    double wallMs = (System.nanoTime() - navigationStart) / 1e6;
    double firstDrawMs = number("window.mrnn4jViewer.firstDrawMs");
    System.out.printf("first field drawn %.0f ms after navigation started (page clock); %.0f ms by"
        + " the test's clock (incl. polling)%n", firstDrawMs, wallMs);
    assertTrue(firstDrawMs < 2000, "first field drawn after " + firstDrawMs + " ms, target < 2000");
    for (String panel : List.of("nonlinear", "linear")) {
      long painted = nonBackgroundPixels(panel);
      assertTrue(painted > 1000, panel + " field: only " + painted + " painted pixels");
      assertEquals("PC1", axisLabel(panel, "x").replaceAll(" .*", ""), "x axis of " + panel);
      assertTrue(axisLabel(panel, "x").matches("PC1 \\(\\d+(\\.\\d+)?%\\)"), axisLabel(panel, "x"));
    }
    assertEquals("", status(), "status line after loading");
    waitFor("the state's spectrum", () -> counter("spectraDrawn") >= 1, 30);
    assertEquals(model.numUnits(), count("#spectrum circle[data-eig]"), "eigenvalues of the state");
    shot("01-load.png");
  }

  @Test
  @Order(2)
  void dragPansTheWindowAndAFieldIsRedrawnWithin150Ms() {
    String before = ticks("nonlinear", "x") + "|" + ticks("nonlinear", "y");
    long drawn = counter("fieldsDrawn");
    drag(120, -60);
    waitFor("a field for the dragged window", () -> counter("fieldsDrawn") > drawn
        && !inflight(), 20);
    String after = ticks("nonlinear", "x") + "|" + ticks("nonlinear", "y");
    assertNotEquals(before, after, "tick labels after a drag");
    assertEquals(ticks("nonlinear", "x"), ticks("linear", "x"), "both panels show one window");
    // the redraw time: request start to drawn, for five single-step pans
    List<Double> ms = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      long n = counter("fieldsDrawn");
      drag(k % 2 == 0 ? 30 : -30, 0);
      waitFor("a field after a pan", () -> counter("fieldsDrawn") > n && !inflight(), 20);
      ms.add(number("window.mrnn4jViewer.lastDrawMs"));
    }
    Collections.sort(ms);
    System.out.println("request-to-drawn after a pan (ms, sorted): " + ms);
    assertTrue(ms.get(2) < 150, "median request-to-drawn " + ms.get(2) + " ms, target < 150: " + ms);
    assertEquals("", status());
  }

  @Test
  @Order(3)
  void wheelZoomsIn() {
    double before = span("x");
    long drawn = counter("fieldsDrawn");
    WebElement svg = driver.findElement(By.cssSelector("#field-nonlinear svg"));
    new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(svg), 0, -300)
        .perform();
    waitFor("a field after the wheel", () -> counter("fieldsDrawn") > drawn && !inflight(), 20);
    double after = span("x");
    assertTrue(after < 0.8 * before, "x window " + before + " -> " + after + " after zooming in");
  }

  @Test
  @Order(4)
  void togglingARegionDrawsAFieldOnAnotherPlane() throws Exception {
    String before = axisLabel("nonlinear", "x") + axisLabel("nonlinear", "y") + ticks("nonlinear", "x");
    long drawn = counter("fieldsDrawn");
    driver.findElement(By.id("region-inhib")).click();
    waitFor("a field on the plane of exc", () -> counter("fieldsDrawn") > drawn && !inflight(), 30);
    String after = axisLabel("nonlinear", "x") + axisLabel("nonlinear", "y") + ticks("nonlinear", "x");
    System.out.println("axes with both regions: " + before + "; with exc only: " + after);
    assertNotEquals(before, after, "axes after leaving inhib out of the plane");
    long drawn2 = counter("fieldsDrawn");
    driver.findElement(By.id("cancel-others")).click();
    waitFor("a field with inhib silenced", () -> counter("fieldsDrawn") > drawn2 && !inflight(), 30);
    assertTrue(nonBackgroundPixels("nonlinear") > 1000);
    // the linear field is mRNNTorch's (inhib held at the state) and says so; the spectrum is
    // exc's sub-Jacobian and names it
    String linearTitle = driver.findElement(By.cssSelector("#field-linear .panel-title"))
        .getText();
    assertTrue(linearTitle.contains("other regions held at the state, as mRNNTorch's"),
        linearTitle);
    waitFor("the spectrum of exc", () -> text("#spectrum-title").contains("(exc only, others"
        + " held)") && !inflight(), 30);
    shot("03-region-toggle.png");
    long drawn3 = counter("fieldsDrawn");
    driver.findElement(By.id("cancel-others")).click();
    driver.findElement(By.id("region-inhib")).click();
    waitFor("a field on the plane of both regions", () -> counter("fieldsDrawn") > drawn3
        && !inflight() && !driver.findElement(By.id("cancel-others")).isSelected(), 30);
    assertEquals("", status());
  }

  @Test
  @Order(5)
  void keysAndSliderPageThroughTheStates() {
    String label0 = text("#state-label");
    assertTrue(label0.startsWith("state 0 of " + (STATES - 1)), label0);
    String dot0 = dot();
    driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
    waitFor("state 1", () -> text("#state-label").startsWith("state 1 "), 10);
    waitFor("the state's dot to move", () -> !dot().equals(dot0) && !inflight(), 20);
    WebElement slider = driver.findElement(By.id("state-slider"));
    slider.sendKeys(Keys.ARROW_RIGHT);
    waitFor("state 2", () -> text("#state-label").startsWith("state 2 "), 10);
    assertTrue(text("#state-label").contains("after 2 steps"), text("#state-label"));
    driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_LEFT);
    waitFor("back to state 1", () -> text("#state-label").startsWith("state 1 "), 10);
  }

  @Test
  @Order(6)
  void fixedPointsAreListedDrawnAndShowTheirSpectrumAndModes() throws Exception {
    // the input edited to zero (where the flip-flop holds its memories): a new field is drawn
    long drawn = counter("fieldsDrawn");
    WebElement u0 = driver.findElement(By.id("u-0"));
    u0.clear();
    u0.sendKeys("0", Keys.ENTER);
    waitFor("a field at u = 0", () -> counter("fieldsDrawn") > drawn && !inflight(), 30);
    driver.findElement(By.id("find-fp")).click();
    waitFor("fixed points", () -> counter("fixedPointsDrawn") >= 1, 120);
    // the count the API answers for the same request
    JsonNode api = post("/api/fixed-points", "{\"client\":\"test\",\"seq\":1,\"u\":[0,0,0],"
        + "\"regions\":[],\"cancel_others\":false,\"plane\":\"pca\",\"through\":\"mean\","
        + "\"state\":1}");
    int points = api.get("points").size();
    assertTrue(points >= 2, "the flip-flop has several fixed points at u = 0, found " + points);
    assertEquals(points, count("#fp-list tbody tr[data-fp]"), "rows of the list");
    assertEquals(points, count("#field-nonlinear .fp-marker"), "markers on the field");
    int k = api.get("points").get(0).get("number").asInt();
    int eigenvalues = api.get("points").get(0).get("eigenvalues").size();
    assertEquals(model.numUnits(), eigenvalues, "one eigenvalue per unit");
    long spectra = counter("spectraDrawn");
    driver.findElement(By.cssSelector("#fp-list tr[data-fp='" + k + "']")).click();
    waitFor("the fixed point's spectrum", () -> counter("spectraDrawn") > spectra, 30);
    assertEquals(eigenvalues, count("#spectrum circle[data-eig]"), "eigenvalues drawn");
    assertTrue(text("#spectrum-title").contains(String.valueOf(k)), text("#spectrum-title"));
    long modes = counter("modesDrawn");
    driver.findElement(By.cssSelector("#spectrum circle[data-eig='0']")).click();
    waitFor("the mode's participation", () -> counter("modesDrawn") > modes, 30);
    String participation = text("#participation");
    assertTrue(participation.startsWith("Mode 0"), participation);
    assertTrue(count("#participation .bar-row") >= 2 || participation.contains("withheld"),
        participation);
    // a marker on the plot selects too (one inside the trajectory's window)
    long drawnBefore = counter("fieldsDrawn");
    driver.findElement(By.id("reset-window")).click();
    waitFor("the trajectory's window", () -> counter("fieldsDrawn") > drawnBefore && !inflight(), 30);
    Object visible = js("const f = document.querySelector('#field-nonlinear rect.frame')"
        + ".getBoundingClientRect(); const sel = window.mrnn4jViewer.selectedFp;"
        + "for (const m of document.querySelectorAll('#field-nonlinear .fp-marker')) {"
        + " const r = m.querySelector('circle').getBoundingClientRect();"
        + " const cx = r.x + r.width / 2, cy = r.y + r.height / 2;"
        + " if (cx > f.left + 8 && cx < f.right - 8 && cy > f.top + 8 && cy < f.bottom - 8"
        + "  && +m.dataset.fp !== sel && m.contains(document.elementFromPoint(cx, cy)))"
        + "  return +m.dataset.fp; } return null;");
    assertTrue(visible != null, "no fixed point marker inside the trajectory's window");
    long spectra2 = counter("spectraDrawn");
    int other = ((Number) visible).intValue();
    driver.findElement(By.cssSelector("#field-nonlinear .fp-marker[data-fp='" + other + "'] circle"))
        .click();
    waitFor("the other point's spectrum", () -> counter("spectraDrawn") > spectra2, 30);
    assertTrue(driver.findElement(By.cssSelector("#fp-list tr[data-fp='" + other + "']"))
        .getAttribute("class").contains("selected"));
    // an eigenvalue not covered by another (the last one drawn on top)
    Object free = js("for (const c of document.querySelectorAll('#spectrum circle[data-eig]')) {"
        + " const r = c.getBoundingClientRect();"
        + " if (document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === c)"
        + "  return +c.dataset.eig; } return null;");
    assertTrue(free != null, "every eigenvalue is covered by another");
    int eig = ((Number) free).intValue();
    long modes2 = counter("modesDrawn");
    driver.findElement(By.cssSelector("#spectrum circle[data-eig='" + eig + "']")).click();
    waitFor("the mode's participation", () -> counter("modesDrawn") > modes2, 30);
    assertTrue(text("#participation").startsWith("Mode " + eig + ":"), text("#participation"));
    shot("02-fixed-points-and-mode.png");
  }

  @Test
  @Order(7)
  void invalidValuesShowAnErrorLine() {
    WebElement u0 = driver.findElement(By.id("u-0"));
    u0.clear();
    u0.sendKeys("abc", Keys.ENTER);
    waitFor("an error about u[0]", () -> status().contains("u[0]"), 10);
    u0.clear();
    u0.sendKeys("0", Keys.ENTER);
    waitFor("the error gone", () -> status().isEmpty(), 10);
    WebElement grid = driver.findElement(By.id("grid"));
    grid.clear();
    grid.sendKeys("500", Keys.TAB);
    waitFor("the server's refusal of the grid", () -> status().contains("500"), 20);
    System.out.println("status line: " + status());
    assertTrue(status().contains("grid"), status());
    grid.clear();
    grid.sendKeys("40", Keys.TAB);
    waitFor("the error gone after a valid grid", () -> status().isEmpty(), 20);
  }

  @Test
  @Order(8)
  void continuationAlongTheInputDrawsTheBifurcationDiagram() throws Exception {
    WebElement u0 = driver.findElement(By.id("u-0"));
    u0.clear();
    u0.sendKeys("1", Keys.ENTER);
    driver.findElement(By.id("continue")).click();
    waitFor("the bifurcation diagram", () -> counter("continuationsDrawn") >= 1, 240);
    assertTrue(count("#bifurcation line.stable") + count("#bifurcation line.unstable") > 10,
        "branch segments drawn");
    assertEquals(1, count("#bifurcation line.current"), "the current input's line");
    assertEquals("", status());
    shot("04-continuation.png");
  }

  @Test
  @Order(9)
  void eigenPlaneThroughAFixedPointAndTheLinearFieldAlone() throws Exception {
    waitFor("the fixed points at the current input", () -> !inflight()
        && driver.findElements(By.cssSelector("#plane option[value^='eigen:']")).size() > 0, 60);
    String pcaAxes = axisLabel("linear", "x") + "|" + axisLabel("linear", "y");
    String k = driver.findElement(By.cssSelector("#plane option[value^='eigen:']"))
        .getAttribute("value").substring("eigen:".length());
    long drawn = counter("fieldsDrawn");
    new Select(driver.findElement(By.id("plane")))
        .selectByValue("eigen:" + k);
    new Select(driver.findElement(By.id("through")))
        .selectByValue("fp:" + k);
    waitFor("a field on fixed point " + k + "'s eigenplane", () -> counter("fieldsDrawn") > drawn
        && !inflight(), 30);
    assertEquals("", status());
    String eigenAxes = axisLabel("linear", "x") + "|" + axisLabel("linear", "y");
    System.out.println("axes of the PCA plane: " + pcaAxes + "; of fixed point " + k
        + "'s eigenplane: " + eigenAxes);
    assertNotEquals(pcaAxes, eigenAxes, "axis labels of the eigenplane");
    long drawn2 = counter("fieldsDrawn");
    new Select(driver.findElement(By.id("show-fields")))
        .selectByValue("linear");
    waitFor("the linear field alone", () -> counter("fieldsDrawn") > drawn2 && !inflight(), 30);
    assertTrue(!driver.findElement(By.id("field-nonlinear")).isDisplayed(), "nonlinear hidden");
    assertTrue(nonBackgroundPixels("linear") > 1000, "linear field drawn");
    shot("05-eigenplane-linear.png");
  }

  // ------------------------------------------------------------------ helpers

  private Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private long counter(String name) {
    Object v = js("return window.mrnn4jViewer ? window.mrnn4jViewer." + name + " : -1");
    return v == null ? -1 : ((Number) v).longValue();
  }

  private double number(String expression) {
    return ((Number) js("return " + expression)).doubleValue();
  }

  private boolean inflight() {
    return Boolean.TRUE.equals(js("return window.mrnn4jViewer.fieldPending"));
  }

  private void waitFor(String what, Supplier<Boolean> condition, int seconds) {
    new WebDriverWait(driver, Duration.ofSeconds(seconds))
        .pollingEvery(Duration.ofMillis(20))
        .withMessage(() -> "waiting for " + what + "; status line: '" + status() + "'")
        .until(d -> condition.get());
  }

  private long nonBackgroundPixels(String panel) {
    Object v = js("const c = document.querySelector('#field-" + panel + " canvas');"
        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let n = 0; for (let i = 0; i < d.length; i += 4)"
        + " if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++; return n;");
    return ((Number) v).longValue();
  }

  private String ticks(String panel, String axis) {
    return (String) js("return [...document.querySelectorAll('#field-" + panel + " .axis." + axis
        + " .tick text')].map(t => t.textContent).join(' ')");
  }

  private String axisLabel(String panel, String axis) {
    int k = axis.equals("x") ? 0 : 1;
    return (String) js("return document.querySelectorAll('#field-" + panel + " .axis-label')[" + k
        + "].textContent");
  }

  private double span(String axis) {
    List<?> v = (List<?>) js("return window.mrnn4jViewer.window()");
    int k = axis.equals("x") ? 0 : 2;
    return Math.abs(((Number) v.get(k + 1)).doubleValue() - ((Number) v.get(k)).doubleValue());
  }

  private String dot() {
    return (String) js("const d = document.querySelector('#field-nonlinear .state-dot');"
        + "return d ? d.getAttribute('cx') + ',' + d.getAttribute('cy') : ''");
  }

  private int count(String css) {
    return driver.findElements(By.cssSelector(css)).size();
  }

  private String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  private String status() {
    return driver.findElement(By.id("status")).getText();
  }

  private void drag(int dx, int dy) {
    WebElement svg = driver.findElement(By.cssSelector("#field-nonlinear svg"));
    Actions a = new Actions(driver).moveToElement(svg).clickAndHold();
    for (int k = 1; k <= 4; k++) {
      a.moveByOffset(dx / 4, dy / 4).pause(Duration.ofMillis(15));
    }
    a.release().perform();
  }

  private JsonNode post(String path, String body) throws Exception {
    URI uri = URI.create(server.url()).resolve(path);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header(ViewerServer.TOKEN_HEADER, server.token())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> r = HttpClient.newHttpClient().send(request,
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private void shot(String name) throws Exception {
    Files.write(SHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
  }
}
