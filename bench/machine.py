"""One line that says where a benchmark ran: CPU, cores, memory, GPU, TF version."""

import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _gpu() -> str:
    if shutil.which("nvidia-smi") is None:
        return "no GPU"
    query = ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"]
    names = subprocess.run(query, capture_output=True, text=True, check=False).stdout.split("\n")
    return ", ".join(name for name in names if name) or "no GPU"


def _tensorflow_version() -> str:
    for package in ("tensorflow-cpu", "tensorflow"):
        try:
            return f"{package} {importlib.metadata.version(package)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return "no TensorFlow"


def describe_machine() -> str:
    """E.g. '2 CPUs (AMD EPYC 7B13), 23.5 GiB, no GPU; tensorflow-cpu 2.21.0, Python 3.11.9'."""
    memory = _memory_gib()
    return (
        f"{os.cpu_count()} CPUs ({_cpu_model()}), "
        f"{f'{memory:.1f} GiB' if memory else 'memory unknown'}, {_gpu()}; "
        f"{_tensorflow_version()}, Python {platform.python_version()}"
    )
