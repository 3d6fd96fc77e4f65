package org.mrnn4j.models;

import java.util.Objects;
import org.mrnn4j.core.Tensor;

/**
 * What to simulate: an input sequence, its {@link Layout}, the initial state, an optional
 * stimulus, and optional noise. Immutable; the {@code with}-style methods return modified copies:
 *
 * <pre>{@code
 * Simulation sim = Simulation.of(u)            // [B, T, I], batch first
 *     .x0(x0)                                  // leaky: initial pre-activation [B, N]
 *     .stim(stim)                              // [B, T, N], same layout as the states
 *     .noise(42);                              // seeded noise at the model's noise levels
 * try (Trajectory t = model.simulate(sim)) { double[] hs = t.hs().toArray(); }
 * }</pre>
 *
 * <p>The tensors are borrowed: they must belong to the model's backend and stay open during the
 * call; the simulation never closes them.
 *
 * <p><b>Initial state.</b> Leaky model: {@code x0} (default: the regions' {@code init} values,
 * {@link RecurrentModel#initialCondition()}) and {@code h0} (default {@code act(x0)}). Elman
 * model: {@code h0} only (default: the regions' {@code init} values, as mRNNTorch's
 * {@code batched_initial_condition}); giving {@code x0} to an Elman model is an error. Initial
 * states have shape {@code [B, N]}, or {@code [N]} for the same state in every batch row.
 *
 * <p><b>Noise</b> follows mRNNTorch: each step adds {@code c_h * n_h} to the drive and
 * {@code c_i * n_i} to the input before {@code W_inp}, with {@code n_h ~ N(0, 1)} of shape
 * {@code [B, N]}, {@code n_i ~ N(0, 1)} of shape {@code [B, I]}, and
 * {@code c = sqrt(2 alpha sigma^2) / alpha} (leaky model; the Elman model uses {@code alpha = 1},
 * since it is the leaky model with {@code alpha = 1}). The normals come from
 * {@code new java.util.Random(seed).nextGaussian()}, drawn per step: first the hidden noise, then
 * the input noise, each row-major. PyTorch's generator cannot be reproduced, so noisy runs match
 * the reference in distribution only.
 */
public final class Simulation {
  private final Tensor input;
  private final Layout layout;
  private final Tensor x0;
  private final Tensor h0;
  private final Tensor stim;
  private final boolean noise;
  private final long seed;
  private final double noiseAct;
  private final double noiseInp;

  private Simulation(
      Tensor input, Layout layout, Tensor x0,
      Tensor h0, Tensor stim, boolean noise, long seed,
      double noiseAct, double noiseInp) {
    this.input = Objects.requireNonNull(input, "input");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.x0 = x0;
    this.h0 = h0;
    this.stim = stim;
    this.noise = noise;
    this.seed = seed;
    this.noiseAct = noiseAct;
    this.noiseInp = noiseInp;
  }

  /**
   * A noiseless simulation of {@code input} ({@code [B, T, I]}, batch first).
   *
   * @param input the input sequence {@code [B, T, I]}
   * @return a noiseless simulation with the model's initial state
   */
  public static Simulation of(Tensor input) {
    return new Simulation(input, Layout.BATCH_FIRST, null, null, null, false, 0L, Double.NaN,
        Double.NaN);
  }

  /**
   * A copy with the given layout of the input, stimulus and results.
   *
   * @param l the layout
   * @return the modified copy
   */
  public Simulation layout(Layout l) {
    return new Simulation(input, l, x0, h0, stim, noise, seed, noiseAct, noiseInp);
  }

  /**
   * A copy with {@link Layout#BATCH_FIRST} or {@link Layout#TIME_FIRST}.
   *
   * @param batchFirst true for {@code [B, T, ...]}, false for {@code [T, B, ...]}
   * @return the modified copy
   */
  public Simulation batchFirst(boolean batchFirst) {
    return layout(Layout.of(batchFirst));
  }

