"""Offline conversion to TFRecords: round trip, metadata, errors before writing."""

import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.convert import convert
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.preprocessing import prepare_training_face
from face_alignment_tf.data.reference_shape import build_reference_shape
from face_alignment_tf.data.tfrecords import parse_face, read_metadata, shard_paths


def test_training_conversion_round_trip(make_dataset, tmp_path):
    root = make_dataset({"lfpw/trainset": 4, "afw": 3})
    datasets = f"{root}/lfpw/trainset/*.png:{root}/afw/*.png"
    metadata = convert(datasets, tmp_path / "train", num_shards=3, workers=2)
    assert metadata == read_metadata(tmp_path / "train")
    assert metadata["num_examples"] == 7 and len(shard_paths(tmp_path / "train")) == 3
    records = discover_faces(datasets)
    reference = build_reference_shape(np.stack([r.landmarks for r in records]))
    np.testing.assert_allclose(metadata["reference_shape"], reference, rtol=1e-6)

    by_path = {}
    for serialised in tf.data.TFRecordDataset(shard_paths(tmp_path / "train")):
        face = parse_face(serialised)
        by_path[face["path"].numpy().decode()] = face
    assert len(by_path) == 7
    record = records[2]
    expected = prepare_training_face(record, reference)
    got = by_path[str(record.image_path)]
    # PNG storage quantises pixels to 1/255.
    assert np.abs(got["image"].numpy() - expected.pixels).max() <= 0.5 / 255 + 1e-6
    np.testing.assert_array_equal(got["landmarks"].numpy(), expected.landmarks)
    np.testing.assert_array_equal(got["box"].numpy(), expected.box)
    heights, widths = zip(*[f["image"].shape[:2] for f in by_path.values()], strict=True)
    assert metadata["canvas_shape"] == [max(heights), max(widths)]


def test_evaluation_conversion_needs_a_reference(make_dataset, tmp_path):
    root = make_dataset({"afw": 2})
    with pytest.raises(ValueError, match="reference shape"):
        convert(f"{root}/afw/*.png", tmp_path / "eval", split="eval")
    reference = np.asarray(convert(f"{root}/afw/*.png", tmp_path / "train")["reference_shape"])
    metadata = convert(f"{root}/afw/*.png", tmp_path / "eval", "eval", reference_shape=reference)
    assert metadata["split"] == "eval"


def test_bad_face_stops_conversion_before_writing(make_dataset, tmp_path):
    root = make_dataset({"afw": 3})
    (root / "afw/face_002.png").write_bytes(b"not an image")
    with pytest.raises(DataError, match="face_002.png: cannot read image"):
        convert(f"{root}/afw/*.png", tmp_path / "out", workers=2)
    assert not (tmp_path / "out").exists()
