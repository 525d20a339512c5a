"""One landmarker's batch-1 step against dlib's, timed in one process, face by face.

    python -m bench.paired_timing --method=face_alignment_tf/models/mobilenet-photo-cascade-300w \
        --runtime=litert --datasets='300w/lfpw/testset/*.jpg' --output=paired.json

Timings on a shared VM swing by 2x from one minute to the next, so two landmarkers timed
in separate processes a minute apart can compare either way (BENCHMARKS.md, 2026-12-04).
Here both run each face (image + 300-W box -> 68 points, preprocessing included) one right
after the other, the order alternating from face to face, so both see the same machine;
the speed ratio is taken per face (dlib's seconds over the method's on that face) and
summarised by its median and 10th-90th percentiles. Load time and memory stay with
bench.inference_timing, which runs each landmarker alone in its process.

dlib's own speed changes from one process to the next (1.2-2.6 ms a face on one VM in one
hour, 2026-12-04), and a per-process ratio with it: to compare cascades, give the others
with --versus; each face then runs through dlib, --method and each of them in an order that
rotates from face to face, all in one process.

Written to --output as JSON: the method, the faces, and each landmarker's seconds per
timed call in call order (one entry per face and pass; --versus's under "versus", by name).
Printed as Markdown: each landmarker's speed against dlib's and, with --versus, --method's
against each of the others (their seconds over its own, call by call).
"""

import json

import numpy as np
from absl import app, flags

from bench.inference_timing import define_timing_flags, load_landmarker, timed, timing_faces

FLAGS = flags.FLAGS


def define_flags() -> None:
    define_timing_flags("A train_dir of any family (timed against dlib).")
    flags.DEFINE_integer("passes", 6, "Timed passes over the faces.")
    flags.DEFINE_list("versus", [], "More landmarkers (train_dirs) timed in the same process, "
                      "face by face with dlib and --method.")  # fmt: skip


def call_order(call: int, count: int) -> list[int]:
    """The order in which `count` landmarkers run the call-th face timed: 0, 1, ..., rotated
    by one from call to call (so each runs first, second... equally often; for two, dlib and
    the method alternate)."""
    return [(call + index) % count for index in range(count)]


def speed_ratio_summary(reference_seconds: list[float], method_seconds: list[float]) -> dict:
    """How many times faster than the reference (dlib) the method is, from paired timings
    of the same calls: the median and 10th/90th percentiles of the reference's seconds over
    the method's, call by call, and each side's median latency (ms)."""
    reference, method = np.asarray(reference_seconds), np.asarray(method_seconds)
    if reference.shape != method.shape or reference.size == 0:
        raise ValueError(
            f"unpaired timings: {reference.size} of the reference, {method.size} of the method"
        )
    ratios = reference / method
    return {
        "reference_median_ms": 1e3 * float(np.median(reference)),
        "method_median_ms": 1e3 * float(np.median(method)),
        "ratio_median": float(np.median(ratios)),
        "ratio_p10": float(np.percentile(ratios, 10)),
        "ratio_p90": float(np.percentile(ratios, 90)),
    }


def pooled_pair(name: str, runs: list[dict]) -> dict:
    """One table row from the results of several paired_timing processes of one method
    ({"dlib_seconds", "method_seconds"} each): their calls pooled, and each process's median
    ratio under "process_ratios" (dlib's own speed changes from process to process)."""
    return {
        "name": name,
        "reference_seconds": [seconds for run in runs for seconds in run["dlib_seconds"]],
        "method_seconds": [seconds for run in runs for seconds in run["method_seconds"]],
        "process_ratios": [
            speed_ratio_summary(run["dlib_seconds"], run["method_seconds"])["ratio_median"]
            for run in runs
        ],
    }


def paired_table(pairs: list[dict], reference: str = "dlib") -> list[str]:
    """Markdown rows, one per pair {"name", "reference_seconds", "method_seconds"} (paired
    calls; with "process_ratios", `pooled_pair`'s, a column of each process's ratio): the
    median latencies and how many times faster than `reference` the method is."""
    per_process = any("process_ratios" in pair for pair in pairs)
    rows = [
        f"| method | calls | {reference}: median ms | method: median ms "
        f"| × {reference}, median of the paired ratios | 10th–90th percentile |"
        + (f" each process: × {reference} |" if per_process else ""),
        "|---|---:|---:|---:|---:|---:|" + ("---:|" if per_process else ""),
    ]
    for pair in pairs:
        summary = speed_ratio_summary(pair["reference_seconds"], pair["method_seconds"])
        processes = ", ".join(f"{ratio:.2f}" for ratio in pair.get("process_ratios", []))
        rows.append(
            f"| {pair['name']} | {len(pair['method_seconds'])} "
            f"| {summary['reference_median_ms']:.2f} | {summary['method_median_ms']:.2f} "
            f"| {summary['ratio_median']:.2f} "
            f"| {summary['ratio_p10']:.2f}–{summary['ratio_p90']:.2f} |"
            + (f" {processes} |" if per_process else "")
        )
    return rows


def result_tables(result: dict) -> list[str]:
    """A paired_timing JSON result as Markdown: every landmarker against dlib, then (with
    --versus) each other landmarker against --method."""
    timings = {result["method"]: result["method_seconds"], **result["versus"]}
    lines = paired_table([
        {"name": name, "reference_seconds": result["dlib_seconds"], "method_seconds": seconds}
        for name, seconds in timings.items()
    ])  # fmt: skip
    if result["versus"]:
        lines += ["", *paired_table(
            [
                {"name": name, "reference_seconds": result["method_seconds"],
                 "method_seconds": seconds}
                for name, seconds in result["versus"].items()
            ],
            reference=result["method"],
        )]  # fmt: skip
    return lines


def main(argv: list[str]) -> None:
    del argv
    pixels, corners = timing_faces()
    images = [[image] for image in pixels]  # batches of one
    boxes = [box[None] for box in corners]  # [1, 4, 2]
    names = [FLAGS.method, *FLAGS.versus]
    landmarkers = [load_landmarker("dlib")] + [load_landmarker(n, FLAGS.runtime) for n in names]
    for image, box in zip(images, boxes, strict=True):  # warm-up: every face size once each
        for landmarker in landmarkers:
            landmarker(image, box)
    seconds = [[] for _ in landmarkers]
    for call in range(FLAGS.passes * len(images)):
        image, box = images[call % len(images)], boxes[call % len(images)]
        for index in call_order(call, len(landmarkers)):
            seconds[index].append(timed(landmarkers[index], image, box))
    result = {
        "method": FLAGS.method,
        "runtime": FLAGS.runtime,
        "faces": len(images),
        "dlib_seconds": seconds[0],
        "method_seconds": seconds[1],
        "versus": dict(zip(FLAGS.versus, seconds[2:], strict=True)),
    }
    with open(FLAGS.output, "w") as file:
        json.dump(result, file, indent=1)
    print("\n".join(result_tables(result)), flush=True)


if __name__ == "__main__":
    define_flags()
    app.run(main)
