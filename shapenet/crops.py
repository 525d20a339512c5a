"""Where ShapeNet's original network looks (SPEC C.4): a square around the face, resized to
224x224, grey.

The square is centred on the face's bounds (the box's, or the ground truth's in the
original), its side 1.1 x their longer extent; a crop pixel is (p - top-left) x 224 / side.
Matrices are 3x3 affines on homogeneous (y, x, 1) from image to crop pixels, computed with
numpy or TF's numpy by the same code.
"""

import tensorflow as tf
import tensorflow.experimental.numpy as tnp

INPUT_SIZE = 224
CROP_FACTOR = 1.1
GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)  # skimage's rgb2gray, R G B


def window_matrix(origin, extent, size: int = INPUT_SIZE, xp=tnp):
    """Image -> crop affines [..., 3, 3] mapping the window at `origin` (y, x) [..., 2] of
    `extent` (h, w) [..., 2] onto size x size pixels (anisotropic when h != w)."""
    origin, extent = xp.asarray(origin, xp.float32), xp.asarray(extent, xp.float32)
    scale = size / extent
    zeros, ones = xp.zeros_like(scale[..., 0]), xp.ones_like(scale[..., 0])
    rows = [
        xp.stack([scale[..., 0], zeros, -scale[..., 0] * origin[..., 0]], axis=-1),
        xp.stack([zeros, scale[..., 1], -scale[..., 1] * origin[..., 1]], axis=-1),
        xp.stack([zeros, zeros, ones], axis=-1),
    ]
    return xp.stack(rows, axis=-2)


def square_window(points, factor: float = CROP_FACTOR, xp=tnp):
    """(top-left (y, x) [..., 2], side [...]) of the square around points [..., k, 2]:
    centred on their bounds, side `factor` x the longer extent."""
    points = xp.asarray(points, xp.float32)
    lo, hi = xp.min(points, axis=-2), xp.max(points, axis=-2)
    side = factor * xp.max(hi - lo, axis=-1)
    return (lo + hi) / 2 - side[..., None] / 2, side


def square_crop_matrix(points, size: int = INPUT_SIZE, xp=tnp):
    """Image -> crop affines [..., 3, 3] of `square_window` around points [..., k, 2]."""
    origin, side = square_window(points, xp=xp)
    return window_matrix(origin, xp.stack([side, side], axis=-1), size, xp)


def grey_pixels(rgb) -> tf.Tensor:
    """RGB [..., 3] in [0, 1] -> grey [..., 1] (skimage's weights)."""
    return tf.reduce_sum(rgb * tf.constant(GREY_WEIGHTS, rgb.dtype), axis=-1, keepdims=True)
