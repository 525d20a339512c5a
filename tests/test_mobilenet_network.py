"""The MobileNetV2 regressor against SPEC D.2 / E.4: shapes, counts, adds, activations,
Caffe's symmetric padding."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.backbones.mobilenet_v2.network import (
    BOTTLENECKS,
    Bottleneck,
    MobileNetV2Regressor,
    resized_flatten_kernel,
    transfer_weights,
)


@pytest.fixture(scope="module")
def network():
    model = MobileNetV2Regressor()
    model(np.zeros((1, 64, 64, 3), np.float32))
    return model


def count(weights) -> int:
    return sum(int(np.prod(w.shape)) for w in weights)


def test_parameter_counts_are_the_specs(network):
    assert count(network.trainable_weights) == 349_738
    assert count(network.non_trainable_weights) == 4_352
    assert len([layer for layer in network._flatten_layers() if isinstance(
        layer, keras.layers.BatchNormalization)]) == 19  # fmt: skip


def test_shapes_through_the_network(network):
    x = network.conv1(network.conv1_pad(network.normalise(np.zeros((2, 64, 64, 3), np.float32))))
    shapes = [tuple(x.shape[1:])]
    for name in ("block_1", "block_2", "block_3", "block_4", "block_5", "block_6"):
        x = getattr(network, name)(x)
        shapes.append(tuple(x.shape[1:]))
    assert shapes == [(32, 32, 16), (16, 16, 24), (16, 16, 24), (8, 8, 32), (8, 8, 32),
                      (4, 4, 64), (4, 4, 64)]  # fmt: skip
    assert [network.fc1.units, network.fc2.units, network.fc3.units, network.fc4.units] == [
        200,
        200,
        50,
        136,
    ]
    assert network(np.zeros((2, 64, 64, 3), np.float32)).shape == (2, 136)


def test_residual_adds_only_in_the_stride_1_blocks_and_b6_expands_by_3(network):
    blocks = [getattr(network, f"block_{i}") for i in range(1, 7)]
    assert [block.residual for block in blocks] == [False, True, False, True, False, True]
    assert [b.expand.filters for b in blocks] == [96, 144, 144, 192, 192, 192]
    assert BOTTLENECKS[5] == (3, 64, 1)


def test_projections_are_linear_and_leaky_relu_is_0_01():
    """A block whose projection BN passes negative values through: no activation after the
    projection or the add; the expansion's negative inputs are scaled by 0.01."""
    block = Bottleneck(6, 24, 1)
    x = tf.random.normal((1, 8, 8, 24), seed=1)
    block(x)
    for layer in (block.expand, block.depthwise, block.project):
        weights = layer.get_weights()[0]
        layer.set_weights([np.zeros_like(weights)])
    block.project_bn.set_weights([np.ones(24), -np.ones(24), np.zeros(24), np.ones(24)])
    # Zero convs: the projection BN gives (0 - 0) / sqrt(1 + eps) * 1 - 1 = -1 exactly.
    np.testing.assert_allclose(block(x, training=False).numpy(), x.numpy() - 1, atol=1e-6)
    assert float(keras.ops.leaky_relu(-1.0, 0.01)) == pytest.approx(-0.01)


def test_output_has_no_activation_after_fc3_and_fc4(network):
    """Negative outputs exist (no ReLU at the end) for random inputs."""
    outputs = network(np.random.default_rng(0).uniform(0, 255, (8, 64, 64, 3)).astype("f4"))
    assert outputs.numpy().min() < 0 < outputs.numpy().max()


