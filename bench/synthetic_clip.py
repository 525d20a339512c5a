"""Synthetic clips of one face with exact landmarks: `moving_clip` (the face moved,
rotated and scaled smoothly, as a hand-held camera would) and `still_clip` (the same
frame with fresh camera noise each time), for `bench.tracking` and the tests.

Each frame is one affine warp of the photo (bilinear, the border replicated: no mirrored
faces) onto a `size` (height, width) canvas; the landmarks (y, x) go through the same
affine.
"""

import math

import cv2
import numpy as np

from face_alignment_tf.data.geometry import map_points, opencv_affine


def placement(points: np.ndarray, size: tuple[int, int], angle: float, scale: float,
              shift: tuple[float, float]) -> np.ndarray:  # fmt: skip
    """The 3x3 affine (y, x, 1) putting the face's centre at the canvas centre + `shift`,
    turned by `angle` radians and scaled by `scale` (the face's width then a third of the
    canvas width times `scale`)."""
    centre = points.mean(0)
    base = size[1] / 3 / max(float(np.ptp(points[:, 1])), 1.0) * scale
    cos, sin = math.cos(angle) * base, math.sin(angle) * base
    target = np.array(size, np.float64) / 2 + np.asarray(shift, np.float64)
    linear = np.array([[cos, -sin], [sin, cos]])
    matrix = np.eye(3)
    matrix[:2, :2] = linear
    matrix[:2, 2] = target - linear @ centre
    return matrix


def render(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.warpAffine(image, opencv_affine(matrix), (size[1], size[0]),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def moving_clip(image: np.ndarray, points: np.ndarray, frames: int = 300,
                size: tuple[int, int] = (480, 640), fps: float = 30.0):  # fmt: skip
    """Yields (frame uint8 [H, W, 3], landmarks [68, 2] (y, x), time s): over the clip the
    face drifts +-60 px up and down and +-120 px sideways, turns +-15 degrees and zooms
    0.85..1.15, each a slow sine."""
    for index in range(frames):
        phase = 2 * math.pi * index / frames
        matrix = placement(
            points, size, math.radians(15) * math.sin(phase), 1 + 0.15 * math.sin(2 * phase),
            (60 * math.sin(phase), 120 * math.sin(3 * phase / 2)),
        )  # fmt: skip
        yield render(image, matrix, size), map_points(matrix, points), index / fps


def still_clip(image: np.ndarray, points: np.ndarray, frames: int = 100,
               size: tuple[int, int] = (480, 640), fps: float = 30.0, noise: float = 4.0,
               seed: int = 0):  # fmt: skip
    """Yields (frame, landmarks, time): one placement, Gaussian noise (std `noise` grey
    levels) drawn afresh for each frame."""
    matrix = placement(points, size, 0.0, 1.0, (0.0, 0.0))
    frame, truth = render(image, matrix, size).astype(np.float64), map_points(matrix, points)
    rng = np.random.default_rng(seed)
    for index in range(frames):
        noisy = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 255).astype(np.uint8)
        yield noisy, truth, index / fps


def jitter(tracks: list[np.ndarray]) -> float:
    """Mean frame-to-frame motion (px) of the points of one face over a clip."""
    points = np.asarray(tracks, np.float64)
    return float(np.mean(np.linalg.norm(np.diff(points, axis=0), axis=-1)))
