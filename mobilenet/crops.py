"""Where stage 2 of the MobileNetV2 cascade looks: around stage 1's points.

'box' is the backbone's box crop (`backbones.mobilenet_v2.crop`) of their bounding box (the
original cascade's design); 'aligned' (ours): the points turned upright first, about
their centroid, by the tilt of the line between the eye centres, so that stage 2 sees
level faces whatever the face's in-plane rotation; the crop is then the same rule on the
upright points, composed with that rotation. Matrices are 3x3 affines on (y, x, 1) from
image to crop pixels, numpy or TF's numpy by the same code.
"""

from face_alignment_tf.backbones.mobilenet_v2.crop import (
    INPUT_SIZE,
    array_module,
    crop_matrix,
    homogeneous,
)

STAGE2_CROPS = ("box", "aligned")
LEFT_EYE, RIGHT_EYE = slice(36, 42), slice(42, 48)  # image-left eye first, as 36 / 45


def eye_line(points, xp=None):
    """(dy, dx) [..., 2] from the image-left eye's centre to the other's, of 68-point
    shapes [..., 68, 2] (y, x)."""
    xp = array_module(xp)
    points = xp.asarray(points, xp.float32)
    return xp.mean(points[..., RIGHT_EYE, :], axis=-2) - xp.mean(points[..., LEFT_EYE, :], axis=-2)


def tilt_angle(points, xp=None):
    """In-plane tilt [...] (radians) of 68-point shapes [..., 68, 2] (y, x): the angle of
    the eye line (`eye_line`; 0 for level eyes; positive when the right-hand eye is lower,
    i.e. a face turned clockwise as displayed)."""
    xp = array_module(xp)
    step = eye_line(points, xp)
    return xp.arctan2(step[..., 0], step[..., 1])


def upright_matrix(points, xp=None):
    """3x3 affines [..., 3, 3] on (y, x, 1) turning shapes [..., 68, 2] level about their
    centroid: R(tilt_angle), which turns counter-clockwise as displayed by that angle.
    Its cosine and sine are the eye line's direction (no trigonometry: exportable to ONNX
    and TFLite as is); coinciding eye centres give no turn."""
    xp = array_module(xp)
    points = xp.asarray(points, xp.float32)
    step = eye_line(points, xp)
    length = xp.sqrt(xp.sum(step * step, axis=-1, keepdims=True))
    level = length > 0
    sin_cos = xp.where(  # the eye line's direction (dy, dx) = (sin, cos)
        level, step / xp.where(level, length, 1.0), xp.asarray([0.0, 1.0], xp.float32)
    )
    rotation = xp.stack(  # R = [[cos, -sin], [sin, cos]] on (y, x)
        [sin_cos[..., ::-1] * xp.asarray([1.0, -1.0], xp.float32), sin_cos], axis=-2
    )
    centre = xp.mean(points, axis=-2)
    offset = centre - xp.sum(rotation * centre[..., None, :], axis=-1)  # p -> c + R (p - c)
    return homogeneous(xp.concatenate([rotation, offset[..., None]], axis=-1), xp)


def stage2_crop_matrix(points, rule: str = "box", size: int = INPUT_SIZE, xp=None):
    """Image -> crop affines [..., 3, 3] of stage 2 around stage 1's points [..., 68, 2]
    (y, x): `crop_matrix` of their bounding box ('box'), or of the upright points composed
    with the turn that levels them ('aligned')."""
    xp = array_module(xp)
    if rule == "box":
        return crop_matrix(points, size, xp)
    if rule != "aligned":
        raise ValueError(f"stage-2 crop must be one of {STAGE2_CROPS}, got {rule!r}")
    points = xp.asarray(points, xp.float32)
    upright = upright_matrix(points, xp)
    level = xp.matmul(points, xp.swapaxes(upright[..., :2, :2], -1, -2)) + upright[..., None, :2, 2]
    return xp.matmul(crop_matrix(level, size, xp), upright)


def stage_crop_matrix(stage: int, region, rule: str = "box", size: int = INPUT_SIZE, xp=None):
    """Image -> crop affines [..., 3, 3] onto a stage's size x size input: stage 1 crops
    the face box (corners [..., k, 2] (y, x), `crop_matrix`), a later stage around the
    previous stage's points [..., 68, 2] by `rule` (`stage2_crop_matrix`)."""
    if stage == 1:
        return crop_matrix(region, size, xp)
    return stage2_crop_matrix(region, rule, size, xp)
