"""bench.train_step_rate's summary of the timed steps and its Markdown row, by hand."""

import pytest

from bench.train_step_rate import markdown_row, rate_summary


def test_rates_are_from_the_median_step_and_the_mean_step():
    # A burst (1.0 s) moves the network loop's mean step, not its median.
    summary = rate_summary([0.1, 0.1, 0.1, 0.12, 1.0], [0.125, 0.125, 0.125, 0.125, 0.125])
    assert summary["network_steps_per_sec"] == pytest.approx(10.0)
    assert summary["network_mean_steps_per_sec"] == pytest.approx(1 / 0.284)
    assert summary["trainer_steps_per_sec"] == pytest.approx(8.0)
    assert summary["trainer_mean_steps_per_sec"] == pytest.approx(8.0)


def test_markdown_row_gives_the_trainers_share_of_the_network_rate():
    rates = {
        "batch_size": 64,
        "network_steps_per_sec": 8.0,
        "trainer_steps_per_sec": 7.0,
        "network_mean_steps_per_sec": 7.5,
        "trainer_mean_steps_per_sec": 6.0,
    }
    assert markdown_row("mobilenet defaults", rates) == (
        "| mobilenet defaults | 64 | 8.00 (512 ex/s) | 7.00 (448 ex/s) | 88 % (mean steps: 80 %) |"
    )
