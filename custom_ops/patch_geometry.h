// Index rule shared by every ExtractPatches kernel (CPU now, CUDA when built).
//
// A patch of size (ph, pw) around a centre (cy, cx) -- (y, x) order, as menpo
// and the original MDM op -- starts at row `start(cy, ph)` and column
// `start(cx, pw)` and reads pixels nearest-neighbour, without interpolation.
//
//   mode kRecommended: start = floor(c) - p / 2, pixels in [0, H) x [0, W) valid.
//   mode kOriginal:    start = trunc(c - p / 2) (C++ float->int conversion of
//                      the trigeorgis/tensorflow fork), pixels in (0, H) x (0, W)
//                      valid: row 0 and column 0 count as outside.
//
// Invalid pixels are written as 0 in both modes (the fork left them
// uninitialised). A non-finite centre gives an all-zero patch; centres are
// clamped to +-2^30 before the integer conversion so that no overflow occurs.
#ifndef FACE_ALIGNMENT_CUSTOM_OPS_PATCH_GEOMETRY_H_
#define FACE_ALIGNMENT_CUSTOM_OPS_PATCH_GEOMETRY_H_

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define PATCH_HOST_DEVICE __host__ __device__
#else
#define PATCH_HOST_DEVICE
#endif

namespace face_alignment {

enum class PatchMode : int32_t { kRecommended = 0, kOriginal = 1 };

constexpr double kCentreLimit = 1073741824.0;  // 2^30
// Start used for a non-finite centre: far outside any image, so every pixel
// is invalid and the patch is all zeros.
constexpr int64_t kOutsideStart = -(int64_t{1} << 40);

PATCH_HOST_DEVICE inline int64_t PatchStart(float centre, int64_t patch_size,
                                            PatchMode mode) {
#if defined(__CUDA_ARCH__)
  if (!isfinite(centre)) return kOutsideStart;
#else
  if (!std::isfinite(centre)) return kOutsideStart;
#endif
  double c = static_cast<double>(centre);
  c = c < -kCentreLimit ? -kCentreLimit : (c > kCentreLimit ? kCentreLimit : c);
  const int64_t half = patch_size / 2;
  if (mode == PatchMode::kOriginal) {
    return static_cast<int64_t>(c - static_cast<double>(half));  // truncation
  }
  #if defined(__CUDA_ARCH__)
  return static_cast<int64_t>(floor(c)) - half;
#else
  return static_cast<int64_t>(std::floor(c)) - half;
#endif
}

// Smallest valid source index along an axis of length `size`.
PATCH_HOST_DEVICE inline int64_t FirstValid(PatchMode mode) {
  return mode == PatchMode::kOriginal ? 1 : 0;
}

PATCH_HOST_DEVICE inline bool IsValid(int64_t index, int64_t size,
                                      PatchMode mode) {
  return index >= FirstValid(mode) && index < size;
}

// Sizes of one ExtractPatches call: images [batch, height, width, channels],
// centres [batch, num_centres, 2], patches [batch, num_centres, patch_height,
// patch_width, channels].
struct PatchProblem {
  int64_t batch, height, width, channels, num_centres, patch_height,
      patch_width;
  PatchMode mode;
};

}  // namespace face_alignment

#endif  // FACE_ALIGNMENT_CUSTOM_OPS_PATCH_GEOMETRY_H_
