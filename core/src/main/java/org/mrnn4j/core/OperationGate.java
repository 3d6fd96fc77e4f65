package org.mrnn4j.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The close-while-in-use machinery of {@link AbstractBackend}: counts the operations in flight,
 * holds their operands (an {@link Operation}, which {@link AbstractBackend.Hold} ends), refuses new operations once the backend is
 * closed, and lets {@link #close} free the backend only after every running operation (and then
 * every running read) has finished. Thread-safe.
 */
final class OperationGate {
  private final String name;
  /** Operations running now; {@link #close} waits for them. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;
  /** Set once no operation can still be running: tensors can then no longer be read. */
  private volatile boolean released;
  private final Object closing = new Object();

  /** @param name the backend's name, for messages */
  OperationGate(String name) {
    this.name = name;
  }

  /** {@return whether {@link #close} was called} */
  boolean isClosed() {
    return closed;
  }

  /**
   * Counts an operation in flight and holds its operands ({@code null} entries skipped).
   *
   * @throws IllegalStateException naming {@code op} and the backend or tensor if it is closed
   */
  Operation enter(String op, Tensor... operands) {
    inFlight.incrementAndGet();
    if (closed) {
      leave();
      throw new IllegalStateException(op + ": the " + name + " backend has been closed");
    }
    return holdOperands(op, operands);
  }

  /**
   * The hold of {@link Tensor#toArray()}: counted with the operations, so {@link #close} frees
   * nothing while a read runs, and refused once the backend is closed.
   */
  Operation enterRead(AbstractTensor tensor) {
    inFlight.incrementAndGet();
    if (released) {
      leave();
      throw new IllegalStateException("toArray: the " + name + " backend has been closed, and"
          + " the " + tensor + " it made with it");
    }
    return holdOperands("toArray", tensor);
  }

  /** Holds the operands of an operation already counted in flight; undoes it all on failure. */
  private Operation holdOperands(String op, Tensor... operands) {
    Operation o = new Operation(operands.length);
    try {
      for (Tensor t : operands) {
        if (t instanceof AbstractTensor at) {
          at.hold(op);
          o.held[o.count++] = at;
        }
      }
    } catch (RuntimeException e) {
      o.end();
      throw e;
    }
    return o;
  }

  /** One operation in flight and the operands it holds; {@link #end} releases them, once. */
  final class Operation {
    private final AbstractTensor[] held;
    private int count;
    private boolean open = true;

    private Operation(int capacity) {
      held = new AbstractTensor[capacity];
    }

    /** Releases the operands and leaves the gate; later calls do nothing. */
    void end() {
      if (!open) {
        return;
      }
      open = false;
      while (count > 0) {
        held[--count].unhold();
      }
      leave();
    }
  }

  /** Ends an operation counted by {@link #hold} or {@link #holdForRead}. */
  private void leave() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      synchronized (closing) {
        closing.notifyAll();
      }
    }
  }

  /**
   * Closes the gate, once: later operations are refused; waits for the operations in flight, then
   * refuses reads, waits for the reads in flight and runs {@code release}. Keeps the thread's
   * interrupt status if it was interrupted while waiting.
   *
   * @param release what frees the backend's resources
   */
  void close(Runnable release) {
    synchronized (closing) {
      if (closed) {
        return;
      }
      closed = true;
      boolean interrupted = awaitNoneInFlight();
      // reads (toArray) that started before this are let finish; later ones see released
      released = true;
      interrupted |= awaitNoneInFlight();
      try {
        release.run();
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private boolean awaitNoneInFlight() {
    boolean interrupted = false;
    while (inFlight.get() > 0) {
      try {
        closing.wait(10);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }
}
