"""Heatmap targets and decoders of the SDU networks (SPEC B.2.6, B.6).

Landmarks are (y, x) pixel coordinates in the 128x128 network input; heatmaps
are [B, 64, 64, N] (stride 2), channel k for landmark k.
"""

import tensorflow as tf

PEAK = 20.0
STRIDE = 2


def heatmap_targets(landmarks, size: int = 64, sigma: int = 1, peak: float = PEAK) -> tf.Tensor:
    """Training targets [B, size, size, N] for landmarks [B, N, 2] (y, x) in the input crop.

    Landmark p lands on grid cell q = floor(p / 2) (the original's int(0.5 * p) for
    p >= 0). sigma >= 1: a (6 sigma + 1)^2 window centred on q with values
    peak * exp(-d^2 / (2 sigma^2)) (20, 12.1306, 7.3576 at distance 0, 1, sqrt 2
    for sigma = 1), clipped at the borders, 0 elsewhere. sigma = 0: a single 1.0 at q.
    """
    landmarks = tf.convert_to_tensor(landmarks, tf.float32)
    cells = tf.cast(tf.floor(landmarks / STRIDE), tf.int32)  # [B, N, 2]
    grid = tf.range(size, dtype=tf.int32)
    dy = grid[None, :, None] - cells[:, None, :, 0]  # [B, size, N]
    dx = grid[None, :, None] - cells[:, None, :, 1]  # [B, size, N]
    if sigma == 0:
        hit = (dy == 0)[:, :, None, :] & (dx == 0)[:, None, :, :]
        return tf.cast(hit, tf.float32)
    inside = (tf.abs(dy) <= 3 * sigma)[:, :, None, :] & (tf.abs(dx) <= 3 * sigma)[:, None, :, :]
    squared = tf.cast(dy[:, :, None, :] ** 2 + dx[:, None, :, :] ** 2, tf.float32)
    values = peak * tf.exp(-squared / (2.0 * sigma**2))
    return tf.where(inside, values, 0.0)


def first_argmax_2d(maps) -> tf.Tensor:
    """(row, col) of each channel's maximum, ties to the first in row-major order.

    maps [B, H, W, N] -> int32 [B, N, 2] (numpy's argmax rule, deterministic).
    """
    shape = tf.shape(maps)
    flat = tf.reshape(tf.transpose(maps, [0, 3, 1, 2]), [shape[0], shape[3], -1])
    maximum = tf.reduce_max(flat, axis=-1, keepdims=True)
    index = tf.range(tf.shape(flat)[-1])
    first = tf.reduce_min(tf.where(flat == maximum, index, tf.shape(flat)[-1]), axis=-1)
    return tf.stack([first // shape[2], first % shape[2]], axis=-1)


def decode_argmax(heatmaps) -> tf.Tensor:
    """The original decoder: 2x bilinear (half-pixel) resize, integer argmax.

    heatmaps [B, 64, 64, N] -> float32 [B, N, 2] (y, x) in the 128 crop.
    """
    heatmaps = tf.convert_to_tensor(heatmaps, tf.float32)
    size = tf.shape(heatmaps)[1:3] * STRIDE
    resized = tf.image.resize(heatmaps, size, method="bilinear")  # half-pixel centres
    return tf.cast(first_argmax_2d(resized), tf.float32)


def decode_subpixel(heatmaps) -> tf.Tensor:
    """Argmax on the 64 grid plus a quarter cell towards the larger neighbour, per axis.

    On smooth unimodal heatmaps this equals `decode_argmax` (a quarter cell is
    half a pixel at 128, the resolution of the 2x resize); they differ where the
    resize moves the maximum, e.g. on flat or multi-modal maps.

    A cell q covers input pixels [2q, 2q + 2), whose centre is 2q + 0.5 in pixel
    coordinates. heatmaps [B, 64, 64, N] -> float32 [B, N, 2] (y, x) in the 128 crop.
    """
    heatmaps = tf.convert_to_tensor(heatmaps, tf.float32)
    peaks = first_argmax_2d(heatmaps)  # [B, N, 2]
    shape = tf.shape(heatmaps)
    channels = tf.transpose(heatmaps, [0, 3, 1, 2])  # [B, N, H, W]

    def value(rows, cols):
        rows = tf.clip_by_value(rows, 0, shape[1] - 1)
        cols = tf.clip_by_value(cols, 0, shape[2] - 1)
        return tf.gather_nd(channels, tf.stack([rows, cols], axis=-1), batch_dims=2)

    rows, cols = peaks[..., 0], peaks[..., 1]
    shift_y = tf.sign(value(rows + 1, cols) - value(rows - 1, cols)) * 0.25
    shift_x = tf.sign(value(rows, cols + 1) - value(rows, cols - 1)) * 0.25
    cells = tf.cast(peaks, tf.float32) + tf.stack([shift_y, shift_x], axis=-1)
    return STRIDE * cells + 0.5
