// The CUDA kernels of mrnn4j's cuda backend.
//
// CudaKernels compiles this file at run time with NVRTC for the device found. The same file is
// also compiled as host C++ by the tests (with a small header that defines __global__, __device__
// and the thread-index variables), so it must stay self-contained: no #include, no CUDA headers,
// only the built-in variables blockIdx, blockDim, threadIdx, gridDim and the math functions
// exp, expm1, log1p (and their float forms expf, expm1f, log1pf).
//
// Every kernel is a grid-stride loop over its outputs and writes each output exactly once, so any
// launch configuration gives the same bits. Matrices are row-major. Each kernel exists for double
// (suffix _f64) and float (suffix _f32): the templates below hold the arithmetic, and the
// extern "C" wrappers at the end give unmangled names that the Java side looks up.

// Grid-stride loop over [0, n) with 64-bit indices (n itself fits in an int).
#define MRNN4J_FOR(i, n)                                                            \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
       i += (long long)blockDim.x * gridDim.x)

// Activation codes; they match CudaKernels.activationCode in Java.
#define MRNN4J_RELU 0
#define MRNN4J_TANH 1
#define MRNN4J_SIGMOID 2
#define MRNN4J_SOFTPLUS 3
#define MRNN4J_LINEAR 4

// PyTorch's softplus threshold: above it softplus is the identity (derivative 1).
#define MRNN4J_SOFTPLUS_THRESHOLD 20

__device__ inline double mrnn4j_exp(double x) { return exp(x); }
__device__ inline float mrnn4j_exp(float x) { return expf(x); }
__device__ inline double mrnn4j_expm1(double x) { return expm1(x); }
__device__ inline float mrnn4j_expm1(float x) { return expm1f(x); }
__device__ inline double mrnn4j_log1p(double x) { return log1p(x); }
__device__ inline float mrnn4j_log1p(float x) { return log1pf(x); }

// tanh by the formulas of fdlibm, which Java's Math.tanh (StrictMath) uses: for |x| >= 1 the
// result 1 - 2 / (expm1(2|x|) + 2) rounds like Java's even where expm1 differs from Java's in the
// last bit, which matters for tanh' = 1 - tanh^2 near |tanh| = 1 (a one-ulp change in tanh(7)
// moves tanh'(7) by 2e-16 of 3e-6).
template <typename T>
__device__ inline T mrnn4j_tanh(T x) {
  const T one = (T)1;
  const T two = (T)2;
  T ax = x < (T)0 ? -x : x;
  T z;
  if (ax >= (T)22) {
    z = one;
  } else if (ax >= one) {
    z = one - two / (mrnn4j_expm1(two * ax) + two);
  } else {
    T t = mrnn4j_expm1(-two * ax);
    z = -t / (t + two);
  }
  return x < (T)0 ? -z : (ax == (T)0 ? x : z);  // keeps the sign of -0 and passes NaN through
}

// The activation (derivative == 0) or its derivative, with PyTorch's conventions, exactly as
// org.mrnn4j.core.Activation defines them: relu'(0) = 0; softplus is x above 20, derivative 1.
template <typename T>
__device__ inline T mrnn4j_activation(int act, int derivative, T x) {
  const T one = (T)1;
  const T zero = (T)0;
  switch (act) {
    case MRNN4J_RELU:
      return derivative ? (x > zero ? one : zero) : (x > zero ? x : zero);
    case MRNN4J_TANH: {
      T t = mrnn4j_tanh<T>(x);
      return derivative ? one - t * t : t;
    }
    case MRNN4J_SIGMOID: {
      T s = one / (one + mrnn4j_exp(-x));
      return derivative ? s * (one - s) : s;
    }
    case MRNN4J_SOFTPLUS: {
      if (x > (T)MRNN4J_SOFTPLUS_THRESHOLD) {
        return derivative ? one : x;
      }
      T z = mrnn4j_exp(x);
      return derivative ? z / (z + one) : mrnn4j_log1p(z);
    }
    default:  // MRNN4J_LINEAR
      return derivative ? one : x;
  }
}

// out = alpha * x + beta * y
template <typename T>
__device__ void mrnn4j_axpby(int n, T alpha, const T* x, T beta, const T* y, T* out) {
  MRNN4J_FOR(i, n) { out[i] = alpha * x[i] + beta * y[i]; }
}

// out = x * y elementwise
template <typename T>
__device__ void mrnn4j_mul(int n, const T* x, const T* y, T* out) {
  MRNN4J_FOR(i, n) { out[i] = x[i] * y[i]; }
}

// out = s * x
template <typename T>
__device__ void mrnn4j_scale(int n, T s, const T* x, T* out) {
  MRNN4J_FOR(i, n) { out[i] = s * x[i]; }
}

// out = x + v along the last axis: v has length m, x has n elements (n a multiple of m)
template <typename T>
__device__ void mrnn4j_add_vector(int n, int m, const T* x, const T* v, T* out) {
  MRNN4J_FOR(i, n) { out[i] = x[i] + v[i % m]; }
}

// out = act(x) or act'(x) elementwise
template <typename T>
__device__ void mrnn4j_activate(int n, int act, int derivative, const T* x, T* out) {
  MRNN4J_FOR(i, n) { out[i] = mrnn4j_activation<T>(act, derivative, x[i]); }
}

// out (cols x rows) = transpose of x (rows x cols); loops over outputs so that writes coalesce
template <typename T>
__device__ void mrnn4j_transpose(int rows, int cols, const T* x, T* out) {
  MRNN4J_FOR(k, (long long)rows * cols) {
    long long j = k / rows;  // output row = input column
    long long i = k % rows;  // output column = input row
    out[k] = x[i * cols + j];
  }
}

