/**
 * Multi-regional recurrent networks, as mRNNTorch defines them: {@link
 * org.mrnn4j.models.LeakyMRNN} (mRNNTorch's {@code mRNN}) and {@link org.mrnn4j.models.ElmanMRNN}
 * ({@code ElmanmRNN}), their common view {@link org.mrnn4j.models.RecurrentModel}, the
 * {@link org.mrnn4j.models.RegionLayout} of recurrent, parent and input regions, and the fluent
 * {@link org.mrnn4j.models.ModelBuilder}.
 *
 * <pre>{@code
 * try (Backend backend = Backends.select("ejml");
 *      RecurrentModel model = CheckpointLoader.load(Path.of("net.pth"), Path.of("net.json"), backend);
 *      Tensor u = backend.zeros(1, 100, model.numInputs());
 *      Trajectory run = model.simulate(Simulation.of(u))) {
 *   double[] hs = run.hs().toArray();   // [1, 100, N]
 * }
 * }</pre>
 *
 * <p>All arithmetic goes through the {@link org.mrnn4j.core.Backend} the model was built on, in
 * float64. Random initialisation and noise are drawn on the host from {@link java.util.Random}
 * seeded by the user (PyTorch's generator cannot be reproduced: parity with the reference comes
 * through its state dicts, {@link org.mrnn4j.models.io.CheckpointLoader}).
 *
 * <p>Deliberate differences from mRNNTorch (each a defect there): a single recurrent unit keeps its
 * axis; projections accept a parent region as sender and always return effective weights; a zero
 * or nilpotent recurrent matrix with a requested spectral radius is an error, not NaN weights; the
 * Elman model supports noise (with {@code alpha = 1}); region lists of
 * {@code get_region_activity} with a parent region keep the given order.
 */
package org.mrnn4j.models;
