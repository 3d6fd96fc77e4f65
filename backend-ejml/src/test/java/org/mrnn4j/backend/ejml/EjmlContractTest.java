package org.mrnn4j.backend.ejml;

import org.mrnn4j.core.Backend;
import org.mrnn4j.testkit.contract.BackendContractTest;

/** The shared backend contract, run on {@link EjmlBackend}. */
class EjmlContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new EjmlBackend();
  }
}
