package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Compiles {@code kernels.cu} for a GPU without having one: {@code nvcc -ptx} for the lowest
 * architecture the backend supports (compute_75), with the options the backend gives NVRTC, and
 * checks that the PTX defines exactly the kernels the backend launches. Skipped, with a message,
 * when nvcc is not on the PATH.
 */
class KernelCompilationTest {
  private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z0-9_]+)\\s*\\(");

  @Test
  void nvccCompilesEveryKernelToPtx() throws Exception {
    Assumptions.assumeTrue(KernelEmulator.onPath("nvcc"),
        "nvcc is not on the PATH: cannot compile kernels.cu to PTX here; skipping");
    Path dir = KernelEmulator.WORK.resolveSibling("cuda-ptx");
    Files.createDirectories(dir);
    Path source = dir.resolve("kernels.cu");
    KernelEmulator.copyResource(CudaKernels.class, CudaKernels.SOURCE_RESOURCE, source);
    Path ptx = dir.resolve("kernels.ptx");
    Files.deleteIfExists(ptx);
    List<String> command = new ArrayList<>(List.of("nvcc", "-ptx", "-arch=compute_75"));
    command.addAll(CudaKernels.NVRTC_OPTIONS);
    command.addAll(List.of("-Werror", "all-warnings", "-o", ptx.toString(), source.toString()));
    Files.createDirectories(KernelEmulator.WORK);
    KernelEmulator.Result r = KernelEmulator.run(command, "", 300);
    assertEquals(0, r.exit(), "nvcc failed on kernels.cu:\n" + r.err() + r.out());
    String text = Files.readString(ptx);
    assertTrue(text.contains(".target sm_75"), "the PTX does not target compute_75");
    TreeSet<String> entries = new TreeSet<>();
    Matcher m = ENTRY.matcher(text);
    while (m.find()) {
      entries.add(m.group(1));
    }
    assertEquals(new TreeSet<>(CudaKernels.allNames()), entries,
        "the kernels in the PTX differ from those the backend launches");
    // --fmad=false holds: our own arithmetic is not contracted into fused multiply-adds (the
    // math library's exp/tanh use fma internally on purpose, so only these kernels are checked)
    for (String kernel : List.of("axpby_f64", "jacobian_f64", "jacobian_batch_f32")) {
      int start = text.indexOf(".entry " + kernel + "(");
      String body = text.substring(start, text.indexOf("\n}", start));
      assertTrue(!body.contains("fma."), kernel + " contains a fused multiply-add");
    }
  }
}
