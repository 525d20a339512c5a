// ExtractPatches: nearest-pixel patches around landmarks, as in MDM.
//
//   images:  [B, H, W, C] float32
//   centres: [B, N, 2]    float32, (y, x) pixel coordinates
//   output:  [B, N, ph, pw, C] float32
//
// Semantics (start index, valid pixels, zero fill) are defined once, in
// patch_geometry.h. The op has no registered C++ gradient; the Python
// wrapper registers the image gradient (the adjoint scatter-add) and gives
// the centres none.
#include <algorithm>
#include <cstring>
#include <string>

#include "patch_geometry.h"
#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"
#include "tensorflow/core/util/work_sharder.h"

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

class ExtractPatchesOp : public OpKernel {
 public:
  explicit ExtractPatchesOp(OpKernelConstruction* context)
      : OpKernel(context) {
    std::vector<int64_t> patch_shape;
    OP_REQUIRES_OK(context, context->GetAttr("patch_shape", &patch_shape));
    OP_REQUIRES(context, patch_shape.size() == 2,
                InvalidArgument("patch_shape must have 2 elements"));
    patch_height_ = patch_shape[0];
    patch_width_ = patch_shape[1];
    OP_REQUIRES(context, patch_height_ > 0 && patch_width_ > 0,
                InvalidArgument("patch_shape must be positive"));
    std::string mode;
    OP_REQUIRES_OK(context, context->GetAttr("mode", &mode));
    mode_ = mode == "original" ? PatchMode::kOriginal : PatchMode::kRecommended;
  }

  void Compute(OpKernelContext* context) override {
    const Tensor& images = context->input(0);
    const Tensor& centres = context->input(1);
    OP_REQUIRES(context, images.dims() == 4,
                InvalidArgument("images must be [B, H, W, C], got shape ",
                                images.shape().DebugString()));
    OP_REQUIRES(context, centres.dims() == 3 && centres.dim_size(2) == 2,
                InvalidArgument("centres must be [B, N, 2] in (y, x), got ",
                                centres.shape().DebugString()));
    OP_REQUIRES(context, images.dim_size(0) == centres.dim_size(0),
                InvalidArgument("images and centres disagree on the batch "
                                "size: ",
                                images.dim_size(0), " vs ",
                                centres.dim_size(0)));
    const int64_t batch = images.dim_size(0);
    const int64_t height = images.dim_size(1);
    const int64_t width = images.dim_size(2);
    const int64_t channels = images.dim_size(3);
    const int64_t num_centres = centres.dim_size(1);

    Tensor* output = nullptr;
    OP_REQUIRES_OK(
        context,
        context->allocate_output(
            0,
            TensorShape({batch, num_centres, patch_height_, patch_width_,
                         channels}),
            &output));
    if (output->NumElements() == 0) return;

    const float* image_data = images.flat<float>().data();
    const float* centre_data = centres.flat<float>().data();
    float* out_data = output->flat<float>().data();
    const int64_t patch_elements = patch_height_ * patch_width_ * channels;
    const int64_t row_elements = patch_width_ * channels;
    const int64_t first = FirstValid(mode_);
    const int64_t ph = patch_height_, pw = patch_width_;
    const PatchMode mode = mode_;

    auto extract_range = [&](int64_t begin, int64_t end) {
      for (int64_t patch = begin; patch < end; ++patch) {
        const int64_t b = patch / num_centres;
        const float* image = image_data + b * height * width * channels;
        float* out = out_data + patch * patch_elements;
        const int64_t start_y = PatchStart(centre_data[2 * patch], ph, mode);
        const int64_t start_x =
            PatchStart(centre_data[2 * patch + 1], pw, mode);
        // Columns [lo, hi) of the patch read valid source columns.
        const int64_t lo = std::clamp<int64_t>(first - start_x, 0, pw);
        const int64_t hi = std::clamp<int64_t>(width - start_x, lo, pw);
        for (int64_t ty = 0; ty < ph; ++ty) {
          float* out_row = out + ty * row_elements;
          const int64_t sy = start_y + ty;
          if (!IsValid(sy, height, mode) || lo == hi) {
            std::memset(out_row, 0, row_elements * sizeof(float));
            continue;
          }
          std::memset(out_row, 0, lo * channels * sizeof(float));
          std::memcpy(out_row + lo * channels,
                      image + (sy * width + start_x + lo) * channels,
                      (hi - lo) * channels * sizeof(float));
          std::memset(out_row + hi * channels, 0,
                      (pw - hi) * channels * sizeof(float));
        }
      }
    };
    auto* workers = context->device()->tensorflow_cpu_worker_threads();
    ::tensorflow::Shard(workers->num_threads, workers->workers,
                        batch * num_centres, /*cost_per_unit=*/patch_elements,
                        extract_range);
  }

 private:
  int64_t patch_height_;
  int64_t patch_width_;
  PatchMode mode_;
};

REGISTER_KERNEL_BUILDER(
    Name("ExtractPatches").Device(::tensorflow::DEVICE_CPU), ExtractPatchesOp);

}  // namespace face_alignment
