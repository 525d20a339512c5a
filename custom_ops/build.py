"""Compiles the ExtractPatches op with TensorFlow's own compiler and linker flags.

Used by `setup.py` (build_ext) and runnable by hand: `python -m custom_ops.build`.
The flags come from `tf.sysconfig` so that `-D_GLIBCXX_USE_CXX11_ABI` and the C++
standard match the installed TensorFlow; a mismatch builds but fails to load.
The CUDA kernel is compiled only when TensorFlow is a CUDA build and `nvcc` exists.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent
CPU_SOURCES = ("extract_patches.cc",)
LIBRARY_NAME = "_extract_patches_ops.so"


def tensorflow_flags() -> tuple[list[str], list[str]]:
    """Returns (compile flags, link flags) of the installed TensorFlow."""
    import tensorflow as tf

    return list(tf.sysconfig.get_compile_flags()), list(tf.sysconfig.get_link_flags())


def build(output: Path, verbose: bool = True) -> Path:
    """Compiles the op library to `output` (a .so path) and returns it."""
    compile_flags, link_flags = tensorflow_flags()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        os.environ.get("CXX", "g++"),
        "-shared",
        "-fPIC",
        "-O3",
        "-Wno-deprecated-declarations",
        *[str(SOURCE_DIR / source) for source in CPU_SOURCES],
        "-o",
        str(output),
        *compile_flags,
        *link_flags,
    ]
    if verbose:
        print("compiling ExtractPatches:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)
    return output


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE_DIR / LIBRARY_NAME
    if shutil.which(os.environ.get("CXX", "g++")) is None:
        sys.exit("no C++ compiler found (set CXX); the pure-TF fallback will be used")
    print(build(target))


if __name__ == "__main__":
    main()
