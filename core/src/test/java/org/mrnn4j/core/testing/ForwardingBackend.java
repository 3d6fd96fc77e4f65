package org.mrnn4j.core.testing;

import java.util.List;
import java.util.Set;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Capability;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.Eigendecomposition;
import org.mrnn4j.core.IndexRanges;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.RecurrenceSpec;
import org.mrnn4j.core.RecurrenceStates;
import org.mrnn4j.core.Tensor;

/**
 * A backend that forwards every call to another one, for tests that replace one routine by a
 * deliberately wrong one (the self-test must catch it). Override the method to break; the tensors
 * are the delegate's.
 */
public class ForwardingBackend implements Backend {
  /** The backend every call goes to. */
  protected final Backend delegate;
  private final String name;

  /** Forwards to {@code delegate}, reporting {@code name} as its own. */
  public ForwardingBackend(String name, Backend delegate) {
    this.name = name;
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Tensor fromArray(double[] data, DType dtype, int... shape) {
    return delegate.fromArray(data, dtype, shape);
  }

  @Override
  public Tensor fromMatrix(double[][] rows) {
    return delegate.fromMatrix(rows);
  }

  @Override
  public Tensor zeros(DType dtype, int... shape) {
    return delegate.zeros(dtype, shape);
  }

  @Override
  public Tensor copyOf(Tensor tensor) {
    return delegate.copyOf(tensor);
  }

  @Override
  public Tensor cast(Tensor tensor, DType dtype) {
    return delegate.cast(tensor, dtype);
  }

  @Override
  public Tensor reshape(Tensor a, int... shape) {
    return delegate.reshape(a, shape);
  }

  @Override
  public Tensor transpose(Tensor a) {
    return delegate.transpose(a);
  }

  @Override
  public Tensor slice(Tensor a, int from, int to) {
    return delegate.slice(a, from, to);
  }

  @Override
  public Tensor at(Tensor a, int index) {
    return delegate.at(a, index);
  }

  @Override
  public Tensor stack(List<Tensor> parts) {
    return delegate.stack(parts);
  }

  @Override
  public Tensor concat(List<Tensor> parts) {
    return delegate.concat(parts);
  }

  @Override
  public Tensor sliceColumns(Tensor a, int from, int to) {
    return delegate.sliceColumns(a, from, to);
  }

  @Override
  public Tensor concatColumns(List<Tensor> parts) {
    return delegate.concatColumns(parts);
  }

  @Override
  public Tensor block(Tensor a, IndexRanges rows, IndexRanges columns) {
    return delegate.block(a, rows, columns);
  }

  @Override
  public Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    return delegate.matmul(a, transposeA, b, transposeB);
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return delegate.add(a, b);
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return delegate.sub(a, b);
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return delegate.mul(a, b);
  }

  @Override
  public Tensor scale(Tensor a, double s) {
    return delegate.scale(a, s);
  }

  @Override
  public Tensor axpby(double alpha, Tensor a, double beta, Tensor b) {
    return delegate.axpby(alpha, a, beta, b);
  }

  @Override
  public Tensor addVector(Tensor a, Tensor v) {
    return delegate.addVector(a, v);
  }

  @Override
  public Tensor activate(Activation f, Tensor x) {
    return delegate.activate(f, x);
  }

  @Override
  public Tensor activateDerivative(Activation f, Tensor x) {
    return delegate.activateDerivative(f, x);
  }

  @Override
  public Tensor jacobian(JacobianSpec spec) {
    return delegate.jacobian(spec);
  }

  @Override
  public Tensor jacobianBatch(JacobianSpec spec) {
    return delegate.jacobianBatch(spec);
  }

  @Override
  public Tensor jacobianTimes(JacobianSpec spec, Tensor vectors) {
    return delegate.jacobianTimes(spec, vectors);
  }

  @Override
  public RecurrenceStates recurrence(RecurrenceSpec spec) {
    return delegate.recurrence(spec);
  }

  @Override
  public Eigendecomposition eig(Tensor a, boolean vectors) {
    return delegate.eig(a, vectors);
  }

  @Override
  public List<Eigendecomposition> eigBatch(Tensor a, boolean vectors) {
    return delegate.eigBatch(a, vectors);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
