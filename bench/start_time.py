"""Start time and peak memory of a fresh process: import to the first photo's landmarks.

    python -m bench.start_time --photo=300w/helen/testset/2968560214_1.jpg

Each configuration runs in its own new Python process (`python -c`), timed from before
`import face_alignment_tf` to after `FaceAligner(...).detect_and_align(photo)`, three times
(median); peak memory is the process's VmHWM; the last column says whether TensorFlow
was imported.
"""

import json
import statistics
import subprocess
import sys

from absl import app, flags

FLAGS = flags.FLAGS
CODE = """
import json, sys, time
started = time.perf_counter()
from face_alignment_tf import FaceAligner
faces = FaceAligner(detector={detector!r}, **{options!r}).detect_and_align({photo!r})
elapsed = time.perf_counter() - started
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({{"seconds": elapsed, "peak_mb": int(peak) / 1024, "faces": len(faces),
                  "tensorflow": "tensorflow" in sys.modules}}))
"""
CONFIGURATIONS = {
    "blazeface-both, LiteRT (default)": ("blazeface-both", {}),
    "blazeface, LiteRT": ("blazeface", {}),
    "mtcnn, LiteRT": ("mtcnn", {}),
    "blazeface, Keras runtime": ("blazeface", {"runtime": "keras"}),
}


def measure(detector: str, options: dict, photo: str, repeats: int = 3) -> dict:
    runs = []
    for _ in range(repeats):
        code = CODE.format(detector=detector, options=options, photo=photo)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True)  # fmt: skip
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "faces": runs[0]["faces"], "tensorflow": runs[0]["tensorflow"],
    }  # fmt: skip


def start_time_report(photo: str) -> str:
    lines = [
        "| configuration | import to first landmarks, s | peak memory, MB | faces | TensorFlow |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (detector, options) in CONFIGURATIONS.items():
        row = measure(detector, options, photo)
        lines.append(f"| {name} | {row['seconds']:.2f} | {row['peak_mb']:.0f} | {row['faces']} "
                     f"| {'imported' if row['tensorflow'] else 'not imported'} |")  # fmt: skip
    return "\n".join([*lines, ""])


def main(argv: list[str]) -> None:
    del argv
    print(start_time_report(FLAGS.photo))


if __name__ == "__main__":
    flags.DEFINE_string("photo", None, "The photo to align.", required=True)
    app.run(main)
