package org.mrnn4j.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.mrnn4j.analysis.Linearization;
import org.mrnn4j.analysis.LinearizationResult;
import org.mrnn4j.analysis.OperatingPoint;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.models.LeakyMRNN;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The eigendecomposition of one state Jacobian of the {@link BenchmarkNetwork} (formed once, in
 * setup) with eigenvalues only, with right eigenvectors, and with right and left eigenvectors:
 * the backend's own {@link Backend#eigWithLeftVectors} (nd4j: one LAPACK {@code dgeevx} call
 * with both sets) beside the interface's host default ({@code V^-1} on the heap, or a second
 * decomposition of {@code J^T} where {@code V} is nearly singular), called on the same backend
 * through a proxy that runs {@code Backend}'s default methods for the two left-vector calls.
 *
 * <p>Mode participation and eigenvalue sensitivity need both sets of vectors; the target
 * is that analysis with them cost at most 1.5 times the eigenvalues alone at n = 512.
 */
@State(Scope.Benchmark)
public class LeftEigenvectorBenchmark extends BackendBenchmark {

  /** The number of recurrent units. */
  @Param({"512"})
  public int n;

  private Tensor jacobian;
  private Backend hostDefault;

  /** Opens the backend, builds the network and forms its Jacobian at the operating point. */
  @Setup(Level.Trial)
  public void setUp() {
    LeakyMRNN model = network(n);
    OperatingPoint point = OperatingPoint.of(BenchmarkNetwork.operatingPoint(n),
        new double[BenchmarkNetwork.INPUTS]);
    try (LinearizationResult r = Linearization.of(model).at(point)) {
      jacobian = own(compute.copyOf(r.jacobian()));
    }
    hostDefault = withHostDefault(compute);
  }

  /**
   * {@code backend} with {@link Backend#eigWithLeftVectors} and {@link
   * Backend#eigBatchWithLeftVectors} replaced by the interface's default implementations (which
   * call back into {@code backend} for {@code eig} and {@code transpose}); every other call goes
   * to {@code backend} unchanged.
   *
   * @param backend the backend
   * @return the proxy
   */
  static Backend withHostDefault(Backend backend) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault() && method.getName().endsWith("WithLeftVectors")) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      try {
        return method.invoke(backend, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, handler);
  }

  /**
   * Eigenvalues only.
   *
   * @return the decomposition
   */
  @Benchmark
  public Eigendecomposition eigenvalues() {
    return compute.eig(jacobian, false);
  }

  /**
   * Eigenvalues and right eigenvectors.
   *
   * @return the decomposition
   */
  @Benchmark
  public Eigendecomposition rightVectors() {
    return compute.eig(jacobian, true);
  }

  /**
   * Eigenvalues, right and left eigenvectors, as the backend computes them.
   *
   * @return the decomposition
   */
  @Benchmark
  public Eigendecomposition leftVectors() {
    return compute.eigWithLeftVectors(jacobian);
  }

  /**
   * Eigenvalues, right and left eigenvectors, by the interface's host default.
   *
   * @return the decomposition
   */
  @Benchmark
  public Eigendecomposition leftVectorsHostDefault() {
    return hostDefault.eigWithLeftVectors(jacobian);
  }
}
