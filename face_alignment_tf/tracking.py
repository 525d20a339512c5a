"""Faces through a video: `FaceTracker` detects on the first frame, again every
`detect_every` frames and whenever a face is lost; in between each face is re-aligned from
its crop around its previous frame's landmarks (the cascade's stage-2 crop, no detection),
and its points are smoothed by a One-Euro filter (Casiez et al., CHI 2012).

    tracker = FaceTracker()                      # the shipped model, BlazeFace (both ranges)
    for index, frame in enumerate(frames):       # uint8 [H, W, 3] RGB
        faces = tracker.update(frame, index / fps)   # [TrackedFace(id, box, score, ...)]

A tracked face is kept while its points look like a face and the face looks like itself:
their least-squares similarity fit to the model's mean shape leaves an RMS residual below
`max_shape_error` (a fraction of the fitted inter-ocular distance), their eyes stay
`min_eye_distance` pixels apart, their centre inside the frame, and the face's 16x16 grey
thumbnail (sampled through that fit) correlates by at least `min_appearance` with the
thumbnail of its last detection (normalised cross-correlation: the face gone, covered or
swapped for background fails it); otherwise it is dropped and that frame detects again. A
detection frame keeps the ids of the tracked faces whose boxes it finds again (IoU >=
0.3). Landmarks are (y, x) image pixels, the iBUG 68-point order.

Smoothing: each face's 136 coordinates through a One-Euro filter whose cutoff rises with
their speed in face widths per second (`min_cutoff` Hz at rest, + `beta` Hz per face
width per second), so that a still face stops jittering and a moving one does not lag.
The defaults (0.5 Hz, beta 40) halve beta 20's lag on a face crossing the frame in a
couple of seconds for a 20-30 % smaller cut in a still face's jitter (BENCHMARKS.md, tracking).
"""

import dataclasses
import itertools
import math

import numpy as np

from face_alignment_tf.artifacts.model_file import read_model_file
from face_alignment_tf.data.geometry import map_points, opencv_affine, similarity_matrix
from face_alignment_tf.data.landmarks import OUTER_EYE_CORNERS
from face_alignment_tf.detectors import corner_array, iou
from face_alignment_tf.face_aligner import DEFAULT_DETECTOR, DEFAULT_MODEL, FaceAligner

MATCH_IOU = 0.3
THUMBNAIL = 16  # pixels a side of the appearance check's sample


def thumbnail_frame(mean_shape: np.ndarray) -> np.ndarray:
    """The 3x3 affine (y, x, 1) from THUMBNAIL^2 sample pixels to the mean shape's frame:
    its bounding square with a 20 % margin."""
    lo, hi = mean_shape.min(0), mean_shape.max(0)
    side = float(np.max(hi - lo)) * 1.2
    corner = (lo + hi) / 2 - side / 2
    return np.array([[side / THUMBNAIL, 0, corner[0]], [0, side / THUMBNAIL, corner[1]],
                     [0, 0, 1.0]])  # fmt: skip


def thumbnail(pixels: np.ndarray, to_image: np.ndarray) -> np.ndarray:
    """The zero-mean, unit-norm grey THUMBNAIL^2 sample of `pixels` through `to_image`
    (3x3 on (y, x, 1), sample pixels -> image pixels)."""
    import cv2

    sample = cv2.warpAffine(np.ascontiguousarray(pixels), opencv_affine(np.linalg.inv(to_image)),
                            (THUMBNAIL, THUMBNAIL), flags=cv2.INTER_AREA)  # fmt: skip
    if sample.ndim == 3:
        sample = cv2.cvtColor(sample, cv2.COLOR_RGB2GRAY)
    sample = sample.astype(np.float64) - sample.mean()
    norm = np.linalg.norm(sample)
    return sample / norm if norm > 1e-6 else np.zeros_like(sample)


def smoothing_factor(cutoff, elapsed: float):
    """The exponential smoothing factor of a first-order low-pass at `cutoff` Hz."""
    tau = 1.0 / (2 * math.pi * np.asarray(cutoff, np.float64))
    return 1.0 / (1.0 + tau / elapsed)


class OneEuroFilter:
    """x_t -> filtered x_t for arrays of any fixed shape; `scale`: the unit of speed (a face
    width), so that `beta` is per unit per second."""

    def __init__(self, min_cutoff: float = 1.0, beta: float = 1.0, derivative_cutoff: float = 1.0):
        self.min_cutoff, self.beta, self.derivative_cutoff = min_cutoff, beta, derivative_cutoff
        self.value = self.derivative = self.time = None

    def __call__(self, value: np.ndarray, time: float, scale: float = 1.0) -> np.ndarray:
        value = np.asarray(value, np.float64)
        if self.value is None:
            self.value, self.derivative, self.time = value, np.zeros_like(value), time
            return value
        elapsed = max(time - self.time, 1e-6)
        speed = (value - self.value) / elapsed
        alpha = smoothing_factor(self.derivative_cutoff, elapsed)
        self.derivative = alpha * speed + (1 - alpha) * self.derivative
        cutoff = self.min_cutoff + self.beta * np.abs(self.derivative) / scale
        alpha = smoothing_factor(cutoff, elapsed)
        self.value = alpha * value + (1 - alpha) * self.value
        self.time = time
        return self.value


@dataclasses.dataclass(frozen=True)
class TrackedFace:
    """id: the same face across frames; box [4, 2] (y, x) corners (the detector's, or the
    landmarks' bounding box when tracked); score (the detection's, kept while tracked);
    landmarks [68, 2] (y, x); tracked: re-aligned from the previous frame, not detected."""

    id: int
    box: np.ndarray
    score: float
    landmarks: np.ndarray
    tracked: bool


