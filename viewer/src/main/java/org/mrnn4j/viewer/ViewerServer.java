package org.mrnn4j.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The viewer's local HTTP server: the JDK's own {@link HttpServer} on a bounded thread pool,
 * serving the page, its assets and the JSON API of one {@link ViewerSession}.
 *
 * <p>Security: it binds to 127.0.0.1 unless told otherwise; every request must carry the random
 * token of the printed address (query {@code ?token=} or header {@code X-Mrnn4j-Token}), else 403;
 * a request whose {@code Origin} is not the server's own is refused (403); no CORS header is ever
 * written; only a fixed list of paths exists (no path of a request ever reaches the file system);
 * bodies are at most {@value #MAX_BODY} bytes of JSON.
 */
public final class ViewerServer implements AutoCloseable {
  /** The largest request body, in bytes. */
  public static final int MAX_BODY = 64 * 1024;
  /** The token's header. */
  public static final String TOKEN_HEADER = "X-Mrnn4j-Token";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WEB = "/org/mrnn4j/viewer/web/";
  private static final String D3 = "/META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js";
  private static final Map<String, String[]> ASSETS = Map.of(
      "/", new String[] {WEB + "index.html", "text/html; charset=utf-8"},
      "/assets/viewer.js", new String[] {WEB + "viewer.js", "text/javascript; charset=utf-8"},
      "/assets/viewer.css", new String[] {WEB + "viewer.css", "text/css; charset=utf-8"},
      "/assets/d3.min.js", new String[] {D3, "text/javascript; charset=utf-8"});

  private final ViewerSession session;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final String token;
  private final String host;
  private final int port;
  private final Map<String, AtomicLong> latest = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicInteger superseded = new AtomicInteger();

  private ViewerServer(ViewerSession session, HttpServer server, ThreadPoolExecutor pool,
      String token) {
    this.session = session;
    this.server = server;
    this.pool = pool;
    this.token = token;
    InetSocketAddress a = server.getAddress();
    this.host = a.getAddress().getHostAddress();
    this.port = a.getPort();
  }

  /**
   * Starts a server.
   *
   * @param session what it serves
   * @param bind the address to bind to (127.0.0.1 unless the user asked otherwise)
   * @param port the port, 0 for any free one
   * @param threads the pool's threads, at least 1
   * @param warnings told a warning when the address is not a loopback one
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static ViewerServer start(ViewerSession session, InetAddress bind, int port, int threads,
      PrintStream warnings) throws IOException {
    if (!bind.isLoopbackAddress() && warnings != null) {
      warnings.println("warning: the viewer listens on " + bind.getHostAddress() + ", not only"
          + " on this machine (127.0.0.1): anyone who can reach it and learns the token can use"
          + " it; the token is the only protection");
    }
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    // bounded: a fixed number of threads and of waiting requests; past that the dispatcher
    // thread computes (back-pressure instead of unbounded growth)
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(256), r -> {
          Thread t = new Thread(r, "mrnn4j-viewer");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(pool);
    ViewerServer viewer = new ViewerServer(session, server, pool, token);
    server.createContext("/", viewer::handle);
    server.start();
    return viewer;
  }

  /** {@return the address to open: {@code http://HOST:PORT/?token=TOKEN}} */
  public String url() {
    return "http://" + urlHost() + ":" + port + "/?token=" + token;
  }

  private String urlHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** {@return the bound address} */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@return the token} */
  public String token() {
    return token;
  }

  /** {@return how many requests were answered 204 as superseded} */
  public int supersededCount() {
    return superseded.get();
  }

  /** Stops the server at once and shuts its pool down. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        route(ex);
      } catch (BadRequest e) {
        send(ex, 400, error(e.getMessage()));
      } catch (IllegalArgumentException e) {
        // the application layer's refusal of a request it cannot compute, naming the value
        send(ex, 400, error(String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " ")));
      } catch (RuntimeException | OutOfMemoryError e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        send(ex, 500, error(m.replaceAll("[\\r\\n]+", " ")));
      }
    }
  }

  private void route(HttpExchange ex) throws IOException {
    // the body is read (at most MAX_BODY bytes) before any answer, so that the connection can
    // be kept for the next request
    byte[] raw = readBody(ex);
    if (raw == null) {
      ex.getResponseHeaders().set("Connection", "close");
    }
    if (!tokenOk(ex)) {
      send(ex, 403, error("missing or wrong token"));
      return;
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !origin.equals("http://" + urlHost() + ":" + port)
        && !origin.equals("http://127.0.0.1:" + port)) {
      send(ex, 403, error("requests from another origin (" + origin.replaceAll("[\\r\\n]", "")
          + ") are refused"));
      return;
    }
    String path = ex.getRequestURI().getRawPath();
    String method = ex.getRequestMethod();
    String[] asset = ASSETS.get(path);
    if (asset != null) {
      if (!method.equals("GET")) {
        send(ex, 405, error(path + " takes GET"));
        return;
      }
      byte[] bytes = resource(asset[0]);
      if (bytes == null) {
        send(ex, 404, error("not found"));
        return;
      }
      sendBytes(ex, 200, asset[1], bytes);
      return;
    }
    if (path.equals("/api/model")) {
      if (!method.equals("GET")) {
        send(ex, 405, error(path + " takes GET"));
        return;
      }
      send(ex, 200, session.modelInfo());
      return;
    }
    Function<JsonNode, ObjectNode> api = switch (path) {
      case "/api/field" -> session::field;
      case "/api/fixed-points" -> session::fixedPoints;
      case "/api/spectrum" -> session::spectrum;
      case "/api/continuation" -> session::continuation;
      default -> null;
    };
    if (api == null) {
      send(ex, 404, error("not found"));
      return;
    }
    if (!method.equals("POST")) {
      send(ex, 405, error(path + " takes POST"));
      return;
    }
    if (raw == null) {
      throw new BadRequest("the body is larger than " + MAX_BODY + " bytes");
    }
    JsonNode body = parse(raw);
    String client = Requests.string(body, "client", "");
    if (client.length() > 64) {
      throw new BadRequest("client must be at most 64 characters, got " + client.length());
    }
    long seq = Requests.seq(body);
    String key = client + " " + path;
    if (latest.size() > 10_000) { // a bound on remembered clients
      latest.clear();
      locks.clear();
    }
    AtomicLong newest = latest.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE));
    newest.accumulateAndGet(seq, Math::max);
    Object lock = locks.computeIfAbsent(key, k -> new Object());
    ObjectNode answer;
    // one computation at a time per client and endpoint; one superseded while waiting is
    // answered 204 without computing
    synchronized (lock) {
      if (!client.isEmpty() && newest.get() > seq) {
        superseded.incrementAndGet();
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(204, -1);
        return;
      }
      answer = api.apply(body);
    }
    send(ex, 200, answer);
  }

  private boolean tokenOk(HttpExchange ex) {
    String given = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
    if (given == null) {
      String query = ex.getRequestURI().getRawQuery();
      if (query != null) {
        for (String part : query.split("&")) {
          if (part.startsWith("token=")) {
            given = part.substring(6);
          }
        }
      }
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  /** The body, or null when it is larger than {@link #MAX_BODY}. */
  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int total = 0;
      for (int r; (r = in.read(buf)) > 0; ) {
        total += r;
        if (total > MAX_BODY) {
          return null;
        }
        out.write(buf, 0, r);
      }
      return out.toByteArray();
    }
  }

  private static JsonNode parse(byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage().replaceAll("[\\r\\n]+",
          " "));
    } catch (IOException e) {
      throw new BadRequest("malformed JSON: " + String.valueOf(e.getMessage())
          .replaceAll("[\\r\\n]+", " "));
    }
    if (node == null || !node.isObject()) {
      throw new BadRequest("the body must be a JSON object, got " + (node == null || node
          .isMissingNode() ? "nothing" : Requests.shortText(node)));
    }
    return node;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ViewerServer.class.getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static ObjectNode error(String message) {
    return ViewerSession.JSON.objectNode().put("error", message);
  }

  private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    sendBytes(ex, status, "application/json; charset=utf-8", bytes);
  }

  private static void sendBytes(HttpExchange ex, int status, String type, byte[] bytes)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
