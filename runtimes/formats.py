"""The formats a Keras network or a whole pipeline is exported to, and the one place
Keras' export is called.

    export_network(network, (64, 64, 3), "tflite", Path("stage_1.tflite"))
    export_int8_network(network, (64, 64, 3), crops, Path("stage_1.tflite"))  # int8
    export_function(pipeline, "onnx", Path("cascade.onnx"))

Keras 3's `model.export` writes each (`TFLiteConverter.from_keras_model` fails under
Keras 3): float32 input [batch, *input_shape], the batch 1 for TFLite (LiteRT) and any
batch otherwise. The int8 TFLite network is converted from that SavedModel.
"""

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the formats are read without importing Keras (the CLI's start)
    import keras
    import tensorflow as tf

ONNX_OPSET = 17


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


@dataclasses.dataclass(frozen=True)
class ExportablePipeline:
    """A model's whole inference as one traceable function (crops, networks, decoding:
    what a runtime needs and nothing else): `function(*inputs)` -> {name: tensor}, its
    inputs `input_signature` (named specs), `model` the Keras object holding its weights."""

    function: Callable[..., dict[str, "tf.Tensor"]]
    input_signature: tuple["tf.TensorSpec", ...]
    model: "keras.Model"
    description: str


def runtime_format(name: str) -> RuntimeFormat:
    if name not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, got {name!r}")
    return FORMATS[name]


def require_tf2onnx() -> None:
    try:
        import tf2onnx  # noqa: F401
    except ImportError:
        raise ImportError("ONNX export needs tf2onnx: pip install "
                          "'face-alignment-tf[onnx]'") from None  # fmt: skip


def export_network(
    network: "keras.Model", input_shape: tuple[int, ...], export_format: str, path: Path
) -> Path:
    """Writes `network` ([batch, *input_shape] float32 -> its outputs) to `path` in
    `export_format`; returns `path`. ONNX needs tf2onnx (the `onnx` extra)."""
    import tensorflow as tf

    spec = runtime_format(export_format)
    if export_format == "onnx":
        require_tf2onnx()
    path.parent.mkdir(parents=True, exist_ok=True)
    signature = [tf.TensorSpec((spec.batch, *input_shape), tf.float32)]
    network.export(str(path), format=spec.keras_format, input_signature=signature, verbose=False)
    return path


def export_int8_network(
    network: "keras.Model", input_shape: tuple[int, ...], representative: np.ndarray, path: Path
) -> Path:
    """Writes `network` to `path` as a TFLite model with int8 weights and activations (batch
    1, float32 input and output: it replaces the float one as is), the activations' ranges
    calibrated on `representative` [n, *input_shape] (inputs as the network meets them:
    a range they miss is clipped). Returns `path`."""
    import tensorflow as tf

    path.parent.mkdir(parents=True, exist_ok=True)
    representative = np.asarray(representative, np.float32)
    with tempfile.TemporaryDirectory() as scratch:
        export_network(network, input_shape, "saved_model", Path(scratch) / "saved_model")
        converter = tf.lite.TFLiteConverter.from_saved_model(str(Path(scratch) / "saved_model"))
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.representative_dataset = lambda: ([sample[None]] for sample in representative)
        path.write_bytes(converter.convert())
    return path


def exported_bytes(
    network: "keras.Model", input_shape: tuple[int, ...], export_format: str
) -> bytes:
    """The file `export_network` would write (a single-file format: tflite, onnx)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"network{runtime_format(export_format).suffix}"
        return export_network(network, input_shape, export_format, path).read_bytes()


def export_function(pipeline: ExportablePipeline, export_format: str, path: Path) -> Path:
    """Writes a whole pipeline (`families.contract.ExportablePipeline`: inputs and outputs
    by name, shapes as its signature says) to `path` in `export_format`; returns `path`.
    A SavedModel's `serve` endpoint (Keras' ExportArchive), converted to TFLite from that
    SavedModel; ONNX through tf2onnx (opset `ONNX_OPSET`)."""
    import keras
    import tensorflow as tf

    runtime_format(export_format)
    path.parent.mkdir(parents=True, exist_ok=True)
    if export_format == "onnx":
        require_tf2onnx()
        import tf2onnx

        function = tf.function(pipeline.function, input_signature=pipeline.input_signature)
        tf2onnx.convert.from_function(
            function, input_signature=pipeline.input_signature, opset=ONNX_OPSET,
            output_path=str(path),
        )  # fmt: skip
        return path
    with tempfile.TemporaryDirectory() as scratch:
        saved = path if export_format == "saved_model" else Path(scratch) / "saved_model"
        archive = keras.export.ExportArchive()
        archive.track(pipeline.model)
        archive.add_endpoint("serve", pipeline.function, input_signature=pipeline.input_signature)
        archive.write_out(str(saved), verbose=False)
        if export_format == "tflite":
            path.write_bytes(tf.lite.TFLiteConverter.from_saved_model(str(saved)).convert())
    return path
