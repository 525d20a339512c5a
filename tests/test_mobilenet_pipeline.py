"""The MobileNetV2 pipelines: crops equal TF's exact warp of the box's crop (to OpenCV's
fixed point), flips permute, the pad-ratio step equals Caffe's zero-pad and resize."""

import cv2
import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.crop import crop_matrix
from face_alignment_tf.backbones.mobilenet_v2.pipeline import (
    AugmentationConfig,
    augmentation_matrices,
    evaluation_dataset,
    pad_matrix,
    training_dataset,
)
from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.geometry import apply_affine, warp_affine
from face_alignment_tf.data.landmarks import mirror_landmarks
from face_alignment_tf.data.tfrecords import parse_face, shard_paths

STILL = AugmentationConfig(
    flip_probability=0, max_shift=0, max_scale=0, max_rotation_degrees=0, pad_ratio=0,
    noise_stddev=0,
)  # fmt: skip


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    from tests.conftest import write_afw_faces

    root = tmp_path_factory.mktemp("mobilenet")
    convert(write_afw_faces(root, count=3), root / "train", num_shards=1, workers=1)
    faces = [parse_face(s) for s in tf.data.TFRecordDataset(shard_paths(root / "train"))]
    return root / "train", {face["path"].numpy().decode(): face for face in faces}


def first_batch(directory, config, batch=3):
    return next(iter(training_dataset(str(directory), batch, seed=4, config=config)))


def same_crop(ours, exact) -> bool:
    """OpenCV's uint8 warp against TF's float one: rounded to integers, sampled at
    coordinates to 1/32 px (a few levels at sharp edges)."""
    difference = np.abs(np.asarray(ours, np.float32) - exact)
    return difference.mean() < 0.5 and difference.max() <= 8


def test_still_crops_are_the_boxs_crop(records):
    directory, faces = records
    batch = first_batch(directory, STILL)
    assert batch["image"].shape == (3, 64, 64, 3) and batch["targets"].shape == (3, 136)
    for image, landmarks in zip(batch["image"].numpy(), batch["landmarks"].numpy(), strict=True):
        matches = []
        for face in faces.values():
            matrix = crop_matrix(face["box"])
            expected = warp_affine(face["image"][..., ::-1] * 255, matrix, [64, 64]).numpy()
            if same_crop(image, expected):
                matches.append(face)
                np.testing.assert_allclose(
                    landmarks, apply_affine(matrix, face["landmarks"]).numpy(), atol=1e-4
                )
        assert len(matches) == 1


def test_a_flip_mirrors_pixels_and_permutes_the_points(records):
    directory, _ = records
    still = first_batch(directory, STILL)
    flipped = first_batch(
        directory, AugmentationConfig(**{**STILL.__dict__, "flip_probability": 1.0})
    )
    assert same_crop(flipped["image"], still["image"][:, :, ::-1].numpy())
    np.testing.assert_allclose(
        flipped["landmarks"], mirror_landmarks(still["landmarks"], 64).numpy(), atol=1e-4
    )


@pytest.mark.parametrize("pad, before", [(3, (0, 6)), (9, (11, 2)), (1, (1, 1))])
def test_pad_matrix_is_zero_pad_and_resize(pad, before):
    image = np.random.default_rng(pad).uniform(0, 255, (64, 64, 3)).astype(np.float32)
    (top, left), size = before, 64 + 2 * pad
    padded = np.zeros((size, size, 3), np.float32)
    padded[top : top + 64, left : left + 64] = image
    expected = cv2.resize(padded, (64, 64), interpolation=cv2.INTER_LINEAR)
    warped = warp_affine(image, pad_matrix(pad, before), [64, 64]).numpy()
    np.testing.assert_allclose(warped[2:-2, 2:-2], expected[2:-2, 2:-2], atol=1e-2)


