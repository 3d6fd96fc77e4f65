package org.mrnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import java.util.function.Function;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.DType;
import org.mrnn4j.core.JacobianSpec;
import org.mrnn4j.core.Tensor;
import org.mrnn4j.testkit.contract.HostTensor;

/**
 * Runs the kernels of {@code kernels.cu} on the CPU: compiles the very source the backend hands to
 * NVRTC as host C++ with g++ (test resources {@code emulation/cuda_host.h} define the CUDA
 * built-ins, {@code emulation/emulate.cpp} reads a kernel call, launches it thread by thread and
 * prints the outputs). Everything it writes lies under {@code target/cuda-emulation}.
 *
 * <p>Each call is one process: the command goes to its standard input, the output array comes
 * back on its standard output, with round-trip precision both ways.
 */
final class KernelEmulator {
  /** Where the sources, the binary and the last command are written. */
  static final Path WORK = Paths.get("target", "cuda-emulation").toAbsolutePath();

  private static Path binary;

  private final DType dtype;
  private final int grid;
  private final int block;

  private KernelEmulator(DType dtype, int grid, int block) {
    this.dtype = dtype;
    this.grid = grid;
    this.block = block;
  }

  /**
   * An emulator launching {@code grid} blocks of {@code block} threads (0 for the backend's own
   * configuration, {@link CudaKernels#grid} and {@link CudaKernels#BLOCK}). Skips the calling test
   * when g++ is not on the PATH.
   */
  static KernelEmulator of(DType dtype, int grid, int block) {
    compile();
    return new KernelEmulator(dtype, grid, block);
  }

