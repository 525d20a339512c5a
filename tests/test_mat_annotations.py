"""AFLW2000-3D style .mat annotations and ground-truth boxes, through discovery and conversion."""

import numpy as np
import pytest
import scipy.io

from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.mat_annotations import read_pt3d_68
from face_alignment_tf.data.tfrecords import read_metadata
from tests.conftest import template_shape, write_aflw_face


@pytest.fixture
def face_shape():
    shape = template_shape()
    return (shape - shape.mean(0)) * 0.8 + np.array([80.0, 70.0])


def test_reads_pt3d_68_as_zero_based_y_x(tmp_path, face_shape):
    image = write_aflw_face(tmp_path, "image00002", face_shape)
    np.testing.assert_allclose(read_pt3d_68(image.with_suffix(".mat")), face_shape, atol=1e-9)


@pytest.mark.parametrize(
    "content, problem",
    [
        ({"pt2d": np.zeros((2, 21))}, "no 'pt3d_68' variable"),
        ({"pt3d_68": np.zeros((3, 67))}, r"shape \(3, 67\)"),
        ({"pt3d_68": np.full((3, 68), np.nan)}, "non-finite"),
    ],
)
def test_bad_mat_files_name_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.mat"
    scipy.io.savemat(str(path), content)
    with pytest.raises(DataError, match=rf"bad\.mat: .*{problem}"):
        read_pt3d_68(path)
    path.write_bytes(b"not a mat file at all")
    with pytest.raises(DataError, match=r"bad\.mat: cannot read"):
        read_pt3d_68(path)
    with pytest.raises(DataError, match="does not exist"):
        read_pt3d_68(tmp_path / "missing.mat")


def test_discovery_with_landmark_boxes(tmp_path, face_shape):
    write_aflw_face(tmp_path / "AFLW2000", "image00002", face_shape)
    with pytest.raises(DataError, match="no detector box"):
        discover_faces(f"{tmp_path}/AFLW2000/*")  # '*' also matches the .mat files
    (record,) = discover_faces(f"{tmp_path}/AFLW2000/*", boxes="landmarks")
    assert record.landmarks_path.suffix == ".mat" and record.box_path is None
    (y0, x0), (y1, x1) = face_shape.min(0), face_shape.max(0)
    np.testing.assert_allclose(record.box, [[y0, x0], [y1, x0], [y1, x1], [y0, x1]])


def test_conversion_records_the_box_source(tmp_path, face_shape):
    for index in range(3):
        write_aflw_face(tmp_path / "AFLW2000", f"image{index:05d}", face_shape + index)
    metadata = convert(
        f"{tmp_path}/AFLW2000/*.jpg", tmp_path / "records", "train", boxes="landmarks", workers=1
    )
    assert metadata["num_examples"] == 3 and read_metadata(tmp_path / "records")["boxes"] == (
        "landmarks"
    )
