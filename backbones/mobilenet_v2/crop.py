"""The MobileNetV2 regressor's input: the 64x64 crop of a face box (SPEC D.5; `size` for
a network of another input size), and the 136-vector <-> (y, x) crop pixels.

The crop rule of the original demo (`obtain_bbox`, `pad_bbox`): make the box square by
padding its short side (sides counted inclusively, +1), widen it by 5 % of its width on
each side and lower its bottom by 10 % of its height (top unchanged); the square's width
maps onto the 64-pixel input. Matrices are 3x3 affines on homogeneous (y, x, 1) from
image to crop pixels, computed with numpy (the LiteRT path) or TF's numpy (tf.data and the
cascade's graph) by the same code: `xp` None is TF's numpy, imported then (the LiteRT path
runs without TensorFlow).
The demo's rounding of the crop origin and its 63-pixel slice (bug) are not reproduced:
the crop is one exact affine.
"""

from types import ModuleType

import cv2
import numpy as np

from face_alignment_tf.data.geometry import opencv_affine

INPUT_SIZE = 64
SIDE_PAD = 0.05  # pad_bbox ratio: x by 5 % each side, the bottom by 2 x 5 %
IDENTITY = np.eye(2, dtype=np.float32)
AFFINE_BOTTOM = np.array([0.0, 0.0, 1.0], np.float32)


def array_module(xp: ModuleType | None) -> ModuleType:
    """`xp`, or TensorFlow's numpy (graphs, tf.data) when None."""
    if xp is not None:
        return xp
    import tensorflow.experimental.numpy as tnp

    return tnp


def homogeneous(top, xp=None):
    """Affines [..., 3, 3] from their top two rows [..., 2, 3]: (0, 0, 1) below."""
    xp = array_module(xp)
    bottom = xp.zeros_like(top[..., :1, :]) + AFFINE_BOTTOM
    return xp.concatenate([top, bottom], axis=-2)


def square_of_extent(top, left, bottom, right, maximum=max):
    """(top, left, side) of the demo's padded square around a box's extent (its extreme
    coordinates): Python floats (one face) or arrays [...] with `maximum` = xp.maximum.

    The demo pads the short side to square (obtain_bbox's +1 on both sides cancels), so the
    square's side is the box's longer side m, centred on the box; pad_bbox then widens x by
    5 % of m each side and lowers the bottom by 10 % (top unchanged): side 1.1 m.
    """
    longest = maximum(bottom - top, right - left)
    return (
        (top + bottom - longest) / 2,
        (left + right) / 2 - (0.5 + SIDE_PAD) * longest,
        (1 + 2 * SIDE_PAD) * longest,
    )


def padded_square(boxes, xp=None):
    """(top-left (y, x) [..., 2], side [...]) of the demo's padded square
    (`square_of_extent`) around box corners [..., k, 2] (y, x). `xp`: the array module,
    numpy (the training pipeline's crops) or TF's numpy (graphs, tf.data)."""
    xp = array_module(xp)
    boxes = xp.asarray(boxes, xp.float32)
    lo, hi = xp.min(boxes, axis=-2), xp.max(boxes, axis=-2)
    top, left, side = square_of_extent(lo[..., 0], lo[..., 1], hi[..., 0], hi[..., 1], xp.maximum)
    return xp.stack([top, left], axis=-1), side


def face_square_affine(cos: float, sin: float, extent, size: int = INPUT_SIZE) -> np.ndarray:
    """One face's `square_affine` from Python floats, float64 [3, 3] on (y, x, 1): the turn
    L = [[cos, -sin], [sin, cos]] (1, 0: none), then the padded square (`square_of_extent`)
    of the turned points' extent ((top, left), (bottom, right)) onto size x size pixels.
    The LiteRT aligner's per-face path: on one face, arithmetic on floats takes a fifth of
    the array code's time."""
    (top, left), (bottom, right) = extent
    top, left, side = square_of_extent(top, left, bottom, right)
    scale = size / side
    return np.array(
        [
            [scale * cos, -scale * sin, -scale * top],
            [scale * sin, scale * cos, -scale * left],
            [0.0, 0.0, 1.0],
        ]
    )


def square_affine(linear, origin, side, size: int = INPUT_SIZE, xp=None):
    """Affines [..., 3, 3] on (y, x, 1) onto size x size crop pixels s (L p - o): `linear`
    L [..., 2, 2] (the identity, or a turn), then the square (`padded_square`'s origin o
    [..., 2] and side [...] in L's frame) scaled by s = size / side onto the crop."""
    xp = array_module(xp)
    scale = (size / side)[..., None, None]
    top = xp.concatenate([linear, -origin[..., :, None]], axis=-1) * scale
    return homogeneous(top, xp)


def crop_matrix(boxes, size: int = INPUT_SIZE, xp=None):
    """Image -> crop affines [..., 3, 3] for box corners [..., k, 2] (y, x): the padded
    square's width onto `size` pixels, its top-left corner onto (0, 0)."""
    xp = array_module(xp)
    origin, side = padded_square(boxes, xp)
    return square_affine(xp.zeros_like(origin[..., None, :]) + IDENTITY, origin, side, size, xp)


def opencv_crop(pixels: np.ndarray, matrix: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """The size x size crop of `pixels` [H, W(, C)] (uint8 or float32, as OpenCV warps them) by
    the image -> crop affine `matrix` (3x3 on (y, x, 1)): `cv2.warpAffine`, bilinear, zero
    outside, in OpenCV's fixed point (coordinates to 1/32 px, uint8 results rounded). The
    crop of the LiteRT aligner and of the training pipeline."""
    return cv2.warpAffine(
        pixels, opencv_affine(matrix), (size, size), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=0,
    )  # fmt: skip


def encode_landmarks(landmarks, size: int = INPUT_SIZE):
    """(y, x) crop pixels [..., 68, 2] -> the network's [..., 136] = [x0..x67, y0..y67].

    The original's labels are 1-based coordinates over the input size: v = (p + 1) / 64
    for a 0-based pixel p (its demo decodes v * 64 - 1). That offset lives here and in
    `decode_landmarks` only.
    """
    import tensorflow as tf

    landmarks = tf.convert_to_tensor(landmarks, tf.float32)
    values = (landmarks + 1.0) / size
    return tf.concat([values[..., 1], values[..., 0]], axis=-1)


def decode_landmarks(outputs, size: int = INPUT_SIZE, xp=None):
    """The network's [..., 136] -> (y, x) crop pixels [..., 68, 2] (numpy or TF's numpy)."""
    xp = array_module(xp)
    outputs = xp.asarray(outputs, xp.float32)
    count = outputs.shape[-1] // 2
    x, y = outputs[..., :count], outputs[..., count:]
    return xp.stack([y, x], axis=-1) * size - 1.0
