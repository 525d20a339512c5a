"""The MDM model against SPEC A.6 / E.1: sizes, crop, zero head, gradients, loss, mirroring."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.landmarks import mirror_landmarks
from face_alignment_tf.mdm import MDM, PatchFeatureExtractor, mdm_loss, step_losses
from face_alignment_tf.mdm.patch_features import central_crop_slice
from face_alignment_tf.mdm.scoring import predict


def built(**kwargs) -> MDM:
    model = MDM(**kwargs)
    model.build()
    return model


@pytest.mark.parametrize("patch_size, expected", [(30, 80_558_632), (26, 56_048_168)])
def test_parameter_count(patch_size, expected):
    assert built(patch_size=patch_size).count_params() == expected


def test_variable_shapes_and_config_round_trip():
    model = built()
    shapes = [tuple(v.shape) for v in model.trainable_variables]
    assert shapes == [
        (3, 3, 3, 32),
        (32,),
        (3, 3, 32, 32),
        (32,),
        (157184, 512),
        (512,),
        (512, 136),
        (136,),
    ]
    clone = MDM.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    layer = PatchFeatureExtractor.from_config(model.patch_features.get_config())
    assert layer.filters == 32


def test_initialisation_is_slims_truncated_normal():
    kernel = built().recurrent.kernel.numpy()
    assert abs(kernel.std() - 0.01 * 0.8796) < 2e-4  # std of N(0, 0.01) truncated at 2 sigma
    assert np.abs(kernel).max() <= 0.02
    assert np.all(built().recurrent.bias.numpy() == 0)


def test_central_crop_and_feature_layout():
    assert central_crop_slice(12, 6) == slice(3, 9)
    assert central_crop_slice(10, 5) == slice(2, 7)
    layer = PatchFeatureExtractor()
    patches = tf.random.uniform([5, 30, 30, 3], seed=1)
    features = layer(patches).numpy()
    assert features.shape == (5, 6, 6, 64)
    conv_2 = layer.conv_2(layer.pool(layer.conv_1(patches))).numpy()
    np.testing.assert_allclose(features[..., :32], conv_2[:, 3:9, 3:9], rtol=1e-6)
    np.testing.assert_allclose(features[..., 32:], layer.pool(conv_2).numpy(), rtol=1e-6)


def test_zero_head_returns_the_initialisation_at_every_step():
    model = built()
    model.prediction.kernel.assign(tf.zeros_like(model.prediction.kernel))
    model.prediction.bias.assign(tf.zeros_like(model.prediction.bias))
    inits = np.random.default_rng(0).uniform(20, 80, (2, 68, 2)).astype(np.float32)
    outputs = model(np.random.rand(2, 100, 100, 3).astype(np.float32), inits)
    assert outputs["steps"].shape == (2, 4, 68, 2)
    for step in range(4):
        np.testing.assert_array_equal(outputs["steps"][:, step].numpy(), inits)


def test_gradient_reaches_inits_only_through_the_additive_path():
    model = built(hidden_units=8)
    images = tf.random.uniform([1, 80, 80, 3], seed=2)
    inits = tf.Variable(tf.random.uniform([1, 68, 2], 20, 60, seed=3))
    for step in range(4):
        with tf.GradientTape() as tape:
            estimate = tf.reduce_sum(model(images, inits)["steps"][:, step, 5, 0])
        gradient = tape.gradient(estimate, inits).numpy()
        expected = np.zeros((1, 68, 2), np.float32)
        expected[0, 5, 0] = 1.0  # d(inits + Delta_t)/d(inits) = I
        np.testing.assert_array_equal(gradient, expected)


def test_loss_by_hand():
    gt = np.zeros((1, 68, 2), np.float32)
    gt[0, 36], gt[0, 45] = [0, 0], [0, 50]
    steps = np.repeat(gt[:, None], 4, axis=1)
    for step, shift in enumerate([10.0, 5.0, 2.0, 0.0]):
        steps[0, step, 0, 0] += shift  # one point off by `shift` px
    expected = [shift / 68 / 50 for shift in (10, 5, 2, 0)]
    np.testing.assert_allclose(step_losses(steps, gt).numpy(), expected, rtol=1e-6)
    assert mdm_loss(steps, gt).numpy() == pytest.approx(sum(expected), rel=1e-6)


def test_mirrored_averaging_is_equivariant():
    # SPEC E.1.9: avg(M img, M init) = M avg(img, init) with the corrected mirror.
    keras.utils.set_random_seed(4)
    model = built(hidden_units=16)
    for variable in model.trainable_variables:
        variable.assign(tf.random.normal(variable.shape, stddev=0.05, seed=5))
    rng = np.random.default_rng(6)
    images = rng.random((2, 90, 101, 3)).astype(np.float32)
    inits = rng.uniform(25, 65, (2, 68, 2)).astype(np.float32)
    shapes = tf.constant([[90, 101], [90, 101]])
    flipped_images = images[:, :, ::-1].copy()
    flipped_inits = mirror_landmarks(inits, 101).numpy()

    def average(images, inits, mirrored_images, mirrored_inits):
        return predict(model, images, inits, mirrored_images, mirrored_inits, shapes).numpy()

    direct = average(images, inits, flipped_images, flipped_inits)
    of_mirror = average(flipped_images, flipped_inits, images, inits)
    np.testing.assert_allclose(of_mirror, mirror_landmarks(direct, 101).numpy(), atol=1e-3)
    # The single pass alone is not equivariant (the patch grid is off-centre).
    single = model(images, inits)["final"].numpy()
    single_of_mirror = model(flipped_images, flipped_inits)["final"].numpy()
    assert np.abs(single_of_mirror - mirror_landmarks(single, 101).numpy()).max() > 1e-2
