"""The front door as a demanding user tries it (issue 22): every case from its reproduction.

API cases run in process on the MobileNetV2 smoke model; the command line runs as a user
runs it, one subprocess per run, over a folder holding every case at once.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from face_alignment_tf import FaceAligner
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.data.images import load_image, pil_pixels, unit_rgb_pixels
from face_alignment_tf.inputs import InputError, find_inputs
from tests.conftest import ROOT


class FixedDetector:
    """A stand-in detector: one box, the middle half of whatever image it is given."""

    def __init__(self):
        self.shapes = []

    def detect(self, image):
        self.shapes.append(image.shape)
        height, width = image.shape[:2]
        box = np.array([[height / 4, width / 4], [3 * height / 4, width / 4],
                        [3 * height / 4, 3 * width / 4], [height / 4, 3 * width / 4]])  # fmt: skip
        return box[None], np.ones(1)


@pytest.fixture(scope="module")
def aligner(smoke_run):
    config, _ = smoke_run("mobilenet")
    fa = FaceAligner(config.train_dir, detector=None)
    fa.detector = FixedDetector()
    return fa


@pytest.fixture(scope="module")
def photo(bundled_faces):
    path = sorted(Path(bundled_faces).parent.glob("lenna*"))[0]
    return path, load_image(path)


# 5. Detection on a bounded copy, landmarks on the full image; images one at a time.
def test_detection_sees_a_bounded_copy_and_boxes_come_back_full_size(aligner, photo):
    _, rgb = photo
    big = np.kron(rgb, np.ones((8, 8, 1), np.uint8))  # 4096 px a side
    aligner.detector.shapes.clear()
    faces = aligner.detect_and_align(big)
    assert max(aligner.detector.shapes[0][:2]) == aligner.detect_max_side
    np.testing.assert_allclose(faces[0].box.max(0), np.array(big.shape[:2]) * 0.75, rtol=1e-2)
    # The landmarks are the full image's, from the full-size box.
    np.testing.assert_allclose(faces[0].landmarks, aligner.align(big, faces[0].box)[0], atol=1e-3)


def test_a_list_of_paths_is_read_one_image_at_a_time(aligner, photo, monkeypatch):
    import face_alignment_tf.face_aligner as module

    path, _ = photo
    events = []
    monkeypatch.setattr(module, "load_image", lambda p: events.append("read") or load_image(p))
    detect = aligner.detector.detect
    monkeypatch.setattr(aligner.detector, "detect",
                        lambda image: events.append("detect") or detect(image))  # fmt: skip
    aligner.detect_and_align([path, path, path])
    assert events == ["read", "detect"] * 3


def test_peak_memory_on_an_8000_px_photo_stays_under_1_5_gb(smoke_run):
    config, _ = smoke_run("mobilenet")
    # The process's own peak (VmHWM): ru_maxrss would carry over pytest's through exec.
    script = f"""
import numpy as np
from bench.inference_timing import peak_rss_mb
from face_alignment_tf import FaceAligner
aligner = FaceAligner({config.train_dir!r}, detector="opencv")
image = np.full((8000, 8000, 3), 128, np.uint8)
image[3000:5000, 3000:5000] = 60
aligner.detect_and_align(image)
print(peak_rss_mb())
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)  # fmt: skip
    assert float(done.stdout.split()[-1]) < 1500


# 6. 32-bit integer images.
def test_32_bit_integer_images_are_read_as_16_bit_or_refused_by_range(tmp_path):
    values = np.arange(100 * 120, dtype=np.int32).reshape(100, 120) % 256
    ok = Image.fromarray(values * 200, mode="I")  # fits 16 bits
    np.testing.assert_array_equal(
        pil_pixels(ok)[..., 0], np.round(values * 200 * 255 / 65535).astype(np.uint8)
    )
    for scaled, expected in ((values * 1000, r"0\.\.255000"), (values - 300, r"-300\.\.")):
        Image.fromarray(scaled.astype(np.int32), mode="I").save(tmp_path / "i.tif")
        with pytest.raises(DataError, match=f"i.tif: 32-bit integer pixels in {expected}"):
            load_image(tmp_path / "i.tif")


# 7. Empty sequences.
def test_empty_sequences_give_empty_results(aligner):
    assert aligner.detect_and_align([]) == [] and aligner.detect_and_align(()) == []


# 8. Nested lists, PIL images, bytes paths.
def test_lists_pil_images_and_bytes_paths_are_one_image(aligner, photo):
    path, rgb = photo
    expected = aligner.detect_and_align(rgb)
    for given in (rgb.tolist(), Image.open(path), os.fsencode(path), str(path)):
        faces = aligner.detect_and_align(given)
        assert isinstance(faces, list) and len(faces) == 1, type(given)
        np.testing.assert_allclose(faces[0].landmarks, expected[0].landmarks, atol=1e-3)