  /**
   * A copy with the leaky model's initial pre-activation {@code x0} ({@code [B, N]} or {@code [N]}).
   *
   * @param x the initial pre-activation, or null for the default
   * @return the modified copy
   */
  public Simulation x0(Tensor x) {
    return new Simulation(input, layout, x, h0, stim, noise, seed, noiseAct, noiseInp);
  }

  /**
   * A copy with the initial activation {@code h0} ({@code [B, N]} or {@code [N]}): the Elman
   * model's state; for the leaky model it replaces {@code act(x0)}; null for the default.
   *
   * @param h the initial activation, or null
   * @return the modified copy
   */
  public Simulation h0(Tensor h) {
    return new Simulation(input, layout, x0, h, stim, noise, seed, noiseAct, noiseInp);
  }

  /**
   * A copy with an additive stimulus on the drive, same layout as the states: {@code [B, T, N]}.
   *
   * @param s the stimulus, or null for none
   * @return the modified copy
   */
  public Simulation stim(Tensor s) {
    return new Simulation(input, layout, x0, h0, s, noise, seed, noiseAct, noiseInp);
  }

  /**
   * A copy with noise at the model's noise levels ({@link ModelSpec#noiseLevelAct()}), seeded.
   *
   * @param noiseSeed the seed of the normal draws
   * @return the modified copy
   */
  public Simulation noise(long noiseSeed) {
    return new Simulation(input, layout, x0, h0, stim, true, noiseSeed, Double.NaN, Double.NaN);
  }

  /**
   * A copy with noise at the given levels (mRNNTorch's {@code noise_level_act},
   * {@code noise_level_inp}), seeded.
   *
   * @param levelAct the hidden-state noise level
   * @param levelInp the input noise level
   * @param noiseSeed the seed of the normal draws
   * @return the modified copy
   * @throws IllegalArgumentException if a level is negative or not finite
   */
  public Simulation noise(double levelAct, double levelInp, long noiseSeed) {
    if (!(levelAct >= 0) || !(levelInp >= 0) || !Double.isFinite(levelAct)
        || !Double.isFinite(levelInp)) {
      throw new IllegalArgumentException(
          "noise levels must be finite and >= 0, got " + levelAct + " and " + levelInp);
    }
    return new Simulation(input, layout, x0, h0, stim, true, noiseSeed, levelAct, levelInp);
  }

  /**
   * A copy without noise.
   *
   * @return the modified copy
   */
  public Simulation noiseless() {
    return new Simulation(input, layout, x0, h0, stim, false, 0L, Double.NaN, Double.NaN);
  }

  /**
   * The input sequence.
   *
   * @return the input sequence
   */
  public Tensor input() {
    return input;
  }

  /**
   * The layout.
   *
   * @return the layout of the input, stimulus and results
   */
  public Layout layout() {
    return layout;
  }

  /**
   * The initial pre-activation, or null for the default.
   *
   * @return the initial pre-activation, or null for the default
   */
  public Tensor x0() {
    return x0;
  }

  /**
   * The initial activation, or null for the default.
   *
   * @return the initial activation, or null for the default
   */
  public Tensor h0() {
    return h0;
  }

  /**
   * The stimulus, or null.
   *
   * @return the stimulus, or null
   */
  public Tensor stim() {
    return stim;
  }

  /**
   * Whether noise is added.
   *
   * @return whether noise is added
   */
  public boolean hasNoise() {
    return noise;
  }

  /**
   * The noise seed.
   *
   * @return the noise seed
   */
  public long seed() {
    return seed;
  }

  /**
   * The hidden noise level, or NaN for the model's.
   *
   * @return the hidden-state noise level (NaN: the model's own)
   */
  public double noiseLevelAct() {
    return noiseAct;
  }

  /**
   * The input noise level, or NaN for the model's.
   *
   * @return the input noise level (NaN: the model's own)
   */
  public double noiseLevelInp() {
    return noiseInp;
  }
}