@dataclasses.dataclass
class _Track:
    id: int
    score: float
    box: np.ndarray  # the detection's [4, 2] (y, x)
    raw: np.ndarray  # the unsmoothed landmarks, the next frame's crop
    filter: OneEuroFilter
    appearance: np.ndarray  # the thumbnail at its last detection


def points_box(points: np.ndarray) -> np.ndarray:
    """The (y, x) corners [4, 2] of the points' bounding box, clockwise from the top left."""
    (top, left), (bottom, right) = points.min(0), points.max(0)
    return corner_array(top, left, bottom, right)


class FaceTracker:
    """update(frame uint8 [H, W, 3] RGB, time in s) -> [TrackedFace] (module docstring).

    model, detector, detect_max_side: as `FaceAligner` (or `aligner`: one made already); its
    aligner must refine (a two-stage cascade, LiteRT), otherwise every frame is detected.
    smoothing: the One-Euro filter (off: the raw points)."""

    def __init__(
        self,
        model=DEFAULT_MODEL,
        detector: str = DEFAULT_DETECTOR,
        detect_max_side: int | None = 1280,
        smoothing: bool = True,
        detect_every: int = 30,
        max_shape_error: float = 0.25,
        min_eye_distance: float = 6.0,
        min_appearance: float = 0.6,
        min_cutoff: float = 0.5,
        beta: float = 40.0,
        aligner: FaceAligner | None = None,
    ):
        self.aligner = aligner or FaceAligner(model, detector, detect_max_side)
        self.can_track = getattr(self.aligner.landmarker, "can_refine", False)
        _, description = read_model_file(self.aligner.model_dir)
        self.mean_shape = np.asarray(description["reference_shape"], np.float64)
        self.to_thumbnail = thumbnail_frame(self.mean_shape)
        self.smoothing, self.detect_every = smoothing, detect_every
        self.max_shape_error, self.min_eye_distance = max_shape_error, min_eye_distance
        self.min_appearance = min_appearance
        self.filter_settings = {"min_cutoff": min_cutoff, "beta": beta}
        self.tracks: list[_Track] = []
        self.frames = 0
        self._ids = itertools.count()

    def shape_error(self, points: np.ndarray, fit: np.ndarray) -> float:
        """RMS residual of `fit` (the similarity from the mean shape onto `points`) over the
        fitted inter-ocular distance."""
        fitted = map_points(fit, self.mean_shape)
        eyes = fitted[list(OUTER_EYE_CORNERS)]
        distance = max(float(np.linalg.norm(eyes[1] - eyes[0])), 1e-6)
        return float(np.sqrt(np.mean(np.sum((fitted - points) ** 2, -1)))) / distance

    def appearance(self, pixels: np.ndarray, fit: np.ndarray) -> np.ndarray:
        """The face's thumbnail through `fit` (mean shape -> its points)."""
        return thumbnail(pixels, fit @ self.to_thumbnail)

    def still_tracked(self, track: _Track, points: np.ndarray, pixels: np.ndarray) -> bool:
        """The checks of the module docstring on a track's new points."""
        eyes = points[list(OUTER_EYE_CORNERS)]
        centre = points.mean(0)
        if not (
            np.all(np.isfinite(points))
            and float(np.linalg.norm(eyes[1] - eyes[0])) >= self.min_eye_distance
            and 0 <= centre[0] < pixels.shape[0] and 0 <= centre[1] < pixels.shape[1]
        ):  # fmt: skip
            return False
        fit = similarity_matrix(self.mean_shape, points)
        return (
            self.shape_error(points, fit) <= self.max_shape_error
            and float(np.sum(self.appearance(pixels, fit) * track.appearance))
            >= self.min_appearance
        )

    def _detect(self, frame: np.ndarray) -> list[_Track]:
        pixels = np.asarray(frame)
        boxes, scores = self.aligner.detect(pixels)
        landmarks = self.aligner.align_detections(pixels, boxes)
        tracks = []
        for box, score, points in zip(boxes, scores, landmarks, strict=True):
            appearance = self.appearance(pixels, similarity_matrix(self.mean_shape, points))
            old = max(self.tracks, key=lambda t: iou(points_box(t.raw), box), default=None)
            if old is not None and iou(points_box(old.raw), box) >= MATCH_IOU:
                self.tracks.remove(old)  # the same face: its id and filter go on
                old.score, old.box, old.raw, old.appearance = float(score), box, points, appearance
                tracks.append(old)
            else:
                filter_ = OneEuroFilter(**self.filter_settings)
                tracks.append(
                    _Track(next(self._ids), float(score), box, points, filter_, appearance)
                )
        return tracks

    def update(self, frame: np.ndarray, time: float) -> list[TrackedFace]:
        pixels = np.asarray(frame)
        detect = (
            not self.can_track
            or not self.tracks
            or (self.detect_every and self.frames % self.detect_every == 0)
        )
        if not detect:
            refined = [self.aligner.landmarker.refine(pixels, track.raw) for track in self.tracks]
            passed = [self.still_tracked(track, points, pixels)
                      for track, points in zip(self.tracks, refined, strict=True)]  # fmt: skip
            for track, points, ok in zip(self.tracks, refined, passed, strict=True):
                if ok:  # a lost face keeps its old points: its detection matches them
                    track.raw = points
            detect = not all(passed)  # a face was lost: look for it again
        if detect:
            self.tracks = self._detect(pixels)
        self.frames += 1
        faces = []
        for track in self.tracks:
            points = track.raw
            if self.smoothing:
                width = float(np.ptp(points[:, 1])) or 1.0
                points = track.filter(points, time, scale=width)
            points = points.astype(np.float32)
            box = track.box if detect else points_box(points)
            faces.append(TrackedFace(track.id, box, track.score, points, not detect))
        return faces
