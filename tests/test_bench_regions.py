"""bench.regions' arithmetic: each region's mean error and its share of the NME."""

import numpy as np
import pytest

from bench.regions import region_errors, regions_table
from face_alignment_tf.data.landmarks import MIRROR_PERMUTATION_68, REGIONS_68


def test_the_regions_partition_the_markup_and_are_their_own_mirror():
    indices = sorted(i for region in REGIONS_68.values() for i in region)
    assert indices == list(range(68))
    for region in REGIONS_68.values():  # a mirrored face's jaw is the jaw
        assert set(MIRROR_PERMUTATION_68[list(region)]) == set(region)


def test_region_means_and_shares_by_hand():
    errors = np.zeros((2, 68))
    errors[0, 0:17] = 0.17  # face 0: only the jaw is off
    errors[1, 48:68] = 0.05  # face 1: only the mouth
    rows = region_errors(errors)
    total = 17 * 0.17 + 20 * 0.05
    assert rows["all"]["mean"] == pytest.approx(total / 136)
    assert rows["jaw"]["mean"] == pytest.approx(0.17 / 2)  # mean over faces of 0.17 and 0
    assert rows["jaw"]["share"] == pytest.approx(17 * 0.17 / total)
    assert rows["mouth"]["share"] == pytest.approx(20 * 0.05 / total)
    assert rows["eyes"] == {"mean": 0.0, "share": 0.0}
    assert sum(rows[r]["share"] for r in REGIONS_68) == pytest.approx(1.0)


def test_table_row():
    rows = region_errors(np.full((1, 68), 0.04))
    line = regions_table("t", {"m": rows})[-2]
    cells = line.strip("| ").split(" | ")
    assert cells[:3] == ["m", "4.00 (100)", "4.00 (25)"]  # the jaw: 17 of 68 points
