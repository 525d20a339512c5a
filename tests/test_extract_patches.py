"""ExtractPatches (compiled and pure TF) against an independent per-pixel numpy model."""

import math

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.custom_ops import (
    compiled_op_available,
    compiled_op_load_error,
    extract_patches,
)
from tests.conftest import require_compiled_op

IMPLEMENTATIONS = ["tf", "compiled"]


def reference_patches(images, centres, patch_shape, mode):
    """Per-pixel loop written from SPEC A.4, sharing no code with the op."""
    batch, height, width, channels = images.shape
    ph, pw = patch_shape
    out = np.zeros((batch, centres.shape[1], ph, pw, channels), np.float32)
    first = 1 if mode == "original" else 0
    for b in range(batch):
        for n in range(centres.shape[1]):
            cy, cx = (float(v) for v in centres[b, n])
            if not (math.isfinite(cy) and math.isfinite(cx)):
                continue
            if mode == "original":
                sy, sx = int(cy - ph // 2), int(cx - pw // 2)  # int() truncates toward zero
            else:
                sy, sx = math.floor(cy) - ph // 2, math.floor(cx) - pw // 2
            for ty in range(ph):
                for tx in range(pw):
                    y, x = sy + ty, sx + tx
                    if first <= y < height and first <= x < width:
                        out[b, n, ty, tx] = images[b, y, x]
    return out


def coordinate_images(batch, height, width):
    """Pixel (b, y, x) holds (y, x, b) so every read is traceable."""
    b, y, x = np.meshgrid(np.arange(batch), np.arange(height), np.arange(width), indexing="ij")
    return np.stack([y, x, b], axis=-1).astype(np.float32)


@pytest.fixture(params=IMPLEMENTATIONS)
def implementation(request):
    if request.param == "compiled" and not compiled_op_available():
        if require_compiled_op():
            pytest.fail(f"compiled op required but unavailable: {compiled_op_load_error()}")
        pytest.skip(f"compiled op not built: {compiled_op_load_error()}")
    return request.param


@pytest.mark.parametrize("mode", ["recommended", "original"])
@pytest.mark.parametrize("patch_shape", [(30, 30), (26, 26), (7, 4)])
def test_matches_reference_interior_and_border(implementation, mode, patch_shape):
    rng = np.random.default_rng(1)
    images = coordinate_images(3, 50, 60)
    interior = rng.uniform(16, 34, (3, 5, 2)) * [1, 1.2]
    border = rng.uniform(-25, 85, (3, 9, 2))
    exact = np.array(
        [[[0.0, 0.0], [49.0, 59.0], [3.6, 40.2], [-0.5, -0.5], [15, 15], [49.9, 59.9]]] * 3
    )
    centres = np.concatenate([interior, border, exact], axis=1).astype(np.float32)
    got = extract_patches(images, centres, patch_shape, mode, implementation).numpy()
    np.testing.assert_array_equal(got, reference_patches(images, centres, patch_shape, mode))


@pytest.mark.parametrize("mode", ["recommended", "original"])
def test_inside_tf_function_with_unknown_shapes(implementation, mode):
    images = coordinate_images(2, 40, 45)
    centres = np.random.default_rng(2).uniform(-10, 50, (2, 68, 2)).astype(np.float32)

    @tf.function(
        input_signature=[tf.TensorSpec([None, None, None, 3]), tf.TensorSpec([None, None, 2])]
    )
    def run(images, centres):
        return extract_patches(images, centres, 30, mode, implementation)

    np.testing.assert_array_equal(
        run(images, centres).numpy(), reference_patches(images, centres, (30, 30), mode)
    )


def test_batch_and_landmark_count_of_one(implementation):
    images = coordinate_images(1, 20, 20)
    centres = np.array([[[10.7, 3.2]]], np.float32)
    got = extract_patches(images, centres, 5, implementation=implementation).numpy()
    assert got.shape == (1, 1, 5, 5, 3)
    # Recommended rule: the centre pixel (floor) sits at index p//2.
    np.testing.assert_array_equal(got[0, 0, 2, 2], [10, 3, 0])
    np.testing.assert_array_equal(got[0, 0, 0, 0], [8, 1, 0])


def test_spec_interior_convention(implementation):
    # SPEC E.1.3: patch[15,15] = pixel (floor cy, floor cx), patch[0,0] = floor(c) - 15.
    images = coordinate_images(1, 100, 100)
    centres = np.array([[[40.7, 55.2]]], np.float32)
    got = extract_patches(images, centres, 30, implementation=implementation).numpy()[0, 0]
    np.testing.assert_array_equal(got[15, 15, :2], [40, 55])
    np.testing.assert_array_equal(got[0, 0, :2], [25, 40])
    # (y, x) order: swapping the centre's coordinates reads elsewhere.
    swapped = extract_patches(images, centres[..., ::-1].copy(), 30, implementation=implementation)
    assert not np.array_equal(swapped.numpy()[0, 0], got)


def test_spec_border_cases(implementation):
    images = coordinate_images(1, 50, 60) + 1.0  # no valid pixel is 0
    # Centre (3.6, 40.2): fork start row int(-11.4) = -11, floor rule gives -12.
    centres = np.array([[[3.6, 40.2]]], np.float32)
    original = extract_patches(images, centres, 30, "original", implementation).numpy()[0, 0]
    recommended = extract_patches(images, centres, 30, "recommended", implementation).numpy()[0, 0]
    first_valid_row = lambda patch: int(np.argmax(patch[:, 15, 0] > 0))  # noqa: E731
    assert first_valid_row(original) == 12  # rows -11..0 invalid (row 0 excluded too)
    assert first_valid_row(recommended) == 12  # rows -12..-1 invalid
    assert original[12, 15, 0] - 1 == 1 and recommended[12, 15, 0] - 1 == 0
    # Centre (15, 15): the fork leaves row 0 / column 0 unwritten: 59 pixels.
    centres = np.array([[[15.0, 15.0]]], np.float32)
    original = extract_patches(images, centres, 30, "original", implementation).numpy()[0, 0]
    assert np.sum(np.all(original == 0, axis=-1)) == 59
    recommended = extract_patches(images, centres, 30, "recommended", implementation).numpy()[0, 0]
    assert np.sum(np.all(recommended == 0, axis=-1)) == 0
    # Centre (49.9, 59.9) on 50x60: the fork leaves 644 pixels unwritten.
    centres = np.array([[[49.9, 59.9]]], np.float32)
    original = extract_patches(images, centres, 30, "original", implementation).numpy()[0, 0]
    assert np.sum(np.all(original == 0, axis=-1)) == 644


def test_non_finite_and_huge_centres_give_zero_patches(implementation):
    images = coordinate_images(1, 20, 20) + 1.0
    centres = np.array([[[np.nan, 5.0], [5.0, np.inf], [1e30, -1e30], [5.0, 5.0]]], np.float32)
    got = extract_patches(images, centres, 4, implementation=implementation).numpy()[0]
    assert np.all(got[:3] == 0)
    assert np.all(got[3] > 0)


def test_gradient_is_adjoint_for_images_and_none_for_centres(implementation):
    rng = np.random.default_rng(3)
    images = tf.constant(rng.random((2, 12, 13, 2), dtype=np.float32))
    centres = tf.constant(rng.uniform(-3, 15, (2, 6, 2)).astype(np.float32))
    upstream = rng.random((2, 6, 5, 4, 2)).astype(np.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([images, centres])
        patches = extract_patches(images, centres, (5, 4), implementation=implementation)
        loss = tf.reduce_sum(patches * upstream)
    image_grad, centre_grad = tape.gradient(loss, [images, centres])
    assert centre_grad is None
    # Adjoint: <extract(e_pixel), upstream> for every pixel, by linearity.
    expected = np.zeros(images.shape, np.float32)
    starts = np.floor(centres.numpy()).astype(int) - [2, 2]
    for b in range(2):
        for n in range(6):
            for ty in range(5):
                for tx in range(4):
                    y, x = starts[b, n, 0] + ty, starts[b, n, 1] + tx
                    if 0 <= y < 12 and 0 <= x < 13:
                        expected[b, y, x] += upstream[b, n, ty, tx]
    np.testing.assert_allclose(tf.convert_to_tensor(image_grad).numpy(), expected, rtol=1e-6)


def test_compiled_equals_pure_tf_on_mdm_batch():
    if not compiled_op_available():
        pytest.skip("compiled op not built")
    rng = np.random.default_rng(4)
    images = rng.random((6, 120, 110, 3), dtype=np.float32)
    centres = rng.uniform(-20, 130, (6, 68, 2)).astype(np.float32)
    for mode in ("recommended", "original"):
        compiled = extract_patches(images, centres, 30, mode, "compiled")
        pure = extract_patches(images, centres, 30, mode, "tf")
        np.testing.assert_array_equal(compiled.numpy(), pure.numpy())


@pytest.mark.parametrize(
    "images_shape, centres_shape, message",
    [((5, 5, 3), (1, 2, 2), "images must be"), ((1, 5, 5, 3), (1, 2, 3), "centres must be")],
)
def test_bad_shapes_raise_clear_errors(implementation, images_shape, centres_shape, message):
    with pytest.raises(ValueError, match=message):
        extract_patches(
            np.zeros(images_shape), np.zeros(centres_shape), 3, implementation=implementation
        )


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        extract_patches(np.zeros((1, 5, 5, 1)), np.zeros((1, 1, 2)), 3, mode="fork")
    with pytest.raises(ValueError, match="positive"):
        extract_patches(np.zeros((1, 5, 5, 1)), np.zeros((1, 1, 2)), (0, 3))


def test_fallback_warns_once_and_matches(monkeypatch, caplog):
    import face_alignment_tf.custom_ops.extract_patches_op as module

    monkeypatch.setattr(module, "_LIBRARY", None)
    monkeypatch.setattr(module, "_LOAD_ERROR", "simulated: library missing")
    monkeypatch.setattr(module, "_warned", False)
    images = coordinate_images(1, 10, 10)
    centres = np.array([[[4.0, 4.0]]], np.float32)
    with caplog.at_level("WARNING"):
        first = extract_patches(images, centres, 3)
        extract_patches(images, centres, 3)
    assert [r.getMessage() for r in caplog.records].count(
        "ExtractPatches: using the pure-TF fallback; simulated: library missing"
    ) == 1
    np.testing.assert_array_equal(
        first.numpy(), reference_patches(images, centres, (3, 3), "recommended")
    )
    with pytest.raises(RuntimeError, match="simulated"):
        extract_patches(images, centres, 3, implementation="compiled")
