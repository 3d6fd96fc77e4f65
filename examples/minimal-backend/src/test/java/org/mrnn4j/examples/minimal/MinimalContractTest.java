package org.mrnn4j.examples.minimal;

import org.mrnn4j.core.Backend;
import org.mrnn4j.testkit.contract.BackendContractTest;

/** The whole backend contract on {@link MinimalBackend}. */
class MinimalContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new MinimalBackend();
  }
}
