/**
 * The mRNNTorch conformance cases ({@code ../shared/conformance/cases}): {@link
 * org.mrnn4j.models.conformance.ConformanceCase} reads one with typed access to every field,
 * {@link org.mrnn4j.models.conformance.Tolerance} holds the README's tolerances and compares
 * arrays and eigenvalue multisets with readable messages, and {@link
 * org.mrnn4j.models.conformance.ModelConformance} checks a model's {@code expect} values and
 * simulations. Linearization and fixed-point checks live in the analysis module.
 */
package org.mrnn4j.models.conformance;
