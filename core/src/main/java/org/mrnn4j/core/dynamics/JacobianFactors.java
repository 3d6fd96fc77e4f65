package org.mrnn4j.core.dynamics;

import org.mrnn4j.core.Tensor;

/**
 * The factors of one model update at a batch of {@code B} operating points, for the backend's
 * structured kernel: the state Jacobian is {@code identity I + scale diag(r) W_rec diag(c)}, the
 * input Jacobian {@code scale diag(r_in) W_inp}, and {@code next} is the update's value
 * {@code f(p)}.
 *
 * @param identity the coefficient {@code a} of the identity
 * @param scale the coefficient {@code b} of the weights
 * @param rowScale {@code r}, {@code [B, N]}, or null for ones
 * @param columnScale {@code c}, {@code [B, N]}, or null for ones
 * @param inputRowScale {@code r_in}, {@code [B, N]}, or null for ones
 * @param next {@code f(p)}, {@code [B, N]}, or null when not asked for
 */
public record JacobianFactors(double identity, double scale, Tensor rowScale, Tensor columnScale,
    Tensor inputRowScale, Tensor next) {}
