"""The wheel installs one namespace (issue 23): built from this checkout, installed into a
fresh venv (its dependencies read from this project's venv: no download), it holds only
`face_alignment_tf` and the `face-align` script, and from a folder whose own `data.py`,
`training/`, `evaluation.py` and `mdm.py` would shadow top-level packages, the README's
three lines, `face-align predict` and loading a ShapeNet train_dir all work."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_SITE = Path(sysconfig.get_paths()["purelib"])
USER_MODULES = {
    "data.py": "raise ImportError('the user data.py was imported')\n",
    "evaluation.py": "raise ImportError('the user evaluation.py was imported')\n",
    "mdm.py": "raise ImportError('the user mdm.py was imported')\n",
    "training/__init__.py": "raise ImportError('the user training package was imported')\n",
}
README_LINES = """
import json, sys
from face_alignment_tf import FaceAligner

aligner = FaceAligner()
faces = aligner.detect_and_align(sys.argv[1])
without_tensorflow = "tensorflow" not in sys.modules and "keras" not in sys.modules
from face_alignment_tf.families import load_trained_model
shapenet = load_trained_model(sys.argv[2])
print(json.dumps({"faces": len(faces), "points": list(faces[0].landmarks.shape),
                  "module": __import__("face_alignment_tf").__file__,
                  "shapenet": shapenet.display_name, "without_tf": without_tensorflow}))
"""


def run(command: list, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel of this checkout: its bin/ folder."""
    scratch = tmp_path_factory.mktemp("packaging")
    source = scratch / "source"  # a copy: the build writes build/ and *.egg-info beside it
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "__pycache__", "*.egg-info", ".ruff_cache"))  # fmt: skip
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(scratch / "dist")], scratch)  # fmt: skip
    (wheel,) = (scratch / "dist").glob("face_alignment_tf-*.whl")
    venv = scratch / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], scratch)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)], scratch)  # fmt: skip
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                     "['purelib'])"], scratch).stdout.strip())  # fmt: skip
    # The dependencies (TensorFlow, menpo, ...) from this project's venv, after the wheel.
    (site / "project_dependencies.pth").write_text(f"{PROJECT_SITE}\n")
    return venv / "bin"


def test_the_wheel_holds_one_namespace_and_the_script(installed):
    (wheel,) = installed.parent.parent.glob("dist/*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"face_alignment_tf"}
    for package in ("data", "mdm", "shapenet", "families", "custom_ops", "artifacts"):
        assert f"face_alignment_tf/{package}/__init__.py" in names
    assert "face_alignment_tf/custom_ops/_extract_patches_ops.so" in names
    assert "face_alignment_tf/detector_models/blazeface/face_detection_short_range.tflite" in names
    assert (installed / "face-align").is_file()


def test_readme_lines_cli_and_shapenet_beside_a_users_modules(
    installed, smoke_run, bundled_faces, tmp_path
):
    config, _ = smoke_run("shapenet")
    for relative, content in USER_MODULES.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content)
    photo = sorted(Path(bundled_faces).parent.glob("takeo.*"))[0]
    (tmp_path / "readme.py").write_text(README_LINES)
    result = run([str(installed / "python"), "readme.py", str(photo), config.train_dir], tmp_path)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["faces"] == 1 and found["points"] == [68, 2]
    assert Path(found["module"]).is_relative_to(installed.parent)  # the wheel's, not the checkout's
    assert found["shapenet"].startswith("MobileNetV2 + shape head")
    assert found["without_tf"]  # the default model and detector run on LiteRT alone
    run([str(installed / "face-align"), "predict", str(photo), "--output=out"], tmp_path)
    (written,) = (tmp_path / "out").glob("*.json")
    assert len(json.loads(written.read_text())["faces"]) == 1
