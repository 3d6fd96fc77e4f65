package org.mrnn4j.backend.nd4j;

import org.mrnn4j.core.Backend;
import org.mrnn4j.testkit.contract.BackendContractTest;

/**
 * The shared backend contract, run on the ND4J backend (by the pom once per OpenBLAS core, with
 * {@code OPENBLAS_CORETYPE} forced).
 */
class Nd4jContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return Nd4jTesting.startBackend();
  }
}
