package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Activation;

/** The Java side of the kernels that needs no GPU: names, codes, targets, launch sizes. */
class CudaKernelsTest {
  private static final int[] NVRTC_12_6 = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};

  @Test
  void activationCodesMatchTheDefinesInTheSource() {
    String source = CudaKernels.source();
    for (Activation f : Activation.values()) {
      Matcher m = Pattern.compile("#define MRNN4J_" + f.name().toUpperCase(Locale.ROOT)
          + " (\\d+)").matcher(source);
      assertTrue(m.find(), "kernels.cu defines no code for " + f);
      assertEquals(Integer.parseInt(m.group(1)), CudaKernels.activationCode(f), f.toString());
    }
    assertTrue(source.contains("#define MRNN4J_SOFTPLUS_THRESHOLD 20"),
        "softplus threshold differs from Activation.SOFTPLUS_THRESHOLD");
    assertEquals(20.0, Activation.SOFTPLUS_THRESHOLD);
  }

  @Test
  void compilesACubinForASupportedDeviceElsePtxBelowIt() {
    assertEquals("sm_90", CudaKernels.target(90, NVRTC_12_6)); // H100
    assertEquals("sm_75", CudaKernels.target(75, NVRTC_12_6)); // T4
    assertEquals("compute_90", CudaKernels.target(120, NVRTC_12_6)); // newer than this NVRTC
    assertEquals("compute_80", CudaKernels.target(85, NVRTC_12_6));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CudaKernels.target(35, NVRTC_12_6));
    assertTrue(e.getMessage().contains("3.5"), e.getMessage());
  }

  @Test
  void launchesCoverEveryOutputWithinTheGridLimit() {
    assertEquals(1, CudaKernels.grid(0));
    assertEquals(1, CudaKernels.grid(1));
    assertEquals(1, CudaKernels.grid(CudaKernels.BLOCK));
    assertEquals(2, CudaKernels.grid(CudaKernels.BLOCK + 1));
    assertEquals(CudaKernels.MAX_GRID, CudaKernels.grid(Integer.MAX_VALUE)); // grid-stride covers the rest
  }

  @Test
  void everyKernelExistsForBothPrecisions() {
    assertEquals(2 * CudaKernels.BASE_NAMES.size(), CudaKernels.allNames().size());
    assertTrue(CudaKernels.allNames().contains("jacobian_batch_f32"));
  }
}