// out (nr x nc) = x[rowIdx, colIdx]: the block of x (leading dimension ldx) at the given indices
template <typename T>
__device__ void mrnn4j_gather(int nr, int nc, const T* x, int ldx, const int* rowIdx,
                              const int* colIdx, T* out) {
  MRNN4J_FOR(k, (long long)nr * nc) {
    long long i = k / nc;
    long long j = k % nc;
    out[k] = x[(long long)rowIdx[i] * ldx + colIdx[j]];
  }
}

// dst[:, offset:offset+cols] = src (rows x cols); dst has leading dimension ldd
template <typename T>
__device__ void mrnn4j_copy_columns(int rows, int cols, const T* src, T* dst, int ldd,
                                    int offset) {
  MRNN4J_FOR(k, (long long)rows * cols) {
    long long i = k / cols;
    long long j = k % cols;
    dst[i * ldd + offset + j] = src[k];
  }
}

// One entry of J = a I + b diag(r) W diag(c) at global row gi and column gj; r and c may be null
// (all ones). Evaluated as a*[gi == gj] + b * (r_gi * (W_gi,gj * c_gj)).
template <typename T>
__device__ inline T mrnn4j_jacobian_entry(T a, T b, const T* r, const T* W, int ldw, const T* c,
                                         int gi, int gj) {
  T v = W[(long long)gi * ldw + gj];
  if (c != 0) v = v * c[gj];
  if (r != 0) v = r[gi] * v;
  v = b * v;
  if (gi == gj) v = v + a;
  return v;
}

// out (nr x nc) = the Jacobian block at rows rowIdx and columns colIdx (global indices into W)
template <typename T>
__device__ void mrnn4j_jacobian(int nr, int nc, T a, T b, const T* r, const T* W, int ldw,
                                const T* c, const int* rowIdx, const int* colIdx, T* out) {
  MRNN4J_FOR(k, (long long)nr * nc) {
    long long i = k / nc;
    long long j = k % nc;
    out[k] = mrnn4j_jacobian_entry<T>(a, b, r, W, ldw, c, rowIdx[i], colIdx[j]);
  }
}

// out (batch x nr x nc): the Jacobian block at each of `batch` operating points; r is
// (batch x n) and c is (batch x m), either may be null
template <typename T>
__device__ void mrnn4j_jacobian_batch(int batch, int nr, int nc, T a, T b, const T* r, int n,
                                      const T* W, int ldw, const T* c, int m, const int* rowIdx,
                                      const int* colIdx, T* out) {
  long long block = (long long)nr * nc;
  MRNN4J_FOR(k, (long long)batch * block) {
    long long p = k / block;
    long long rest = k % block;
    long long i = rest / nc;
    long long j = rest % nc;
    const T* rp = r != 0 ? r + p * n : 0;
    const T* cp = c != 0 ? c + p * m : 0;
    out[k] = mrnn4j_jacobian_entry<T>(a, b, rp, W, ldw, cp, rowIdx[i], colIdx[j]);
  }
}

// ---------------------------------------------------------------- extern "C" entry points

#define MRNN4J_KERNELS(T, S)                                                                    \
  extern "C" __global__ void axpby_##S(int n, T alpha, const T* x, T beta, const T* y, T* out) { \
    mrnn4j_axpby<T>(n, alpha, x, beta, y, out);                                                 \
  }                                                                                             \
  extern "C" __global__ void mul_##S(int n, const T* x, const T* y, T* out) {                   \
    mrnn4j_mul<T>(n, x, y, out);                                                                \
  }                                                                                             \
  extern "C" __global__ void scale_##S(int n, T s, const T* x, T* out) {                        \
    mrnn4j_scale<T>(n, s, x, out);                                                              \
  }                                                                                             \
  extern "C" __global__ void add_vector_##S(int n, int m, const T* x, const T* v, T* out) {     \
    mrnn4j_add_vector<T>(n, m, x, v, out);                                                      \
  }                                                                                             \
  extern "C" __global__ void activate_##S(int n, int act, int derivative, const T* x, T* out) { \
    mrnn4j_activate<T>(n, act, derivative, x, out);                                             \
  }                                                                                             \
  extern "C" __global__ void transpose_##S(int rows, int cols, const T* x, T* out) {            \
    mrnn4j_transpose<T>(rows, cols, x, out);                                                    \
  }                                                                                             \
  extern "C" __global__ void gather_##S(int nr, int nc, const T* x, int ldx, const int* rowIdx, \
                                        const int* colIdx, T* out) {                            \
    mrnn4j_gather<T>(nr, nc, x, ldx, rowIdx, colIdx, out);                                      \
  }                                                                                             \
  extern "C" __global__ void copy_columns_##S(int rows, int cols, const T* src, T* dst, int ldd, \
                                              int offset) {                                     \
    mrnn4j_copy_columns<T>(rows, cols, src, dst, ldd, offset);                                  \
  }                                                                                             \
  extern "C" __global__ void jacobian_##S(int nr, int nc, T a, T b, const T* r, const T* W,     \
                                          int ldw, const T* c, const int* rowIdx,               \
                                          const int* colIdx, T* out) {                          \
    mrnn4j_jacobian<T>(nr, nc, a, b, r, W, ldw, c, rowIdx, colIdx, out);                        \
  }                                                                                             \
  extern "C" __global__ void jacobian_batch_##S(int batch, int nr, int nc, T a, T b, const T* r, \
                                                int n, const T* W, int ldw, const T* c, int m,  \
                                                const int* rowIdx, const int* colIdx, T* out) { \
    mrnn4j_jacobian_batch<T>(batch, nr, nc, a, b, r, n, W, ldw, c, m, rowIdx, colIdx, out);     \
  }

MRNN4J_KERNELS(double, f64)
MRNN4J_KERNELS(float, f32)
