package org.mrnn4j.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load and timing at n = 512 with a 40 x 40 grid, both fields: one client's pans and zooms in
 * sequence (server time p50/p95), and 20 clients dragging at once for 30 s (overlapping requests
 * sometimes): no 4xx/5xx, every client's last request answered with its seq, the heap after GC
 * back near where it was after warm-up. The times are printed; the 50 ms target is asserted for
 * the sequential client only with {@code -Dmrnn4j.viewer.timing=strict} (the test machine is
 * shared).
 */
@Tag("load")
class ViewerLoadTest {
  private static final int N = 512;
  private static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(N, Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** A fixed window, whose answer under load must equal the one computed alone. */
  private static String probe(String client, long seq) {
    return "{\"client\": \"" + client + "\", \"seq\": " + seq + ", \"state\": 5, \"grid\": 40,"
        + " \"center\": [0.1, -0.1], \"half\": [1.2, 0.9]}";
  }

  private static JsonNode reference;

  private static String pan(String client, long seq, Random random, int state) {
    double cx = random.nextGaussian() * 0.5;
    double cy = random.nextGaussian() * 0.5;
    double h = 0.5 + random.nextDouble() * 2;
    return String.format(Locale.ROOT, "{\"client\": \"%s\", \"seq\": %d, \"state\": %d,"
        + " \"grid\": 40, \"center\": [%.6f, %.6f], \"half\": [%.6f, %.6f],"
        + " \"fields\": [\"nonlinear\", \"linear\"]}", client, seq, state, cx, cy, h, h * 0.8);
  }

  private static HttpRequest request(String body) {
    return HttpRequest.newBuilder(URI.create(t.base() + "/api/field"))
        .header(ViewerServer.TOKEN_HEADER, t.server.token())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static double percentile(List<Double> values, double q) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
  }

  @Test
  void oneClientsPansAndTwentyClientsDraggingAtOnce() throws Exception {
    Random random = new Random(1);
    HttpClient http = HttpClient.newHttpClient();
    // warm-up, then one client in sequence: the server's own time per pan/zoom
    for (int i = 0; i < 40; i++) {
      http.send(request(pan("warm", i, random, i % 11)), HttpResponse.BodyHandlers.ofString());
    }
    List<Double> sequential = new ArrayList<>();
    List<Double> roundTrip = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(request(pan("seq", i, random, i % 11)),
          HttpResponse.BodyHandlers.ofString());
      roundTrip.add((System.nanoTime() - t0) / 1e6);
      assertEquals(200, r.statusCode(), r.body());
      sequential.add(t.json(r).get("seconds").asDouble() * 1000);
    }
    double p50 = percentile(sequential, 0.5);
    double p95 = percentile(sequential, 0.95);
    System.out.printf(Locale.ROOT, "viewer timing n=%d, 40x40, nonlinear+linear, one client:"
        + " server p50 %.1f ms, p95 %.1f ms; round trip p50 %.1f ms, p95 %.1f ms (%d cores)%n",
        N, p50, p95, percentile(roundTrip, 0.5), percentile(roundTrip, 0.95),
        Runtime.getRuntime().availableProcessors());
    if ("strict".equals(System.getProperty("mrnn4j.viewer.timing"))) {
      assertTrue(p95 <= 50, "server p95 " + p95 + " ms > 50 ms");
    }

    reference = t.json(http.send(request(probe("ref", 0)), HttpResponse.BodyHandlers.ofString()));

    int clients = 20;
    long seconds = Long.getLong("mrnn4j.viewer.load.seconds", 30);
    ConcurrentLinkedQueue<Double> serverMs = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    // a first short drag by every client (connections, buffers, caches), then the heap
    phase(http, clients, 3, new ConcurrentLinkedQueue<>(), errors);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    Thread.sleep(200);
    System.gc();
    long warm = memory.getHeapMemoryUsage().getUsed();
    long[] counts = phase(http, clients, seconds, serverMs, errors);
    long ok = counts[0];
    long dropped = counts[1];
    assertTrue(errors.isEmpty(), errors.size() + " errors, first: " + errors.peek());
    List<Double> times = new ArrayList<>(serverMs);
    System.out.printf(Locale.ROOT, "viewer load: %d clients for %d s: %d answered 200, %d"
        + " superseded (204); server time p50 %.1f ms, p95 %.1f ms%n", clients, seconds, ok,
        dropped, percentile(times, 0.5), percentile(times, 0.95));

    System.gc();
    Thread.sleep(200);
    System.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    System.out.printf(Locale.ROOT, "viewer heap after GC: warm-up %.1f MiB, after load %.1f"
        + " MiB%n", warm / 1048576.0, after / 1048576.0);
    assertTrue(after < warm + 16L * 1024 * 1024, "heap grew from " + warm + " to " + after);
  }

