// Host stand-ins for the CUDA built-ins that kernels.cu uses, so that the kernels compile as
// plain C++ with g++ and run on the CPU, one emulated thread after another (the tests' check of
// the kernels' arithmetic without a GPU). Each kernel writes every output exactly once, so
// running the threads in sequence computes what the GPU computes in parallel.
#ifndef MRNN4J_CUDA_HOST_H
#define MRNN4J_CUDA_HOST_H

#include <math.h>

#define __global__
#define __device__

struct mrnn4j_dim3 {
  unsigned int x, y, z;
};

static mrnn4j_dim3 blockIdx, threadIdx, blockDim, gridDim;

// Runs `kernel` as a launch of `grid` blocks of `block` threads: every (block, thread) pair in turn.
template <typename F>
static void mrnn4j_launch(unsigned int grid, unsigned int block, F kernel) {
  gridDim = {grid, 1, 1};
  blockDim = {block, 1, 1};
  for (unsigned int b = 0; b < grid; b++) {
    for (unsigned int t = 0; t < block; t++) {
      blockIdx = {b, 0, 0};
      threadIdx = {t, 0, 0};
      kernel();
    }
  }
}

#endif
