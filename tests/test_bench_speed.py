"""bench.speed's arithmetic and bench.inference_timing on a saved heatmap network."""

import json
import subprocess
import sys

import numpy as np
import pytest

from bench.speed import inference_table, latency_summary, window_throughput
from tests.conftest import ROOT, write_afw_faces


def test_latency_summary_by_hand():
    summary = latency_summary([1.0, 2.0, 3.0, 4.0, 10.0], faces=2)
    assert summary["median_ms"] == pytest.approx(3000.0)
    assert summary["p90_ms"] == pytest.approx(7600.0)  # 4 + 0.6 * (10 - 4) seconds
    assert summary["faces_per_sec"] == pytest.approx(2 / 3)


def timing(name, batch1, batch, faces=4) -> dict:
    return {
        "name": name, "faces": faces, "load_seconds": 1.0, "first_call_seconds": 0.5,
        "batch1_seconds": batch1, "batch_seconds": batch,
        "rss_after_imports_mb": 600.0, "peak_rss_mb": 700.0,
    }  # fmt: skip


def test_inference_table_ratios_are_to_the_first_row():
    rows = inference_table(
        [timing("dlib", [0.01] * 3, [0.04] * 3), timing("slow", [0.02] * 3, [0.02] * 3)]
    )
    dlib, slow = (row.strip("| ").split(" | ") for row in rows[2:])
    assert dlib[5:7] == ["100.0", "1.000"] and dlib[9:11] == ["100.0", "1.000"]
    assert slow[5:7] == ["50.0", "0.500"] and slow[9:11] == ["200.0", "2.000"]
    assert slow[-1] == "100"  # peak - after imports


def test_inference_timing_runs_a_saved_network(tmp_path):
    from face_alignment_tf.artifacts.model_file import write_model_file
    from face_alignment_tf.hourglass.family import FAMILY

    datasets = write_afw_faces(tmp_path, count=2)
    config = {"topology": "hourglass", "block": "resnet", "depth": 1, "stacks": 1}
    train_dir = tmp_path / "train"
    FAMILY.checkpoint(FAMILY.build_model(config)).save(str(train_dir / "ckpt"))
    description = {"config": config, "landmark_type": "2d", "reference_shape": [[0, 0]] * 68}
    write_model_file(train_dir, "hourglass", description)
    output = tmp_path / "timing.json"
    ballast = np.ones(2**28)  # 2 GiB in this process: the worker must not report it
    subprocess.run(
        [sys.executable, "-m", "bench.inference_timing", f"--method={train_dir}",
         f"--datasets={datasets}", "--faces=2", "--batch1_passes=2", "--batch_calls=3",
         f"--output={output}"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    result = json.loads(output.read_text())
    assert result["faces"] == 2
    assert len(result["batch1_seconds"]) == 4 and len(result["batch_seconds"]) == 3
    assert min(result["batch1_seconds"] + result["batch_seconds"]) > 0
    assert result["load_seconds"] > 0 and result["peak_rss_mb"] >= result["rss_after_imports_mb"]
    assert result["peak_rss_mb"] < ballast.nbytes / 2**20


def test_window_throughput_weighs_windows_by_their_time():
    # Windows: steps 1-3 (tracing, left out), 4-6 at 10 examples/s, 7 alone at 5 examples/s.
    rate = window_throughput([(3, 1.0), (6, 10.0), (7, 5.0)], batch=5)
    # 15 examples in 1.5 s, then 5 in 1 s: 20 examples in 2.5 s.
    assert rate["steps"] == 4
    assert rate["examples_per_sec"] == pytest.approx(8.0)
    assert rate["seconds_per_step"] == pytest.approx(5 / 8)
    with pytest.raises(RuntimeError, match="too few"):
        window_throughput([(3, 1.0)], batch=5)
