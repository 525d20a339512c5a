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

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
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
        spec = importlib.util.spec_from_file_location("op_build", HERE / "custom_ops" / "build.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(Path(self.get_ext_fullpath(ext.name)))


setup(
    name="face-alignment-tf",
    version="0.1.0",
    description="TensorFlow 2 / Keras 3 face alignment: MDM, SDU heatmap networks, MobileNetV2",
    python_requires=">=3.10",
    packages=find_packages(
        include=[
            "custom_ops",
            "data",
            "evaluation",
            "families",
            "mdm",
            "hourglass",
            "mobilenet",
            "face_alignment_tf",
            "training",
        ]
    ),
    package_data={
        "custom_ops": ["*.cc", "*.h"],
        # The shipped pretrained models: MANIFEST.json, model.json, weights, runtimes.
        "face_alignment_tf": ["models/*/*", "models/*/*/*"],
    },
    ext_modules=[
        Extension("custom_ops._extract_patches_ops", sources=["custom_ops/extract_patches.cc"])
    ],
    cmdclass={"build_ext": BuildTensorFlowOp},
    entry_points={"console_scripts": ["face-align=face_alignment_tf.cli:main"]},
    install_requires=[tensorflow_requirement(), *requirements()],
    extras_require={
        "dev": ["pytest>=8", "ruff>=0.6", *ONNX, "onnxruntime==1.32.0"],
        # ONNX export (face-align export --format=onnx).
        "onnx": ONNX,
        # The peer in bench/: dlib's 68-point regression-tree predictor and its model file,
        # and dlib's HOG face detector.
        "bench": ["dlib-bin==20.0.1.post1", "face-recognition-models==0.3.0"],
    },
)
