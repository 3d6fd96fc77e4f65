package org.mrnn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

class BackendSelectorTest {

  /** A provider whose probe and creation behave as told, counting probes. */
  static class FakeProvider implements BackendProvider {
    final String name;
    final int rank;
    final Object probeAnswer; // Availability, or a Throwable to throw
    final AtomicInteger probes = new AtomicInteger();
    RuntimeException createFailure;
    boolean nativeCode;

    FakeProvider(String name, int rank, Object probeAnswer) {
      this.name = name;
      this.rank = rank;
      this.probeAnswer = probeAnswer;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int rank() {
      return rank;
    }

    @Override
    public String description() {
      return "fake " + name;
    }

    @Override
    public boolean loadsNativeCode() {
      return nativeCode;
    }

    @Override
    public Availability probe() {
      probes.incrementAndGet();
      if (probeAnswer instanceof Error e) {
        throw e;
      }
      if (probeAnswer instanceof RuntimeException e) {
        throw e;
      }
      return (Availability) probeAnswer;
    }

    @Override
    public Backend create(BackendOptions options) {
      if (createFailure != null) {
        throw createFailure;
      }
      return new NamedBackend(name, options);
    }
  }

  /** A backend that only knows its name; selection never computes. */
  static final class NamedBackend extends AbstractBackend {
    final BackendOptions options;

    NamedBackend(String name, BackendOptions options) {
      super(name, java.util.Set.of());
      this.options = options;
    }

    @Override
    protected Tensor doFromArray(double[] data, DType dtype, int[] shape) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doTranspose(Tensor a) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doConcatColumns(List<Tensor> parts) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doBlock(Tensor a, IndexRanges rows, IndexRanges columns) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doMatmul(Tensor a, boolean ta, Tensor b, boolean tb) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doAxpby(double alpha, Tensor a, double beta, Tensor b) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doMul(Tensor a, Tensor b) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doScale(Tensor a, double s) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doAddVector(Tensor a, Tensor v) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doActivate(Activation f, Tensor x, boolean derivative) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Tensor doJacobian(JacobianSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Eigendecomposition doEig(Tensor a, boolean vectors) {
      throw new UnsupportedOperationException();
    }
  }

  private final Map<String, String> props = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();

  private BackendSelector selector(BackendProvider... providers) {
    // these backends do not compute: the self-test is tested on its own below
    return new BackendSelector(List.of(providers), props::get, env::get, b -> Optional.empty());
  }

  private final FakeProvider cpu = new FakeProvider("cpu", 100, Availability.available("ok"));
  private final FakeProvider fast = new FakeProvider("fast", 200, Availability.available("ok"));
  private final FakeProvider gpu =
      new FakeProvider("gpu", 300, Availability.unavailable("no CUDA driver"));

  @Test
  void aSmallNetworkGetsTheBestPureJavaBackendAndNoNativeOneIsProbed() {
    fast.nativeCode = true;
    try (Backend b = selector(cpu, fast).select(null, BackendOptions.none(),
        BackendSelector.NATIVE_FROM - 1)) {
      assertEquals("cpu", b.name());
    }
    assertEquals(0, fast.probes.get(), "the native backend was probed (its libraries loaded)");
    try (Backend b = selector(cpu, fast).select(null, BackendOptions.none(),
        BackendSelector.NATIVE_FROM)) {
      assertEquals("fast", b.name());
    }
    try (Backend b = selector(cpu, fast).select(null, BackendOptions.none(), -1)) {
      assertEquals("fast", b.name(), "an unknown size gives the usual default");
    }
  }

  @Test
  void aSmallNetworkStillGetsTheBackendAskedForOrANativeOneWhenNothingElseRuns() {
    fast.nativeCode = true;
    try (Backend b = selector(cpu, fast).select("fast", BackendOptions.none(), 30)) {
      assertEquals("fast", b.name());
    }
    props.put(BackendSelector.PROPERTY, "fast");
    try (Backend b = selector(cpu, fast).select(null, BackendOptions.none(), 30)) {
      assertEquals("fast", b.name(), "the property names the backend");
    }
    props.clear();
    FakeProvider broken = new FakeProvider("broken", 100, Availability.unavailable("no"));
    try (Backend b = selector(broken, fast).select(null, BackendOptions.none(), 30)) {
      assertEquals("fast", b.name());
    }
  }

  @Test
  void defaultIsTheHighestRankedAvailable() {
    try (Backend b = selector(cpu, gpu, fast).select(null, BackendOptions.none())) {
      assertEquals("fast", b.name());
    }
  }

  @Test
  void explicitNameWinsOverPropertyAndEnvironment() {
    props.put(BackendSelector.PROPERTY, "fast");
    env.put(BackendSelector.ENVIRONMENT, "fast");
    try (Backend b = selector(cpu, fast).select("CPU", BackendOptions.none())) {
      assertEquals("cpu", b.name());
    }
  }

  @Test
  void propertyWinsOverEnvironment() {
    props.put(BackendSelector.PROPERTY, "cpu");
    env.put(BackendSelector.ENVIRONMENT, "fast");
    try (Backend b = selector(cpu, fast).select(" ", BackendOptions.none())) {
      assertEquals("cpu", b.name());
    }
  }

  @Test
  void environmentIsUsedWhenNothingElseIsSet() {
    env.put(BackendSelector.ENVIRONMENT, "cpu");
    try (Backend b = selector(cpu, fast).select(null, BackendOptions.none())) {
      assertEquals("cpu", b.name());
    }
  }

  @Test
  void unavailableBackendAskedByNameFailsWithItsReason() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> selector(cpu, gpu).select("gpu", BackendOptions.none()));
    assertEquals("gpu", e.backendName());
    assertEquals("no CUDA driver", e.reason());
    assertEquals("backend 'gpu' is unavailable: no CUDA driver", e.getMessage());
  }

