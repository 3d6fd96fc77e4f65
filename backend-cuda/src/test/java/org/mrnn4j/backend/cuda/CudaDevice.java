package org.mrnn4j.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;

/**
 * For tests that need a GPU. As a JUnit extension ({@code @ExtendWith(CudaDevice.class)}) it
 * disables the whole class, with the probe's reason as the skip message, where no CUDA device can
 * be used; {@link #backendOrSkip()} gives the backend. With {@code -D}{@value #REQUIRED}{@code
 * =true} (on a GPU machine) a missing device fails these tests instead of skipping them.
 */
final class CudaDevice implements ExecutionCondition {
  /** System property that turns "no device" from a skip into a failure. */
  static final String REQUIRED = "mrnn4j.cuda.required";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Availability a = new CudaBackendProvider().probe();
    if (a.available()) {
      return ConditionEvaluationResult.enabled("CUDA device: " + a.reason());
    }
    return Boolean.getBoolean(REQUIRED)
        ? ConditionEvaluationResult.enabled(REQUIRED + " is set: the tests will fail")
        : ConditionEvaluationResult.disabled("no usable CUDA device here: " + a.reason());
  }

  /** A new cuda backend on device 0; skips the caller when no device can be used. */
  static Backend backendOrSkip() {
    CudaBackendProvider provider = new CudaBackendProvider();
    Availability a = provider.probe();
    if (!a.available() && Boolean.getBoolean(REQUIRED)) {
      throw new AssertionError("-D" + REQUIRED + "=true, but CUDA is unavailable: " + a.reason());
    }
    Assumptions.assumeTrue(a.available(), "no usable CUDA device here: " + a.reason());
    return provider.create(BackendOptions.none());
  }
}
