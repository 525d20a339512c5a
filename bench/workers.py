"""`face-align predict` over a folder with 1 and 2 worker processes: wall time, photos/s,
and whether the outputs are byte for byte the same.

    python -m bench.workers --datasets='300w/helen/testset/*.jpg' --photos=300

The first `--photos` images of --datasets are linked into a scratch folder; each run is a
fresh command (start-up included) into a new output folder, per detector of --detectors.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from absl import app, flags

from face_alignment_tf.data.discovery import discover_faces

FLAGS = flags.FLAGS


def run(folder: Path, output: Path, detector: str, workers: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "face_alignment_tf", "predict", str(folder),
                    f"--output={output}", f"--detector={detector}", f"--workers={workers}"],
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def workers_report() -> str:
    paths = [r.image_path for r in discover_faces(FLAGS.datasets)][: FLAGS.photos]
    lines = [
        f"{len(paths)} photos, one `face-align predict` command each run (start-up included).",
        "",
        "| detector | 1 worker, s | 2 workers, s | speed-up | outputs identical |",
        "|---|---:|---:|---:|---|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "photos"
        folder.mkdir()
        for path in paths:
            (folder / Path(path).name).symlink_to(Path(path).resolve())
        for detector in FLAGS.detectors:
            seconds, outputs = {}, {}
            for workers in (1, 2):
                output = Path(scratch) / f"{detector}-{workers}"
                seconds[workers] = run(folder, output, detector, workers)
                outputs[workers] = {p.name: p.read_bytes() for p in output.glob("*.json")}
            same = outputs[1] == outputs[2] and len(outputs[1]) == len(paths)
            ratio = seconds[1] / seconds[2]
            lines.append(f"| {detector} | {seconds[1]:.1f} | {seconds[2]:.1f} | {ratio:.2f}x | "
                         f"{'yes' if same else 'NO'} |")  # fmt: skip
    return "\n".join([*lines, ""])


def main(argv: list[str]) -> None:
    del argv
    print(workers_report())


if __name__ == "__main__":
    flags.DEFINE_string("datasets", None, "Colon-separated image globs.", required=True)
    flags.DEFINE_integer("photos", 300, "How many photos.")
    flags.DEFINE_list("detectors", ["blazeface-both", "mtcnn"], "Detectors to run.")
    app.run(main)
