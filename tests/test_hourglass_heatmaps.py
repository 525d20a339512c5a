"""Heatmap targets and decoders against SPEC B.2.6, B.6 and E.2 (items 5, 7)."""

import numpy as np
import pytest

from face_alignment_tf.hourglass.heatmaps import (
    decode_argmax,
    decode_subpixel,
    first_argmax_2d,
    heatmap_targets,
)


def one_landmark(y, x, count=68):
    landmarks = np.full((1, count, 2), 60.0, np.float32)
    landmarks[0, 0] = y, x
    return landmarks


def test_target_values_and_support():
    target = heatmap_targets(one_landmark(41.7, 80.2)).numpy()[0, :, :, 0]
    qy, qx = 20, 40  # int(0.5 * p)
    assert target[qy, qx] == pytest.approx(20.0)
    for dy, dx in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        assert target[qy + dy, qx + dx] == pytest.approx(12.1306, abs=1e-4)
    for dy, dx in [(1, 1), (-1, 1), (1, -1), (-1, -1)]:
        assert target[qy + dy, qx + dx] == pytest.approx(7.3576, abs=1e-4)
    rows, cols = np.nonzero(target)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (17, 23, 37, 43)  # exactly 7x7


def test_target_is_clipped_at_the_border_and_sigma_zero_is_one_pixel():
    target = heatmap_targets(one_landmark(1.0, 127.0)).numpy()[0, :, :, 0]
    rows, cols = np.nonzero(target)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (0, 3, 60, 63)
    single = heatmap_targets(one_landmark(41.7, 80.2), sigma=0).numpy()[0, :, :, 0]
    assert single.sum() == 1.0 and single[20, 40] == 1.0


def test_first_argmax_breaks_ties_like_numpy():
    maps = np.zeros((1, 5, 6, 1), np.float32)
    maps[0, 3, 1, 0] = maps[0, 2, 4, 0] = 7.0
    expected = np.unravel_index(np.argmax(maps[0, :, :, 0]), (5, 6))
    np.testing.assert_array_equal(first_argmax_2d(maps).numpy()[0, 0], expected)


@pytest.mark.parametrize("offset", [-0.3, 0.3])
def test_argmax_decoder_picks_the_side_of_the_larger_neighbour(offset):
    # A Gaussian centred between cells, nearest to q = 30: decodes to 2q or 2q + 1.
    grid = np.arange(64)
    centre = 30 + offset
    blob = np.exp(-((grid[:, None] - centre) ** 2 + (grid[None, :] - 30) ** 2) / 2.0)
    decoded = decode_argmax(blob[None, :, :, None].astype(np.float32)).numpy()[0, 0]
    assert decoded[0] == (61 if offset > 0 else 60)  # larger neighbour below / above
    assert decoded[1] in (60, 61)


@pytest.mark.parametrize("offset, expected_row", [(0.3, 2 * 30.25 + 0.5), (-0.3, 2 * 29.75 + 0.5)])
def test_subpixel_decoder_by_hand(offset, expected_row):
    grid = np.arange(64)
    blob = np.exp(-((grid[:, None] - 30 - offset) ** 2 + (grid[None, :] - 12) ** 2) / 2.0)
    decoded = decode_subpixel(blob[None, :, :, None].astype(np.float32)).numpy()[0, 0]
    # Row: a quarter cell towards the larger neighbour; column: neighbours equal, no shift.
    np.testing.assert_allclose(decoded, [expected_row, 2 * 12 + 0.5])


def test_decoders_agree_on_smooth_peaks():
    # A quarter cell is half a pixel at 128: on unimodal, smooth heatmaps the
    # quarter-shift decoder lands where the 2x resize + argmax does.
    rng = np.random.default_rng(0)
    points = rng.uniform(10, 118, (68, 2)).astype(np.float32)
    centres = (points - 0.5) / 2  # continuous 64-grid positions of the points
    grid = np.arange(64)
    rows = (grid[None, :, None] - centres[:, 0, None, None]) ** 2
    cols = (grid[None, None, :] - centres[:, 1, None, None]) ** 2
    maps = np.exp(-(rows + cols) / 2.0).transpose(1, 2, 0)[None].astype(np.float32)
    argmax, subpixel = decode_argmax(maps).numpy()[0], decode_subpixel(maps).numpy()[0]
    np.testing.assert_array_equal(argmax, subpixel)
    assert np.abs(subpixel - points).max() <= 1.0 + 1e-6
