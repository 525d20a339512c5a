"""Pretrained models shipped inside the package, each a folder under `models/` with a
MANIFEST.json: how it was trained (commands, commit, data, date), what it scored, and the
sha256 of every file. Loading by name verifies every hash first.

    python -m face_alignment_tf.pretrained --train_dir=runs/mobilenet-s2 \
        --name=mobilenet-photo-cascade-300w --manifest_json=notes.json

packages a train_dir's latest checkpoint (weights only, no optimiser state), its
model.json, its detector calibrations (calibration.json) and the family's converted
runtimes (LiteRT) into `models/<name>`. With `--quantization_datasets` (training images)
a family converts what it can to int8 on their crops (the MobileNetV2 cascade: stage 1).
"""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from face_alignment_tf.artifacts.model_dir import save_model_dir

MODELS_DIR = Path(__file__).resolve().parent / "models"
MANIFEST = "MANIFEST.json"


class PretrainedModelError(ValueError):
    """A shipped model is missing, incomplete or corrupt (names the file)."""


def available_models() -> list[str]:
    """The names of the shipped models."""
    return sorted(p.parent.name for p in MODELS_DIR.glob(f"*/{MANIFEST}"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verified_model_dir(name: str) -> tuple[Path, dict]:
    """(folder, manifest) of a shipped model after checking every file's sha256."""
    folder = MODELS_DIR / name
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise PretrainedModelError(
            f"{name!r} is not a shipped model; available: {', '.join(available_models())}"
        )
    manifest = json.loads(manifest_path.read_text())
    for relative, expected in manifest["sha256"].items():
        path = folder / relative
        if not path.is_file():
            raise PretrainedModelError(f"{path}: missing (reinstall the package)")
        if sha256(path) != expected:
            raise PretrainedModelError(f"{path}: corrupt (sha256 differs from {MANIFEST})")
    return folder, manifest


def load_pretrained(name: str):
    """The shipped model `name` as a `families.TrainedModel`, hashes verified."""
    from face_alignment_tf.families.registry import load_trained_model

    folder, manifest = verified_model_dir(name)
    return load_trained_model(folder, str(folder / manifest["checkpoint"]), manifest["family"])


def package_model(
    train_dir: str | Path,
    name: str,
    manifest: dict,
    quantization_datasets: str | None = None,
    bbs_dir: str | None = None,
) -> Path:
    """Writes models/<name> from train_dir's latest checkpoint: model.json, the inference
    checkpoint (weights and extra state, no optimiser), the family's runtimes converted
    beside it, and MANIFEST.json with `manifest` and every file's sha256. With
    `quantization_datasets` (colon-separated image globs, boxes from `bbs_dir`), the
    family's integer runtimes calibrated on those faces (`write_runtimes`); MANIFEST.json
    then names them."""
    from face_alignment_tf.artifacts.checkpoints import checkpoint_step  # imports TensorFlow
    from face_alignment_tf.data.convert import convert
    from face_alignment_tf.families.registry import load_trained_model

    trained = load_trained_model(train_dir)
    folder = MODELS_DIR / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    step = checkpoint_step(trained.checkpoint_path)
    checkpoint = trained.family.checkpoint(trained.model)
    checkpoint_name = Path(save_model_dir(checkpoint, train_dir, folder, step)).name
    with tempfile.TemporaryDirectory() as scratch:
        records = None
        if quantization_datasets:
            records = Path(scratch) / "records"
            convert(quantization_datasets, records, "train", bbs_dir)
        trained.family.write_runtimes(trained.model, str(folder / checkpoint_name), records)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    content = {
        "name": name,
        "family": trained.family.name,
        "checkpoint": checkpoint_name,
        **({"quantization_datasets": quantization_datasets} if quantization_datasets else {}),
        **manifest,
        "sha256": {str(p.relative_to(folder)): sha256(p) for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(content, indent=1) + "\n")
    return folder


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("train_dir", None, "The train_dir to package.", required=True)
    flags.DEFINE_string("name", None, "The shipped model's name.", required=True)
    flags.DEFINE_string("manifest_json", None, "Manifest fields (commands, commit, data, "
                        "date, NME...) as a JSON file.", required=True)  # fmt: skip
    flags.DEFINE_string("quantization_datasets", None, "Training images (colon-separated "
                        "globs) whose crops calibrate the family's int8 runtimes; default: "
                        "float runtimes only.")  # fmt: skip
    flags.DEFINE_string("bbs_dir", None, "300-W boxes root of --quantization_datasets "
                        "(default: the nearest bbs/).")  # fmt: skip

    def main(argv):
        del argv
        fields = json.loads(Path(flags.FLAGS.manifest_json).read_text())
        print(package_model(flags.FLAGS.train_dir, flags.FLAGS.name, fields,
                            flags.FLAGS.quantization_datasets, flags.FLAGS.bbs_dir))  # fmt: skip

    app.run(main)
