/**
 * The backend contract suite: {@link org.mrnn4j.testkit.contract.BackendContractTest}, which a
 * backend module's test class extends, runs every kind of contract (creation, shapes, arithmetic,
 * Jacobian kernels, eigendecomposition, recurrence, lifecycle, concurrency) on the backend it
 * creates.
 */
package org.mrnn4j.testkit.contract;
