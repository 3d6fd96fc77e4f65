package org.mrnn4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRange;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.core.TensorScope;

/**
 * Part of the backend contract ({@link BackendContractTest} runs every part): Scopes and threads: scopes close their tensors, and concurrent use gives the bits of one thread.
 */
public abstract class ConcurrencyContract extends ContractSupport {

  /** A fixed mixed workload; every result flattened, in order. */
  private List<double[]> workload(double[][] w, double[] x, double[][] e) {
    List<double[]> out = new ArrayList<>();
    try (TensorScope scope = new TensorScope()) {
      Tensor wt = scope.track(m(w));
      Tensor xt = scope.track(t(x, 4, w.length));
      Tensor z = scope.track(backend.matmul(xt, false, wt, true));
      Tensor h = scope.track(backend.activate(Activation.TANH, z));
      Tensor d = scope.track(backend.activateDerivative(Activation.SOFTPLUS, z));
      out.add(h.toArray());
      out.add(backend.axpby(0.9, h, 0.1, d).toArray());
      out.add(scope.track(backend.jacobianBatch(JacobianSpec.builder(wt).identity(0.8).scale(0.2)
          .columnScale(d).rows(ranges(0, 10, 20, 40)).build())).toArray());
      out.add(scope.track(backend.matmul(wt, true, wt, false)).toArray());
      out.add(scope.track(backend.jacobianTimes(JacobianSpec.builder(wt).identity(0.8).scale(0.2)
          .columnScale(scope.track(backend.reshape(scope.track(backend.at(d, 0)), w.length)))
          .build(), scope.track(backend.transpose(xt)))).toArray());
      Tensor drive = scope.track(backend.stack(List.of(xt, h, xt)));
      try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(wt, 0.1).x0(xt).h0(h)
          .activation(Activation.TANH).drive(drive, false).build())) {
        out.add(r.x().toArray());
        out.add(r.h().toArray());
      }
      Eigendecomposition eig = backend.eig(scope.track(m(e)), vectors());
      out.add(eig.realParts());
      out.add(eig.imagParts());
      if (eig.hasVectors()) {
        for (int k = 0; k < eig.size(); k++) {
          out.add(eig.vectorReal(k));
          out.add(eig.vectorImag(k));
        }
      }
    }
    return out;
  }

  @Test
  void concurrentUseGivesTheSameBitsAsOneThread() throws Exception {
    Random random = new Random(13);
    double[][] w = randomMatrix(random, 40, 40);
    double[] x = random(random, 4 * 40);
    double[][] e = randomMatrix(random, 30, 30);
    List<double[]> expected = workload(w, x, e);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<List<double[]>>>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<List<List<double[]>>> task = () -> {
          start.await();
          List<List<double[]>> results = new ArrayList<>();
          for (int rep = 0; rep < 3; rep++) {
            results.add(workload(w, x, e));
          }
          return results;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<List<List<double[]>>> f : futures) {
        for (List<double[]> got : f.get(60, TimeUnit.SECONDS)) {
          assertEquals(expected.size(), got.size());
          for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "result " + i + " differs between threads");
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One operation of the per-operation test: computes a result from the shared inputs. */
  private interface Op {
    double[] run(Inputs in);
  }

  /** The operands of one thread (each thread has its own, so that a race mixes results up). */
  private final class Inputs {
    final int n = 48;
    final double[] wData;
    final Tensor w;
    final Tensor x;
    final Tensor rect;
    final Tensor v;
    final Tensor rowScales;
    final Tensor columnScales;
    final Tensor vectors;
    final Tensor drive;
    final Tensor start;
    final Tensor eigenInput;
    final Tensor eigenBatch;
    final IndexRanges rows;
    final IndexRanges columns;

    Inputs(int seed) {
      Random random = new Random(seed);
      wData = random(random, n * n);
      w = t(wData, n, n);
      x = t(random(random, n * n), n, n);
      rect = t(random(random, n * (n + 5)), n, n + 5);
      v = t(random(random, n), n);
      rowScales = t(random(random, 6 * n), 6, n);
      columnScales = t(random(random, 6 * (n + 5)), 6, n + 5);
      vectors = t(random(random, n * 3), n, 3);
      drive = t(random(random, 2 * 5 * n), 2, 5, n);
      start = t(random(random, 2 * n), 2, n);
      eigenInput = m(randomMatrix(random, 24, 24));
      eigenBatch = t(random(random, 3 * 12 * 12), 3, 12, 12);
      rows = ranges(0, 10, 20, 48);
      columns = ranges(3, 9, 30, 53);
    }
  }


  /** Reads a result and closes it. */
  private static double[] read(Tensor t) {
    try (t) {
      return t.toArray();
    }
  }

  private static double[] eigenvalues(List<Eigendecomposition> list) {
    List<double[]> parts = new ArrayList<>();
    for (Eigendecomposition e : list) {
      parts.add(e.realParts());
      parts.add(e.imagParts());
      if (e.hasVectors()) {
        for (int k = 0; k < e.size(); k++) {
          parts.add(e.vectorReal(k));
          parts.add(e.vectorImag(k));
        }
      }
      if (e.hasLeftVectors()) {
        for (int k = 0; k < e.size(); k++) {
          parts.add(e.leftVectorReal(k));
          parts.add(e.leftVectorImag(k));
        }
      }
    }
    return parts.stream().flatMapToDouble(Arrays::stream).toArray();
  }

  private java.util.Map<String, Op> operations() {
    java.util.Map<String, Op> ops = new java.util.LinkedHashMap<>();
    ops.put("fromArray", in -> read(backend.fromArray(in.wData, in.n, in.n)));
    ops.put("zeros", in -> read(backend.zeros(in.n, in.n)));
    ops.put("copyOf", in -> read(backend.copyOf(in.x)));
    ops.put("cast", in -> read(backend.cast(in.x, DType.FLOAT64)));
    ops.put("reshape", in -> read(backend.reshape(in.x, in.n * in.n)));
    ops.put("transpose", in -> read(backend.transpose(in.rect)));
    ops.put("slice", in -> read(backend.slice(in.x, 5, 30)));
    ops.put("at", in -> read(backend.at(in.drive, 1)));
    ops.put("stack", in -> read(backend.stack(List.of(in.x, in.w, in.x))));
    ops.put("concat", in -> read(backend.concat(List.of(in.x, in.w))));
    ops.put("sliceColumns", in -> read(backend.sliceColumns(in.rect, 2, 40)));
    ops.put("concatColumns", in -> read(backend.concatColumns(List.of(in.x, in.rect))));
    ops.put("block", in -> read(backend.block(in.rect, in.rows, in.columns)));
    ops.put("matmul", in -> read(backend.matmul(in.x, false, in.rect, false)));
    ops.put("matmul transposed", in -> read(backend.matmul(in.x, true, in.w, true)));
    ops.put("add", in -> read(backend.add(in.x, in.w)));
    ops.put("sub", in -> read(backend.sub(in.x, in.w)));
    ops.put("mul", in -> read(backend.mul(in.x, in.w)));
    ops.put("scale", in -> read(backend.scale(in.x, -1.7)));
    ops.put("axpby", in -> read(backend.axpby(0.3, in.x, -2.1, in.w)));
    ops.put("addVector", in -> read(backend.addVector(in.x, in.v)));
    ops.put("activate", in -> read(backend.activate(Activation.TANH, in.x)));
    ops.put("activateDerivative",
        in -> read(backend.activateDerivative(Activation.SOFTPLUS, in.x)));
    ops.put("jacobian", in -> {
      try (Tensor c = backend.at(in.columnScales, 2)) {
        return read(backend.jacobian(JacobianSpec.builder(in.rect).identity(0.8).scale(0.2)
            .columnScale(c).rows(in.rows).columns(in.columns).build()));
      }
    });
    ops.put("jacobianBatch", in -> read(backend.jacobianBatch(JacobianSpec.builder(in.rect)
        .identity(0.8).scale(0.2).rowScale(in.rowScales).columnScale(in.columnScales)
        .rows(in.rows).columns(in.columns).build())));
    ops.put("jacobianTimes", in -> read(backend.jacobianTimes(JacobianSpec.builder(in.w)
        .identity(0.8).scale(0.2).columnScale(in.v).build(), in.vectors)));
    ops.put("recurrence", in -> {
      try (RecurrenceStates r = backend.recurrence(RecurrenceSpec.leaky(in.w, 0.1).x0(in.start)
          .h0(in.start).activation(Activation.TANH).drive(in.drive, true).build())) {
        double[] xs = r.x().toArray();
        double[] hs = r.h().toArray();
        double[] both = Arrays.copyOf(xs, xs.length + hs.length);
        System.arraycopy(hs, 0, both, xs.length, hs.length);
        return both;
      }
    });
    ops.put("eig", in -> eigenvalues(List.of(backend.eig(in.eigenInput, vectors()))));
    ops.put("eigBatch", in -> eigenvalues(backend.eigBatch(in.eigenBatch, vectors())));
    if (vectors()) {
      ops.put("eigWithLeftVectors",
          in -> eigenvalues(List.of(backend.eigWithLeftVectors(in.eigenInput))));
      ops.put("eigBatchWithLeftVectors",
          in -> eigenvalues(backend.eigBatchWithLeftVectors(in.eigenBatch)));
    }
    return ops;
  }

  @TestFactory
  List<DynamicTest> eachOperationGivesTheSameBitsUnderEightThreads() {
    // one operation at a time, eight threads calling it at once, each on operands of its own: a
    // race in any single operation (a shared scratch buffer, a cached intermediate) hands one
    // thread another's numbers, even where a mixed workload would rarely run two calls of it at
    // the same moment
    int threads = 8;
    Inputs[] inputs = new Inputs[threads];
    for (int i = 0; i < threads; i++) {
      inputs[i] = new Inputs(17 + i);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (java.util.Map.Entry<String, Op> op : operations().entrySet()) {
      tests.add(DynamicTest.dynamicTest(op.getKey(), () -> {
        double[][] alone = new double[threads][];
        for (int i = 0; i < threads; i++) {
          alone[i] = op.getValue().run(inputs[i]);
        }
        // every thread keeps calling for a while, so that the calls overlap however the
        // threads are scheduled (a few quick calls each could all finish one after the other)
        long busyNanos = TimeUnit.MILLISECONDS.toNanos(60);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          CountDownLatch start = new CountDownLatch(1);
          List<Future<double[]>> futures = new ArrayList<>();
          for (int i = 0; i < threads; i++) {
            Inputs in = inputs[i];
            double[] expected = alone[i];
            futures.add(pool.submit(() -> {
              start.await();
              double[] differing = null;
              long begin = System.nanoTime();
              for (int c = 0; differing == null && c < 5000
                  && (c < 5 || System.nanoTime() - begin < busyNanos); c++) {
                double[] got = op.getValue().run(in);
                if (!Arrays.equals(expected, got)) {
                  differing = got;
                }
              }
              return differing;
            }));
          }
          start.countDown();
          for (int i = 0; i < threads; i++) {
            double[] expected = alone[i];
            double[] got = futures.get(i).get(120, TimeUnit.SECONDS);
            if (got != null) {
              int k = 0;
              while (k < Math.min(got.length, expected.length) && Double.compare(got[k],
                  expected[k]) == 0) {
                k++;
              }
              fail(op.getKey() + " called from " + threads + " threads at once gave other bits"
                  + " than one thread: " + (got.length != expected.length ? got.length
                  + " values instead of " + expected.length : "entry " + k + " is " + got[k]
                  + ", alone " + expected[k]) + " (thread " + i + "; a data race in the backend?)");
            }
          }
        } finally {
          pool.shutdownNow();
        }
      }));
    }
    return tests;
  }
}
