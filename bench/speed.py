"""Speed side by side, measured in one run: inference, training throughput, patch op.

    python -m bench.speed --datasets='300w/lfpw/testset/*.jpg' \
        --model_dirs=runs/mdm-300w,runs/hg2-final \
        --train_datasets='300w/afw/*.jpg' --work_dir=runs/bench

* Inference (`bench.inference_timing`, one fresh process per method, so load time
  and peak memory are each method's own): whole image + 300-W box -> 68 points,
  preprocessing included, at batch 1 and batch --faces, as faces/s and latency
  (median, p90), with ratios to dlib; each runtime of a family with several
  (MobileNetV2: LiteRT, which runs the exported TFLite stages, and Keras).
* The batch-1 step of each method against dlib's, both timed in one process face by face
  (`bench.paired_timing`): the speed ratio that the VM's minute-to-minute swings leave
  alone; in --paired_processes processes, since dlib's own speed changes from one process
  to the next (1.7-2.5 ms a face within an hour, 2026-12-05), with each one's ratio.
* Training throughput: every registered family's real train script at the
  original's batch and default model (MDM: 60; Hourglass2(d=3)-CAB: SDU's 16) on
  --train_datasets for a few steps; examples/s from their TensorBoard logs, the
  first logged window (tracing) left out.
* A family's training step with its input pipeline against the same step on a batch held
  in memory (bench/train_step_rate.py; --step_rate_family with --step_rate_settings, by
  default the shipped model's family and recipe).
* MDM's batch-1 latency against its weight-read floor (bench/mdm_latency.py).
* The patch-op table of bench/patches.py.

Prints Markdown.
"""

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
from absl import app, flags

from bench.flags import define_model_flags, model_label
from bench.paired_timing import paired_table, pooled_pair
from face_alignment_tf.artifacts.model_file import read_model_file
from face_alignment_tf.data.discovery import discover_faces
from face_alignment_tf.families import family_names, get_family
from face_alignment_tf.training.logged_scalars import read_scalars

FLAGS = flags.FLAGS
ROOT = Path(__file__).resolve().parents[1]
TIMED_STEPS = 9  # at least; the first logged window (tracing) is left out
LOG_EVERY = 3


def define_flags() -> None:
    flags.DEFINE_integer("faces", 32, "Faces timed (the first of --datasets); the large batch.")
    flags.DEFINE_integer("paired_processes", 3, "bench.paired_timing processes per method: "
                         "dlib's own speed changes from one process to the next.")  # fmt: skip
    flags.DEFINE_string("train_datasets", None, "Training globs for the throughput runs "
                        "(none: skip them).")  # fmt: skip
    flags.DEFINE_boolean("patches", True, "Include the patch-op table.")
    flags.DEFINE_string("step_rate_family", "mobilenet", "The family whose trainer is timed "
                        "against its network alone (empty: skip).")  # fmt: skip
    flags.DEFINE_list("step_rate_settings", ["loss=wing", "photometric=photos",
                      "max_rotation_degrees=60", "max_shift=0.2", "max_scale=0.25"],
                      "Its training settings (the shipped model's stage-1 recipe).")  # fmt: skip
    flags.DEFINE_boolean("mdm_latency", True, "Include MDM's batch-1 latency against its "
                         "weight-read floor.")  # fmt: skip


