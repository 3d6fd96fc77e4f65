package org.mrnn4j.analysis.flowfields;

/**
 * How a {@link FlowGrid}'s axis values are laid out between its bounds.
 *
 * <ul>
 *   <li>{@link #EXACT} (the default): exactly the grid asked for, at any scale. Value {@code i}
 *       of {@code P} along an axis is {@code centre + offset * (2i - (P - 1)) / (P - 1)} in
 *       float64: the first is {@code centre - offset}, the last {@code centre + offset}, the
 *       values are symmetric about the centre to the last bit, and with an odd {@code P} the
 *       middle one is the centre itself (a state followed, or the centre given).
 *   <li>{@link #MRNNTORCH_ROUNDED}: mRNNTorch's flow-field finders, reproduced for the
 *       conformance cases. The axis is PyTorch's {@code linspace} in the model's precision (float32
 *       for a float32 model) and, when the grid follows the states, each bound is rounded to one
 *       decimal ({@code torch.round(v, decimals=1)}, halves to even): a followed grid is then off
 *       its state by up to 0.05 per bound, and one narrower than 0.1 can collapse onto a single
 *       point (every grid value the same, every velocity equal). Use it only to compare with the
 *       reference.
 * </ul>
 */
public enum GridBounds {
  /** The grid centred exactly where asked, with exactly the half-widths asked. */
  EXACT,
  /** mRNNTorch's layout: {@code linspace} in the model's precision, followed bounds rounded. */
  MRNNTORCH_ROUNDED
}
