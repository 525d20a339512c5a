"""`extract_patches`: MDM's patch extraction, compiled op with a pure-TF fallback.

Both implementations give identical output (tests check 0 difference against a
numpy reference). Semantics: see `patch_geometry.h` and SPEC A.4.

Gradients: none for the centres (as in the original, which registered the op as
non-differentiable). The images get the exact adjoint of the gather: each
patch pixel's gradient is added to the source pixel it was read from; pixels
outside the image contribute nothing. MDM never needs it (images are inputs),
but it makes the op usable inside larger differentiable models.
"""

import logging
from pathlib import Path

import tensorflow as tf

from face_alignment_tf.custom_ops.patch_indices import (
    check_mode,
    normalise_patch_shape,
    patch_pixel_indices,
)

LIBRARY_GLOB = "_extract_patches_ops*.so"
IMPLEMENTATIONS = ("auto", "compiled", "tf")
_log = logging.getLogger(__name__)


def _load_library():
    """Loads the compiled op library next to this file, or returns (None, reason)."""
    candidates = sorted(Path(__file__).resolve().parent.glob(LIBRARY_GLOB))
    if not candidates:
        return None, "no compiled library (run `make build` or `pip install .`)"
    try:
        return tf.load_op_library(str(candidates[0])), None
    except (tf.errors.NotFoundError, OSError) as error:
        return None, f"{candidates[0]} failed to load: {error}"


_LIBRARY, _LOAD_ERROR = _load_library()
_warned = False

if _LIBRARY is not None:

    @tf.RegisterGradient("ExtractPatches")
    def _extract_patches_grad(op, grad):
        images = op.inputs[0]
        patch_shape = tuple(op.get_attr("patch_shape"))
        mode = op.get_attr("mode").decode()
        return _scatter_to_images(grad, images, op.inputs[1], patch_shape, mode), None


def compiled_op_available() -> bool:
    """True when the compiled ExtractPatches library loaded."""
    return _LIBRARY is not None


def compiled_op_load_error() -> str | None:
    """Why the compiled library is unavailable, or None."""
    return _LOAD_ERROR


def _scatter_to_images(grad, images, centres, patch_shape, mode):
    shape = tf.shape(images, out_type=tf.int64)
    flat, valid = patch_pixel_indices(shape, centres, patch_shape, mode)
    grad = tf.where(valid[..., None], grad, tf.zeros_like(grad))
    channels = shape[3]
    summed = tf.math.unsorted_segment_sum(
        tf.reshape(grad, [-1, channels]), tf.reshape(flat, [-1]), tf.reduce_prod(shape[:3])
    )
    return tf.reshape(summed, shape)


def extract_patches_tf(
    images: tf.Tensor,
    centres: tf.Tensor,
    patch_shape: int | tuple[int, int],
    mode: str = "recommended",
) -> tf.Tensor:
    """Pure-TF ExtractPatches (same arguments and output as `extract_patches`)."""
    patch_shape = normalise_patch_shape(patch_shape)
    images, centres = _check_inputs(images, centres)
    shape = tf.shape(images, out_type=tf.int64)
    flat, valid = patch_pixel_indices(shape, centres, patch_shape, check_mode(mode))
    pixels = tf.gather(tf.reshape(images, [-1, shape[3]]), flat)
    return tf.where(valid[..., None], pixels, tf.zeros_like(pixels))


def extract_patches(
    images: tf.Tensor,
    centres: tf.Tensor,
    patch_shape: int | tuple[int, int],
    mode: str = "recommended",
    implementation: str = "auto",
) -> tf.Tensor:
    """Nearest-pixel patches around landmarks.

    Args:
      images: float32 [B, H, W, C].
      centres: float32 [B, N, 2], (y, x) pixel coordinates (row, column; pixel
        centres at integers, as menpo).
      patch_shape: int or (ph, pw).
      mode: 'recommended': start = floor(c) - p//2, zeros outside [0,H)x[0,W).
        'original': the trigeorgis/tensorflow fork's rule: start = trunc(c - p//2),
        row 0 and column 0 count as outside (zero-filled instead of garbage).
      implementation: 'auto' (compiled op if built, else pure TF with one
        warning), 'compiled' (raise if not built) or 'tf'.

    Returns:
      float32 [B, N, ph, pw, C]; patch pixel (ty, tx) of centre n is image pixel
      (start_y + ty, start_x + tx), so the centre pixel sits at index (ph//2, pw//2).
    """
    global _warned
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}")
    use_compiled = implementation == "compiled" or (
        implementation == "auto" and _LIBRARY is not None
    )
    if use_compiled and _LIBRARY is None:
        raise RuntimeError(f"compiled ExtractPatches op unavailable: {_LOAD_ERROR}")
    if not use_compiled:
        if implementation == "auto" and not _warned:
            _log.warning("ExtractPatches: using the pure-TF fallback; %s", _LOAD_ERROR)
            _warned = True
        return extract_patches_tf(images, centres, patch_shape, mode)
    patch_shape = normalise_patch_shape(patch_shape)
    images, centres = _check_inputs(images, centres)
    return _LIBRARY.extract_patches(
        images, centres, patch_shape=list(patch_shape), mode=check_mode(mode)
    )


def _check_inputs(images, centres):
    images = tf.convert_to_tensor(images, tf.float32)
    centres = tf.convert_to_tensor(centres, tf.float32)
    if images.shape.rank is not None and images.shape.rank != 4:
        raise ValueError(f"images must be [B, H, W, C], got shape {images.shape}")
    if centres.shape.rank is not None and (centres.shape.rank != 3 or centres.shape[-1] != 2):
        raise ValueError(f"centres must be [B, N, 2] in (y, x), got shape {centres.shape}")
    return images, centres
