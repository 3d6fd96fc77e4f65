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
 * Part of the backend contract ({@link BackendContractTest} runs every part): closing. A closed
 * tensor is refused by every operation and by {@code toArray}; closing is idempotent; a scope
 * closes what it tracks; a closed backend refuses every operation, and the tensors it made are
 * closed with it.
 */
public abstract class LifecycleContract extends ContractSupport {
  @Test
  void closedTensorsAreRejected() {
    Tensor a = t(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor b = t(new double[] {1, 2, 3, 4}, 2, 2);
    assertFalse(a.isClosed());
    a.close();
    assertTrue(a.isClosed());
    a.close(); // idempotent
    assertRejects(IllegalStateException.class, a::toArray, "closed");
    assertRejects(IllegalStateException.class, () -> backend.add(a, b), "closed");
    assertRejects(IllegalStateException.class, () -> backend.add(b, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.matmul(b, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.activate(Activation.TANH, a), "closed");
    assertRejects(IllegalStateException.class, () -> backend.eig(a, false), "closed");
    assertRejects(IllegalStateException.class,
        () -> backend.jacobian(JacobianSpec.builder(a).build()), "closed");
    assertRejects(IllegalStateException.class, () -> backend.stack(List.of(b, a)), "closed");
    assertThrows(IllegalStateException.class, () -> backend.copyOf(a));
    // b is unaffected
    assertArrayEquals(new double[] {1, 2, 3, 4}, b.toArray());
    b.close();
  }

  @Test
  void scopesCloseTheirTensors() {
    Tensor kept;
    Tensor temporary;
    try (TensorScope scope = new TensorScope()) {
      temporary = scope.track(t(new double[] {1, 2}, 2));
      kept = scope.keep(scope.track(backend.scale(temporary, 2)));
    }
    assertTrue(temporary.isClosed());
    assertFalse(kept.isClosed());
    assertArrayEquals(new double[] {2, 4}, kept.toArray());
  }

  @Test
  void aClosedBackendRefusesEveryOperationAndItsTensorsAreClosed() {
    Backend other = createBackend();
    assertNotSame(backend, other, "createBackend() must return a new instance");
    Tensor a = other.fromArray(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor v = other.fromArray(new double[] {1, 2}, 2);
    double[] kept = a.toArray();
    assertFalse(a.isClosed());
    other.close();
    other.close(); // idempotent
    assertTrue(a.isClosed(), "a tensor of a closed backend reports isClosed()");
    assertRejects(IllegalStateException.class, a::toArray, "closed");
    assertRejects(IllegalStateException.class, () -> other.fromArray(new double[] {1}, 1),
        other.name(), "closed");
    assertRejects(IllegalStateException.class, () -> other.zeros(2), "closed");
    assertRejects(IllegalStateException.class, () -> other.add(a, a), "closed");
    assertRejects(IllegalStateException.class, () -> other.matmul(a, a), "closed");
    assertRejects(IllegalStateException.class, () -> other.addVector(a, v), "closed");
    assertRejects(IllegalStateException.class, () -> other.activate(Activation.TANH, a),
        "closed");
    assertRejects(IllegalStateException.class,
        () -> other.jacobian(JacobianSpec.builder(a).build()), "closed");
    assertRejects(IllegalStateException.class, () -> other.eig(a, false), "closed");
    // what was copied out before stays; closing the tensor now is harmless
    assertArrayEquals(new double[] {1, 2, 3, 4}, kept);
    a.close();
    v.close();
    // and the backend under test is untouched
    assertArrayEquals(new double[] {2, 4}, backend.scale(t(new double[] {1, 2}, 2), 2).toArray());
  }

  @Test
  void copyOfMovesATensorOffABackendBeforeItCloses() {
    Backend other = createBackend();
    Tensor theirs = other.fromArray(new double[] {5, 6}, 2);
    Tensor mine = backend.copyOf(theirs);
    other.close();
    assertFalse(mine.isClosed());
    assertArrayEquals(new double[] {5, 6}, mine.toArray());
    assertRejects(IllegalStateException.class, () -> backend.copyOf(theirs), "closed");
  }
}
