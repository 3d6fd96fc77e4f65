/**
 * Test support for backend authors and for every module of mrnn4j: {@link
 * org.mrnn4j.testkit.ConformanceData}, the one lookup of the mRNNTorch reference data, and (in
 * {@link org.mrnn4j.testkit.contract}) the backend contract suite. It depends on {@code
 * mrnn4j-core} and JUnit alone, so that a backend module's own tests can use it: the conformance
 * kit ({@code mrnn4j-conformance}) needs the models and the analysis, which depend on the EJML
 * backend.
 */
package org.mrnn4j.testkit;
