"""Exports a model's networks for other runtimes: SavedModel, TFLite (LiteRT), ONNX.

    face-align export --model=mobilenet-cascade-300w --format=tflite --output=exported/

Each network the family can export (`ModelFamily.exportable_networks`: the MobileNetV2
stages, the hourglass network; MDM not yet: its patch op and recurrence) is written as
`<output>/<stem><suffix>` with Keras 3's `model.export` (TFLite: `format="litert"`;
`TFLiteConverter.from_keras_model` fails under Keras 3), float32, batch 1 for TFLite
and any batch otherwise, plus `export.json` saying what each input and output holds.
ONNX needs tf2onnx (`pip install 'face-alignment-tf[onnx]'`).
"""

import json
from pathlib import Path

# format -> (Keras export format, file suffix, fixed batch size or None)
FORMATS = {
    "saved_model": ("tf_saved_model", "", None),
    "tflite": ("litert", ".tflite", 1),
    "onnx": ("onnx", ".onnx", None),
}


def export_model(model: str | Path, export_format: str, output: str | Path) -> list[Path]:
    """Writes the networks of `model` (a shipped model's name or a train_dir) in
    `export_format` under the folder `output`; returns the paths written."""
    import tensorflow as tf

    from face_alignment_tf.face_aligner import load_model

    if export_format not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, got {export_format!r}")
    if export_format == "onnx":
        try:
            import tf2onnx  # noqa: F401
        except ImportError:
            raise ImportError("ONNX export needs tf2onnx: pip install "
                              "'face-alignment-tf[onnx]'") from None  # fmt: skip
    _, trained = load_model(model)
    networks = trained.family.exportable_networks(trained.model)
    if not networks:
        raise ValueError(f"{model}: {trained.display_name} models cannot be exported yet")
    keras_format, suffix, batch = FORMATS[export_format]
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    written, described = [], {}
    for stem, exportable in networks.items():
        path = output / f"{stem}{suffix}"
        signature = [tf.TensorSpec((batch, *exportable.input_shape), tf.float32)]
        exportable.network.export(
            str(path), format=keras_format, input_signature=signature, verbose=False
        )
        written.append(path)
        described[path.name] = exportable.description
    manifest = {
        "model": str(model),
        "family": trained.family.name,
        "checkpoint": Path(trained.checkpoint_path).name,
        "format": export_format,
        "files": described,
    }
    (output / "export.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return written
