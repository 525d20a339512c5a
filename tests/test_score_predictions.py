"""score_predictions' summary line: the mean over the matched faces, the missed counted
apart, and a plain sentence (no NaN) when nothing matched."""

from face_alignment_tf.score_predictions import summary_line


def test_the_mean_is_over_the_matched_faces_only():
    line = summary_line({"a.jpg": 0.04, "b.jpg": None, "c.jpg": 0.05})
    assert line == "mean inter-ocular NME 4.50 % over 2 faces (1 missed)"


def test_no_matched_face_says_so():
    assert summary_line({"a.jpg": None, "b.jpg": None}) == (
        "no face found in any of the 2 annotated images"
    )
