/**
 * The one home of the mRNNTorch conformance check ({@code ../shared/conformance}, format in its
 * README): {@link org.mrnn4j.conformance.ConformanceCase} reads a case with typed access to every
 * field, {@link org.mrnn4j.conformance.Tolerance} holds the README's tolerances and compares
 * arrays and eigenvalue multisets with readable messages, {@link
 * org.mrnn4j.conformance.ModelConformance} checks a model's {@code expect} values and simulations,
 * {@link org.mrnn4j.conformance.LinearizationConformance} the {@code linearizations} entries,
 * {@link org.mrnn4j.conformance.FlowFieldConformance} the flow-field cases, and {@link
 * org.mrnn4j.conformance.ConformanceRunner} runs a file or a directory of them, as {@code mrnn4j
 * conformance} does. {@link org.mrnn4j.conformance.BackendConformanceTest} is the same check as
 * JUnit 5 tests that a backend module extends; the contract suite and the data lookup it uses are
 * in {@code mrnn4j-testkit}.
 */
package org.mrnn4j.conformance;
