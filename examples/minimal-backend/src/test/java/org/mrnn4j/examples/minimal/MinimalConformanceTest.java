package org.mrnn4j.examples.minimal;

import org.mrnn4j.conformance.BackendConformanceTest;
import org.mrnn4j.core.Backend;

/** Every mRNNTorch conformance case on {@link MinimalBackend}. */
class MinimalConformanceTest extends BackendConformanceTest {
  @Override
  protected Backend createBackend() {
    return new MinimalBackend();
  }
}