def test_pad_ratio_draws_pads_of_0_to_9():
    padded = AugmentationConfig(**{**STILL.__dict__, "pad_ratio": 0.15})
    draws = np.random.default_rng(1).random((400, 8))
    scales = [round(float(m[0, 0]), 6) for m in augmentation_matrices(draws, padded)[0]]
    assert set(scales) == {round(64 / (64 + 2 * pad), 6) for pad in range(10)}
    assert 0.45 < scales.count(1.0) / len(scales) < 0.6  # pad <= 0 for 10 of the 19 values


def test_jitter_turns_zooms_and_shifts_about_the_crop_centre():
    config = AugmentationConfig(flip_probability=0, max_shift=0.2, max_scale=0.25,
                                max_rotation_degrees=60, pad_ratio=0)  # fmt: skip
    centre = np.full(2, 31.5, np.float32)
    shifts, angles, zooms = [], [], []
    for matrix in augmentation_matrices(np.random.default_rng(2).random((200, 8)), config)[0]:
        linear = matrix[:2, :2]
        zoom = np.sqrt(np.linalg.det(linear))
        np.testing.assert_allclose(linear / zoom @ (linear / zoom).T, np.eye(2), atol=1e-5)
        shifts.append(matrix[:2, :2] @ centre + matrix[:2, 2] - centre)
        angles.append(np.degrees(np.arctan2(linear[1, 0], linear[0, 0])))
        zooms.append(zoom)
    assert np.abs(shifts).max() <= 0.2 * 64 + 1e-4 and np.abs(shifts).max() > 0.18 * 64
    assert np.abs(angles).max() <= 60 + 1e-3 and np.abs(angles).max() > 55
    assert 0.75 - 1e-5 <= min(zooms) < 0.78 and 1.22 < max(zooms) <= 1.25 + 1e-5


def test_evaluation_batches_hold_each_face_once(records):
    directory, faces = records
    batches = list(evaluation_dataset(str(directory), batch_size=2))
    paths = [p.decode() for b in batches for p in b["path"].numpy()]
    assert sorted(paths) == sorted(faces)
    assert batches[0]["image"].shape[0] == 2 and batches[0]["box"].shape == (2, 4, 2)


def test_stage_2_crops_follow_the_region_table(records):
    from face_alignment_tf.mobilenet.crops import stage2_crop_matrix

    directory, faces = records
    paths = sorted(faces)
    rng = np.random.default_rng(2)
    # Stand-ins for stage 1's points: each face's ground truth, turned and moved.
    regions = []
    for path in paths:
        angle = rng.uniform(-0.6, 0.6)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        points = faces[path]["landmarks"].numpy()
        regions.append(
            (points - points.mean(0)) @ rotation.T + points.mean(0) + rng.normal(0, 3, 2)
        )
    table = {path: region.astype(np.float32) for path, region in zip(paths, regions, strict=True)}
    batch = next(iter(training_dataset(
        str(directory), 3, seed=4, config=STILL, regions=table,
        crop=lambda points, xp: stage2_crop_matrix(points, "aligned", xp=xp),
    )))  # fmt: skip
    for image, landmarks in zip(batch["image"].numpy(), batch["landmarks"].numpy(), strict=True):
        matched = 0
        for path, region in zip(paths, regions, strict=True):
            matrix = stage2_crop_matrix(region.astype(np.float32), "aligned", xp=np)
            expected = apply_affine(matrix, faces[path]["landmarks"]).numpy()
            if np.allclose(landmarks, expected, atol=1e-3):
                matched += 1
                warped = warp_affine(faces[path]["image"][..., ::-1] * 255, matrix, [64, 64])
                assert same_crop(image, warped.numpy())
        assert matched == 1


def test_the_stream_is_reproducible_from_its_seed(records):
    directory, _ = records
    config = AugmentationConfig()
    first, again, other = (
        list(training_dataset(str(directory), 4, seed=seed, config=config).take(3))
        for seed in (7, 7, 8)
    )
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a["image"], b["image"])
    assert not np.array_equal(first[0]["landmarks"], other[0]["landmarks"])
