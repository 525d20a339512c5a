"""The op's build: TensorFlow's flags, and the CUDA variant where nvcc exists."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_library_is_built_with_tensorflows_abi():
    from face_alignment_tf.custom_ops.build import tensorflow_flags

    compile_flags, link_flags, _ = tensorflow_flags()
    assert any(flag.startswith("-D_GLIBCXX_USE_CXX11_ABI=") for flag in compile_flags)
    assert any("tensorflow_framework" in flag for flag in link_flags)


@pytest.mark.skipif(
    shutil.which("nvcc") is None, reason="nvcc not installed: no CUDA build to check"
)
def test_cuda_build_compiles_links_and_loads(tmp_path):
    """Forces the CUDA variant; on a CPU-only TF it must still load and run on the CPU."""
    output = tmp_path / "_extract_patches_ops.so"
    environment = {**os.environ, "EXTRACT_PATCHES_CUDA": "1"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "custom_ops" / "build.py"), str(output)],
        env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "CUDA build failed" not in result.stderr, result.stderr[-3000:]
    symbols = subprocess.run(["nm", "-D", str(output)], capture_output=True, text=True).stdout
    assert "LaunchExtractPatches" in symbols
    # A fresh process: this one already registered ExtractPatches from the main build.
    check = (
        "import numpy as np, tensorflow as tf\n"
        f"library = tf.load_op_library({str(output)!r})\n"
        "image = np.arange(48, dtype=np.float32).reshape(1, 4, 4, 3)\n"
        "with tf.device('/CPU:0'):\n"
        "    centre = np.array([[[1.5, 1.5]]], np.float32)\n"
        "    patch = library.extract_patches(image, centre, patch_shape=[2, 2])\n"
        "print(patch.numpy()[0, 0, :, :, 0].astype(int).tolist())\n"
    )
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stdout.strip().splitlines()[-1] == "[[0, 3], [12, 15]]"
