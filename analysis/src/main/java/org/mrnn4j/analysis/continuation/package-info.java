/**
 * Numerical continuation of fixed points in one parameter, and the bifurcations found along the
 * way: pseudo-arclength continuation ({@link org.mrnn4j.analysis.continuation.PseudoArclength}) of
 * a one-parameter family of fixed-point problems
 * ({@link org.mrnn4j.analysis.continuation.ContinuationFamily}), with folds, branch points, period
 * doublings, Neimark-Sacker crossings and (for maps that are Euler steps of an ODE) the ODE's Hopf
 * points detected and located by bisection.
 */
package org.mrnn4j.analysis.continuation;
