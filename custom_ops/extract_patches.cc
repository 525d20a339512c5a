// ExtractPatches: nearest-pixel patches around landmarks, as in MDM.
//
//   images:  [B, H, W, C] float32
//   centres: [B, N, 2]    float32, (y, x) pixel coordinates
//   output:  [B, N, ph, pw, C] float32
//
// Semantics (start index, valid pixels, zero fill) are defined once, in
// patch_geometry.h, for the CPU kernel here and the CUDA kernel
// (extract_patches_gpu.cu.cc, registered when built with GOOGLE_CUDA). The op
// has no registered C++ gradient; the Python wrapper registers the image
// gradient (the adjoint scatter-add) and gives the centres none.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "patch_geometry.h"
#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"
#include "tensorflow/core/util/work_sharder.h"

#if GOOGLE_CUDA
#include "extract_patches_gpu.h"
#include "xla/stream_executor/stream.h"
#endif

namespace face_alignment {

using ::tensorflow::OpKernel;
using ::tensorflow::OpKernelConstruction;
using ::tensorflow::OpKernelContext;
using ::tensorflow::Tensor;
using ::tensorflow::TensorShape;
using ::tensorflow::errors::InvalidArgument;
using ::tensorflow::shape_inference::DimensionHandle;
using ::tensorflow::shape_inference::InferenceContext;
using ::tensorflow::shape_inference::ShapeHandle;

REGISTER_OP("ExtractPatches")
    .Input("images: float")
    .Input("centres: float")
    .Output("patches: float")
    .Attr("patch_shape: list(int) >= 2")
    .Attr("mode: {'recommended', 'original'} = 'recommended'")
    .SetShapeFn([](InferenceContext* c) {
      ShapeHandle images, centres;
      TF_RETURN_IF_ERROR(c->WithRank(c->input(0), 4, &images));
      TF_RETURN_IF_ERROR(c->WithRank(c->input(1), 3, &centres));
      DimensionHandle batch, unused;
      TF_RETURN_IF_ERROR(
          c->Merge(c->Dim(images, 0), c->Dim(centres, 0), &batch));
      TF_RETURN_IF_ERROR(c->WithValue(c->Dim(centres, 2), 2, &unused));
      std::vector<int64_t> patch_shape;
      TF_RETURN_IF_ERROR(c->GetAttr("patch_shape", &patch_shape));
      if (patch_shape.size() != 2 || patch_shape[0] <= 0 ||
          patch_shape[1] <= 0) {
        return InvalidArgument(
            "patch_shape must be two positive integers (height, width)");
      }
      c->set_output(0, c->MakeShape({batch, c->Dim(centres, 1),
                                     patch_shape[0], patch_shape[1],
                                     c->Dim(images, 3)}));
      return absl::OkStatus();
    })
    .Doc(R"doc(
Nearest-pixel patches of size patch_shape around (y, x) centres; pixels
outside the image are 0. mode='original' reproduces the trigeorgis/tensorflow
fork's start rule (truncation toward zero, row/column 0 treated as outside).
)doc");

// Attribute parsing, input checks and output allocation, shared by devices;
// each device implements Extract.
class ExtractPatchesOpBase : public OpKernel {
 public:
  explicit ExtractPatchesOpBase(OpKernelConstruction* context)
      : OpKernel(context) {
    std::vector<int64_t> patch_shape;
    OP_REQUIRES_OK(context, context->GetAttr("patch_shape", &patch_shape));
    OP_REQUIRES(context, patch_shape.size() == 2,
                InvalidArgument("patch_shape must have 2 elements"));
    OP_REQUIRES(context, patch_shape[0] > 0 && patch_shape[1] > 0,
                InvalidArgument("patch_shape must be positive"));
    patch_height_ = patch_shape[0];
    patch_width_ = patch_shape[1];
    std::string mode;
    OP_REQUIRES_OK(context, context->GetAttr("mode", &mode));
    mode_ = mode == "original" ? PatchMode::kOriginal : PatchMode::kRecommended;
  }

  void Compute(OpKernelContext* context) override {
    PatchProblem problem;
    Tensor* output = nullptr;
    OP_REQUIRES_OK(context, Prepare(context, &problem, &output));
    if (output->NumElements() == 0) return;
    Extract(context, problem, output);
  }

 protected:
  virtual void Extract(OpKernelContext* context, const PatchProblem& problem,
                       Tensor* output) = 0;

