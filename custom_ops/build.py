"""Compiles the ExtractPatches op with TensorFlow's own compiler and linker flags.

Used by `setup.py` (build_ext) and the Makefile: `python custom_ops/build.py OUT.so`.
The flags come from `tf.sysconfig` so that `-D_GLIBCXX_USE_CXX11_ABI` and the C++
standard match the installed TensorFlow; a mismatch builds but fails to load.

The CUDA kernel is added when TensorFlow is a CUDA build and `nvcc` is found
(or when EXTRACT_PATCHES_CUDA=1 forces it; =0 disables it). If that build
fails, a CPU-only library is built instead, with a warning: TF then runs the op
on the CPU.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent
CPU_SOURCE = SOURCE_DIR / "extract_patches.cc"
CUDA_SOURCE = SOURCE_DIR / "extract_patches_gpu.cu.cc"
LIBRARY_NAME = "_extract_patches_ops.so"
# Ampere and Hopper binaries plus Hopper PTX for newer GPUs; override with CUDA_ARCH_FLAGS.
DEFAULT_CUDA_ARCH_FLAGS = (
    "-gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=[sm_90,compute_90]"
)


def tensorflow_flags() -> tuple[list[str], list[str], bool]:
    """(compile flags, link flags, built with CUDA) of the installed TensorFlow."""
    import tensorflow as tf

    return (
        list(tf.sysconfig.get_compile_flags()),
        list(tf.sysconfig.get_link_flags()),
        tf.test.is_built_with_cuda(),
    )


def want_cuda(tf_has_cuda: bool) -> bool:
    forced = os.environ.get("EXTRACT_PATCHES_CUDA")
    if forced is not None:
        return forced == "1"
    return tf_has_cuda and shutil.which("nvcc") is not None


def cuda_home() -> Path:
    """The CUDA toolkit root: $CUDA_HOME, nvcc's grandparent, or /usr/local/cuda."""
    nvcc = shutil.which("nvcc")
    candidates = [os.environ.get("CUDA_HOME"), nvcc and Path(nvcc).resolve().parents[1]]
    for candidate in [*filter(None, candidates), "/usr/local/cuda"]:
        if (Path(candidate) / "include" / "cuda_runtime.h").is_file():
            return Path(candidate)
    raise FileNotFoundError("no CUDA toolkit with include/cuda_runtime.h (set CUDA_HOME)")


def compile_cuda_object(object_path: Path, compile_flags: list[str]) -> None:
    abi = [flag for flag in compile_flags if flag.startswith("-D_GLIBCXX_USE_CXX11_ABI")]
    command = [
        "nvcc", "-std=c++17", "-O3", "-c", "-x", "cu", "-DGOOGLE_CUDA=1",
        "-Xcompiler", "-fPIC", *[f"-Xcompiler={flag}" for flag in abi],
        *os.environ.get("CUDA_ARCH_FLAGS", DEFAULT_CUDA_ARCH_FLAGS).split(),
        str(CUDA_SOURCE), "-o", str(object_path),
    ]  # fmt: skip
    print("compiling ExtractPatches CUDA kernel:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)


def link_library(output: Path, compile_flags, link_flags, cuda_object: Path | None) -> None:
    command = [
        os.environ.get("CXX", "g++"), "-shared", "-fPIC", "-O3", "-Wno-deprecated-declarations",
        str(CPU_SOURCE), "-o", str(output), *compile_flags, *link_flags,
    ]  # fmt: skip
    if cuda_object is not None:
        home = cuda_home()
        command += [
            "-DGOOGLE_CUDA=1", f"-I{home / 'include'}", str(cuda_object),
            f"-L{home / 'lib64'}", "-lcudart",
        ]  # fmt: skip
    print("compiling ExtractPatches:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)


def build(output: Path) -> Path:
    """Compiles the op library to `output` (a .so path) and returns it."""
    compile_flags, link_flags, tf_has_cuda = tensorflow_flags()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if want_cuda(tf_has_cuda):
        with tempfile.TemporaryDirectory() as scratch:
            cuda_object = Path(scratch) / "extract_patches_gpu.o"
            try:
                compile_cuda_object(cuda_object, compile_flags)
                link_library(output, compile_flags, link_flags, cuda_object)
                return output
            except (subprocess.CalledProcessError, FileNotFoundError) as error:
                print(f"WARNING: CUDA build failed ({error}); building CPU only", file=sys.stderr)
    link_library(output, compile_flags, link_flags, None)
    return output


def main() -> None:
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE_DIR / LIBRARY_NAME))


if __name__ == "__main__":
    main()
