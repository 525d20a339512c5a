"""The perturbations of the robustness benchmark: what real photos do to a face that 300-W's
test faces do not, applied to a whole image with its ground truth and its box.

Each perturbation maps (image uint8 [H, W, 3] RGB, landmarks [68, 2] (y, x), box [4, 2]
(y, x), rng) to the same three, moved exactly where the pixels move. Every method of one
benchmark run gets the same perturbed pixels and boxes; the rng of face i under
perturbation k is seeded with (seed, k, i), so the inputs are the same from run to run
and do not depend on which faces or methods are run.

* rotation: about the image centre, on a canvas grown to hold the whole rotated image
  (zero padded, nothing cut); the sign is drawn per face; the box keeps its size and
  follows its centre (a detector's upright box around the turned face);
* box shift / scale: the box alone moves (by a fraction of its side, in a random
  direction) or grows about its centre; the pixels are untouched;
* occlusion: a rectangle of a fraction of the box's area (aspect in [1/2, 2]) inside the
  box, flat grey or a texture cut from another test image;
* resolution: the image downscaled (area) until the face's inter-ocular distance is that
  many pixels, then upscaled (bilinear) to its size;
* blur, JPEG, greyscale, low light (gamma 2.5 and Gaussian noise of sd 8).
"""

import dataclasses
import math
from collections.abc import Callable

import cv2
import numpy as np

from face_alignment_tf.data.geometry import map_points, opencv_affine
from face_alignment_tf.data.landmarks import OUTER_EYE_CORNERS
from face_alignment_tf.detectors import corner_array

Sample = tuple[np.ndarray, np.ndarray, np.ndarray]
# (image, landmarks, box, rng, other image) -> (image, landmarks, box)
Apply = Callable[[np.ndarray, np.ndarray, np.ndarray, np.random.Generator, np.ndarray], Sample]


@dataclasses.dataclass(frozen=True)
class Perturbation:
    name: str
    apply: Apply
    moves_pixels: bool = True  # False: only the box changes (the detector rows skip these)


def upright_box(centre: np.ndarray, size: np.ndarray) -> np.ndarray:
    """[4, 2] (y, x) corners of the axis-aligned box of `size` (h, w) about `centre`."""
    (top, left), (bottom, right) = centre - size / 2, centre + size / 2
    return corner_array(top, left, bottom, right)


