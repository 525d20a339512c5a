"""The formats a Keras network is exported to, and the one place Keras' export is called.

    export_network(network, (64, 64, 3), "tflite", Path("stage_1.tflite"))

Keras 3's `model.export` writes each (`TFLiteConverter.from_keras_model` fails under
Keras 3): float32 input [batch, *input_shape], the batch 1 for TFLite (LiteRT) and any
batch otherwise.
"""

import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the formats are read without importing Keras (the CLI's start)
    import keras


@dataclasses.dataclass(frozen=True)
class RuntimeFormat:
    """keras_format: `model.export`'s name for it; suffix: of the written path; batch: the
    exported batch size (None: any)."""

    keras_format: str
    suffix: str
    batch: int | None


FORMATS = {
    "saved_model": RuntimeFormat("tf_saved_model", "", None),
    "tflite": RuntimeFormat("litert", ".tflite", 1),
    "onnx": RuntimeFormat("onnx", ".onnx", None),
}


def runtime_format(name: str) -> RuntimeFormat:
    if name not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, got {name!r}")
    return FORMATS[name]


def export_network(
    network: "keras.Model", input_shape: tuple[int, ...], export_format: str, path: Path
) -> Path:
    """Writes `network` ([batch, *input_shape] float32 -> its outputs) to `path` in
    `export_format`; returns `path`. ONNX needs tf2onnx (the `onnx` extra)."""
    import tensorflow as tf

    spec = runtime_format(export_format)
    if export_format == "onnx":
        try:
            import tf2onnx  # noqa: F401
        except ImportError:
            raise ImportError("ONNX export needs tf2onnx: pip install "
                              "'face-alignment-tf[onnx]'") from None  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    signature = [tf.TensorSpec((spec.batch, *input_shape), tf.float32)]
    network.export(str(path), format=spec.keras_format, input_signature=signature, verbose=False)
    return path


def exported_bytes(
    network: "keras.Model", input_shape: tuple[int, ...], export_format: str
) -> bytes:
    """The file `export_network` would write (a single-file format: tflite, onnx)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"network{runtime_format(export_format).suffix}"
        return export_network(network, input_shape, export_format, path).read_bytes()
