"""The cascade as one graph (issue 21's self-contained exports): its gather crop equals the
pipelines' warp, the shipped cascade exported to TFLite and ONNX equals the Keras cascade
on real faces, and the example runs it with ai-edge-litert, numpy and Pillow in a venv
without TensorFlow."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.data.geometry import warp_affine
from face_alignment_tf.data.images import load_image
from face_alignment_tf.mobilenet.standalone import bilinear_crop, invert_affine
from tests.conftest import ROOT

SHIPPED = "mobilenet-photo-cascade-300w"
EXAMPLE = ROOT / "examples" / "landmarks_without_tensorflow.py"
# What the example's venv gets from this project's: everything but TensorFlow and its kin
# (and this toolkit, so that the example cannot lean on it).
WITHHELD = ("tensorflow", "tf_keras", "keras", "tensorboard", "tf2onnx", "face_alignment_tf",
            "__editable__", "jax", "_tf")  # fmt: skip


def turned_matrix(degrees: float, scale: float, shift) -> np.ndarray:
    """An image -> crop affine (3x3 on (y, x, 1)) with a turn, a zoom and a shift."""
    angle = np.radians(degrees)
    linear = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return np.vstack([np.hstack([linear, np.asarray(shift, float)[:, None]]), [0, 0, 1]])


def test_invert_affine_is_the_inverse():
    matrix = turned_matrix(37.0, 0.6, (-12.5, 30.0))
    inverse = invert_affine(tf.constant(matrix, tf.float32)).numpy()
    np.testing.assert_allclose(inverse, np.linalg.inv(matrix), rtol=1e-5, atol=1e-5)


def test_the_gather_crop_is_the_pipelines_warp_partly_off_the_image():
    image = np.random.default_rng(0).integers(0, 256, (50, 70, 3), np.uint8)
    matrix = turned_matrix(25.0, 1.4, (-20.0, 5.0))  # the crop runs off the top and left
    crop = bilinear_crop(tf.constant(image), tf.constant(matrix, tf.float32)).numpy()
    expected = warp_affine(image.astype(np.float32), matrix, [64, 64]).numpy()
    assert (expected == 0).mean() > 0.2 and (crop == 0).mean() > 0.2  # off the image: zero
    np.testing.assert_allclose(crop, expected, atol=2e-2)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """The shipped cascade as `face-align export --parts=pipelines` writes it, in TFLite
    and ONNX: {format: (its path, `runtimes.functions.load_pipeline` of it)}."""
    from face_alignment_tf.export import export_model
    from face_alignment_tf.runtimes.functions import load_pipeline

    folder = tmp_path_factory.mktemp("standalone")
    exports = {}
    for name in ("tflite", "onnx"):
        (path,) = export_model(SHIPPED, name, folder / name, parts="pipelines")
        exports[name] = path, load_pipeline(path)
    return exports


@pytest.fixture(scope="module")
def keras_aligner():
    from face_alignment_tf.face_aligner import load_model
    from face_alignment_tf.mobilenet.aligner import MobilenetAligner

    return MobilenetAligner(load_model(SHIPPED)[1].model)


def test_the_export_says_what_it_takes_and_gives(exported):
    manifest = json.loads((exported["onnx"][0].parent / "export.json").read_text())
    assert list(manifest["files"]) == ["cascade.onnx"]  # the pipelines only
    described = manifest["files"]["cascade.onnx"]
    assert described["inputs"] == {"image": {"shape": [None, None, 3], "dtype": "uint8"},
                                   "box": {"shape": [4, 2], "dtype": "float32"}}  # fmt: skip
    assert described["output_names"] == ["landmarks"]
    assert "(y, x)" in described["description"] and "mtcnn" in manifest["detector_calibrations"]


def assert_exports_equal_the_keras_cascade(exported, keras_aligner, datasets: str, every=1):
    distances = {name: [] for name in exported}
    for record in discover_faces(datasets, None)[::every]:
        image = load_image(record.image_path)
        box = np.asarray(record.box, np.float32)
        expected = keras_aligner.predict([image], box[None])[0]
        for name, (_, pipeline) in exported.items():
            points = pipeline(image=image, box=box)["landmarks"]
            assert points.shape == (68, 2) and points.dtype == np.float32
            distances[name].append(np.linalg.norm(points - expected, axis=-1))
    for name, values in distances.items():  # issue 21: 0.05 px mean, 0.5 px max
        assert np.mean(values) < 0.05 and np.max(values) < 0.5, name


def test_the_exports_equal_the_keras_cascade_on_the_bundled_faces(
    exported, keras_aligner, bundled_faces
):
    assert_exports_equal_the_keras_cascade(exported, keras_aligner, bundled_faces)


def test_the_exports_equal_the_keras_cascade_on_300w_faces(exported, keras_aligner, shared_300w):
    datasets = f"{shared_300w}/helen/testset/*.jpg:{shared_300w}/lfpw/testset/*.jpg"
    assert_exports_equal_the_keras_cascade(exported, keras_aligner, datasets, every=25)


def test_a_sharper_stage_2_exports_at_its_own_input_size(bundled_faces, tmp_path):
    """A cascade whose stage 2 reads 96 px: the TFLite pipeline crops each stage at its size."""
    from face_alignment_tf.mobilenet.aligner import MobilenetAligner
    from face_alignment_tf.mobilenet.family import FAMILY
    from face_alignment_tf.runtimes.formats import export_function
    from face_alignment_tf.runtimes.functions import load_pipeline

    keras.utils.set_random_seed(5)
    model = FAMILY.build_model({"stages": 2, "stage2_crop": "aligned", "input_sizes": [64, 96]})
    path = export_function(FAMILY.exportable_pipelines(model)["cascade"], "tflite",
                           tmp_path / "cascade.tflite")  # fmt: skip
    assert_exports_equal_the_keras_cascade(
        {"tflite": (path, load_pipeline(path))}, MobilenetAligner(model), bundled_faces
    )


def venv_without_tensorflow(folder: Path) -> Path:
    """A fresh venv whose packages are this project's minus `WITHHELD`: its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)  # fmt: skip
    shared = folder / "shared_packages"
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(WITHHELD) and entry.suffix != ".pth":
            (shared / entry.name).symlink_to(entry)
    (Path(site.stdout.strip()) / "shared_packages.pth").write_text(f"{shared}\n")
    return python


def test_the_example_runs_without_tensorflow(exported, bundled_faces, tmp_path):
    python = venv_without_tensorflow(tmp_path / "venv")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    blocked = subprocess.run([python, "-c", "import tensorflow"], capture_output=True,
                             env=environment, cwd=tmp_path)  # fmt: skip
    assert blocked.returncode != 0  # TensorFlow is not installed there
    record = discover_faces(bundled_faces, None)[0]
    (top, left), (bottom, right) = record.box.min(0), record.box.max(0)
    path, pipeline = exported["tflite"]
    command = [python, EXAMPLE, str(path), str(record.image_path),
               *(str(value) for value in (top, left, bottom, right))]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=environment,
                            cwd=tmp_path, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = np.array([line.split() for line in result.stdout.splitlines()], float)
    box = np.array([[top, left], [top, right], [bottom, right], [bottom, left]], np.float32)
    expected = pipeline(image=load_image(record.image_path), box=box)["landmarks"]
    np.testing.assert_allclose(printed, expected, atol=2e-3)
    assert len(EXAMPLE.read_text().splitlines()) <= 40
