"""The shared 300-W copy: discovery finds every face and its competition box."""

import numpy as np
import pytest

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.preprocessing import prepare_evaluation_face
from face_alignment_tf.data.reference_shape import build_reference_shape

EXPECTED = {
    "lfpw/trainset": 805,
    "helen/trainset": 870,
    "afw": 337,
    "lfpw/testset": 224,
    "helen/testset": 330,
}


@pytest.mark.parametrize("subset", sorted(EXPECTED))
def test_every_face_has_landmarks_and_a_box(shared_300w, subset):
    records = discover_faces(f"{shared_300w}/{subset}/*.jpg")
    assert len(records) == EXPECTED[subset]
    assert all(
        r.box_path == shared_300w / "bbs" / subset / f"{r.image_path.stem}.pts" for r in records
    )


def test_reference_shape_and_a_test_face(shared_300w):
    train = discover_faces(f"{shared_300w}/afw/*.jpg:{shared_300w}/lfpw/trainset/*.jpg")
    reference = build_reference_shape(np.stack([r.landmarks for r in train]))
    assert np.hypot(*np.ptp(reference, axis=0)) == pytest.approx(200, abs=1e-3)
    face = prepare_evaluation_face(
        discover_faces(f"{shared_300w}/helen/testset/*.jpg")[0], reference
    )
    # The box-aligned mean shape starts within a face's width of the truth.
    error = np.linalg.norm(face.initial - face.landmarks, axis=1).mean()
    assert error < 0.25 * np.linalg.norm(face.landmarks[36] - face.landmarks[45]) * 2
