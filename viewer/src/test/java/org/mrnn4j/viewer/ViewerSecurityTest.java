package org.mrnn4j.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's security rules: token, origin, no CORS, fixed paths, loopback binding. */
class ViewerSecurityTest {
  private static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(20, 2);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private HttpResponse<String> call(String route, String token, String origin) throws Exception {
    return route.startsWith("/api/") && !route.equals("/api/model")
        ? t.post(route, "{\"state\": 0}", token, origin)
        : origin == null ? t.get(route, token) : t.post(route, "{}", token, origin);
  }

  @Test
  void everyRouteRefusesAMissingOrWrongToken() throws Exception {
    for (String route : TestServer.routes()) {
      for (String token : new String[] {null, "0".repeat(32), t.server.token() + "0", ""}) {
        HttpResponse<String> r = call(route, token, null);
        assertEquals(403, r.statusCode(), route + " with token " + token);
        assertEquals("missing or wrong token", t.json(r).get("error").asText());
      }
      // the token in the query is accepted as well as in the header
      HttpResponse<String> q = t.get(route + "?token=" + t.server.token(), null);
      assertTrue(q.statusCode() != 403, route + " with the query token: " + q.statusCode());
    }
  }

  @Test
  void theTokenIs32HexCharactersInThePrintedAddress() {
    assertTrue(t.server.token().matches("[0-9a-f]{32}"), t.server.token());
    assertEquals("http://127.0.0.1:" + t.server.address().getPort() + "/?token="
        + t.server.token(), t.server.url());
  }

  private String[] request(String host, String origin, boolean token, String extra)
      throws Exception {
    String body = "{\"state\": 0, \"grid\": 3}";
    return t.rawRequest("POST /api/field HTTP/1.1\r\nHost: " + host + "\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + (token ? ViewerServer.TOKEN_HEADER + ": " + t.server.token() + "\r\n" : "")
        + "Content-Type: application/json\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n" + extra + "\r\n",
        body.getBytes(java.nio.charset.StandardCharsets.UTF_8), 10_000);
  }

