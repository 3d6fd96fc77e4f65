package org.mrnn4j.backend.cuda;

import java.util.Locale;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.BackendInfo;
import org.mrnn4j.core.BackendSelector;
import org.mrnn4j.core.BackendUnavailableException;
import org.mrnn4j.core.Backends;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Finds and creates the {@link CudaBackend}: name {@code cuda}, rank 300 (above the CPU backends)
 * when a CUDA device is present.
 *
 * <p>{@link #probe()} is answered once per JVM and never throws: it says "no CUDA driver
 * (libcuda.so.1 not found)", "no CUDA device", "library libnvrtc.so.12 missing" and so on. Merely
 * having this module on the class path costs nothing until something probes it.
 *
 * <p>Options for {@link #create}: {@code device} (CUDA device ordinal, default 0) and {@code host}
 * (name of the CPU backend that computes eigendecompositions, default the highest-ranked
 * available one other than {@code cuda}).
 */
public final class CudaBackendProvider implements BackendProvider {
  /** The backend's name. */
  public static final String NAME = "cuda";
  /** This backend's rank: above EJML (100) and ND4J (200). */
  public static final int RANK = 300;
  /** Option naming the CUDA device ordinal. */
  public static final String DEVICE_OPTION = "device";
  /** Option naming the host backend for the eigendecomposition. */
  public static final String HOST_OPTION = "host";

  /** Does no work; see {@link #probe()}. */
  public CudaBackendProvider() {}

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
    return "NVIDIA GPU (JCuda 12.6): cuBLAS, NVRTC-compiled kernels, eigen on the host CPU";
  }

  @Override
  public Availability probe() {
    try {
      return CudaSupport.probe();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) { // e.g. NoClassDefFoundError when JCuda is missing from the class path
      return Availability.unavailable(
          "CUDA support could not be loaded: " + CudaSupport.describe(t));
    }
  }

  /**
   * Creates the backend.
   *
   * @throws BackendUnavailableException naming the reason when CUDA is not available here
   */
  @Override
  public Backend create(BackendOptions options) {
    BackendOptions opts = options == null ? BackendOptions.none() : options;
    Availability a = probe();
    if (!a.available()) {
      throw new BackendUnavailableException(name(), a.reason());
    }
    int device = opts.getInt(DEVICE_OPTION, 0);
    Backend host = hostBackend(opts.get(HOST_OPTION).orElse(null), opts);
    try {
      return CudaBackend.start(device, host);
    } catch (RuntimeException | Error e) {
      host.close();
      throw e;
    }
  }

  /**
   * The CPU backend for the eigendecomposition: the one named, else the highest-ranked available
   * backend that is not this one, found through the service loader (no CPU backend is a
   * compile-time dependency of this module).
   */
  static Backend hostBackend(String requested, BackendOptions options) {
    BackendSelector selector = Backends.selector();
    if (requested != null && !requested.isBlank()) {
      String n = requested.trim().toLowerCase(Locale.ROOT);
      if (n.equals("cuda")) {
        throw new IllegalArgumentException(
            "backend option 'host' must name a CPU backend, not cuda itself");
      }
      return checkCpu(selector.select(n, options));
    }
    for (BackendInfo info : selector.list()) {
      if (info.available() && !info.name().equals("cuda")) {
        Backend b = selector.select(info.name(), options);
        if (!b.supports(Capability.GPU)) {
          return b;
        }
        b.close();
      }
    }
    throw new BackendUnavailableException("cuda", "no CPU backend is available for the "
        + "eigendecomposition (put mrnn4j-backend-ejml on the class path); found: "
        + selector.list());
  }

  private static Backend checkCpu(Backend b) {
    if (b.supports(Capability.GPU)) {
      b.close();
      throw new IllegalArgumentException(
          "backend option 'host' must name a CPU backend; " + b.name() + " is a GPU backend");
    }
    return b;
  }
}
