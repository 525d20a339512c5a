"""bench.cascade_passes: its first stage-2 pass is the cascade itself, and each further pass
crops the previous pass's points."""

import numpy as np
import pytest

from bench.cascade_passes import depth_errors, pass_by_pass
from bench.robustness import markdown_table, summary_rows
from face_alignment_tf.backbones.mobilenet_v2.crop import crop_matrix
from face_alignment_tf.mobilenet.cascade import MobileNetCascade, landmarks_in_images
from face_alignment_tf.mobilenet.crops import stage2_crop_matrix


def test_passes_follow_the_cascade_and_crop_the_last_points():
    cascade = MobileNetCascade(stages=2, stage2_crop="aligned")
    cascade.build()
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (1, 120, 100, 3)).astype(np.float32)
    boxes = np.array([[[20, 15], [100, 15], [100, 85], [20, 85]]], np.float32)
    points = pass_by_pass(cascade, passes=2)(images, boxes).numpy()
    assert points.shape == (3, 1, 68, 2)
    np.testing.assert_allclose(
        points[0], landmarks_in_images(cascade.stage_1, images, crop_matrix(boxes)), atol=1e-4
    )
    np.testing.assert_allclose(points[1], cascade(images, boxes), atol=1e-4)
    again = landmarks_in_images(cascade.stage_2, images, stage2_crop_matrix(points[1], "aligned"))
    np.testing.assert_allclose(points[2], again, atol=1e-4)


def test_one_stage_cascades_are_refused():
    with pytest.raises(ValueError, match="two-stage"):
        pass_by_pass(MobileNetCascade(stages=1), passes=2)


def test_table_rows_summarise_each_depth():
    errors = np.array([[0.10, 0.04], [0.06, 0.02]])
    table = markdown_table("m", summary_rows(depth_errors(errors)), first_column="after")
    assert table[2].startswith("| after | faces | missed | mean NME % |")
    assert table[4].startswith("| stage 1 | 2 | 0 | 8.00 | 8.00 | 50.0 |")
    assert table[5].startswith("| stage-2 pass 1 | 2 | 0 | 3.00 | 3.00 | 0.0 |")