  @Test
  void unknownNameListsWhatWasFound() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> selector(cpu, gpu).select("tpu", BackendOptions.none()));
    assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    assertTrue(e.getMessage().contains("cpu (available)"), e.getMessage());
    assertTrue(e.getMessage().contains("gpu (unavailable: no CUDA driver)"), e.getMessage());
  }

  @Test
  void linkageErrorsInAProbeBecomeAReasonAndNeverEscape() {
    FakeProvider broken = new FakeProvider("native", 500,
        new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"));
    FakeProvider noClass = new FakeProvider("noclass", 400,
        new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver"));
    BackendSelector s = selector(cpu, broken, noClass);
    List<BackendInfo> infos = s.list();
    assertEquals(List.of("native", "noclass", "cpu"), infos.stream().map(BackendInfo::name).toList());
    assertFalse(infos.get(0).available());
    assertEquals("UnsatisfiedLinkError: libcuda.so.1: cannot open shared object file",
        infos.get(0).detail());
    assertFalse(infos.get(1).available());
    try (Backend b = s.select(null, BackendOptions.none())) {
      assertEquals("cpu", b.name(), "falls back to the available backend");
    }
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> s.select("native", BackendOptions.none()));
    assertTrue(e.getMessage().contains("libcuda.so.1"), e.getMessage());
  }

  @Test
  void eachProviderIsProbedOnce() {
    BackendSelector s = selector(cpu, gpu);
    s.list();
    s.list();
    s.select(null, BackendOptions.none()).close();
    assertEquals(1, cpu.probes.get());
    assertEquals(1, gpu.probes.get());
  }

  @Test
  void creationFailureIsReportedAsUnavailable() {
    cpu.createFailure = new IllegalStateException("out of device memory");
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> selector(cpu).select("cpu", BackendOptions.none()));
    assertEquals("backend 'cpu' is unavailable: it failed to start: "
        + "IllegalStateException: out of device memory", e.getMessage());
  }

  @Test
  void aBackendFailingItsSelfTestIsUnavailableWithTheReasonAndSelectionFallsBack() {
    FakeProvider wrong = new FakeProvider("wrong", 200,
        Availability.available("WrongBLAS 0.1, core Fast")) {
      @Override
      public String selfTestRemedy() {
        return "set WRONGBLAS_CORE=Slow";
      }
    };
    BackendSelector s = new BackendSelector(List.of(wrong, cpu), props::get, env::get,
        b -> b.name().equals("wrong")
            ? Optional.of("eig of a 192 x 192 matrix: eigenvalue 17 came out as 3e13")
            : Optional.empty());
    BackendInfo info = s.list().get(0);
    assertEquals("wrong", info.name());
    assertFalse(info.available());
    assertEquals("it failed its known-answer self-test, so its results cannot be trusted here: "
        + "eig of a 192 x 192 matrix: eigenvalue 17 came out as 3e13. It ran WrongBLAS 0.1, core "
        + "Fast. set WRONGBLAS_CORE=Slow; or select another backend (-Dmrnn4j.backend=NAME or "
        + "MRNN4J_BACKEND=NAME)", info.detail());
    try (Backend b = s.select(null, BackendOptions.none())) {
      assertEquals("cpu", b.name(), "the next backend that passes");
    }
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> s.select("wrong", BackendOptions.none()));
    assertTrue(e.getMessage().startsWith("backend 'wrong' is unavailable: it failed its "
        + "known-answer self-test"), e.getMessage());
    assertEquals(1, wrong.probes.get(), "probed and self-tested once");
  }

  @Test
  void aSelfTestThatThrowsOrABackendThatCannotStartIsUnavailable() {
    BackendSelector s = new BackendSelector(List.of(cpu), props::get, env::get, b -> {
      throw new IllegalStateException("kernel launch failed");
    });
    assertTrue(s.list().get(0).detail().startsWith("it failed its known-answer self-test, so its "
        + "results cannot be trusted here: its operations threw IllegalStateException: kernel "
        + "launch failed. It ran ok."), s.list().get(0).detail());
    FakeProvider noProvider = new FakeProvider("none", 100, Availability.available("ok")) {
      @Override
      public Backend create(BackendOptions options) {
        return null;
      }
    };
    BackendInfo info = selector(noProvider).list().get(0);
    assertFalse(info.available());
    assertEquals("its provider created nothing", info.detail());
  }

  @Test
  void noAvailableBackendSaysWhy() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> selector(gpu).select(null, BackendOptions.none()));
    assertTrue(e.getMessage().contains("gpu (unavailable: no CUDA driver)"), e.getMessage());
    e = assertThrows(BackendUnavailableException.class,
        () -> selector().select(null, BackendOptions.none()));
    assertTrue(e.getMessage().contains("no backend is on the class path"), e.getMessage());
  }

  @Test
  void optionsReachTheProvider() {
    BackendOptions options = BackendOptions.of(Map.of("device", "1"));
    try (Backend b = selector(cpu).select("cpu", options)) {
      assertSame(options, ((NamedBackend) b).options);
      assertEquals(1, options.getInt("device", 0));
      assertEquals(7, options.getInt("threads", 7));
    }
    assertThrows(IllegalArgumentException.class,
        () -> BackendOptions.of(Map.of("device", "x")).getInt("device", 0));
  }

  @Test
  void serviceLoaderWithNoProvidersFindsNone() {
    // core alone registers no provider
    assertTrue(BackendSelector.fromServiceLoader(getClass().getClassLoader()).list().isEmpty());
  }
}
