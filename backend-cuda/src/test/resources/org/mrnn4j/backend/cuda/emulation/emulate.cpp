// Runs the kernels of kernels.cu on the CPU. Reads commands from standard input, one after
// another, each a whitespace-separated list of tokens:
//
//   <kernel name> <grid> <block> <arguments in the kernel's order>
//
// where a scalar argument is one number and an array argument is its length followed by its
// values (length -1 passes a null pointer). Output arrays are not passed: they are allocated,
// filled with NaN, and printed after the launch as "<length> <values...>" on one line, with
// enough digits to round-trip (17 for double, 9 for float). copy_columns prints its dst.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "cuda_host.h"
#include "kernels.cu"

namespace {

template <typename T>
struct Array {
  bool null = false;
  std::vector<T> v;
  T* ptr() { return null ? nullptr : v.data(); }
};

template <typename T>
T scalar() {
  std::string s;
  if (!(std::cin >> s)) {
    std::fprintf(stderr, "emulate: unexpected end of input\n");
    std::exit(2);
  }
  return (T)std::strtod(s.c_str(), nullptr);
}

template <typename T>
Array<T> array() {
  long long n = scalar<long long>();
  Array<T> a;
  if (n < 0) {
    a.null = true;
    return a;
  }
  a.v.resize((size_t)n);
  for (long long i = 0; i < n; i++) a.v[(size_t)i] = scalar<T>();
  return a;
}

template <typename T>
std::vector<T> output(long long n) {
  return std::vector<T>((size_t)n, std::numeric_limits<T>::quiet_NaN());
}

template <typename T>
void print(const std::vector<T>& out) {
  int digits = sizeof(T) == 8 ? 17 : 9;
  std::printf("%zu", out.size());
  for (T x : out) std::printf(" %.*g", digits, (double)x);
  std::printf("\n");
}

// Runs one command whose kernels take element type T; `base` is the name without its suffix.
template <typename T>
bool run(const std::string& base, unsigned grid, unsigned block,
         void (*axpby)(int, T, const T*, T, const T*, T*),
         void (*mul)(int, const T*, const T*, T*),
         void (*scale)(int, T, const T*, T*),
         void (*addVector)(int, int, const T*, const T*, T*),
         void (*activate)(int, int, int, const T*, T*),
         void (*transpose)(int, int, const T*, T*),
         void (*gather)(int, int, const T*, int, const int*, const int*, T*),
         void (*copyColumns)(int, int, const T*, T*, int, int),
         void (*jacobian)(int, int, T, T, const T*, const T*, int, const T*, const int*,
                          const int*, T*),
         void (*jacobianBatch)(int, int, int, T, T, const T*, int, const T*, int, const T*, int,
                               const int*, const int*, T*)) {
  if (base == "axpby") {
    int n = scalar<int>();
    T alpha = scalar<T>();
    Array<T> x = array<T>();
    T beta = scalar<T>();
    Array<T> y = array<T>();
    std::vector<T> out = output<T>(n);
    mrnn4j_launch(grid, block, [&] { axpby(n, alpha, x.ptr(), beta, y.ptr(), out.data()); });
    print(out);
  } else if (base == "mul") {
    int n = scalar<int>();
    Array<T> x = array<T>();
    Array<T> y = array<T>();
    std::vector<T> out = output<T>(n);
    mrnn4j_launch(grid, block, [&] { mul(n, x.ptr(), y.ptr(), out.data()); });
    print(out);
  } else if (base == "scale") {
    int n = scalar<int>();
    T s = scalar<T>();
    Array<T> x = array<T>();
    std::vector<T> out = output<T>(n);
    mrnn4j_launch(grid, block, [&] { scale(n, s, x.ptr(), out.data()); });
    print(out);
  } else if (base == "add_vector") {
    int n = scalar<int>();
    int m = scalar<int>();
    Array<T> x = array<T>();
    Array<T> v = array<T>();
    std::vector<T> out = output<T>(n);
    mrnn4j_launch(grid, block, [&] { addVector(n, m, x.ptr(), v.ptr(), out.data()); });
    print(out);
  } else if (base == "activate") {
    int n = scalar<int>();
    int act = scalar<int>();
    int derivative = scalar<int>();
    Array<T> x = array<T>();
    std::vector<T> out = output<T>(n);
    mrnn4j_launch(grid, block, [&] { activate(n, act, derivative, x.ptr(), out.data()); });
    print(out);
  } else if (base == "transpose") {
    int rows = scalar<int>();
    int cols = scalar<int>();
    Array<T> x = array<T>();
    std::vector<T> out = output<T>((long long)rows * cols);
    mrnn4j_launch(grid, block, [&] { transpose(rows, cols, x.ptr(), out.data()); });
    print(out);
  } else if (base == "gather") {
    int nr = scalar<int>();
    int nc = scalar<int>();
    Array<T> x = array<T>();
    int ldx = scalar<int>();
    Array<int> ri = array<int>();
    Array<int> ci = array<int>();
    std::vector<T> out = output<T>((long long)nr * nc);
    mrnn4j_launch(grid, block, [&] { gather(nr, nc, x.ptr(), ldx, ri.ptr(), ci.ptr(), out.data()); });
    print(out);
  } else if (base == "copy_columns") {
    int rows = scalar<int>();
    int cols = scalar<int>();
    Array<T> src = array<T>();
    Array<T> dst = array<T>();
    int ldd = scalar<int>();
    int offset = scalar<int>();
    mrnn4j_launch(grid, block, [&] { copyColumns(rows, cols, src.ptr(), dst.ptr(), ldd, offset); });
    print(dst.v);
  } else if (base == "jacobian") {
    int nr = scalar<int>();
    int nc = scalar<int>();
    T a = scalar<T>();
    T b = scalar<T>();
    Array<T> r = array<T>();
    Array<T> w = array<T>();
    int ldw = scalar<int>();
    Array<T> c = array<T>();
    Array<int> ri = array<int>();
    Array<int> ci = array<int>();
    std::vector<T> out = output<T>((long long)nr * nc);
    mrnn4j_launch(grid, block, [&] {
      jacobian(nr, nc, a, b, r.ptr(), w.ptr(), ldw, c.ptr(), ri.ptr(), ci.ptr(), out.data());
    });
    print(out);
  } else if (base == "jacobian_batch") {
    int batch = scalar<int>();
    int nr = scalar<int>();
    int nc = scalar<int>();
    T a = scalar<T>();
    T b = scalar<T>();
    Array<T> r = array<T>();
    int n = scalar<int>();
    Array<T> w = array<T>();
    int ldw = scalar<int>();
    Array<T> c = array<T>();
    int m = scalar<int>();
    Array<int> ri = array<int>();
    Array<int> ci = array<int>();
    std::vector<T> out = output<T>((long long)batch * nr * nc);
    mrnn4j_launch(grid, block, [&] {
      jacobianBatch(batch, nr, nc, a, b, r.ptr(), n, w.ptr(), ldw, c.ptr(), m, ri.ptr(), ci.ptr(),
                    out.data());
    });
    print(out);
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main() {
  std::string name;
  while (std::cin >> name) {
    unsigned grid = scalar<unsigned>();
    unsigned block = scalar<unsigned>();
    size_t cut = name.rfind('_');
    std::string base = cut == std::string::npos ? name : name.substr(0, cut);
    std::string suffix = cut == std::string::npos ? "" : name.substr(cut + 1);
    bool ok = false;
    if (suffix == "f64") {
      ok = run<double>(base, grid, block, axpby_f64, mul_f64, scale_f64, add_vector_f64,
                       activate_f64, transpose_f64, gather_f64, copy_columns_f64, jacobian_f64,
                       jacobian_batch_f64);
    } else if (suffix == "f32") {
      ok = run<float>(base, grid, block, axpby_f32, mul_f32, scale_f32, add_vector_f32,
                      activate_f32, transpose_f32, gather_f32, copy_columns_f32, jacobian_f32,
                      jacobian_batch_f32);
    }
    if (!ok) {
      std::fprintf(stderr, "emulate: unknown kernel '%s'\n", name.c_str());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
