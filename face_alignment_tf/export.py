"""Exports a model for other runtimes: SavedModel, TFLite (LiteRT), ONNX.

    face-align export --model=mobilenet-photo-cascade-300w --format=tflite --output=exported/

Each network the family can export (`ModelFamily.exportable_networks`: the MobileNetV2
stages, the hourglass network; MDM not yet: its patch op and recurrence) is written as
`<output>/<stem><suffix>` by `runtimes.formats.export_network` (float32, batch 1 for
TFLite and any batch otherwise), and each self-contained pipeline
(`ModelFamily.exportable_pipelines`: the MobileNetV2 cascade as `cascade`, image + box in,
landmarks out) by `runtimes.formats.export_function`; `export.json` says what each input
and output holds (shapes with the batch as exported, and for ONNX the tensor names) and
carries the model's detector calibrations (`face_alignment_tf.calibration`: how to turn a
detector's box into the box the first network's crop is made from). `parts` limits it to
the pipelines or the networks. The output folder must be new or empty, so that one
folder holds one export. ONNX needs tf2onnx (`pip install 'face-alignment-tf[onnx]'`).
"""

import dataclasses
import json
from pathlib import Path

from face_alignment_tf.calibration import read_calibrations
from face_alignment_tf.data.errors import DataError
from face_alignment_tf.runtimes.formats import export_function, export_network, runtime_format
from face_alignment_tf.runtimes.functions import onnx_tensor_names

CALIBRATION_RULE = (
    "a detector box with centre c and size (h, w), (y, x): centre' = c + offset * (h, w), "
    "size' = scale * (h, w); the result is the face box the first network's crop is made from"
)


# What `export_model` writes: everything, the self-contained pipelines, or the networks.
EXPORT_PARTS = ("all", "pipelines", "networks")


def export_model(
    model: str | Path, export_format: str, output: str | Path, parts: str = "all"
) -> list[Path]:
    """Writes the pipelines and networks of `model` (a shipped model's name or a
    train_dir), or one kind of them (`parts`, one of `EXPORT_PARTS`), in `export_format`
    under the folder `output`; returns the paths written."""
    if parts not in EXPORT_PARTS:
        raise ValueError(f"parts must be one of {EXPORT_PARTS}, got {parts!r}")
    from face_alignment_tf.face_aligner import load_model

    spec = runtime_format(export_format)
    output = empty_folder(output)
    model_dir, trained = load_model(model)
    family = trained.family
    networks = family.exportable_networks(trained.model) if parts != "pipelines" else {}
    pipelines = family.exportable_pipelines(trained.model) if parts != "networks" else {}
    if not networks and not pipelines:
        raise ValueError(f"{model}: {trained.display_name} models cannot be exported yet")
    written, described = [], {}
    for stem, exportable in networks.items():
        path = output / f"{stem}{spec.suffix}"
        export_network(exportable.network, exportable.input_shape, export_format, path)
        written.append(path)
        described[path.name] = {
            "description": exportable.description,
            "input_shape": [spec.batch, *exportable.input_shape],  # None: any batch
            **(onnx_tensor_names(path) if export_format == "onnx" else {}),
        }
    for stem, pipeline in pipelines.items():
        path = export_function(pipeline, export_format, output / f"{stem}{spec.suffix}")
        written.append(path)
        described[path.name] = {
            "description": pipeline.description,
            "inputs": {
                tensor.name: {"shape": tensor.shape.as_list(), "dtype": tensor.dtype.name}
                for tensor in pipeline.input_signature
            },
            **(onnx_tensor_names(path) if export_format == "onnx" else {}),
        }
    calibrations = {
        detector: dataclasses.asdict(fit) for detector, fit in read_calibrations(model_dir).items()
    }
    manifest = {
        "model": str(model),
        "family": trained.family.name,
        "checkpoint": Path(trained.checkpoint_path).name,
        "format": export_format,
        "files": described,
        "detector_calibrations": calibrations,
        "calibration_rule": CALIBRATION_RULE,
    }
    (output / "export.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return written


def empty_folder(path: str | Path) -> Path:
    """`path` as a new or empty folder; DataError naming it when it is a file, holds
    files already, or cannot be made."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise DataError(folder, "exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise DataError(folder, "is not empty: export into a new or empty folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(folder, f"cannot create the folder: {error.strerror or error}") from None
    return folder
