"""The robustness benchmark's perturbations: the pixels and the points move together, the
box moves as documented, and the seeds make every input the same from run to run."""

import math

import numpy as np
import pytest

from bench.perturbations import PERTURBATIONS, box_centre_size, perturbed
from face_alignment_tf.data.landmarks import OUTER_EYE_CORNERS
from face_alignment_tf.detectors import corner_array

HEIGHT, WIDTH = 180, 240
NAMES = [p.name for p in PERTURBATIONS]


def face(dot: int = 30):
    """A dark image with one bright dot at landmark `dot`; landmarks on a ring."""
    angles = np.linspace(0, 2 * math.pi, 68, endpoint=False)
    landmarks = np.stack([90 + 40 * np.sin(angles), 120 + 50 * np.cos(angles)], -1)
    landmarks[OUTER_EYE_CORNERS[0]] = [80, 90]
    landmarks[OUTER_EYE_CORNERS[1]] = [80, 150]  # inter-ocular distance 60 px
    landmarks[dot] = [97.0, 131.0]
    image = np.full((HEIGHT, WIDTH, 3), 20, np.uint8)
    y, x = landmarks[dot].astype(int)
    image[y - 1 : y + 2, x - 1 : x + 2] = 255
    box = corner_array(40.0, 60.0, 140.0, 180.0)
    return image, landmarks, box


def brightest(image: np.ndarray) -> np.ndarray:
    grey = image.astype(np.float64).sum(-1)
    ys, xs = np.nonzero(grey >= grey.max() - 1e-9)
    return np.array([ys.mean(), xs.mean()])


@pytest.mark.parametrize("degrees", [15, 30, 45, 60])
def test_rotation_moves_the_dot_with_its_landmark_and_cuts_nothing(degrees):
    index = NAMES.index(f"rotation {degrees}°")
    image, landmarks, box = face()
    pixels, moved, moved_box = perturbed(index, 3, (image, landmarks, box), image)
    np.testing.assert_allclose(brightest(pixels), moved[30], atol=0.75)
    # The whole image is kept: the canvas holds the rotated rectangle.
    angle = math.radians(degrees)
    expected = (HEIGHT - 1) * math.cos(angle) + (WIDTH - 1) * math.sin(angle)
    assert abs(pixels.shape[0] - expected) <= 2
    assert (pixels > 0).sum() >= 0.99 * image.size
    # Distances between points are kept; the box keeps its size and follows its centre.
    np.testing.assert_allclose(
        np.linalg.norm(moved[1:] - moved[:-1], axis=1),
        np.linalg.norm(landmarks[1:] - landmarks[:-1], axis=1),
        atol=1e-9,
    )
    centre, size = box_centre_size(box)
    new_centre, new_size = box_centre_size(moved_box)
    np.testing.assert_allclose(new_size, size)
    offset = landmarks[30] - centre
    np.testing.assert_allclose(np.linalg.norm(moved[30] - new_centre), np.linalg.norm(offset))


@pytest.mark.parametrize("percent", [10, 20])
def test_box_shift_moves_the_box_alone_by_that_fraction(percent):
    image, landmarks, box = face()
    pixels, same, shifted = perturbed(NAMES.index(f"box shift {percent} %"), 0, face(), image)
    np.testing.assert_array_equal(pixels, image)
    np.testing.assert_array_equal(same, landmarks)
    centre, size = box_centre_size(box)
    new_centre, new_size = box_centre_size(shifted)
    np.testing.assert_allclose(new_size, size)
    np.testing.assert_allclose(np.linalg.norm((new_centre - centre) / size), percent / 100)


def test_box_scale_grows_about_the_centre():
    _, _, box = face()
    _, _, scaled = perturbed(NAMES.index("box scale 1.25"), 0, face(), face()[0])
    centre, size = box_centre_size(box)
    np.testing.assert_allclose(box_centre_size(scaled)[0], centre)
    np.testing.assert_allclose(box_centre_size(scaled)[1], 1.25 * size)


@pytest.mark.parametrize("name", ["occlusion 20 % grey", "occlusion 40 % texture"])
def test_occlusion_covers_that_share_of_the_box_and_nothing_outside(name):
    image, landmarks, box = face()
    other = np.random.default_rng(0).integers(0, 256, (300, 300, 3), dtype=np.uint8)
    pixels, same, _ = perturbed(NAMES.index(name), 5, (image, landmarks, box), other)
    np.testing.assert_array_equal(same, landmarks)
    changed = np.any(pixels != image, axis=-1)
    ys, xs = np.nonzero(changed)
    assert ys.min() >= 40 and ys.max() <= 140 and xs.min() >= 60 and xs.max() <= 180
    fraction = int(name.split()[1]) / 100
    # The rectangle's pixel count, up to rounding of its sides (texture may repeat a value).
    assert changed.sum() == pytest.approx(fraction * 100 * 120, rel=0.1)


def test_downscaling_to_an_inter_ocular_distance_keeps_the_size_and_the_dot():
    image, landmarks, _ = face()
    pixels, same, _ = perturbed(NAMES.index("inter-ocular 20 px"), 0, face(), image)
    assert pixels.shape == image.shape
    np.testing.assert_array_equal(same, landmarks)
    np.testing.assert_allclose(brightest(pixels), landmarks[30], atol=1.5)
    assert pixels.max() < 200  # 3 px at a third of the scale: smeared


@pytest.mark.parametrize(
    "name", ["blur σ 2", "blur σ 4", "JPEG quality 10", "greyscale", "low light"]
)
def test_pixel_filters_keep_the_geometry(name):
    image, landmarks, box = face()
    pixels, same, same_box = perturbed(NAMES.index(name), 0, face(), image)
    assert pixels.shape == image.shape and pixels.dtype == np.uint8
    np.testing.assert_array_equal(same, landmarks)
    np.testing.assert_array_equal(same_box, box)
    np.testing.assert_allclose(brightest(pixels), landmarks[30], atol=1.5)


def test_the_seeds_make_the_inputs_the_same_from_run_to_run():
    image, landmarks, box = face()
    other = np.random.default_rng(1).integers(0, 256, (200, 200, 3), dtype=np.uint8)
    for index in range(len(PERTURBATIONS)):
        first = perturbed(index, 7, (image, landmarks, box), other)
        again = perturbed(index, 7, (image.copy(), landmarks.copy(), box.copy()), other)
        for a, b in zip(first, again, strict=True):
            np.testing.assert_array_equal(a, b)
    # Another face (or seed) draws again: the rotation's sign, the shift's direction.
    shift = NAMES.index("box shift 20 %")
    boxes = {tuple(np.round(perturbed(shift, i, (image, landmarks, box), other)[2][0], 3))
             for i in range(6)}  # fmt: skip
    assert len(boxes) == 6
    assert not np.array_equal(
        perturbed(shift, 0, (image, landmarks, box), other, seed=0)[2],
        perturbed(shift, 0, (image, landmarks, box), other, seed=1)[2],
    )
