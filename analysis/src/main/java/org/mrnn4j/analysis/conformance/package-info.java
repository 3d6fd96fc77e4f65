/**
 * The mRNNTorch conformance check of the analysis: the {@code linearizations} entries of the case
 * files in {@code ../shared/conformance} (format in its README), on top of the models' own check
 * ({@link org.mrnn4j.models.conformance.ModelConformance}).
 */
package org.mrnn4j.analysis.conformance;
