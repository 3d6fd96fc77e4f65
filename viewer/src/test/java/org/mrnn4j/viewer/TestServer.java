package org.mrnn4j.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.mrnn4j.app.FlowFieldAnalysis;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.RecurrentRegion;
import org.mrnn4j.models.Sign;

/** A viewer server on a constructed network, and a client for the tests. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();

  final Backend backend;
  final LeakyMRNN model;
  final ViewerSession session;
  final ViewerServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * A seeded leaky network of {@code n} units (80% exc, 20% inh, 3 inputs) with states every 10
   * steps to 100 under {@code u = (0.3, -0.2, 0.1)}.
   */
  TestServer(int n, int threads) throws IOException {
    backend = Backends.select("ejml");
    model = network(backend, n);
    TreeSet<Integer> steps = new TreeSet<>();
    for (int s = 0; s <= 100; s += 10) {
      steps.add(s);
    }
    double[] u = {0.3, -0.2, 0.1};
    FlowFieldAnalysis.States states = FlowFieldAnalysis.States.simulated(model, u, steps);
    session = new ViewerSession("test_net", model, backend.name(), states, u, 0, true);
    server = ViewerServer.start(session, InetAddress.getByName("127.0.0.1"), 0, threads,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  static LeakyMRNN network(Backend backend, int n) {
    int exc = n * 4 / 5;
    return LeakyMRNN.builder().activation(Activation.TANH).dt(10).tau(100)
        .recurrentConstrained(true).inputConstrained(false).seed(20240611L)
        .recurrentRegion(RecurrentRegion.of("exc", exc).sign(Sign.POS))
        .recurrentRegion(RecurrentRegion.of("inh", n - exc).sign(Sign.NEG))
        .inputRegion("inp", 3)
        .recurrentConnection("exc", "exc").recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc").recurrentConnection("inh", "inh")
        .inputConnection("inp", "exc").inputConnection("inp", "inh")
        .build(backend);
  }

  String base() {
    return "http://127.0.0.1:" + server.address().getPort();
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
    if (token != null) {
      b.header(ViewerServer.TOKEN_HEADER, token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, server.token(), null);
  }

  HttpResponse<String> post(String path, String body, String token, String origin)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
            "application/json");
    if (token != null) {
      b.header(ViewerServer.TOKEN_HEADER, token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(HttpResponse<String> r) throws IOException {
    return MAPPER.readTree(r.body());
  }

  /** A raw request line, as written (no client-side normalisation of the path); the status. */
  int raw(String requestTarget) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1:"
          + server.address().getPort() + "\r\n"
          + ViewerServer.TOKEN_HEADER + ": " + server.token() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.write(c);
      }
      String status = line.toString(StandardCharsets.ISO_8859_1);
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  /**
   * A raw request (headers as given, no client-side additions) and its status line's code and
   * body, read within {@code timeoutMs}.
   */
  String[] rawRequest(String head, byte[] body, int timeoutMs) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      // the head, then Content-Length bytes of body (not to the end: the server may keep the
      // connection while it drains what the client announced)
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        got.write(c);
      }
      String h = got.toString(StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
          .matcher(h);
      String rest = m.find() ? new String(in.readNBytes(Integer.parseInt(m.group(1))),
          StandardCharsets.ISO_8859_1) : "";
      return new String[] {h.split(" ", 3)[1], rest};
    }
  }

  static List<String> routes() {
    return List.of("/", "/assets/viewer.js", "/assets/viewer.css", "/assets/d3.min.js",
        "/api/model", "/api/field", "/api/fixed-points", "/api/spectrum", "/api/continuation",
        "/nothing");
  }

  @Override
  public void close() {
    server.close();
    model.close();
    backend.close();
  }
}