def box_centre_size(box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = box.min(0), box.max(0)
    return (low + high) / 2, high - low


def rotated(degrees: float) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del other
        angle = math.radians(degrees) * rng.choice([-1.0, 1.0])
        height, width = image.shape[:2]
        cos, sin = math.cos(angle), math.sin(angle)
        rotation = np.array([[cos, -sin], [sin, cos]])  # on (y, x): counter-clockwise shown
        corners = np.array([[0, 0], [0, width - 1], [height - 1, 0], [height - 1, width - 1]])
        centre = np.array([height - 1, width - 1]) / 2
        moved = (corners - centre) @ rotation.T
        extent = moved.max(0) - moved.min(0)
        canvas = np.ceil(extent).astype(int) + 1
        matrix = np.eye(3)
        matrix[:2, :2] = rotation
        matrix[:2, 2] = (canvas - 1) / 2 - rotation @ centre
        pixels = cv2.warpAffine(
            image, opencv_affine(matrix), (int(canvas[1]), int(canvas[0])), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT, borderValue=0,
        )  # fmt: skip
        box_centre, size = box_centre_size(box)
        return (
            pixels,
            map_points(matrix, landmarks),
            upright_box(map_points(matrix, box_centre[None])[0], size),
        )

    return apply


def box_shifted(fraction: float) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del other
        angle = rng.uniform(0, 2 * math.pi)
        centre, size = box_centre_size(box)
        offset = fraction * size * np.array([math.sin(angle), math.cos(angle)])
        return image, landmarks, upright_box(centre + offset, size)

    return apply


def box_scaled(factor: float) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del rng, other
        centre, size = box_centre_size(box)
        return image, landmarks, upright_box(centre, size * factor)

    return apply


def occluded(area_fraction: float, texture: bool) -> Apply:
    def apply(image, landmarks, box, rng, other):
        (top, left), (bottom, right) = box.min(0), box.max(0)
        box_height, box_width = bottom - top, right - left
        aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
        area = area_fraction * box_height * box_width
        height = min(math.sqrt(area * aspect), box_height)
        width = min(area / height, box_width)
        y0 = top + rng.uniform(0, box_height - height)
        x0 = left + rng.uniform(0, box_width - width)
        rows = slice(max(int(round(y0)), 0), min(int(round(y0 + height)), image.shape[0]))
        columns = slice(max(int(round(x0)), 0), min(int(round(x0 + width)), image.shape[1]))
        pixels = image.copy()
        shape = pixels[rows, columns].shape
        if not shape[0] or not shape[1]:
            return pixels, landmarks, box
        if texture:
            oy = rng.integers(0, max(other.shape[0] - shape[0], 0) + 1)
            ox = rng.integers(0, max(other.shape[1] - shape[1], 0) + 1)
            patch = other[oy : oy + shape[0], ox : ox + shape[1]]
            pixels[rows, columns] = cv2.resize(patch, (shape[1], shape[0]))
        else:
            pixels[rows, columns] = 128
        return pixels, landmarks, box

    return apply


def downscaled(inter_ocular: float) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del rng, other
        distance = np.linalg.norm(landmarks[OUTER_EYE_CORNERS[0]] - landmarks[OUTER_EYE_CORNERS[1]])
        factor = inter_ocular / distance
        if factor >= 1:
            return image, landmarks, box
        height, width = image.shape[:2]
        small = (max(int(round(width * factor)), 1), max(int(round(height * factor)), 1))
        reduced = cv2.resize(image, small, interpolation=cv2.INTER_AREA)
        return cv2.resize(reduced, (width, height), interpolation=cv2.INTER_LINEAR), landmarks, box

    return apply


def blurred(sigma: float) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del rng, other
        return cv2.GaussianBlur(image, (0, 0), sigma), landmarks, box

    return apply


def jpeg_compressed(quality: int) -> Apply:
    def apply(image, landmarks, box, rng, other):
        del rng, other
        _, encoded = cv2.imencode(
            ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
        )
        decoded = cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return decoded, landmarks, box

    return apply


def greyscaled(image, landmarks, box, rng, other):
    del rng, other
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return np.repeat(grey[..., None], 3, axis=2), landmarks, box


def low_light(image, landmarks, box, rng, other):
    del other
    dark = 255.0 * (image / 255.0) ** 2.5 + rng.normal(0.0, 8.0, image.shape)
    return np.clip(np.round(dark), 0, 255).astype(np.uint8), landmarks, box


def unchanged(image, landmarks, box, rng, other):
    del rng, other
    return image, landmarks, box


PERTURBATIONS = (
    Perturbation("none", unchanged),
    *(Perturbation(f"rotation {d}°", rotated(d)) for d in (15, 30, 45, 60)),
    *(Perturbation(f"box shift {p} %", box_shifted(p / 100), False) for p in (10, 20)),
    *(Perturbation(f"box scale {f}", box_scaled(f), False) for f in (0.8, 1.25)),
    *(
        Perturbation(f"occlusion {p} % {fill}", occluded(p / 100, fill == "texture"))
        for p in (20, 40)
        for fill in ("grey", "texture")
    ),
    *(Perturbation(f"inter-ocular {d} px", downscaled(d)) for d in (40, 20)),
    *(Perturbation(f"blur σ {s}", blurred(s)) for s in (2, 4)),
    Perturbation("JPEG quality 10", jpeg_compressed(10)),
    Perturbation("greyscale", greyscaled),
    Perturbation("low light", low_light),
)


def perturbed(
    perturbation_index: int, face_index: int, sample: Sample, other: np.ndarray, seed: int = 0
) -> Sample:
    """Face `face_index` (image, landmarks, box) under PERTURBATIONS[perturbation_index];
    `other` is the image textures are cut from."""
    rng = np.random.default_rng([seed, perturbation_index, face_index])
    image, landmarks, box = sample
    return PERTURBATIONS[perturbation_index].apply(
        image, np.asarray(landmarks, np.float64), np.asarray(box, np.float64), rng, other
    )