# 9. Batch errors name the item and the range; tiny overshoots are clipped.
def test_batch_errors_name_the_item_and_tiny_overshoots_pass(aligner, photo):
    _, rgb = photo
    with pytest.raises(DataError, match=r"image 2: float pixels must be in \[0, 1\]; these "
                       r"are in \d+\.\.255"):  # fmt: skip
        aligner.detect_and_align([rgb, rgb, rgb * 1.0])
    unit = rgb / 255.0
    unit[0, 0, 0] = 1 + 1e-6
    unit[0, 1, 0] = -1e-6
    pixels = unit_rgb_pixels(unit)
    assert pixels.max() == 1.0 and pixels.min() == 0.0
    assert len(aligner.detect_and_align(unit)) == 1


# 11. Boxes no model can use; 12. one [4, 2] box.
def test_absurd_boxes_are_refused_by_index_and_one_box_is_one_face(aligner, photo):
    _, rgb = photo
    with pytest.raises(DataError, match=r"box 0 of the batch: .*far larger than any face"):
        aligner.align(rgb, [[-1e30, -1e30, 1e30, 1e30]])
    with pytest.raises(DataError, match=r"box 1 of the batch: .*smaller than any face"):
        aligner.align(rgb, [[100, 100, 300, 300], [50, 50, 51, 51]])
    face = aligner.detect_and_align(rgb)[0]
    one = aligner.align(rgb, face.box)
    np.testing.assert_allclose(one, aligner.align(rgb, face.box[None]), atol=1e-4)
    inverted = face.box[[2, 3, 0, 1]]  # bottom-right corner first: accepted, same face
    np.testing.assert_allclose(aligner.align(rgb, inverted), one, atol=1e-4)


# 4 (API). A decompression bomb is a DataError naming the file.
def test_a_decompression_bomb_is_a_data_error(tmp_path):
    Image.new("L", (13500, 13500)).save(tmp_path / "huge.png", optimize=False)
    with pytest.raises(DataError, match="huge.png: too large to decode safely"):
        load_image(tmp_path / "huge.png")


# 1, 10. Which files are read, and where their outputs go.
def test_outputs_keep_whole_names_and_clashes_are_refused(tmp_path):
    d = tmp_path / "d"
    for name in ("john.smith.jpg", "john.doe.jpg", "IMG_2024.01.05.jpg", "dup.jpg", "dup.png",
                 "notes.txt", "photo.jfif"):  # fmt: skip
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(b"x")
    for sub in ("sub1", "sub2"):
        (tmp_path / "x" / sub).mkdir(parents=True)
        (tmp_path / "x" / sub / "same.jpg").write_bytes(b"x")
    found = find_inputs([d], tmp_path / "out")
    names = sorted(str(name) for _, name in found.images)
    assert names == ["IMG_2024.01.05.jpg", "dup.jpg", "dup.png", "john.doe.jpg",
                     "john.smith.jpg", "photo.jfif"]  # fmt: skip
    assert any("1 .txt" in note for note in found.notes)
    # The folder above both: one output each, below their subfolders.
    found = find_inputs([tmp_path / "x"], tmp_path / "out")
    assert sorted(str(n) for _, n in found.images) == ["sub1/same.jpg", "sub2/same.jpg"]
    for given in ([tmp_path / "x/sub1/same.jpg", tmp_path / "x/sub2/same.jpg"],
                  [tmp_path / "x/sub1", tmp_path / "x/sub2"]):  # fmt: skip
        with pytest.raises(InputError, match="would all write same.jpg.json"):
            find_inputs(given, tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no images in"):
        find_inputs([tmp_path / "empty"], tmp_path / "out")


def test_folder_links_are_followed_once_and_dangling_links_reported(tmp_path):
    root = tmp_path / "root"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.jpg").write_bytes(b"x")
    root.mkdir()
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "gone.jpg").symlink_to(tmp_path / "missing.jpg")
    found = find_inputs([root], tmp_path / "out")
    assert [str(n) for _, n in found.images] == ["linked/a.jpg"]
    assert any("reached twice" in note for note in found.notes)
    assert found.failures == [f"{root / 'gone.jpg'}: dangling symbolic link"]


