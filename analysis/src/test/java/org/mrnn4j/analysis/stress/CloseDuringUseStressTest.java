package org.mrnn4j.analysis.stress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.mrnn4j.models.ModelBuilder;
import org.mrnn4j.models.Sign;
import org.mrnn4j.models.Simulation;
import org.mrnn4j.models.Trajectory;

/**
 * Models and backends closed while 8 threads run mixed work on them (linearizations,
 * eigendecompositions, simulations), with another thread allocating and freeing tensors of the
 * weights' size on the same backend, so that a weight buffer freed too early would be handed to
 * another tensor and overwritten. Every result that comes back must be bit-identical to the same
 * work on one thread; every failure must be an {@link IllegalStateException} that names what was
 * closed (the model, or the backend), never a native crash, a wrong number or an unexplained
 * error. On every available backend.
 */
class CloseDuringUseStressTest {
  private static final int THREADS = 8;
  private static final int TRIALS = 10;
  /** 384 units: the recurrent weights are 1.2 MB, large enough for ND4J's buffer pool. */
  private static final int EXC = 288;
  private static final int INH = 96;

  @TestFactory
  Stream<DynamicTest> everyAvailableBackend() {
    return Backends.list().stream().flatMap(info -> Stream.of(
        DynamicTest.dynamicTest(info.name() + ": model closed", () -> closeModels(info)),
        DynamicTest.dynamicTest(info.name() + ": backend closed", () -> closeBackends(info))));
  }

  private static LeakyMRNN model(Backend backend) {
    return ModelBuilder.leaky()
        .activation("tanh").dt(10).tau(50).recurrentConstrained(true).seed(23)
        .recurrentRegion("exc", EXC, Sign.POS)
        .recurrentRegion("inh", INH, Sign.NEG)
        .inputRegion("in", 4)
        .recurrentConnection("exc", "exc").recurrentConnection("exc", "inh")
        .recurrentConnection("inh", "exc").recurrentConnection("inh", "inh")
        .inputConnection("in", "exc").inputConnection("in", "inh")
        .build(backend);
  }

  /** The work: each kind returns every number it computed. */
  private static List<Function<LeakyMRNN, double[]>> work() {
    Random random = new Random(3);
    double[] x = new double[EXC + INH];
    double[] u = new double[4];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    OperatingPoint point = OperatingPoint.of(x, u);
    double[] input = new double[16 * 100 * 4];
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextGaussian();
    }
    return List.of(
        m -> {
          try (LinearizationResult r = Linearization.of(m).at(point)) {
            return concat(r.jacobian().toArray(), r.inputJacobian().toArray(), r.next().toArray());
          }
        },
        m -> {
          Eigendecomposition e = Linearization.of(m, "inh").eigenvalues(point);
          return concat(e.realParts(), e.imagParts());
        },
        m -> {
          try (Tensor in = m.backend().fromArray(input, 16, 100, 4);
              Trajectory t = m.simulate(Simulation.of(in))) {
            return concat(t.xs().toArray(), t.hs().toArray());
          }
        });
  }

  private static void closeModels(BackendInfo info) throws Exception {
    Assumptions.assumeTrue(info.available(), () -> info.name() + " is unavailable: " + info.detail());
    List<Function<LeakyMRNN, double[]>> work = work();
    try (Backend backend = Backends.select(info.name())) {
      List<double[]> expected = new ArrayList<>();
      try (LeakyMRNN reference = model(backend)) {
        for (Function<LeakyMRNN, double[]> w : work) {
          expected.add(w.apply(reference));
        }
      }
      Outcomes total = new Outcomes();
      for (int trial = 0; trial < TRIALS; trial++) {
        LeakyMRNN model = model(backend);
        total.add(run(backend, model, work, expected, 15L + 10L * trial, model::close,
            "mRNN (384 units, 4 inputs, on " + info.name() + ") has been closed"));
      }
      report(info.name() + ", models closed", total);
    }
  }

  private static void closeBackends(BackendInfo info) throws Exception {
    Assumptions.assumeTrue(info.available(), () -> info.name() + " is unavailable: " + info.detail());
    List<Function<LeakyMRNN, double[]>> work = work();
    List<double[]> expected = new ArrayList<>();
    try (Backend backend = Backends.select(info.name()); LeakyMRNN reference = model(backend)) {
      for (Function<LeakyMRNN, double[]> w : work) {
        expected.add(w.apply(reference));
      }
    }
    Outcomes total = new Outcomes();
    for (int trial = 0; trial < TRIALS; trial++) {
      Backend backend = Backends.select(info.name());
      LeakyMRNN model = model(backend);
      total.add(run(backend, model, work, expected, 15L + 10L * trial, backend::close,
          "the " + info.name() + " backend has been closed"));
      model.close();
    }
    report(info.name() + ", backends closed", total);
  }

  /** What came back: results that matched, and failures that named what was closed. */
  private static final class Outcomes {
    int results;
    int refused;

    void add(Outcomes o) {
      results += o.results;
      refused += o.refused;
    }
  }

  private static void report(String what, Outcomes o) {
    assertTrue(o.results + o.refused > 0, what + ": no work ran");
    System.out.printf("%s: %d results bit-identical to one thread, %d calls refused with the "
        + "closed object named%n", what, o.results, o.refused);
  }

  /**
   * Runs the work on {@code THREADS} threads until each has been refused, closes after
   * {@code delayMillis} with {@code closer}, and checks every outcome.
   */
  private static Outcomes run(Backend backend, LeakyMRNN model,
      List<Function<LeakyMRNN, double[]>> work, List<double[]> expected, long delayMillis,
      Runnable closer, String closedMessage) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger results = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int thread = 0; thread < THREADS; thread++) {
        int first = thread;
        futures.add(pool.submit(() -> {
          for (int k = first; ; k++) {
            int kind = k % work.size();
            double[] got;
            try {
              got = work.get(kind).apply(model);
            } catch (IllegalStateException e) {
              if (!String.valueOf(e.getMessage()).contains(closedMessage)) {
                throw new AssertionError("a call on the closed object failed with a message that "
                    + "does not name it ('" + closedMessage + "'): " + e, e);
              }
              refused.incrementAndGet();
              return null;
            }
            assertArrayEquals(expected.get(kind), got,
                "work " + kind + " returned a result that differs from the single-thread one");
            results.incrementAndGet();
          }
        }));
      }
      // buffers of the weights' size, allocated and freed: a weight buffer freed while still in
      // use would be recycled here and overwritten
      futures.add(pool.submit(() -> {
        double[] noise = new double[(EXC + INH) * (EXC + INH)];
        java.util.Arrays.fill(noise, 7.0);
        while (!stop.get()) {
          try {
            backend.fromArray(noise, EXC + INH, EXC + INH).close();
          } catch (IllegalStateException e) {
            return null; // the backend itself was closed
          }
        }
        return null;
      }));
      Thread.sleep(delayMillis);
      closer.run();
      for (int t = 0; t < THREADS; t++) {
        try {
          futures.get(t).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          fail("a worker failed: " + e.getCause(), e.getCause());
        }
      }
      stop.set(true);
      futures.get(THREADS).get(60, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    Outcomes o = new Outcomes();
    o.results = results.get();
    o.refused = refused.get();
    return o;
  }

  private static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