  /** Whether {@code tool} can be run from the PATH. */
  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static synchronized void compile() {
    Assumptions.assumeTrue(onPath("g++"),
        "g++ is not on the PATH: the CPU emulation of the CUDA kernels cannot be built; skipping");
    if (binary != null) {
      return;
    }
    try {
      Files.createDirectories(WORK);
      copyResource(CudaKernels.class, CudaKernels.SOURCE_RESOURCE, WORK.resolve("kernels.cu"));
      copyResource(KernelEmulator.class, "emulation/cuda_host.h", WORK.resolve("cuda_host.h"));
      copyResource(KernelEmulator.class, "emulation/emulate.cpp", WORK.resolve("emulate.cpp"));
      Path out = WORK.resolve("emulate");
      // -ffp-contract=off: no fused multiply-add, as NVRTC is told (--fmad=false).
      Result r = run(List.of("g++", "-std=c++17", "-O1", "-ffp-contract=off", "-Wall", "-Wextra",
          "-Werror", "-o", out.toString(), "emulate.cpp"), "", 120);
      if (r.exit != 0) {
        throw new AssertionError("g++ could not compile kernels.cu as host C++:\n" + r.err);
      }
      binary = out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyResource(Class<?> anchor, String name, Path to) throws IOException {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " not found next to " + anchor.getName());
      }
      Files.write(to, in.readAllBytes());
    }
  }

  record Result(int exit, String out, String err) {}

  static Result run(List<String> command, String input, int seconds) throws IOException {
    Path errFile = Files.createTempFile(WORK, "stderr", ".txt");
    Path outFile = Files.createTempFile(WORK, "stdout", ".txt");
    Path inFile = Files.createTempFile(WORK, "stdin", ".txt");
    try {
      Files.writeString(inFile, input);
      Process p = new ProcessBuilder(command).directory(WORK.toFile())
          .redirectInput(inFile.toFile())
          .redirectOutput(outFile.toFile())
          .redirectError(errFile.toFile())
          .start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command.get(0) + " did not finish within " + seconds + " s");
      }
      return new Result(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(errFile);
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(inFile);
    }
  }

  // ---------------------------------------------------------------- one kernel call

  /** Builds one command line of the emulator's input. */
  private final class Call {
    private final StringBuilder sb = new StringBuilder();
    private final long outputs;

    Call(String base, long outputs) {
      this.outputs = outputs;
      int g = grid > 0 ? grid : CudaKernels.grid(outputs);
      int b = block > 0 ? block : CudaKernels.BLOCK;
      sb.append(CudaKernels.name(base, dtype)).append(' ').append(g).append(' ').append(b);
    }

    Call i(int v) {
      sb.append(' ').append(v);
      return this;
    }

    Call d(double v) {
      sb.append(' ').append(dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v));
      return this;
    }

    Call array(double[] a) {
      if (a == null) {
        sb.append(" -1");
        return this;
      }
      sb.append(' ').append(a.length);
      for (double v : a) {
        d(v);
      }
      return this;
    }

    Call ints(int[] a) {
      sb.append(' ').append(a.length);
      for (int v : a) {
        sb.append(' ').append(v);
      }
      return this;
    }

    double[] run() {
      String line = session().call(sb.toString());
      String[] tokens = line.trim().split("\\s+");
      int n = Integer.parseInt(tokens[0]);
      assertEquals(outputs, n, "number of outputs");
      double[] out = new double[n];
      for (int k = 0; k < n; k++) {
        // floats are printed with 9 digits, which round-trip through a float, not a double
        out[k] = parse(tokens[k + 1]);
      }
      return out;
    }
  }

  /** A number as printf writes it ({@code nan}, {@code -inf} included). */
  private double parse(String token) {
    switch (token.toLowerCase(java.util.Locale.ROOT)) {
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      case "inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        // floats are printed with 9 digits, which round-trip through a float, not a double
        return dtype == DType.FLOAT32 ? Float.parseFloat(token) : Double.parseDouble(token);
      }
    }
  }

  /**
   * One running emulator process: a command line in, a result line out. Started on first use and
   * kept for the JVM's life (it ends when its standard input closes).
   */
  private static final class Session {
    private final Process process;
    private final java.io.BufferedWriter in;
    private final java.io.BufferedReader out;
    private final Path errors;

    Session() throws IOException {
      errors = Files.createTempFile(WORK, "emulate", ".err");
      process = new ProcessBuilder(binary.toString()).directory(WORK.toFile())
          .redirectError(errors.toFile()).start();
      in = new java.io.BufferedWriter(
          new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
      out = new java.io.BufferedReader(
          new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    synchronized String call(String command) {
      try {
        in.write(command);
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
          throw new AssertionError("the kernel emulator stopped: " + read(errors));
        }
        return line;
      } catch (IOException e) {
        throw new UncheckedIOException("the kernel emulator failed on: " + abbreviate(command), e);
      }
    }

    private static String abbreviate(String s) {
      return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
  }

  private static Session session;

  private static synchronized Session session() {
    if (session == null) {
      try {
        session = new Session();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the kernel emulator", e);
      }
    }
    return session;
  }

  /** Rounds to the emulator's element type, as the backend does when it uploads. */
  double[] round(double[] a) {
    if (a == null || dtype == DType.FLOAT64) {
      return a;
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  /** Stands for the output buffer in an argument list: the emulator allocates it. */
  static final Object OUTPUT = new Object();

  /** Operands stand for their (rounded) elements. */
  private final Function<Tensor, Object> buffer = t -> round(t.toArray());

  /**
   * Runs kernel {@code base} on an argument list of {@link KernelArgs}, exactly as the backend
   * would launch it: Integer and Double scalars, arrays for buffers, null for a null pointer.
   */
  double[] launch(String base, long outputs, Object[] args) {
    Call call = new Call(base, outputs);
    for (Object a : args) {
      if (a == OUTPUT) {
        continue; // the emulator allocates outputs
      } else if (a == null) {
        call.array(null);
      } else if (a instanceof Integer v) {
        call.i(v);
      } else if (a instanceof Double v) {
        call.d(v);
      } else if (a instanceof double[] v) {
        call.array(v);
      } else if (a instanceof int[] v) {
        call.ints(v);
      } else {
        throw new IllegalArgumentException("unexpected kernel argument " + a);
      }
    }
    return call.run();
  }

  private static HostTensor vector(double[] x) {
    return x == null ? null : new HostTensor(x, x.length);
  }

  double[] axpby(double alpha, double[] x, double beta, double[] y) {
    return launch("axpby", x.length,
        KernelArgs.axpby(alpha, vector(x), beta, vector(y), OUTPUT, buffer));
  }

  double[] mul(double[] x, double[] y) {
    return launch("mul", x.length, KernelArgs.mul(vector(x), vector(y), OUTPUT, buffer));
  }

  double[] scale(double s, double[] x) {
    return launch("scale", x.length, KernelArgs.scale(vector(x), s, OUTPUT, buffer));
  }

  /** {@code x} (rows of length {@code v.length}) plus {@code v} along the last axis. */
  double[] addVector(double[] x, double[] v) {
    HostTensor a = new HostTensor(x, x.length / v.length, v.length);
    return launch("add_vector", x.length, KernelArgs.addVector(a, vector(v), OUTPUT, buffer));
  }

  double[] activate(Activation f, boolean derivative, double[] x) {
    return launch("activate", x.length,
        KernelArgs.activate(f, vector(x), derivative, OUTPUT, buffer));
  }

  double[] transpose(int rows, int cols, double[] x) {
    return launch("transpose", (long) rows * cols,
        KernelArgs.transpose(new HostTensor(x, rows, cols), OUTPUT, buffer));
  }

  double[] gather(double[] x, int ldx, int[] rows, int[] cols) {
    HostTensor a = new HostTensor(x, x.length / ldx, ldx);
    return launch("gather", (long) rows.length * cols.length,
        KernelArgs.gather(a, rows.length, cols.length, rows, cols, OUTPUT, buffer));
  }

  double[] copyColumns(int rows, int cols, double[] src, double[] dst, int ldd, int offset) {
    return launch("copy_columns", dst.length, KernelArgs.copyColumns(
        new HostTensor(src, rows, cols), round(dst), ldd, offset, buffer));
  }

  /** The Jacobian block of {@code W} ({@code n x ldw}) at the given global rows and columns. */
  double[] jacobian(double a, double b, double[] r, double[] w, int ldw, double[] c, int[] rows,
      int[] cols) {
    JacobianSpec spec = JacobianSpec.builder(new HostTensor(w, w.length / ldw, ldw))
        .identity(a).scale(b).rowScale(vector(r)).columnScale(vector(c)).build();
    return launch("jacobian", (long) rows.length * cols.length,
        KernelArgs.jacobian(spec, rows.length, cols.length, rows, cols, OUTPUT, buffer));
  }

  /** The batched Jacobian: {@code r} is {@code batch x n}, {@code c} is {@code batch x m}. */
  double[] jacobianBatch(int batch, double a, double b, double[] r, int n, double[] w, int ldw,
      double[] c, int m, int[] rows, int[] cols) {
    JacobianSpec spec = JacobianSpec.builder(new HostTensor(w, n, ldw)).identity(a).scale(b)
        .rowScale(r == null ? null : new HostTensor(r, batch, n))
        .columnScale(c == null ? null : new HostTensor(c, batch, m)).build();
    return launch("jacobian_batch", (long) batch * rows.length * cols.length,
        KernelArgs.jacobianBatch(spec, batch, rows.length, cols.length, rows, cols, OUTPUT,
            buffer));
  }

  /** The names the emulator's dispatcher knows, for cross-checking {@link CudaKernels#BASE_NAMES}. */
  static List<String> emulatedBaseNames() {
    return new ArrayList<>(List.of("axpby", "mul", "scale", "add_vector", "activate", "transpose",
        "gather", "copy_columns", "jacobian", "jacobian_batch"));
  }

  static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}
