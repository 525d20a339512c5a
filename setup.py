"""Installs the face-alignment toolkit and compiles the ExtractPatches op.

The op is compiled by `custom_ops/build.py` with TensorFlow's own flags
(`tf.sysconfig`), so TensorFlow must be importable at build time: `pip install .`
gets it through pyproject.toml's build requirements; the Makefile installs it
first and builds with `--no-build-isolation`.
"""

import importlib.util
import os
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
# The repository's top-level folders, installed as face_alignment_tf.<name> (one namespace:
# nothing clashes with a user's own `data` or `training`); face_alignment_tf/__init__.py maps
# them the same way in a source checkout.
SUBPACKAGES = (
    "custom_ops", "data", "config", "artifacts", "evaluation", "runtimes", "backbones",
    "backbones.mobilenet_v2", "training", "families", "mdm", "hourglass", "mobilenet",
    "shapenet", "drivers",
)  # fmt: skip
TENSORFLOW_VERSION = "2.21.0"
ONNX = ["tf2onnx==1.17.0", "onnx==1.23.2"]


def tensorflow_requirement() -> str:
    """tensorflow-cpu on CPU machines, the CUDA build where a GPU driver is present."""
    default = "tensorflow[and-cuda]" if shutil.which("nvidia-smi") else "tensorflow-cpu"
    return f"{os.environ.get('TF_PACKAGE', default)}=={TENSORFLOW_VERSION}"


def requirements() -> list[str]:
    lines = (HERE / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


class BuildTensorFlowOp(build_ext):
    """Builds custom_ops/_extract_patches_ops.so with custom_ops/build.py."""

    def get_ext_filename(self, fullname: str) -> str:
        # A TF op library, not a Python extension: no ABI tag in the name.
        return os.path.join(*fullname.split(".")) + ".so"

    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name))
        built = HERE / "custom_ops" / "_extract_patches_ops.so"  # `make build`'s library
        sources = [HERE / name for name in [*ext.sources, "custom_ops/build.py"]]
        if built.is_file() and all(built.stat().st_mtime >= s.stat().st_mtime for s in sources):
            if target.resolve() != built.resolve():  # a wheel: the checkout's library, as built
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(built, target)
            return
        spec = importlib.util.spec_from_file_location("op_build", HERE / "custom_ops" / "build.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(target)


setup(
    name="face-alignment-tf",
    version="0.1.0",
    description="TensorFlow 2 / Keras 3 face alignment: MDM, SDU heatmap networks, MobileNetV2",
    python_requires=">=3.10",
    packages=["face_alignment_tf", *(f"face_alignment_tf.{name}" for name in SUBPACKAGES)],
    package_dir={f"face_alignment_tf.{name}": name.replace(".", "/") for name in SUBPACKAGES},
    package_data={
        "face_alignment_tf.custom_ops": ["*.cc", "*.h"],
        # The shipped pretrained models (MANIFEST.json, model.json, weights, runtimes) and the
        # detectors' networks (BlazeFace, with its licence).
        "face_alignment_tf": ["models/*/*", "models/*/*/*", "detector_models/*/*"],
    },
    ext_modules=[
        Extension(
            "face_alignment_tf.custom_ops._extract_patches_ops",
            sources=["custom_ops/extract_patches.cc"],
        )
    ],
    cmdclass={"build_ext": BuildTensorFlowOp},
    entry_points={"console_scripts": ["face-align=face_alignment_tf.cli:main"]},
    install_requires=[tensorflow_requirement(), *requirements()],
    extras_require={
        "dev": ["pytest>=8", "pytest-xdist==3.8.0", "ruff>=0.6", *ONNX, "onnxruntime==1.32.0"],
        # ONNX export (face-align export --format=onnx).
        "onnx": ONNX,
        # The peer in bench/: dlib's 68-point regression-tree predictor and its model file,
        # and dlib's HOG face detector.
        "bench": ["dlib-bin==20.0.1.post1", "face-recognition-models==0.3.0"],
    },
)
