"""WeightEuclideanLoss with both normalisers and Wing loss, by hand (SPEC D.4, E.4 items 5, 7)."""

import math

import numpy as np
import pytest

from face_alignment_tf.mobilenet.loss import loss_normaliser, weighted_euclidean_loss, wing_loss
from face_alignment_tf.mobilenet.schedule import InverseDecay


def targets_with_eyes() -> np.ndarray:
    """A [1, 136] target: x block then y block; eye corners 36, 39, 42, 45 set by hand."""
    x, y = np.full(68, 0.5), np.full(68, 0.5)
    x[[36, 39, 42, 45]] = [0.2, 0.4, 0.6, 0.8]
    y[[36, 39, 42, 45]] = [0.30, 0.32, 0.34, 0.36]
    return np.concatenate([x, y])[None].astype(np.float32)


def test_normalisers_by_hand():
    targets = targets_with_eyes()
    # Eye centres (0.3, 0.31) and (0.7, 0.35).
    assert float(loss_normaliser(targets)[0]) == pytest.approx(math.hypot(0.4, 0.04), rel=1e-5)
    # The layer's (x36, y39) = (0.2, 0.32) and (x42, y45) = (0.6, 0.36).
    assert float(loss_normaliser(targets, "original")[0]) == pytest.approx(
        math.hypot(0.4, 0.04), rel=1e-5
    )
    targets[0, 68 + 39] = 0.5  # only the original's formula reads y39
    assert float(loss_normaliser(targets, "original")[0]) == pytest.approx(
        math.hypot(0.4, 0.14), rel=1e-5
    )


def test_weighted_euclidean_loss_by_hand():
    targets = np.concatenate([targets_with_eyes(), targets_with_eyes()])
    outputs = targets.copy()
    outputs[0, 0] += 0.1  # sample 0: squared error 0.01
    outputs[1, 5] -= 0.2  # sample 1: 0.04
    d = math.hypot(0.4, 0.04)
    expected = (0.01 / d + 0.04 / d) / (2 * 2)
    assert float(weighted_euclidean_loss(outputs, targets)) == pytest.approx(expected, rel=1e-5)


def test_wing_loss_by_hand():
    targets = np.zeros((1, 136), np.float32)
    outputs = targets.copy()
    outputs[0, 0] = 1 / 64  # 1 crop pixel: 10 ln(1 + 1/2)
    outputs[0, 1] = 20 / 64  # 20 pixels: 20 - (10 - 10 ln 6)
    expected = 10 * math.log(1.5) + 20 - (10 - 10 * math.log(6))
    assert float(wing_loss(outputs, targets)) == pytest.approx(expected, rel=1e-5)


def test_inv_policy():
    schedule = InverseDecay()
    assert float(schedule(0)) == pytest.approx(1e-4)
    assert float(schedule(100_000)) == pytest.approx(5.946e-5, rel=1e-3)
    assert float(schedule(100_000)) == pytest.approx(1e-4 * 2**-0.75, rel=1e-6)
