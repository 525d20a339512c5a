// CUDA kernel of ExtractPatches: one thread per output value, same index rule
// (patch_geometry.h) as the CPU kernel. Compiled only for CUDA builds of
// TensorFlow (see build.py); registered in extract_patches.cc.
#if GOOGLE_CUDA

#include "extract_patches_gpu.h"

#include <cuda_runtime.h>

#include "patch_geometry.h"

namespace face_alignment {
namespace {

__global__ void ExtractPatchesKernel(const float* images, const float* centres,
                                     float* patches, int64_t total,
                                     int64_t height, int64_t width,
                                     int64_t channels, int64_t num_centres,
                                     int64_t patch_height, int64_t patch_width,
                                     PatchMode mode) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
       i < total; i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    int64_t rest = i;
    const int64_t channel = rest % channels;
    rest /= channels;
    const int64_t tx = rest % patch_width;
    rest /= patch_width;
    const int64_t ty = rest % patch_height;
    const int64_t patch = rest / patch_height;
    const int64_t batch = patch / num_centres;
    const int64_t sy = PatchStart(centres[2 * patch], patch_height, mode) + ty;
    const int64_t sx =
        PatchStart(centres[2 * patch + 1], patch_width, mode) + tx;
    patches[i] = IsValid(sy, height, mode) && IsValid(sx, width, mode)
                     ? images[((batch * height + sy) * width + sx) * channels +
                              channel]
                     : 0.0f;
  }
}

}  // namespace

cudaError_t LaunchExtractPatches(const float* images, const float* centres,
                                 float* patches, const PatchProblem& problem,
                                 cudaStream_t stream) {
  const int64_t total = problem.batch * problem.num_centres *
                        problem.patch_height * problem.patch_width *
                        problem.channels;
  if (total == 0) return cudaSuccess;
  constexpr int kThreads = 256;
  const int64_t wanted = (total + kThreads - 1) / kThreads;
  const int blocks = static_cast<int>(wanted < 65535 * 32 ? wanted : 65535 * 32);
  ExtractPatchesKernel<<<blocks, kThreads, 0, stream>>>(
      images, centres, patches, total, problem.height, problem.width,
      problem.channels, problem.num_centres, problem.patch_height,
      problem.patch_width, problem.mode);
  return cudaGetLastError();
}

}  // namespace face_alignment

#endif  // GOOGLE_CUDA
