package org.mrnn4j.backend.cuda;

import org.junit.jupiter.api.extension.ExtendWith;
import org.mrnn4j.core.Backend;
import org.mrnn4j.testkit.contract.BackendContractTest;

/**
 * The shared backend contract on the GPU. Skipped as a whole, with the probe's reason, where no
 * CUDA device is present.
 */
@ExtendWith(CudaDevice.class)
class CudaContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return CudaDevice.backendOrSkip();
  }
}
