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
import java.util.List;
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
 * token of the printed address (query {@code ?token=} or header {@code X-Mrnn4j-Token}), else 403,
 * checked before any body is read; its {@code Host} must name this server (127.0.0.1, localhost,
 * [::1] or the bound address, with the port), else 403 (DNS rebinding); a request whose
 * {@code Origin} is not {@code "http://" + Host} is refused (403); no CORS header is ever written;
 * only a fixed list of paths exists (no path of a request ever reaches the file system); bodies
 * are at most {@value #MAX_BODY} bytes of JSON. Requests beyond the pool's queue are answered 503
 * (never computed on the server's dispatcher thread); slow requests and responses are cut off
 * ({@value #MAX_REQUEST_SECONDS} s and {@value #MAX_RESPONSE_SECONDS} s, where the JDK honours
 * {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}).
 */
public final class ViewerServer implements AutoCloseable {
  /** The largest request body, in bytes. */
  public static final int MAX_BODY = 64 * 1024;
  /** Threads computing fixed points, spectra and continuations (apart from the fields'). */
  static final int ANALYSIS_THREADS = 2;
  /** Analyses waiting beyond those; more are answered 503. */
  static final int ANALYSES_QUEUE = 32;
  /** Requests waiting for the pool beyond its threads; more are answered 503. */
  static final int QUEUE = 256;
  /** The longest a request may take to arrive, in seconds. */
  static final int MAX_REQUEST_SECONDS = 30;
  /** The longest a response may take to be written, in seconds. */
  static final int MAX_RESPONSE_SECONDS = 60;
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
  private final ThreadPoolExecutor analyses;
  private final String token;
  private final String host;
  private final int port;
  private final Map<String, AtomicLong> latest = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicInteger superseded = new AtomicInteger();
  private final java.util.Set<String> hosts;
  /** Set on the overflow thread: the request is answered 503 at once. */
  private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> false);

  private ViewerServer(ViewerSession session, HttpServer server, ThreadPoolExecutor pool,
      String token) {
    this.session = session;
    this.server = server;
    this.pool = pool;
    this.analyses = new ThreadPoolExecutor(ANALYSIS_THREADS, ANALYSIS_THREADS, 30,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(ANALYSES_QUEUE), r -> {
          Thread t = new Thread(r, "mrnn4j-viewer-analysis");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.token = token;
    InetSocketAddress a = server.getAddress();
    // on every interface, the address printed is this machine's loopback one
    this.host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : a.getAddress().getHostAddress();
    this.port = a.getPort();
    java.util.Set<String> h = new java.util.HashSet<>();
    for (String name : new String[] {"127.0.0.1", "localhost", "[::1]", urlHost()}) {
      h.add(name.toLowerCase(java.util.Locale.ROOT) + ":" + port);
    }
    this.hosts = java.util.Set.copyOf(h);
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
    return start(session, bind, port, threads, QUEUE, warnings);
  }

  /** As {@link #start(ViewerSession, InetAddress, int, int, PrintStream)} with a given queue. */
  static ViewerServer start(ViewerSession session, InetAddress bind, int port, int threads,
      int queue, PrintStream warnings) throws IOException {
    if (!bind.isLoopbackAddress() && warnings != null) {
      warnings.println("warning: the viewer listens on " + bind.getHostAddress() + ", not only"
          + " on this machine (127.0.0.1): anyone who can reach it and learns the token can use"
          + " it; the token is the only protection");
    }
    // cut off slow requests and responses (the JDK reads these once, when its server is first
    // used; a value the user set is kept)
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(MAX_RESPONSE_SECONDS));
    }
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    // bounded: a fixed number of threads and of waiting requests; past that a request is handed
    // to one overflow thread that only answers 503 (nothing runs on the dispatcher thread)
    ThreadPoolExecutor overflow = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(() -> {
            OVERFLOW.set(true);
            r.run();
          }, "mrnn4j-viewer-busy");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, "mrnn4j-viewer");
          t.setDaemon(true);
          return t;
        }, (r, p) -> {
          if (p.isShutdown()) {
            throw new java.util.concurrent.RejectedExecutionException("the viewer is closing");
          }
          overflow.execute(r); // past both queues: rejected, the JDK drops the connection
        }) {
      @Override
      public void shutdown() {
        overflow.shutdown();
        super.shutdown();
      }

      @Override
      public List<Runnable> shutdownNow() {
        overflow.shutdownNow();
        return super.shutdownNow();
      }
    };
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
    analyses.shutdownNow();
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    boolean handedOver = false;
    try {
      handedOver = guarded(ex, () -> route(ex));
    } finally {
      if (!handedOver) {
        ex.close();
      }
    }
  }

  /** What a request does; true when it handed the exchange to another thread to finish. */
  private interface Work {
    boolean run() throws IOException;
  }

  /** Runs {@code work}, answering its refusals (400) and failures (500). */
  private static boolean guarded(HttpExchange ex, Work work) throws IOException {
    try {
      return work.run();
    } catch (BadRequest e) {
      send(ex, e.status(), error(e.getMessage()));
    } catch (Busy e) {
      send(ex, 503, error(e.getMessage()));
    } catch (IllegalArgumentException e) {
      // the application layer's refusal of a request it cannot compute, naming the value
      send(ex, 400, error(String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " ")));
    } catch (RuntimeException | OutOfMemoryError e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      send(ex, 500, error(m.replaceAll("[\\r\\n]+", " ")));
    }
    return false;
  }

  private boolean route(HttpExchange ex) throws IOException {
    // refusals come before the body is read (a request without the token cannot make the
    // server read anything); their connection is closed
    if (OVERFLOW.get()) {
      ex.getResponseHeaders().set("Connection", "close");
      send(ex, 503, error("busy, try again"));
      return false;
    }
    String hostHeader = ex.getRequestHeaders().getFirst("Host");
    if (hostHeader == null || !hosts.contains(hostHeader.toLowerCase(java.util.Locale.ROOT))) {
      // a page of another name resolved to this address (DNS rebinding) is refused
      ex.getResponseHeaders().set("Connection", "close");
      send(ex, 403, error("unexpected Host header"));
      return false;
    }
    if (!tokenOk(ex)) {
      ex.getResponseHeaders().set("Connection", "close");
      send(ex, 403, error("missing or wrong token"));
      return false;
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !origin.equalsIgnoreCase("http://" + hostHeader)) {
      ex.getResponseHeaders().set("Connection", "close");
      send(ex, 403, error("requests from another origin (" + origin.replaceAll("[\\r\\n]", "")
          + ") are refused"));
      return false;
    }
    // the body is read (at most MAX_BODY bytes) before any other answer, so that the connection
    // can be kept for the next request
    byte[] raw = readBody(ex);
    if (raw == null) {
      ex.getResponseHeaders().set("Connection", "close");
    }
    String path = ex.getRequestURI().getRawPath();
    String method = ex.getRequestMethod();
    String[] asset = ASSETS.get(path);
    if (asset != null) {
      if (!method.equals("GET")) {
        send(ex, 405, error(path + " takes GET"));
        return false;
      }
      byte[] bytes = resource(asset[0]);
      if (bytes == null) {
        send(ex, 404, error("not found"));
        return false;
      }
      sendBytes(ex, 200, asset[1], bytes);
      return false;
    }
    if (path.equals("/api/model")) {
      if (!method.equals("GET")) {
        send(ex, 405, error(path + " takes GET"));
        return false;
      }
      send(ex, 200, session.modelInfo());
      return false;
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
      return false;
    }
    if (!method.equals("POST")) {
      send(ex, 405, error(path + " takes POST"));
      return false;
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
    // the newest seq of this page and endpoint, known from the request's arrival
    String key = client + " " + path;
    if (latest.size() > 10_000) { // a bound on remembered clients
      latest.clear();
      locks.clear();
    }
    AtomicLong newest = latest.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE));
    newest.accumulateAndGet(seq, Math::max);
    Object lock = locks.computeIfAbsent(key, k -> new Object());
    if (!path.equals("/api/field")) {
      // the analyses (seconds to minutes on a large network) on their own threads, so that
      // they never hold up the fields of a drag
      try {
        analyses.execute(() -> {
          try (ex) {
            guarded(ex, () -> {
              compute(ex, api, body, client, seq, newest, lock);
              return false;
            });
          } catch (IOException e) {
            // the client went away
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        throw new Busy();
      }
      return true;
    }
    compute(ex, api, body, client, seq, newest, lock);
    return false;
  }

  /** Thrown when the analyses' queue is full. */
  private static final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Busy() {
      // (ANALYSES_QUEUE analyses are already waiting)
      super("busy, try again", null, false, false);
    }
  }

  /** Computes one API request, or answers 204 when a newer one of its page superseded it. */
  private void compute(HttpExchange ex, Function<JsonNode, ObjectNode> api, JsonNode body,
      String client, long seq, AtomicLong newest, Object lock) throws IOException {
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

  /** Jackson's message in one line, without its source excerpt, with where it went wrong. */
  private static String jsonProblem(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int excerpt = message.indexOf(" (start marker at");
    if (excerpt > 0) {
      message = message.substring(0, excerpt);
    }
    message = message.replaceAll("\\s*\\[Source:[^\\]]*\\]", "").replaceAll("[\\r\\n]+", " ")
        .trim();
    if (e.getLocation() != null) {
      message += " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")";
    }
    return message;
  }

  private static JsonNode parse(byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + jsonProblem(e));
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
