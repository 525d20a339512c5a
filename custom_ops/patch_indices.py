"""Where each patch pixel comes from: the index rule of ExtractPatches in TF ops.

This is the TensorFlow twin of `patch_geometry.h` (same start rule, same valid
range, float64 arithmetic like the C++ kernel). It drives the pure-TF
implementation and the image gradient of the compiled op.
"""

import tensorflow as tf

MODES = ("recommended", "original")
_CENTRE_LIMIT = 2.0**30
_OUTSIDE_START = -(2**40)


def normalise_patch_shape(patch_shape: int | tuple[int, int]) -> tuple[int, int]:
    """Returns (height, width) from an int or a pair; raises on non-positive sizes."""
    if isinstance(patch_shape, int):
        patch_shape = (patch_shape, patch_shape)
    height, width = (int(size) for size in patch_shape)
    if height <= 0 or width <= 0:
        raise ValueError(f"patch_shape must be positive, got {patch_shape}")
    return height, width


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def patch_starts(centres: tf.Tensor, patch_shape: tuple[int, int], mode: str) -> tf.Tensor:
    """First (row, col) of every patch: int64 [B, N, 2] from (y, x) centres [B, N, 2]."""
    centres = tf.cast(tf.stop_gradient(centres), tf.float64)
    finite = tf.math.is_finite(centres)
    centres = tf.clip_by_value(tf.where(finite, centres, 0.0), -_CENTRE_LIMIT, _CENTRE_LIMIT)
    half = tf.constant([patch_shape[0] // 2, patch_shape[1] // 2], tf.int64)
    if check_mode(mode) == "original":
        # tf.cast truncates toward zero, like the fork's float->int assignment.
        starts = tf.cast(centres - tf.cast(half, tf.float64), tf.int64)
    else:
        starts = tf.cast(tf.floor(centres), tf.int64) - half
    return tf.where(finite, starts, tf.constant(_OUTSIDE_START, tf.int64))


def patch_pixel_indices(
    image_shape: tf.Tensor, centres: tf.Tensor, patch_shape: tuple[int, int], mode: str
) -> tuple[tf.Tensor, tf.Tensor]:
    """Source pixel of every patch pixel.

    Args:
      image_shape: the [B, H, W, C] shape of the images (a 1-D int tensor).
      centres: float [B, N, 2] patch centres in (y, x) pixel coordinates.
      patch_shape: (ph, pw).
      mode: 'recommended' (floor, [0, H) valid) or 'original' (truncate, (0, H) valid).

    Returns:
      flat: int64 [B, N, ph, pw] indices into the images reshaped to [B*H*W, C]
        (clamped into range where the pixel is invalid).
      valid: bool [B, N, ph, pw], False where the pixel lies outside the image.
    """
    image_shape = tf.cast(image_shape, tf.int64)
    height, width = image_shape[1], image_shape[2]
    first = 1 if check_mode(mode) == "original" else 0
    starts = patch_starts(centres, patch_shape, mode)
    rows = starts[..., 0:1] + tf.range(patch_shape[0], dtype=tf.int64)  # [B,N,ph]
    cols = starts[..., 1:2] + tf.range(patch_shape[1], dtype=tf.int64)  # [B,N,pw]
    valid_rows = (rows >= first) & (rows < height)
    valid_cols = (cols >= first) & (cols < width)
    valid = valid_rows[..., :, None] & valid_cols[..., None, :]
    rows = tf.clip_by_value(rows, 0, height - 1)
    cols = tf.clip_by_value(cols, 0, width - 1)
    batch = tf.range(image_shape[0], dtype=tf.int64)[:, None, None, None]
    flat = (batch * height + rows[..., :, None]) * width + cols[..., None, :]
    return flat, valid
