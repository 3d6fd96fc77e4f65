package org.mrnn4j.backend.nd4j;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.openblas.global.openblas;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Provides the {@link Nd4jBackend} to {@link org.mrnn4j.core.Backends}: name {@value #NAME}, rank
 * {@value #RANK} (above EJML's 100, so it is the default wherever its native libraries load).
 *
 * <p>{@link #probe()} starts ND4J once per JVM and remembers the answer. The first start unpacks
 * ND4J's and OpenBLAS's native libraries into JavaCPP's cache ({@code ~/.javacpp/cache}, about 400
 * MB) and takes a few seconds; later starts take well under one. When the libraries cannot load
 * (an unsupported platform, a missing native jar) the probe answers unavailable, naming the step
 * and the error, and nothing escapes.
 *
 * <p>Threads: the first probe sets ND4J's own kernels (elementwise ops, broadcasts) to one thread
 * unless the environment variable {@code OMP_NUM_THREADS} is set: at the sizes of an RNN they
 * cost microseconds and are memory-bound, and idle OpenMP threads spin-wait, which on a busy
 * machine made them ten times slower. OpenBLAS runs one thread per caller too, unless
 * {@code OPENBLAS_NUM_THREADS} is set or the backend option {@value #THREADS} asks for more: the
 * library parallelises across independent problems (a batch's eigendecompositions run on the
 * common fork-join pool), so that however many threads call the backend the cores are never
 * oversubscribed; a shared OpenBLAS pool spin-waits under concurrent callers. Both counts are
 * process-wide.
 *
 * <p>Logging: ND4J logs through SLF4J; this module adds no binding. Unless the system property
 * {@value #LOG_INITIALIZATION} is already set, the probe sets it to {@code false}, which silences
 * the banner ND4J logs at INFO when it starts (backend, threads, BLAS vendor, build); set it to
 * {@code true} before the first probe to see that banner.
 */
public final class Nd4jBackendProvider implements BackendProvider {
  /** The backend's name. */
  public static final String NAME = "nd4j";
  /** The rank: above EJML (100), below CUDA (300). */
  public static final int RANK = 200;
  /**
   * The backend option naming the number of threads of OpenBLAS's matrix products (an integer
   * of at least 1). It is process-wide: OpenBLAS has one thread pool, so the last backend
   * created with the option sets it for every ND4J backend and ND4J user in the JVM. Unset, it is
   * {@code OPENBLAS_NUM_THREADS} if set, else 1 (see the class description). More than one pays
   * only for large matrix products made from a single thread.
   */
  public static final String THREADS = "threads";
  /**
   * The backend option naming how many mebibytes of freed large buffers the backend keeps for
   * reuse (a non-negative integer; default {@value Nd4jBackend#DEFAULT_POOL_MIB}; 0 turns the pool
   * off). See {@link Nd4jBackend}.
   */
  public static final String POOL_MIB = "poolMiB";
  /** ND4J's system property that turns its INFO start-up banner on or off. */
  public static final String LOG_INITIALIZATION = "org.nd4j.log.initialization";

  /** A check that native code works; returns a description of what was found. */
  interface NativeCheck {
    String run(String[] step) throws Throwable;
  }

  /** The answer of the real check: natives load once per JVM, so every instance shares it. */
  private static final AtomicReference<Availability> NATIVES = new AtomicReference<>();

  private final NativeCheck check;
  private final AtomicReference<Availability> answer;

  /** The provider that {@link java.util.ServiceLoader} creates; does no work until probed. */
  public Nd4jBackendProvider() {
    this(Nd4jBackendProvider::startNatives, NATIVES);
  }

  /** A provider with a different native check and its own cached answer, for tests. */
  Nd4jBackendProvider(NativeCheck check) {
    this(check, new AtomicReference<>());
  }

  private Nd4jBackendProvider(NativeCheck check, AtomicReference<Availability> answer) {
    this.check = check;
    this.answer = answer;
  }

  /** Native libraries: passed over for small networks by the size-aware default. */
  @Override
  public boolean loadsNativeCode() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int rank() {
    return RANK;
  }

  @Override
  public String description() {
    return "native CPU backend on ND4J (OpenBLAS matrix products, LAPACK eigendecomposition)";
  }

  /**
   * Starts ND4J and OpenBLAS (once; the answer is cached) and checks a matrix product and a LAPACK
   * call.
   */
  @Override
  public Availability probe() {
    Availability a = answer.get();
    if (a == null) {
      synchronized (answer) {
        a = answer.get();
        if (a == null) {
          a = runCheck();
          answer.set(a);
        }
      }
    }
    return a;
  }

  private Availability runCheck() {
    String[] step = {"starting ND4J"};
    try {
      return Availability.available(check.run(step));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return Availability.unavailable(failure(step[0], t));
    }
  }

  /**
   * OpenBLAS's kernels for one CPU core can be wrong where those for another are right (0.3.19's
   * SkylakeX DTRMM was): forcing the AVX2 kernels, which every x86-64 CPU of the last decade
   * runs, is the first thing to try.
   */
  @Override
  public String selfTestRemedy() {
    return "Try OpenBLAS's AVX2 kernels: set " + OpenBlasRuntime.CORETYPE + "=Haswell in the "
        + "environment before starting Java";
  }

  /**
   * Creates the backend.
   *
   * @throws BackendUnavailableException if the native libraries cannot load, with the reason
   */
  @Override
  public Backend create(BackendOptions options) {
    int threads = options.getInt(THREADS, 0);
    if (options.get(THREADS).isPresent() && threads < 1) {
      throw new IllegalArgumentException(
          "backend option '" + THREADS + "' must be at least 1, got " + threads);
    }
    int poolMiB = options.getInt(POOL_MIB, Nd4jBackend.DEFAULT_POOL_MIB);
    if (poolMiB < 0) {
      throw new IllegalArgumentException(
          "backend option '" + POOL_MIB + "' must be at least 0, got " + poolMiB);
    }
    Nd4jBackend backend = new Nd4jBackend(poolMiB);
    if (threads > 0) {
      NativeBlas.setThreads(threads);
    }
    return backend;
  }

  /** Throws unless the shared probe answers available; used by the backend's constructor. */
  static void requireAvailable() {
    Availability a = new Nd4jBackendProvider().probe();
    if (!a.available()) {
      throw new BackendUnavailableException(NAME, a.reason());
    }
  }

  // ------------------------------------------------------------------ the real check

  private static String startNatives(String[] step) {
    Slf4jDefault.quietWhenUnbound(); // before ND4J's first logger
    if (System.getProperty(LOG_INITIALIZATION) == null) {
      System.setProperty(LOG_INITIALIZATION, "false");
    }
    step[0] = "checking " + OpenBlasRuntime.CORETYPE;
    java.util.Optional<String> unrunnable =
        OpenBlasRuntime.unrunnableForcedCore(System::getenv, OpenBlasRuntime.cpuFlags());
    if (unrunnable.isPresent()) {
      throw new IllegalStateException(unrunnable.get());
    }
    NativeMemory.setDefaultLimit();
    step[0] = "loading OpenBLAS (org.bytedeco:openblas for " + platform() + ")";
    // before ND4J, so that ND4J and both OpenBLAS presets share one library (see OpenBlasRuntime)
    OpenBlasRuntime.loadOnce();
    step[0] = "loading ND4J's native CPU backend (nd4j-native for " + platform() + ")";
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    step[0] = "running a matrix product in ND4J";
    double[] got;
    // outside any workspace the calling thread may have open, like every operation of the backend
    MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    try {
      INDArray m = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 2}, 'c');
      INDArray p = Nd4j.gemm(m, m, false, false);
      got = p.dup('c').data().asDouble();
    } finally {
      none.close();
    }
    if (got.length != 4 || got[0] != 7 || got[1] != 10 || got[2] != 15 || got[3] != 22) {
      throw new IllegalStateException(
          "[[1, 2], [3, 4]] squared gave " + java.util.Arrays.toString(got));
    }
    step[0] = "calling LAPACKE_dgeev in OpenBLAS (org.bytedeco:openblas for " + platform() + ")";
    double[] wr = new double[1];
    int info = openblas.LAPACKE_dgeev(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'N', 1,
        new double[] {2.0}, 1, wr, new double[1], new double[1], 1, new double[1], 1);
    if (info != 0 || wr[0] != 2.0) {
      throw new IllegalStateException("the eigenvalue of [[2]] came back as " + wr[0]
          + " (info " + info + ")");
    }
    step[0] = "setting ND4J's thread count";
    if (System.getenv("OMP_NUM_THREADS") == null) {
      // ND4J's own (OpenMP) kernels: elementwise ops, broadcasts, copies. At the sizes of an RNN
      // they are memory-bound and cost microseconds, and extra OpenMP threads only spin-wait: on a
      // busy 2-core machine the default (one per core) made them ten times slower. Matrix
      // products keep OpenBLAS's threads. OMP_NUM_THREADS, when set, is left to rule. (In ND4J
      // 1.0.0-M2.1 maxThreads() still reads 2 after setMaxThreads(1); the master-thread count is
      // the setting that takes, and the detail below reports both.)
      Nd4j.getEnvironment().setMaxMasterThreads(1);
      Nd4j.getEnvironment().setMaxThreads(1);
    }
    // ND4J's BLAS wrapper, made on first use, sets OpenBLAS to one thread per core: make it now,
    // then apply the library's default, so that neither the detail below nor the first backend
    // sees the wrapper's count
    Nd4j.factory().blas();
    NativeBlas.applyDefaultThreads();
    String version = nd4jVersion();
    return "ND4J " + (version == null ? "" : version + " ") + backend + " on " + platform()
        + "; " + OpenBlasRuntime.describe(System::getenv) + ", " + NativeBlas.threads()
        + " thread(s) per caller; ND4J ops with " + Nd4j.getEnvironment().maxMasterThreads() + " master of "
        + Nd4j.getEnvironment().maxThreads() + " threads; " + NativeMemory.describe();
  }

  /** ND4J's version from its jar's Maven metadata, or null. */
  private static String nd4jVersion() {
    try (java.io.InputStream in = Nd4j.class.getResourceAsStream(
        "/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      if (in == null) {
        return null;
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** JavaCPP's name of the platform whose natives are loaded, e.g. {@code linux-x86_64}. */
  private static String platform() {
    try {
      return org.bytedeco.javacpp.Loader.getPlatform();
    } catch (LinkageError e) { // JavaCPP itself is missing
      return System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "-"
          + System.getProperty("os.arch", "?");
    }
  }

  /**
   * The reason for an unavailable answer: the step that failed, the error, and its root cause
   * (ND4J wraps a missing library in several layers).
   */
  static String failure(String step, Throwable t) {
    StringBuilder sb = new StringBuilder(step).append(" failed: ").append(describe(t));
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      sb.append("; caused by ").append(describe(root));
    }
    return sb.toString();
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    String kind = t.getClass().getName();
    return msg == null || msg.isBlank() ? kind : kind + ": " + msg;
  }
}
