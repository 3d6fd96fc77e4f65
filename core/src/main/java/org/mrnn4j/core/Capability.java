package org.mrnn4j.core;

/** What a {@link Backend} can do beyond the float64 operations every backend must provide. */
public enum Capability {
  /** Tensors of {@link DType#FLOAT32} can be created and computed with. */
  FLOAT32,
  /** {@link Backend#eig} can return eigenvectors, not only eigenvalues. */
  EIGENVECTORS,
  /** The eigendecomposition runs on the host CPU even though tensors live elsewhere (a GPU). */
  HOST_EIGEN,
  /** Computation runs in native code (BLAS, LAPACK, CUDA) rather than on the JVM. */
  NATIVE,
  /** Tensors live in GPU memory. */
  GPU
}
