/**
 * The conformance kit for backend authors: {@link org.mrnn4j.conformance.BackendConformanceTest}
 * runs the mRNNTorch reference cases on a backend as JUnit 5 tests, next to the contract suite of
 * {@code mrnn4j-core}'s test-jar ({@code org.mrnn4j.core.contract.BackendContractTest}).
 */
package org.mrnn4j.conformance;
