"""Box checks: every coordinate finite, an area, on the image, a face's size."""

import numpy as np
import pytest

from face_alignment_tf.data.boxes import check_box, check_face_box
from face_alignment_tf.data.errors import DataError

BOX = np.array([[10.0, 20.0], [10.0, 60.0], [50.0, 60.0], [50.0, 20.0]])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("corner, axis", [(0, 0), (1, 1), (2, 0), (3, 1)])
def test_a_non_finite_coordinate_anywhere_is_refused(value, corner, axis):
    box = BOX.copy()
    box[corner, axis] = value
    with pytest.raises(DataError, match="face 3: box has non-finite coordinates"):
        check_box(box, "face 3")


def test_a_face_box_is_checked_by_its_extent_in_any_corner_order():
    np.testing.assert_array_equal(check_face_box(BOX[::-1], "f", (100, 100)), BOX[::-1])
    with pytest.raises(DataError, match=r"f: box of 40x7 px: smaller than any face"):
        check_face_box(BOX * [7 / 40, 1], "f", (100, 100))
    with pytest.raises(DataError, match=r"f: box \(y, x\) \[10.0, 220.0\]..\[50.0, 260.0\] lies"):
        check_face_box(BOX + [0, 200], "f", (100, 100))
