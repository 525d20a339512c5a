"""shapenet.extractor: SPEC C.3 / E.3 #1 (sizes and 6,248,029 parameters), and shapenet.model:
gradients reach the backbone through the shape layer, the L1 loss (E.3 #5)."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.shapenet.extractor import ShapeNetExtractor
from face_alignment_tf.shapenet.model import ShapeNet
from face_alignment_tf.shapenet.trainer import l1_loss

# SPEC C.3's table: each layer's output (H, W).
SIZES = [
    (218, 224), (218, 218), (106, 106), (100, 106), (100, 100), (47, 47), (43, 47), (43, 43),
    (20, 20), (16, 20), (16, 16), (6, 6), (4, 6), (4, 4), (2, 4), (2, 2),
]  # fmt: skip


@pytest.mark.parametrize("components, params", [(25, 6_248_029), (5, 6_237_769)])
def test_parameter_counts(components, params):
    extractor = ShapeNetExtractor(components + 4)
    extractor.build((None, 224, 224, 1))
    assert extractor.count_params() == params


def test_spatial_sizes_and_output():
    extractor = ShapeNetExtractor(29)
    extractor.build((None, 224, 224, 1))
    shape = (1, 224, 224, 1)
    for conv, expected in zip(extractor.convs, SIZES, strict=True):
        shape = conv.compute_output_shape(shape)
        assert shape[1:3] == expected
    assert extractor(np.random.default_rng(0).random((2, 224, 224, 1), np.float32)).shape == (2, 29)


def test_gradients_reach_the_backbone_through_the_shape_layer():
    shapes = np.random.default_rng(1).normal(size=(4, 68, 2))
    model = ShapeNet(shapes, "mobilenet_v2")
    model.build()
    crops = tf.random.uniform((2, 64, 64, 3), 0, 255)
    target = tf.random.uniform((2, 68, 2), 0, 64)
    with tf.GradientTape() as tape:
        loss = l1_loss(model(crops, training=True), target)
    gradients = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in gradients)
    first = model.features.conv1.kernel
    assert float(tf.reduce_max(tf.abs(gradients[model.trainable_variables.index(first)]))) > 0


def test_l1_is_the_mean_absolute_difference():
    predicted = np.array([[[1.0, 2.0], [3.0, 4.0]]], np.float32)
    target = np.array([[[0.0, 4.0], [3.0, 1.0]]], np.float32)
    assert float(l1_loss(predicted, target)) == pytest.approx((1 + 2 + 0 + 3) / 4)
