/**
 * Local linear analysis of multi-regional RNNs: the Java counterpart of mRNNTorch's
 * {@code analysis.linear} ({@code mLinearization} for the leaky {@code mRNN},
 * {@code emLinearization} for {@code ElmanmRNN}).
 *
 * <pre>{@code
 * try (Backend backend = Backends.select("ejml");
 *      LeakyMRNN model = ...) {
 *   Linearization lin = Linearization.of(model, "exc", "inh");     // region subset, any order
 *   OperatingPoint p = OperatingPoint.of(x, input);
 *   try (LinearizationResult r = lin.at(p)) {
 *     double[][] j = r.jacobian().toMatrix();                       // d(x')/d(x), included units
 *   }
 *   Eigendecomposition eig = lin.eigendecomposition(p);             // canonical order, unit vectors
 *   StabilitySummary s = lin.stability(p);                          // spectral radius, unstable modes
 * }
 * }</pre>
 *
 * <p>Every Jacobian is built by the backend's structured kernel
 * ({@link org.mrnn4j.core.Backend#jacobian}): {@code a I + b diag(r) W diag(c)}, never by finite
 * differences or automatic differentiation.
 */
package org.mrnn4j.analysis;