# 15. Drawings a user can read.
def test_drawings_scale_with_the_face_and_trace_the_contours():
    from face_alignment_tf.data.landmarks import CONTOURS_68
    from face_alignment_tf.detectors import corner_array
    from face_alignment_tf.evaluation.drawing import BOX_COLOUR, PREDICTION, draw_faces
    from tests.conftest import template_shape

    shape = template_shape()
    for zoom in (1, 4):
        points = (shape - shape.min(0)) * zoom + 20
        (top, left), (bottom, right) = points.min(0) - 5, points.max(0) + 5
        box = corner_array(top, left, bottom, right)
        size = (np.ceil(points.max(0)) + 40).astype(int)
        drawn = draw_faces(np.zeros((*size, 3), np.uint8), [(box, points)])
        # A contour segment's midpoint (jaw 0 -> 1) is drawn in the contour colour.
        middle = np.round((points[0] + points[1]) / 2).astype(int)
        assert np.abs(drawn[middle[0], middle[1]] - np.array(PREDICTION)).max() < 80
        top, left = np.round(box.min(0)).astype(int)
        assert np.abs(drawn[top, left + 8] - np.array(BOX_COLOUR)).max() < 80
        strokes = np.sum(np.all(drawn == PREDICTION, axis=-1))
        if zoom == 1:
            small = strokes
    assert strokes > 6 * small  # 4x longer lines, thicker strokes
    assert len(CONTOURS_68) == 9


# The command line over a folder holding every case.
def face_align(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "face_alignment_tf", *map(os.fsencode, args)],
                          cwd=cwd, capture_output=True, timeout=300)  # fmt: skip


def digest(folder: Path) -> dict[bytes, str]:
    return {
        os.fsencode(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*") if p.is_file()
    }  # fmt: skip


def test_predict_over_every_case_names_each_failure_and_never_writes_an_input(photo, tmp_path):
    path, _ = photo
    photos = tmp_path / "photos"
    (photos / "sub").mkdir(parents=True)
    Image.new("L", (13500, 13500)).save(photos / "00-huge.png")  # first: read, refused
    for name in ("john.smith.jpg", "john.doe.jpg", "sub/john.smith.jpg", "a.png"):
        Image.open(path).convert("RGB").save(photos / name)
    bad_name = os.fsdecode(b"bad\xffname.jpg")
    Image.open(path).convert("RGB").save(photos / bad_name)
    (photos / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    (photos / "notes.txt").write_text("not an image")
    (photos / "gone.jpg").symlink_to(tmp_path / "nothing.jpg")
    before = digest(photos)
    for output in (
        photos,
        photos / "out",
    ):  # the shipped model: no TensorFlow, quick  # into the input folder, and below it
        # A rerun does not take its own outputs as inputs, and skips the images done.
        for aligned in ("5 of 7 images aligned", "0 of 2 images aligned"):
            result = face_align("predict", photos, f"--output={output}", "--detector=opencv",
                                "--draw")  # fmt: skip
            err = result.stderr.decode(errors="replace")
            assert result.returncode == 1, err
            assert aligned in result.stdout.decode(), result.stdout
            assert "00-huge.png: too large to decode safely" in err
            assert "broken.jpg: cannot read image" in err and "gone.jpg: dangling" in err
            assert "Traceback" not in err and "oneDNN" not in err
        for name in ("john.smith.jpg", "john.doe.jpg", "sub/john.smith.jpg", "a.png", bad_name):
            assert (output / f"{name}.json").is_file(), name
            assert (output / f"{name}.landmarks.png").is_file(), name
        assert not (output / "out" / "out").exists()
    after = {name: sha for name, sha in digest(photos).items()
             if not name.endswith((b".json", b".landmarks.png"))}  # fmt: skip
    assert after == before


def test_usage_errors_stop_before_the_model_loads(tmp_path, photo):
    path, _ = photo
    (tmp_path / "file").write_text("x")
    for output, problem in ((tmp_path / "file", "exists and is not a folder"),
                            ("/sys/kernel/x", "cannot create the folder")):  # fmt: skip
        result = face_align("predict", path, f"--output={output}", "--model=no-such-model")
        lines = result.stderr.decode().strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, lines
        assert lines[0].startswith(f"error: {output}: {problem}"), lines
    (tmp_path / "empty").mkdir()
    result = face_align("predict", tmp_path / "empty", f"--output={tmp_path / 'o'}")
    assert result.returncode == 2 and "no images in" in result.stderr.decode()
    (tmp_path / "exported").mkdir()
    (tmp_path / "exported" / "stage_1.onnx").write_bytes(b"x")
    for output, problem in ((tmp_path / "exported", "is not empty"),
                            (tmp_path / "file", "exists and is not a folder")):  # fmt: skip
        result = face_align("export", "--format=tflite", f"--output={output}")
        lines = result.stderr.decode().strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, lines
        assert lines[0].startswith(f"error: {output}: {problem}"), lines


def test_help_shows_defaults_and_the_version_without_banners():
    result = face_align("predict", "--help")
    out = result.stdout.decode()
    assert result.returncode == 0 and "(default: blazeface-both)" in out and "face detector" in out
    assert "oneDNN" not in result.stderr.decode() and "cpu_feature" not in result.stderr.decode()
    version = face_align("--version")
    assert version.returncode == 0 and version.stdout.decode().startswith("face-align ")
    scored = subprocess.run(
        [sys.executable, "-m", "face_alignment_tf.score_predictions", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "oneDNN" not in scored.stderr and "cpu_feature" not in scored.stderr
