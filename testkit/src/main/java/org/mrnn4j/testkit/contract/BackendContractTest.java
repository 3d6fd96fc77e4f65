package org.mrnn4j.testkit.contract;

import org.junit.jupiter.api.Nested;
import org.mrnn4j.core.Backend;

/**
 * The behaviour every {@link Backend} must have: the one entry point of the contract suite. A
 * backend module runs all of it by extending this class:
 *
 * <pre>{@code
 * class MyContractTest extends BackendContractTest {
 *   @Override
 *   protected Backend createBackend() {
 *     return new MyBackend();
 *   }
 * }
 * }</pre>
 *
 * The suite is split by kind of operation, one nested part each ({@link CreationContract},
 * {@link ShapeContract}, {@link ArithmeticContract}, {@link JacobianContract},
 * {@link EigenContract}, {@link RecurrenceContract}, {@link LifecycleContract},
 * {@link ConcurrencyContract}); each part creates its own backend once and closes it after its
 * tests. Expected values come from hand derivations, from the scalar definitions in
 * {@link org.mrnn4j.core.Activation}, from naive loops written here, and, for eigenpairs, from
 * residuals ({@link EigenChecks}); never from a backend. Float32 tests run only where the backend
 * reports {@link org.mrnn4j.core.Capability#FLOAT32}, eigenvector tests only where it reports
 * {@link org.mrnn4j.core.Capability#EIGENVECTORS}.
 */
public abstract class BackendContractTest {

  /** {@return a new instance of the backend under test} Each call must return a new instance. */
  protected abstract Backend createBackend();

  /** Creation and transfer. */
  @Nested
  class Creation extends CreationContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** Shape operations. */
  @Nested
  class Shapes extends ShapeContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** Products, elementwise arithmetic, activations. */
  @Nested
  class Arithmetic extends ArithmeticContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** The Jacobian kernel. */
  @Nested
  class Jacobians extends JacobianContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** The eigendecomposition. */
  @Nested
  class Eigen extends EigenContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** The recurrence kernel. */
  @Nested
  class Recurrence extends RecurrenceContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** Closing tensors and the backend. */
  @Nested
  class Lifecycle extends LifecycleContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }

  /** Scopes and many threads. */
  @Nested
  class Concurrency extends ConcurrencyContract {
    @Override
    protected Backend createBackend() {
      return BackendContractTest.this.createBackend();
    }
  }
}
