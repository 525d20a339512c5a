// Launcher of the CUDA ExtractPatches kernel (extract_patches_gpu.cu.cc).
#ifndef FACE_ALIGNMENT_CUSTOM_OPS_EXTRACT_PATCHES_GPU_H_
#define FACE_ALIGNMENT_CUSTOM_OPS_EXTRACT_PATCHES_GPU_H_

#if GOOGLE_CUDA

#include <cuda_runtime.h>

#include <cstdint>

#include "patch_geometry.h"

namespace face_alignment {

// images [B, H, W, C], centres [B, N, 2] (y, x), patches [B, N, ph, pw, C]:
// device pointers. Returns the launch status.
cudaError_t LaunchExtractPatches(const float* images, const float* centres,
                                 float* patches, const PatchProblem& problem,
                                 cudaStream_t stream);

}  // namespace face_alignment

#endif  // GOOGLE_CUDA
#endif  // FACE_ALIGNMENT_CUSTOM_OPS_EXTRACT_PATCHES_GPU_H_
