"""The face-align command line end to end: predict on the bundled faces with a broken file
and a face-free image; export in every format, equal to the Keras networks."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT


def face_align(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "face_alignment_tf", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_predict_writes_json_and_drawings_and_names_every_failure(bundled_faces, tmp_path):
    import cv2

    folder = Path(bundled_faces).parent  # the shipped model: no TensorFlow in the process
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    cv2.imwrite(str(tmp_path / "blank.png"), np.full((100, 120, 3), 200, np.uint8))
    output = tmp_path / "out"
    result = face_align("predict", str(folder), str(tmp_path / "broken.jpg"),
                        str(tmp_path / "blank.png"), str(tmp_path / "missing.png"),
                        f"--output={output}", "--detector=opencv", "--draw")  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "broken.jpg: cannot read image" in result.stderr
    assert "missing.png: no such file or folder" in result.stderr
    assert "5 of 6 images aligned" in result.stdout  # 4 faces, broken, blank
    blank = json.loads((output / "blank.png.json").read_text())
    assert blank["faces"] == [] and blank["image_size"] == {"height": 100, "width": 120}
    written = sorted(p.name for p in output.glob("*.json"))
    assert len(written) == 5 and "broken.jpg.json" not in written
    found = [json.loads(p.read_text()) for p in output.glob("*.json")
             if p.name != "blank.png.json"]  # fmt: skip
    faces = [face for record in found for face in record["faces"]]
    assert faces and all(np.shape(face["landmarks"]) == (68, 2) for face in faces)
    assert "(y, x)" in found[0]["point_order"] and found[0]["detector"] == "opencv"
    # Scored against the bundled ground truth: the same NME by hand (outer eye corners).
    from face_alignment_tf.data.pts import read_pts
    from face_alignment_tf.detectors import corners, iou
    from face_alignment_tf.score_predictions import score_predictions

    scores = score_predictions(output, bundled_faces)
    assert len(scores) == 4 and any(error is not None for error in scores.values())
    for image, error in scores.items():
        if error is None:
            continue
        truth = read_pts(Path(image).with_suffix(".pts"))
        record = json.loads((output / f"{Path(image).name}.json").read_text())
        truth_box = np.array(corners(*truth.min(0), *truth.max(0)))
        face = max(record["faces"], key=lambda f: iou(np.asarray(f["box"]), truth_box))
        by_hand = np.linalg.norm(np.asarray(face["landmarks"]) - truth, axis=1).mean()
        assert error == pytest.approx(by_hand / np.linalg.norm(truth[36] - truth[45]), rel=1e-4)
    drawn = cv2.imread(str(output / f"{Path(found[0]['image']).name}.landmarks.png"))
    assert drawn is not None and drawn.shape[:2] == (
        found[0]["image_size"]["height"],
        found[0]["image_size"]["width"],
    )


def test_two_workers_write_what_one_does_and_a_rerun_resumes(bundled_faces, tmp_path):
    # The shipped model and BlazeFace: no TensorFlow in the processes.
    folder = Path(bundled_faces).parent
    outputs = {}
    for workers in (1, 2):
        output = tmp_path / f"workers-{workers}"
        result = face_align("predict", str(folder), f"--output={output}",
                            f"--workers={workers}")  # fmt: skip
        assert result.returncode == 0 and "4 of 4 images aligned" in result.stdout, result.stderr
        outputs[workers] = {p.name: p.read_bytes() for p in output.glob("*.json")}
    assert len(outputs[1]) == 4 and outputs[1] == outputs[2]
    rerun = face_align("predict", str(folder), f"--output={tmp_path / 'workers-1'}")
    assert rerun.returncode == 0 and "0 of 0 images aligned" in rerun.stdout
    assert "4 of 4 images have their outputs" in rerun.stderr and "--overwrite" in rerun.stderr
    redo = face_align("predict", str(folder), f"--output={tmp_path / 'workers-1'}",
                      "--overwrite")  # fmt: skip
    assert redo.returncode == 0 and "4 of 4 images aligned" in redo.stdout


@pytest.mark.parametrize("export_format", ["saved_model", "tflite", "onnx"])
def test_exports_equal_the_keras_networks(smoke_run, tmp_path, export_format):
    from face_alignment_tf.export import export_model
    from face_alignment_tf.families import load_trained_model
    from face_alignment_tf.runtimes.functions import load_function

    config, _ = smoke_run("mobilenet")
    model_dir = config.train_dir
    if export_format == "tflite":  # a model with a detector calibration: it comes along
        import shutil

        from face_alignment_tf.calibration import CALIBRATION_FILE

        model_dir = tmp_path / "calibrated"
        shutil.copytree(config.train_dir, model_dir, ignore=shutil.ignore_patterns("records"))
        fit = {"offset": [0.1, -0.02], "scale": [1.3, 1.1], "faces": 4, "missed": 0}
        (model_dir / CALIBRATION_FILE).write_text(json.dumps({"mtcnn": fit}))
    # The networks only: the cascade's export is tests/test_mobilenet_standalone.py's.
    written = export_model(model_dir, export_format, tmp_path / "exported", parts="networks")
    suffix = {"saved_model": "", "tflite": ".tflite", "onnx": ".onnx"}[export_format]
    assert [p.name for p in written] == [f"stage_1{suffix}"]
    manifest = json.loads((tmp_path / "exported" / "export.json").read_text())
    if export_format == "tflite":
        assert manifest["detector_calibrations"] == {
            "mtcnn": {"offset": [0.1, -0.02], "scale": [1.3, 1.1]}
        }
        assert "centre' = c + offset" in manifest["calibration_rule"]
    described = manifest["files"][written[0].name]
    assert "[x0..x67, y0..y67]" in described["description"]
    assert described["input_shape"] == [1 if export_format == "tflite" else None, 64, 64, 3]
    crops = np.random.default_rng(0).uniform(0, 255, (1, 64, 64, 3)).astype(np.float32)
    expected = load_trained_model(config.train_dir).model.stage_1(crops).numpy()
    if export_format == "onnx":  # the names a runtime feeds and reads
        import onnxruntime

        session = onnxruntime.InferenceSession(str(written[0]))
        assert described["input_names"] == [session.get_inputs()[0].name]
        assert described["output_names"] == [session.get_outputs()[0].name]
    exported = load_function(written[0])(crops)
    # 1e-4 absolute or relative: XNNPACK and ONNX Runtime sum in another order than TF
    # (float32 sums over 1,024 features: a few 1e-5 apart, run to run).
    np.testing.assert_allclose(exported, expected, rtol=1e-4, atol=1e-4)


def test_export_of_an_unexportable_family_is_one_error_line(smoke_run, tmp_path, capsys):
    from face_alignment_tf.cli import main

    config, _ = smoke_run("mdm")
    assert main(["export", f"--model={config.train_dir}", "--format=tflite",
                 f"--output={tmp_path}"]) == 2  # fmt: skip
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("error: ") and "cannot be exported" in error[0]
