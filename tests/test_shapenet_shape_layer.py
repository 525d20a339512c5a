"""shapenet.shape_layer: SPEC E.3 #2, #3 and the transform's closed forms."""

import math

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.shapenet.shape_layer import (
    HomogeneousShapeLayer,
    similarity_transform_2d,
    similarity_transform_3d,
)


def test_zero_shapes_and_unit_parameters_give_ones():
    """E.3 #2 (the original's test): zero mean and components, every parameter 1."""
    layer = HomogeneousShapeLayer(np.zeros((26, 68, 2)))
    points = layer(np.ones((3, 29), np.float32))
    assert points.shape == (3, 68, 2)
    np.testing.assert_allclose(points, 1.0)


def test_identity_and_quarter_turn():
    points = tf.constant(np.random.default_rng(0).normal(size=(2, 68, 2)), tf.float32)
    ones, zeros = tf.ones([2]), tf.zeros([2])
    identity = similarity_transform_2d(points, ones, zeros, tf.zeros([2, 2]))
    np.testing.assert_allclose(identity, points, atol=1e-6)
    quarter = similarity_transform_2d(points, ones, zeros + math.pi / 2, tf.zeros([2, 2]))
    a, b = points[..., 0], points[..., 1]
    np.testing.assert_allclose(quarter, tf.stack([b, -a], -1), atol=1e-5)  # (a, b) -> (b, -a)


def test_parameter_order_and_the_shape_model():
    """[p_1..p_K | s | theta | t_1, t_2], shape = mean + sum p_k E_k, then s R(theta) + t."""
    rng = np.random.default_rng(1)
    shapes = rng.normal(size=(4, 68, 2))
    layer = HomogeneousShapeLayer(shapes)
    assert layer.num_parameters == 7
    p, s, theta, t = rng.normal(size=3), 1.7, 0.3, np.array([5.0, -2.0])
    shape = shapes[0] + np.einsum("k,knd->nd", p, shapes[1:])
    rotation = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])
    expected = s * shape @ rotation.T + t
    got = layer(np.concatenate([p, [s, theta], t])[None].astype(np.float32))[0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


def test_3d_uses_only_the_first_scale():
    points = tf.constant(np.random.default_rng(2).normal(size=(1, 68, 3)), tf.float32)
    base = np.array([[2.0, 1.0, 1.0, 0.1, 0.2, 0.3, 1.0, 2.0, 3.0]], np.float32)
    other_scales = base.copy()
    other_scales[0, 1:3] = [7.0, -4.0]  # the dead outputs
    np.testing.assert_allclose(
        similarity_transform_3d(points, base), similarity_transform_3d(points, other_scales)
    )
    identity = np.array([[1.0, 0, 0, 0, 0, 0, 0, 0, 0]], np.float32)
    np.testing.assert_allclose(similarity_transform_3d(points, identity), points, atol=1e-6)
    # Pure yaw rotates about the first axis, as the original's matrix rows say.
    yaw = np.array([[1.0, 0, 0, 0.4, 0, 0, 0, 0, 0]], np.float32)
    moved = similarity_transform_3d(points, yaw).numpy()[0]
    np.testing.assert_allclose(moved[:, 0], points.numpy()[0, :, 0], atol=1e-6)


def test_a_3d_layer_takes_nine_transform_parameters():
    layer = HomogeneousShapeLayer(np.zeros((6, 68, 3)))
    assert layer.num_parameters == 14
    assert layer(np.zeros((2, 14), np.float32)).shape == (2, 68, 3)


def test_shapes_are_constants_and_the_config_round_trips():
    layer = HomogeneousShapeLayer(np.ones((3, 68, 2)))
    layer(np.zeros((1, 6), np.float32))
    assert layer.weights == []
    again = HomogeneousShapeLayer.from_config(layer.get_config())
    np.testing.assert_array_equal(again.shapes, layer.shapes)
    with pytest.raises(ValueError, match="K \\+ 1, N, 2 or 3"):
        HomogeneousShapeLayer(np.zeros((3, 68, 4)))