def test_stride_2_convolutions_pad_symmetrically_like_caffe(network):
    """conv1 (ZeroPadding2D(1) + VALID) equals a reference convolution of the image padded by
    one pixel on every side, by numpy; TF's 'same' would pad 0 before and 1 after."""
    rng = np.random.default_rng(2)
    image = rng.normal(size=(1, 64, 64, 3)).astype(np.float32)
    kernel, bias = network.conv1.get_weights()
    ours = network.conv1(network.conv1_pad(image)).numpy()[0]
    padded = np.pad(image[0], ((1, 1), (1, 1), (0, 0)))
    reference = np.zeros((32, 32, 16), np.float64)
    for i in range(32):
        for j in range(32):
            window = padded[2 * i : 2 * i + 3, 2 * j : 2 * j + 3]
            reference[i, j] = np.tensordot(window, kernel, axes=3) + bias
    np.testing.assert_allclose(ours, reference, atol=1e-4)
    same = tf.nn.conv2d(image, kernel, 2, "SAME").numpy()[0] + bias
    assert np.abs(same - reference).max() > 1e-2


def test_features_flatten_in_caffes_channel_row_column_order(network):
    features = network.features(np.random.default_rng(3).uniform(0, 255, (1, 64, 64, 3)))
    flat = network.flatten(network.channels_first(features)).numpy()[0]
    np.testing.assert_array_equal(flat, np.transpose(features.numpy()[0], (2, 0, 1)).ravel())


def test_the_input_is_normalised_as_the_caffe_data_layer(network):
    values = np.array([0.0, 127.5, 255.0], np.float32)
    np.testing.assert_allclose(
        network.normalise(values).numpy(), (values - 127.5) * 0.0078125, rtol=1e-6
    )


def test_other_input_sizes_keep_every_weight_but_fc1s_inputs(network):
    sharp = MobileNetV2Regressor(input_size=96)
    assert sharp(np.zeros((2, 96, 96, 3), np.float32)).shape == (2, 136)
    assert sharp.features(np.zeros((1, 96, 96, 3), np.float32)).shape == (1, 6, 6, 64)
    # Only fc1's kernel grows: 6 x 6 x 64 inputs instead of 4 x 4 x 64.
    assert count(sharp.trainable_weights) - count(network.trainable_weights) == (36 - 16) * 64 * 200
    assert MobileNetV2Regressor.from_config(sharp.get_config()).input_size == 96
    with pytest.raises(ValueError, match="multiple of 16"):
        MobileNetV2Regressor(input_size=72)


def test_fc1_resizes_bilinearly_with_pixel_centres_aligned():
    """4 -> 6 by hand: output i samples input (i + 0.5) 4 / 6 - 0.5, clamped at the edges."""
    weights = np.array([[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 5 / 6, 1 / 6, 0],
                        [0, 1 / 6, 5 / 6, 0], [0, 0, 0.5, 0.5], [0, 0, 0, 1]])  # fmt: skip
    kernel = np.random.default_rng(0).normal(size=(64 * 16, 3)).astype(np.float32)
    grids = kernel.reshape(64, 4, 4, 3)
    expected = np.einsum("ia,jb,cabu->cuij", weights, weights, grids) * 16 / 36
    resized = resized_flatten_kernel(kernel, 6).reshape(64, 6, 6, 3)
    np.testing.assert_allclose(resized.transpose(0, 3, 1, 2), expected, atol=1e-5)


def test_transfer_keeps_the_response_to_a_uniform_feature_map(network):
    """A feature map constant over the grid (C, H, W flatten order) gets the same fc1
    response from the 64-px network and its 96-px copy; every other weight is copied."""
    sharp = MobileNetV2Regressor(input_size=96)
    sharp(np.zeros((1, 96, 96, 3), np.float32))
    transfer_weights(network, sharp)
    for ours, theirs in zip(sharp.weights, network.weights, strict=True):
        if not ours.path.endswith("fc1/kernel"):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=ours.path)
    channels = np.random.default_rng(1).normal(size=64)
    small, large = np.repeat(channels, 16), np.repeat(channels, 36)  # C-major flatten
    np.testing.assert_allclose(
        large @ sharp.fc1.kernel.numpy(), small @ network.fc1.kernel.numpy(), rtol=1e-4, atol=1e-4
    )
    other = MobileNetV2Regressor(num_outputs=10)
    other(np.zeros((1, 64, 64, 3), np.float32))
    with pytest.raises(ValueError, match="fc4/kernel"):
        transfer_weights(network, other)
