"""Hourglass / SAT networks against SPEC B.3, B.9 and E.2: sizes, block identities, init."""

import keras
import numpy as np
import pytest

from face_alignment_tf.hourglass import PRESETS, HourglassNetwork, build
from face_alignment_tf.hourglass.blocks import make_block
from face_alignment_tf.hourglass.cab_block import CABlock
from face_alignment_tf.hourglass.hourglass_module import HourglassModule
from face_alignment_tf.hourglass.presets import display_name
from face_alignment_tf.hourglass.sat_grid import SATGrid

# SPEC B.9: Keras trainable / non-trainable counts of the released models.
EXPECTED = {
    "hg2-d4-resnet": (6_586_440, 31_488),
    "hg2-d3-hpm": (9_659_464, 22_272),
    "hg2-d4-cab": (11_624_584, 25_824),
    "sat2-d3-cab": (10_094_728, 24_288),
    "hg2-d3-cab": (9_286_792, 20_832),
}


def count(variables) -> int:
    return sum(int(np.prod(v.shape)) for v in variables)


@pytest.mark.parametrize("preset", sorted(EXPECTED))
def test_parameter_counts(preset):
    # Counts do not depend on the input size: build on 32x32 to keep the test fast.
    model = HourglassNetwork(**PRESETS[preset], stacks=2)
    model(keras.ops.zeros((1, 32, 32, 3)))
    assert (count(model.trainable_variables), count(model.non_trainable_variables)) == EXPECTED[
        preset
    ]


def test_display_names_are_sdus():
    # SPEC B.9's table names the released models this way.
    names = {preset: display_name(**PRESETS[preset], stacks=2) for preset in PRESETS}
    assert names == {
        "hg2-d4-resnet": "Hourglass2(d=4)-Resnet",
        "hg2-d3-hpm": "Hourglass2(d=3)-HPM",
        "hg2-d4-cab": "Hourglass2(d=4)-CAB",
        "sat2-d3-cab": "SAT2(d=3)-CAB",
        "hg2-d3-cab": "Hourglass2(d=3)-CAB",
    }


def test_build_gives_two_heatmaps_of_64():
    model = build("hg2-d3-cab", "3d")
    heatmaps = model(np.full((2, 128, 128, 3), 127.5, np.float32), training=False)
    assert [tuple(h.shape) for h in heatmaps] == [(2, 64, 64, 68)] * 2
    assert model.name == "hg2-d3-cab-3d"
    clone = HourglassNetwork.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    with pytest.raises(ValueError, match="preset"):
        build("hg8")


def zero_kernels(layer: keras.layers.Layer) -> None:
    """All conv weights 0; batch norms keep their initial inference identity."""
    for variable in layer.weights:
        if "kernel" in variable.path:
            variable.assign(np.zeros(variable.shape, np.float32))


def run(layer, x):
    layer(x)  # build
    zero_kernels(layer)
    return keras.ops.convert_to_numpy(layer(x, training=False))


@pytest.fixture
def features():
    return np.random.default_rng(0).normal(size=(2, 16, 16, 64)).astype(np.float32)


@pytest.mark.parametrize("kind", ["resnet", "hpm"])
def test_zero_residual_blocks_are_identities(kind, features):
    np.testing.assert_allclose(run(make_block(kind, 64, True, "b"), features), features, atol=1e-6)


def test_zero_inception_is_relu(features):
    np.testing.assert_allclose(
        run(make_block("inception", 64, True, "b"), features), np.maximum(features, 0), atol=1e-6
    )


def test_zero_cab_passes_an_eighth_and_has_the_spec_widths(features):
    block = make_block("cab", 64, True, "b")
    assert isinstance(block, CABlock)
    np.testing.assert_allclose(run(block, features), features / 8, atol=1e-6)
    shapes = {v.path.split("/")[-3]: tuple(v.shape) for v in block.weights if "kernel" in v.path}
    assert shapes == {
        "lin_34": (3, 3, 64, 32), "lin_24": (3, 3, 32, 16), "lin_14": (3, 3, 16, 8),
        "dw_34": (3, 3, 32, 1), "dw_24": (3, 3, 16, 1),
    }  # fmt: skip


def test_fallbacks_when_channels_change():
    assert type(make_block("cab", 128, False, "b")).__name__ == "HPMBlock"
    assert type(make_block("inception", 128, False, "b")).__name__ == "ResidualBlock"
    with pytest.raises(ValueError):
        make_block("dense", 64, True, "b")


def pool(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def upsample(x):
    return x.repeat(2, axis=1).repeat(2, axis=2)


def test_hourglass_with_identity_blocks_is_the_closed_form(features):
    def closed_form(x, depth):  # HG(x, n) = x + up(HG(pool(x), n - 1)), HG(y, 0) = y
        return x if depth == 0 else x + upsample(closed_form(pool(x), depth - 1))

    module = HourglassModule(3, "resnet", 64)
    np.testing.assert_allclose(
        run(module, features), closed_form(features, 3), rtol=1e-5, atol=1e-5
    )


def test_sat_grid_with_zero_kernels_follows_the_cell_recursion(features):
    # Zero kernels: CAB(x) = x/8, depthwise Conv-BN-ReLU = 0, deconv-BN-ReLU = 0.
    cab = lambda x: x / 8  # noqa: E731
    x = features
    c34 = cab(pool(cab(x)))
    c24 = cab(pool(cab(c34)))
    c14 = cab(pool(cab(c24)))
    c33 = (x + 0) / 2
    c23 = (0 + 0) / 2
    c13 = (0 + cab(upsample(c14))) / 2
    c22 = (c33 + 0) / 2
    c12 = (c23 + cab(upsample(c13))) / 2
    c11 = (c22 + cab(upsample(c12))) / 2
    np.testing.assert_allclose(run(SATGrid("cab", 64), x), c11, rtol=1e-5, atol=1e-6)


def test_deconvolution_starts_as_the_originals_first_tap_init():
    grid = SATGrid("cab", 64)
    grid(np.zeros((1, 16, 16, 64), np.float32))
    kernel = keras.ops.convert_to_numpy(grid.up_33.deconv.kernel)
    assert kernel.shape == (2, 2, 64, 64)
    assert np.all(kernel[0, 0] == 1) and np.all(kernel[0, 1] == 0) and np.all(kernel[1] == 0)
