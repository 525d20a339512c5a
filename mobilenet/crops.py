"""Where stage 2 of the MobileNetV2 cascade looks: around stage 1's points.

'box' is the backbone's box crop (`backbones.mobilenet_v2.crop`) of their bounding box (the
original cascade's design); 'aligned' (ours): the points turned upright first by the tilt
of the line between the eye centres, so that stage 2 sees level faces whatever the face's
in-plane rotation; the crop is then the same rule on the upright points, composed with
that rotation. Matrices are 3x3 affines on (y, x, 1) from image to crop pixels, numpy or
TF's numpy by the same code; `face_crop_matrix` computes one face's on Python floats (the
LiteRT aligner), with the same padded square (`square_of_extent`).
"""

import math

import numpy as np

from face_alignment_tf.backbones.mobilenet_v2.crop import (
    INPUT_SIZE,
    array_module,
    crop_matrix,
    face_square_affine,
    padded_square,
    square_affine,
)

STAGE2_CROPS = ("box", "aligned")
LEFT_EYE, RIGHT_EYE = slice(36, 42), slice(42, 48)  # image-left eye first, as 36 / 45
# eye_line's weights: the mean of the right-hand eye's points less the left-hand eye's
# (one product instead of two means: on one face each numpy call costs more than its sums).
EYE_LINE_WEIGHTS = np.zeros(68, np.float32)
EYE_LINE_WEIGHTS[LEFT_EYE], EYE_LINE_WEIGHTS[RIGHT_EYE] = -1 / 6, 1 / 6
NO_TURN = np.array([0.0, 1.0], np.float32)  # (sin, cos) of a level face
SIN_SIGNS = np.array([1.0, -1.0], np.float32)


def eye_line(points, xp=None):
    """(dy, dx) [..., 2] from the image-left eye's centre to the other's, of 68-point
    shapes [..., 68, 2] (y, x)."""
    xp = array_module(xp)
    return xp.matmul(EYE_LINE_WEIGHTS, xp.asarray(points, xp.float32))


def tilt_angle(points, xp=None):
    """In-plane tilt [...] (radians) of 68-point shapes [..., 68, 2] (y, x): the angle of
    the eye line (`eye_line`; 0 for level eyes; positive when the right-hand eye is lower,
    i.e. a face turned clockwise as displayed)."""
    xp = array_module(xp)
    step = eye_line(points, xp)
    return xp.arctan2(step[..., 0], step[..., 1])


def upright_rotation(points, xp=None):
    """2x2 rotations [..., 2, 2] on (y, x) turning shapes [..., 68, 2] level: R(tilt_angle),
    which turns counter-clockwise as displayed by that angle. Its cosine and sine are the
    eye line's direction (no trigonometry: exportable to ONNX and TFLite as is);
    coinciding eye centres give no turn."""
    xp = array_module(xp)
    step = eye_line(points, xp)
    length = xp.sqrt(xp.sum(step * step, axis=-1, keepdims=True))
    level = length > 0
    sin_cos = xp.where(level, step / xp.where(level, length, 1.0), NO_TURN)  # (dy, dx) / length
    return xp.stack([sin_cos[..., ::-1] * SIN_SIGNS, sin_cos], axis=-2)  # [[cos, -sin], [sin, cos]]


def check_stage2_crop(rule: str) -> str:
    """`rule` when it is one of STAGE2_CROPS, else ValueError."""
    if rule not in STAGE2_CROPS:
        raise ValueError(f"stage-2 crop must be one of {STAGE2_CROPS}, got {rule!r}")
    return rule


def stage2_crop_matrix(points, rule: str = "box", size: int = INPUT_SIZE, xp=None):
    """Image -> crop affines [..., 3, 3] of stage 2 around stage 1's points [..., 68, 2]
    (y, x): `crop_matrix` of their bounding box ('box'), or ('aligned') the same rule on
    the points turned level (`upright_rotation`), composed with that turn: crop pixels
    s (R p - o) for the padded square (o, side) of the turned points R p, s = size / side.
    The turn's centre does not matter: the square follows the turned points."""
    xp = array_module(xp)
    if check_stage2_crop(rule) == "box":
        return crop_matrix(points, size, xp)
    points = xp.asarray(points, xp.float32)
    rotation = upright_rotation(points, xp)
    origin, side = padded_square(xp.matmul(points, xp.swapaxes(rotation, -1, -2)), xp)
    return square_affine(rotation, origin, side, size, xp)


def stage_crop_matrix(stage: int, region, rule: str = "box", size: int = INPUT_SIZE, xp=None):
    """Image -> crop affines [..., 3, 3] onto a stage's size x size input: stage 1 crops
    the face box (corners [..., k, 2] (y, x), `crop_matrix`), a later stage around the
    previous stage's points [..., 68, 2] by `rule` (`stage2_crop_matrix`)."""
    if stage == 1:
        return crop_matrix(region, size, xp)
    return stage2_crop_matrix(region, rule, size, xp)


def face_crop_matrix(
    stage: int, region: np.ndarray, rule: str = "box", size: int = INPUT_SIZE
) -> np.ndarray:
    """One face's `stage_crop_matrix` (region [k, 2] (y, x): the box's corners for stage 1,
    the previous stage's points after), float64 [3, 3], on Python floats: the LiteRT
    aligner's per-face path, the array code's matrices to float32 rounding (tests pin
    them) in a fifth of its time. The turn is `upright_rotation`'s, from the eye line."""
    region = np.asarray(region, np.float64)
    cos, sin = 1.0, 0.0
    if stage > 1 and check_stage2_crop(rule) == "aligned":
        dy, dx = (EYE_LINE_WEIGHTS @ region).tolist()
        length = math.hypot(dy, dx)
        if length > 0:  # coinciding eye centres: no turn
            sin, cos = dy / length, dx / length
        region = region @ np.array([[cos, sin], [-sin, cos]])  # each point p turned: L p
    extent = (region.min(0).tolist(), region.max(0).tolist())
    return face_square_affine(cos, sin, extent, size)
