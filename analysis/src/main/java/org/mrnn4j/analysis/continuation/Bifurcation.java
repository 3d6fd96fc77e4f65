package org.mrnn4j.analysis.continuation;

/**
 * A bifurcation found along a branch: located (to the options' tolerance, {@link #located()}),
 * or only bracketed, in which case {@link #parameter()} and {@link #state()} are NaN/null and the
 * bracket is all that is known.
 *
 * @param kind what happens there
 * @param located whether it was located to tolerance
 * @param parameter the parameter value, NaN when only bracketed
 * @param state the fixed point there, null when only bracketed
 * @param bracketLow one end of the parameter bracket that holds it
 * @param bracketHigh the other end
 * @param eigenReal the real parts of the eigenvalue(s) that crossed, at the located point (or the
 *     bracket's far end)
 * @param eigenImag their imaginary parts
 * @param afterPoint the index of the branch point after which it lies
 * @param note what was found, in words
 */
public record Bifurcation(BifurcationKind kind, boolean located, double parameter, double[] state,
    double bracketLow, double bracketHigh, double[] eigenReal, double[] eigenImag, int afterPoint,
    String note) {}
