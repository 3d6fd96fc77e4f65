package org.mrnn4j.analysis.stress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mrnn4j.analysis.BatchLinearization;
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
 * One backend instance and one model shared by 8 threads, each running linearizations (state,
 * input and excluded Jacobians, predictions), eigendecompositions (with vectors), batched
 * linearizations and simulations in its own shuffled order: every result must be bit-identical to
 * the same work done on one thread. Bounded: a fixed amount of work and a time limit.
 */
class SharedBackendStressTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 3;
  private static final int POINTS = 6;

  @TestFactory
  Stream<DynamicTest> everyAvailableBackend() {
    return Backends.list().stream()
        .map(info -> DynamicTest.dynamicTest(info.name(), () -> run(info)));
  }

  private static void run(BackendInfo info) throws Exception {
    Assumptions.assumeTrue(info.available(), () -> info.name() + " is unavailable: " + info.detail());
    try (Backend backend = Backends.select(info.name());
        LeakyMRNN model = ModelBuilder.leaky()
            .activation("tanh").dt(10).tau(50).recurrentConstrained(true).seed(11)
            .recurrentRegion("exc", 48, Sign.POS)
            .recurrentRegion("inh", 12, Sign.NEG)
            .inputRegion("in", 3)
            .recurrentConnection("exc", "exc").recurrentConnection("exc", "inh")
            .recurrentConnection("inh", "exc").recurrentConnection("inh", "inh")
            .inputConnection("in", "exc").inputConnection("in", "inh")
            .build(backend)) {
      Random random = new Random(5);
      List<OperatingPoint> points = new ArrayList<>();
      for (int p = 0; p < POINTS; p++) {
        double[] x = new double[model.numUnits()];
        double[] u = new double[model.numInputs()];
        for (int i = 0; i < x.length; i++) {
          x[i] = random.nextGaussian();
        }
        for (int i = 0; i < u.length; i++) {
          u[i] = random.nextGaussian();
        }
        points.add(OperatingPoint.of(x, u));
      }
      double[] input = new double[4 * 20 * model.numInputs()];
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextGaussian();
      }

      // the work: each task returns every number it computed, flattened
      List<Task> tasks = new ArrayList<>();
      for (int p = 0; p < POINTS; p++) {
        OperatingPoint point = points.get(p);
        tasks.add(new Task("linearization " + p, () -> linearize(model, point)));
        tasks.add(new Task("eigendecomposition " + p, () -> eigen(model, point)));
      }
      tasks.add(new Task("batch", () -> batch(model, points)));
      tasks.add(new Task("simulation", () -> simulate(model, input)));

      List<double[]> expected = new ArrayList<>();
      for (Task t : tasks) {
        expected.add(t.work.call());
      }

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<List<double[]>>> futures = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
          long seed = thread;
          futures.add(pool.submit(() -> {
            List<Integer> order = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
              for (int k = 0; k < tasks.size(); k++) {
                order.add(k);
              }
            }
            Collections.shuffle(order, new Random(seed));
            List<double[]> got = new ArrayList<>(Collections.nCopies(tasks.size(), null));
            for (int k : order) {
              double[] result = tasks.get(k).work.call();
              double[] first = got.get(k);
              if (first != null) {
                assertArrayEquals(first, result, tasks.get(k).name + " changed between rounds");
              }
              got.set(k, result);
            }
            return got;
          }));
        }
        int operations = 0;
        for (Future<List<double[]>> f : futures) {
          List<double[]> got = f.get(120, TimeUnit.SECONDS);
          for (int k = 0; k < tasks.size(); k++) {
            assertArrayEquals(expected.get(k), got.get(k),
                info.name() + ": " + tasks.get(k).name + " differs from the single-thread result");
            operations += ROUNDS;
          }
        }
        assertTrue(operations == THREADS * ROUNDS * tasks.size());
        System.out.printf("%s: %d threads ran %d operations (%d kinds), all bit-identical to one thread%n",
            info.name(), THREADS, operations, tasks.size());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private record Task(String name, java.util.concurrent.Callable<double[]> work) {}

  private static double[] linearize(LeakyMRNN model, OperatingPoint p) {
    Linearization lin = Linearization.of(model, "inh", "exc");
    Linearization sub = Linearization.of(model, "exc");
    List<double[]> parts = new ArrayList<>();
    try (LinearizationResult r = lin.at(p); LinearizationResult s = sub.at(p)) {
      parts.add(r.jacobian().toArray());
      parts.add(r.inputJacobian().toArray());
      parts.add(s.jacobian().toArray());
      parts.add(s.excludedJacobian().orElseThrow().toArray());
      parts.add(s.next().toArray());
    }
    return concat(parts);
  }

  private static double[] eigen(LeakyMRNN model, OperatingPoint p) {
    Eigendecomposition e = Linearization.of(model).eigendecomposition(p);
    List<double[]> parts = new ArrayList<>();
    parts.add(e.realParts());
    parts.add(e.imagParts());
    for (int k = 0; k < e.size(); k++) {
      parts.add(e.vectorReal(k));
      parts.add(e.vectorImag(k));
    }
    return concat(parts);
  }

  private static double[] batch(LeakyMRNN model, List<OperatingPoint> points) {
    List<double[]> parts = new ArrayList<>();
    try (BatchLinearization b = Linearization.of(model, "exc").batch(points)) {
      parts.add(b.jacobians().toArray());
      for (Eigendecomposition e : b.eigenvalues()) {
        parts.add(e.realParts());
        parts.add(e.imagParts());
      }
    }
    return concat(parts);
  }

  private static double[] simulate(LeakyMRNN model, double[] input) {
    try (Tensor u = model.backend().fromArray(input, 4, 20, model.numInputs());
        Trajectory t = model.simulate(Simulation.of(u).noise(0.05, 0.01, 3))) {
      return concat(List.of(t.xs().toArray(), t.hs().toArray()));
    }
  }

  private static double[] concat(List<double[]> parts) {
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