  /** 20 clients dragging for {@code seconds}: the counts answered 200 and 204. */
  private static long[] phase(HttpClient http, int clients, long seconds,
      ConcurrentLinkedQueue<Double> serverMs, ConcurrentLinkedQueue<String> errors)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String client = "load" + seconds + "s-client" + c;
      long clientSeed = c;
      results.add(pool.submit(() -> {
        Random rnd = new Random(clientSeed);
        HttpClient mine = http;
        long seq = 0;
        long ok = 0;
        long dropped = 0;
        CompletableFuture<HttpResponse<String>> pending = null;
        long pendingSeq = -1;
        while (System.nanoTime() < end) {
          seq++;
          CompletableFuture<HttpResponse<String>> next = mine.sendAsync(
              request(seq % 5 == 0 ? probe(client, seq) : pan(client, seq, rnd, rnd.nextInt(11))),
              HttpResponse.BodyHandlers.ofString());
          if (pending != null) {
            long[] counts = check(pending.get(), pendingSeq, serverMs, errors);
            ok += counts[0];
            dropped += counts[1];
          }
          if (rnd.nextInt(3) == 0) { // sometimes the next is sent before reading this one
            pending = next;
            pendingSeq = seq;
          } else {
            long[] counts = check(next.get(), seq, serverMs, errors);
            ok += counts[0];
            dropped += counts[1];
            pending = null;
          }
        }
        // the last request: answered 200 with its seq
        seq++;
        HttpResponse<String> last = mine.send(request(pan(client, seq, rnd, 0)),
            HttpResponse.BodyHandlers.ofString());
        if (pending != null) {
          long[] counts = check(pending.get(), pendingSeq, serverMs, errors);
          ok += counts[0];
          dropped += counts[1];
        }
        if (last.statusCode() != 200
            || t.json(last).get("seq").asLong() != seq) {
          errors.add(client + ": last request " + seq + " answered " + last.statusCode() + " "
              + last.body());
        }
        return new long[] {ok, dropped};
      }));
    }
    long ok = 0;
    long dropped = 0;
    for (Future<long[]> f : results) {
      long[] r = f.get();
      ok += r[0];
      dropped += r[1];
    }
    pool.shutdown();
    return new long[] {ok, dropped};
  }

  private static long[] check(HttpResponse<String> r, long seq,
      ConcurrentLinkedQueue<Double> serverMs, ConcurrentLinkedQueue<String> errors) {
    if (r.statusCode() == 204) {
      return new long[] {0, 1};
    }
    if (r.statusCode() != 200) {
      errors.add("seq " + seq + ": " + r.statusCode() + " " + r.body());
      return new long[] {0, 0};
    }
    try {
      JsonNode n = t.json(r);
      if (n.get("seq").asLong() != seq) {
        errors.add("seq " + seq + " answered with seq " + n.get("seq"));
      }
      if (seq % 5 == 0) { // the fixed window: the same values as computed alone
        for (String kind : new String[] {"nonlinear", "linear"}) {
          for (String c : new String[] {"vx", "vy"}) {
            JsonNode a = n.get(kind).get(c);
            JsonNode b = reference.get(kind).get(c);
            for (int j = 0; j < 40; j++) {
              for (int i = 0; i < 40; i++) {
                if (Math.abs(a.get(j).get(i).asDouble() - b.get(j).get(i).asDouble()) > 1e-12) {
                  errors.add("seq " + seq + ": " + kind + " " + c + " differs at " + i + "," + j);
                  return new long[] {1, 0};
                }
              }
            }
          }
        }
      }
      serverMs.add(n.get("seconds").asDouble() * 1000);
    } catch (java.io.IOException e) {
      errors.add(e.getMessage());
    }
    return new long[] {1, 0};
  }
}