 private:
  // Checks the inputs, fills `problem` and allocates the output.
  absl::Status Prepare(OpKernelContext* context, PatchProblem* problem,
                       Tensor** output) {
    const Tensor& images = context->input(0);
    const Tensor& centres = context->input(1);
    if (images.dims() != 4) {
      return InvalidArgument("images must be [B, H, W, C], got shape ",
                             images.shape().DebugString());
    }
    if (centres.dims() != 3 || centres.dim_size(2) != 2) {
      return InvalidArgument("centres must be [B, N, 2] in (y, x), got ",
                             centres.shape().DebugString());
    }
    if (images.dim_size(0) != centres.dim_size(0)) {
      return InvalidArgument("images and centres disagree on the batch size: ",
                             images.dim_size(0), " vs ", centres.dim_size(0));
    }
    *problem = {images.dim_size(0), images.dim_size(1), images.dim_size(2),
                images.dim_size(3), centres.dim_size(1), patch_height_,
                patch_width_, mode_};
    return context->allocate_output(
        0,
        TensorShape({problem->batch, problem->num_centres, patch_height_,
                     patch_width_, problem->channels}),
        output);
  }

  int64_t patch_height_;
  int64_t patch_width_;
  PatchMode mode_;
};

class ExtractPatchesCpuOp : public ExtractPatchesOpBase {
 public:
  using ExtractPatchesOpBase::ExtractPatchesOpBase;

 protected:
  void Extract(OpKernelContext* context, const PatchProblem& p,
               Tensor* output) override {
    const float* image_data = context->input(0).flat<float>().data();
    const float* centre_data = context->input(1).flat<float>().data();
    float* out_data = output->flat<float>().data();
    const int64_t row_elements = p.patch_width * p.channels;
    const int64_t patch_elements = p.patch_height * row_elements;
    const int64_t first = FirstValid(p.mode);

    auto extract_range = [&](int64_t begin, int64_t end) {
      for (int64_t patch = begin; patch < end; ++patch) {
        const int64_t b = patch / p.num_centres;
        const float* image = image_data + b * p.height * p.width * p.channels;
        float* out = out_data + patch * patch_elements;
        const int64_t start_y =
            PatchStart(centre_data[2 * patch], p.patch_height, p.mode);
        const int64_t start_x =
            PatchStart(centre_data[2 * patch + 1], p.patch_width, p.mode);
        // Columns [lo, hi) of the patch read valid source columns.
        const int64_t lo = std::clamp<int64_t>(first - start_x, 0, p.patch_width);
        const int64_t hi =
            std::clamp<int64_t>(p.width - start_x, lo, p.patch_width);
        for (int64_t ty = 0; ty < p.patch_height; ++ty) {
          float* out_row = out + ty * row_elements;
          const int64_t sy = start_y + ty;
          if (!IsValid(sy, p.height, p.mode) || lo == hi) {
            std::memset(out_row, 0, row_elements * sizeof(float));
            continue;
          }
          std::memset(out_row, 0, lo * p.channels * sizeof(float));
          std::memcpy(out_row + lo * p.channels,
                      image + (sy * p.width + start_x + lo) * p.channels,
                      (hi - lo) * p.channels * sizeof(float));
          std::memset(out_row + hi * p.channels, 0,
                      (p.patch_width - hi) * p.channels * sizeof(float));
        }
      }
    };
    auto* workers = context->device()->tensorflow_cpu_worker_threads();
    ::tensorflow::Shard(workers->num_threads, workers->workers,
                        p.batch * p.num_centres,
                        /*cost_per_unit=*/patch_elements, extract_range);
  }
};

REGISTER_KERNEL_BUILDER(
    Name("ExtractPatches").Device(::tensorflow::DEVICE_CPU),
    ExtractPatchesCpuOp);

#if GOOGLE_CUDA
class ExtractPatchesGpuOp : public ExtractPatchesOpBase {
 public:
  using ExtractPatchesOpBase::ExtractPatchesOpBase;

 protected:
  void Extract(OpKernelContext* context, const PatchProblem& problem,
               Tensor* output) override {
    auto stream = static_cast<cudaStream_t>(
        context->op_device_context()->stream()->platform_specific_handle()
            .stream);
    const cudaError_t status = LaunchExtractPatches(
        context->input(0).flat<float>().data(),
        context->input(1).flat<float>().data(), output->flat<float>().data(),
        problem, stream);
    OP_REQUIRES(context, status == cudaSuccess,
                ::tensorflow::errors::Internal(
                    "ExtractPatches CUDA launch failed: ",
                    cudaGetErrorString(status)));
  }
};

REGISTER_KERNEL_BUILDER(
    Name("ExtractPatches").Device(::tensorflow::DEVICE_GPU),
    ExtractPatchesGpuOp);
#endif  // GOOGLE_CUDA

}  // namespace face_alignment