  @Test
  void onlyTheServersOwnHostNamesAreAccepted() throws Exception {
    int port = t.server.address().getPort();
    // DNS rebinding: a page of another name resolved to 127.0.0.1 sends its own Host
    for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1",
        "127.0.0.1:" + (port + 1), "localhost.evil.example:" + port}) {
      String[] r = request(host, null, true, "");
      assertEquals("403", r[0], host);
      assertTrue(r[1].contains("unexpected Host header"), r[1]);
    }
    for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port,
        "LOCALHOST:" + port, "[::1]:" + port}) {
      assertEquals("200", request(host, null, true, "")[0], host);
    }
    // a page opened at http://localhost:PORT: its Origin is its Host
    assertEquals("200", request("localhost:" + port, "http://localhost:" + port, true, "")[0]);
    assertEquals("403", request("localhost:" + port, "http://127.0.0.1:" + port, true, "")[0]);
    assertEquals("403", request("127.0.0.1:" + port, "http://localhost:" + port, true, "")[0]);
  }

  @Test
  void theTokenIsCheckedBeforeTheBodyIsRead() throws Exception {
    // a huge body announced, none sent: without the token the answer comes at once
    long start = System.nanoTime();
    String[] r = t.rawRequest("POST /api/field HTTP/1.1\r\nHost: 127.0.0.1:"
        + t.server.address().getPort() + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: 1000000000\r\n\r\n", "{\"state\"".getBytes(
            java.nio.charset.StandardCharsets.UTF_8), 5_000);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals("403", r[0]);
    assertTrue(r[1].contains("missing or wrong token"), r[1]);
    assertTrue(seconds < 2, "answered in " + seconds + " s");
  }

  @Test
  void pastThePoolsQueueARequestIsAnswered503NotComputedOnTheDispatcher() throws Exception {
    // one thread, a queue of one: two requests that never send their announced body hold both;
    // a third is answered 503 by the overflow thread (the dispatcher would else compute it)
    try (ViewerServer small = ViewerServer.start(t.session,
        java.net.InetAddress.getByName("127.0.0.1"), 0, 1, 1, null)) {
      int port = small.address().getPort();
      String stuck = "POST /api/field HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + ViewerServer.TOKEN_HEADER + ": " + small.token() + "\r\nContent-Length: 100\r\n\r\n";
      List<java.net.Socket> held = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          java.net.Socket s = new java.net.Socket("127.0.0.1", port);
          s.getOutputStream().write(stuck.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          held.add(s);
          Thread.sleep(300);
        }
        HttpResponse<String> busy = t.http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/api/model"))
            .header(ViewerServer.TOKEN_HEADER, small.token())
            .timeout(java.time.Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(503, busy.statusCode(), busy.body());
        assertEquals("busy, try again", t.json(busy).get("error").asText());
      } finally {
        for (java.net.Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void aForeignOriginIsRefusedAndTheOwnOneAccepted() throws Exception {
    int port = t.server.address().getPort();
    for (String origin : new String[] {"http://evil.example", "http://127.0.0.1:" + (port + 1),
        "null", "https://127.0.0.1:" + port}) {
      HttpResponse<String> r = t.post("/api/field", "{\"state\": 0}", t.server.token(), origin);
      assertEquals(403, r.statusCode(), origin);
      assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
    }
    HttpResponse<String> own = t.post("/api/field", "{\"state\": 0, \"grid\": 4}",
        t.server.token(), "http://127.0.0.1:" + port);
    assertEquals(200, own.statusCode(), own.body());
  }

  @Test
  void noCorsHeaderIsEverWritten() throws Exception {
    for (String route : TestServer.routes()) {
      for (String token : new String[] {null, t.server.token()}) {
        HttpResponse<String> r = call(route, token, null);
        r.headers().map().keySet().forEach(h -> assertFalse(
            h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"), route + ": " + h));
      }
    }
  }

  @Test
  void onlyTheFixedPathsExist() throws Exception {
    String tok = "?token=" + t.server.token();
    for (String target : new String[] {"/assets/../pom.xml", "/assets/%2e%2e/",
        "/assets/%2e%2e/pom.xml", "/assets/..%2fpom.xml", "/etc/passwd", "//etc/passwd", "/assets/", "/assets/d3.js",
        "/index.html", "/org/mrnn4j/viewer/web/index.html", "/api/", "/api/model/",
        "/META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js", "/assets/viewer.js/"}) {
      assertEquals(404, t.raw(target + tok), target);
      assertEquals(404, t.raw(target), target + " (header token)");
    }
    assertEquals(404, t.raw("http://127.0.0.1/etc/passwd" + tok), "an absolute URI");
    assertEquals(404, t.raw("http://127.0.0.1/pom.xml" + tok), "an absolute URI");
    HttpResponse<String> d3 = t.get("/assets/d3.min.js", t.server.token());
    assertEquals(200, d3.statusCode());
    assertTrue(d3.body().contains("d3js.org"), "the WebJar's D3");
    HttpResponse<String> page = t.get("/?token=" + t.server.token(), null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("/assets/d3.min.js"));
  }

  @Test
  void itListensOnLoopbackOnlyByDefaultAndWarnsElsewhere() throws Exception {
    assertEquals(InetAddress.getByName("127.0.0.1"), t.server.address().getAddress());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ViewerServer other = ViewerServer.start(t.session, InetAddress.getByName("0.0.0.0"), 0,
        1, new PrintStream(err, true, StandardCharsets.UTF_8))) {
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("warning: the viewer listens on"
          + " 0.0.0.0"), err.toString(StandardCharsets.UTF_8));
      assertTrue(other.address().getAddress().isAnyLocalAddress());
      assertTrue(other.url().startsWith("http://127.0.0.1:" + other.address().getPort()
          + "/?token="), other.url());
    }
    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    try (ViewerServer other = ViewerServer.start(t.session, InetAddress.getByName("127.0.0.1"),
        0, 1, new PrintStream(quiet, true, StandardCharsets.UTF_8))) {
      assertEquals("", quiet.toString(StandardCharsets.UTF_8));
      assertTrue(other.address().getAddress().isLoopbackAddress());
    }
  }
}
