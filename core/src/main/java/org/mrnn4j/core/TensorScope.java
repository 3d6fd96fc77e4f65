package org.mrnn4j.core;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Frees temporary tensors together, like DJL's {@code NDManager}:
 *
 * <pre>{@code
 * try (TensorScope scope = new TensorScope()) {
 *   Tensor h = scope.track(backend.activate(Activation.TANH, x));
 *   Tensor y = scope.track(backend.matmul(h, false, w, true));
 *   return scope.keep(backend.add(y, b));   // survives the scope
 * }
 * }</pre>
 *
 * <p>Closing the scope closes every tracked tensor that was not {@link #keep kept}, newest first.
 * A scope is meant for one thread; it is not thread-safe.
 */
public final class TensorScope implements AutoCloseable {
  private final Deque<Tensor> tracked = new ArrayDeque<>();
  private boolean closed;

  /**
   * Tracks {@code tensor} so that it is closed with this scope.
   *
   * @param <T> the tensor's type
   * @param tensor the tensor
   * @return {@code tensor}, for chaining
   */
  public <T extends Tensor> T track(T tensor) {
    if (closed) {
      throw new IllegalStateException("this TensorScope is closed");
    }
    tracked.push(tensor);
    return tensor;
  }

  /**
   * Stops tracking {@code tensor}, so it outlives the scope. The caller now owns it.
   *
   * @param <T> the tensor's type
   * @param tensor the tensor
   * @return {@code tensor}, for chaining
   */
  public <T extends Tensor> T keep(T tensor) {
    tracked.removeIf(t -> t == tensor);
    return tensor;
  }

  /** {@return the number of tensors currently tracked} */
  public int size() {
    return tracked.size();
  }

  /** Closes every tracked tensor, newest first. */
  @Override
  public void close() {
    closed = true;
    while (!tracked.isEmpty()) {
      tracked.pop().close();
    }
  }
}
