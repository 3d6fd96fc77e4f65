/**
 * The CUDA backend of mrnn4j: tensors in GPU memory, cuBLAS matrix products, NVRTC-compiled
 * kernels (the structured Jacobian, elementwise operations, activations), and the
 * eigendecomposition on the host.
 *
 * <p>Select it with {@code Backends.select("cuda")}, or bind it with {@link
 * org.mrnn4j.backend.cuda.CudaModule}. Where no CUDA driver or device is present the provider
 * reports why, and nothing crashes. See the module's README for how JCuda's native libraries are
 * placed in a directory private to the user.
 */
package org.mrnn4j.backend.cuda;
