"""score_predictions: the summary line (the mean over the matched faces, the missed counted
apart, a plain sentence when nothing matched) and the errors for a --predictions that holds
no predictions."""

import json

import pytest

from face_alignment_tf.data.errors import DataError
from face_alignment_tf.score_predictions import predicted_faces, summary_line


def test_the_mean_is_over_the_matched_faces_only():
    line = summary_line({"a.jpg": 0.04, "b.jpg": None, "c.jpg": 0.05})
    assert line == "mean inter-ocular NME 4.50 % over 2 faces (1 missed)"


def test_no_matched_face_says_so():
    assert summary_line({"a.jpg": None, "b.jpg": None}) == (
        "no face found in any of the 2 annotated images"
    )


def test_predictions_that_are_not_there_are_named(tmp_path):
    with pytest.raises(DataError, match="nope: not a folder"):
        predicted_faces(tmp_path / "nope")
    (tmp_path / "other.json").write_text(json.dumps({"unrelated": 1}))
    with pytest.raises(DataError, match="holds no face-align predict output"):
        predicted_faces(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps({"image": "x/a.jpg", "faces": []}))
    assert list(predicted_faces(tmp_path).values()) == [[]]
