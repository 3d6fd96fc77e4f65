/**
 * Fixed points of mRNNs at a constant input, found with Levenberg-Marquardt and Newton steps on
 * the exact Jacobian, and classified by the eigenvalues of the Jacobian there.
 *
 * <p>Start with {@link org.mrnn4j.analysis.fixedpoints.FixedPointSystems#of} (the map of a model),
 * {@link org.mrnn4j.analysis.fixedpoints.StartSampler} (initial states from simulated
 * trajectories) and {@link org.mrnn4j.analysis.fixedpoints.FixedPointFinder}.
 */
package org.mrnn4j.analysis.fixedpoints;