def run(command: list[str]) -> str:
    """stdout of a command; a failure raises with its stderr's tail."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{tail}")
    return done.stdout


def latency_summary(seconds: list[float], faces: int) -> dict[str, float]:
    """Median and p90 latency (ms) of calls on `faces` faces, and faces/s at the median."""
    median = statistics.median(seconds)
    return {
        "median_ms": 1e3 * median,
        "p90_ms": 1e3 * float(np.percentile(seconds, 90)),
        "faces_per_sec": faces / median,
    }


def run_timing(
    module: str, method: str, work: Path, runtime: str | None = None, process: int = 0
) -> dict:
    """The JSON result of a timing script (bench.inference_timing or bench.paired_timing)
    run on the first --faces faces of --datasets (`process`: which of several runs)."""
    name = f"{method}-{runtime}" if runtime else method
    name += f"-{process}" if process else ""
    output = work / f"{module.split('.')[-1]}-{name.replace('/', '_').replace(':', '-')}.json"
    run([sys.executable, "-m", module, f"--method={method}",
         f"--datasets={FLAGS.datasets}", f"--faces={FLAGS.faces}", f"--output={output}"]
        + ([f"--bbs_dir={FLAGS.bbs_dir}"] if FLAGS.bbs_dir else [])
        + ([f"--runtime={runtime}"] if runtime else []))  # fmt: skip
    return json.loads(output.read_text())


def inference_table(results: list[dict]) -> list[str]:
    faces = results[0]["faces"]
    summaries = [
        (latency_summary(r["batch1_seconds"], 1), latency_summary(r["batch_seconds"], faces))
        for r in results
    ]
    dlib_single, dlib_batch = summaries[0]
    rows = [
        f"| method | load s | first call s | batch 1: median ms | p90 ms | faces/s | × dlib "
        f"| batch {faces}: median ms | p90 ms | faces/s | × dlib | peak RSS MB "
        "| peak − after imports MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result, (single, batch) in zip(results, summaries, strict=True):
        rows.append(
            f"| {result['name']} | {result['load_seconds']:.1f} "
            f"| {result['first_call_seconds']:.2f} | {single['median_ms']:.1f} "
            f"| {single['p90_ms']:.1f} | {single['faces_per_sec']:.1f} "
            f"| {single['faces_per_sec'] / dlib_single['faces_per_sec']:.3f} "
            f"| {batch['median_ms']:.0f} | {batch['p90_ms']:.0f} | {batch['faces_per_sec']:.1f} "
            f"| {batch['faces_per_sec'] / dlib_batch['faces_per_sec']:.3f} "
            f"| {result['peak_rss_mb']:.0f} "
            f"| {result['peak_rss_mb'] - result['rss_after_imports_mb']:.0f} |"
        )
    return rows


def training_throughput(family: str, work: Path, num_faces: int) -> dict:
    """Examples/s of a fresh run of the family's train script at the original's batch (the
    converted records are reused)."""
    script = get_family(family).train_script
    script_flags = get_family(family).throughput_flags(num_faces, TIMED_STEPS)
    train_dir = work / f"train-{family}"
    if train_dir.is_dir():
        for path in train_dir.iterdir():
            if path.name != "records":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    run([sys.executable, script, f"--datasets={FLAGS.train_datasets}",
         f"--train_dir={train_dir}", f"--log_every={LOG_EVERY}", "--image_every=100000",
         "--save_every_secs=100000", *script_flags])  # fmt: skip
    batch = int(next(f for f in script_flags if "batch_size=" in f).split("=")[1])
    return window_throughput(read_scalars(train_dir)["examples_per_sec"], batch) | {
        "command": " ".join([script, *script_flags])
    }


def window_throughput(logged: list[tuple[int, float]], batch: int) -> dict:
    """Throughput over the logged windows [(step, examples/s)] after the first: total
    examples over total time (windows may differ in length)."""
    if len(logged) < 2:
        raise RuntimeError(f"{len(logged)} logged window(s): too few to time")
    steps = np.diff([step for step, _ in logged])
    seconds = steps * batch / np.array([rate for _, rate in logged[1:]])
    rate = float(steps.sum() * batch / seconds.sum())
    return {
        "batch": batch,
        "steps": int(steps.sum()),
        "examples_per_sec": rate,
        "seconds_per_step": batch / rate,
    }


def speed_report(work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    methods = {"dlib ERT (shape_predictor_68)": ("dlib", None)}
    for directory in FLAGS.model_dirs:
        name, description = read_model_file(directory)
        family = get_family(name)
        label = model_label(family.display_name(description), directory)
        for runtime in family.runtimes or (None,):  # each of the family's runtimes
            methods[f"{label}, {runtime}" if runtime else label] = (directory, runtime)
    results = [
        run_timing("bench.inference_timing", method, work, runtime) | {"name": name}
        for name, (method, runtime) in methods.items()
    ]
    paired = [
        pooled_pair(name, [
            run_timing("bench.paired_timing", method, work, runtime, process)
            for process in range(FLAGS.paired_processes)
        ])
        for name, (method, runtime) in methods.items()
        if method != "dlib"
    ]  # fmt: skip
    lines = [
        f"### Inference: whole image + 300-W box → 68 points ({results[0]['faces']} faces of "
        f"`{FLAGS.datasets}`)",
        "",
        *inference_table(results),
        "",
        f"### Batch 1 against dlib, {FLAGS.paired_processes} processes (`bench.paired_timing`: "
        "in each, each face run by both, one right after the other, the order alternating; "
        "the calls of all processes pooled, and each process's ratio)",
        "",
        *paired_table(paired),
    ]
    if FLAGS.train_datasets:
        lines += [
            "",
            f"### Training throughput (`{FLAGS.train_datasets}`, logged every {LOG_EVERY} steps, "
            "first window left out)",
            "",
            "| model | batch | steps timed | examples/s | s/step |",
            "|---|---:|---:|---:|---:|",
        ]
        num_faces = len(discover_faces(FLAGS.train_datasets, FLAGS.bbs_dir))
        for family in family_names():
            rate = training_throughput(family, work, num_faces)
            lines.append(
                f"| {family} (`{rate['command']}`, default model) | {rate['batch']} "
                f"| {rate['steps']} | {rate['examples_per_sec']:.2f} "
                f"| {rate['seconds_per_step']:.2f} |"
            )
    if FLAGS.train_datasets and FLAGS.step_rate_family:
        lines += ["", "### The trainer against its network alone (bench/train_step_rate.py)",
                  "", run([sys.executable, "-m", "bench.train_step_rate",
                           f"--family={FLAGS.step_rate_family}",
                           f"--datasets={FLAGS.train_datasets}",
                           f"--settings={','.join(FLAGS.step_rate_settings)}",
                           "--steps=40"]).strip()]  # fmt: skip
    if FLAGS.mdm_latency:
        lines += ["", "### MDM at batch 1 against its weight-read floor (bench/mdm_latency.py)",
                  "", run([sys.executable, "-m", "bench.mdm_latency",
                           f"--datasets={FLAGS.datasets}"]).strip()]  # fmt: skip
    if FLAGS.patches:
        lines += ["", "### Patch extraction (bench/patches.py)", "", run(
            [sys.executable, "bench/patches.py"]).strip()]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    del argv
    print(speed_report(Path(FLAGS.work_dir)))


if __name__ == "__main__":
    define_model_flags()
    define_flags()
    app.run(main)
