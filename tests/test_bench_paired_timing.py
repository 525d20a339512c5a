"""bench.paired_timing's arithmetic and bench.speed's table of it."""

import pytest

from bench.paired_timing import (
    call_order,
    paired_table,
    pooled_pair,
    result_tables,
    speed_ratio_summary,
)


def test_ratio_is_taken_call_by_call_not_of_the_medians():
    # Three calls: dlib 2, 4, 3 ms against the method's 1, 1, 3 ms -> ratios 2, 4, 1.
    summary = speed_ratio_summary([0.002, 0.004, 0.003], [0.001, 0.001, 0.003])
    assert summary["reference_median_ms"] == pytest.approx(3.0)
    assert summary["method_median_ms"] == pytest.approx(1.0)
    assert summary["ratio_median"] == pytest.approx(2.0)  # the medians' ratio would say 3
    assert summary["ratio_p10"] == pytest.approx(1.2)  # 1 + 0.2 * (2 - 1)
    assert summary["ratio_p90"] == pytest.approx(3.6)  # 2 + 0.8 * (4 - 2)


def test_a_drift_that_slows_both_alike_leaves_the_ratio_alone():
    drift = [1.0, 2.0, 4.0, 1.5]  # the machine 4x slower at times
    summary = speed_ratio_summary([0.003 * d for d in drift], [0.001 * d for d in drift])
    assert summary["ratio_p10"] == pytest.approx(3.0)
    assert summary["ratio_p90"] == pytest.approx(3.0)


def test_unpaired_timings_are_refused():
    with pytest.raises(ValueError, match="unpaired"):
        speed_ratio_summary([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="unpaired"):
        speed_ratio_summary([], [])


def test_the_order_alternates_for_two_and_rotates_for_more():
    assert [call_order(call, 2) for call in range(3)] == [[0, 1], [1, 0], [0, 1]]
    orders = [call_order(call, 3) for call in range(3)]
    assert orders == [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    for position in range(3):  # each landmarker in each position once per three calls
        assert sorted(order[position] for order in orders) == [0, 1, 2]


def test_paired_table_row():
    pair = {"name": "cascade, litert", "reference_seconds": [0.002, 0.004, 0.003],
            "method_seconds": [0.001, 0.001, 0.003]}  # fmt: skip
    row = paired_table([pair])[2].strip("| ").split(" | ")
    assert row == ["cascade, litert", "3", "3.00", "1.00", "2.00", "1.20–3.60"]


def test_processes_are_pooled_call_by_call_and_each_keeps_its_ratio():
    fast_dlib = {"dlib_seconds": [0.002, 0.002], "method_seconds": [0.001, 0.002]}  # 2, 1
    slow_dlib = {"dlib_seconds": [0.004, 0.006], "method_seconds": [0.001, 0.002]}  # 4, 3
    lines = paired_table([pooled_pair("cascade, litert", [fast_dlib, slow_dlib])])
    assert "each process" in lines[0]
    # Pooled ratios 2, 1, 4, 3: median 2.5; dlib's pooled median 0.003 s, the method's 0.0015.
    assert cells(lines[2]) == ["cascade, litert", "4", "3.00", "1.50", "2.50", "1.30–3.70",
                               "1.50, 3.50"]  # fmt: skip


def cells(line: str) -> list[str]:
    return line.strip("| ").split(" | ")


def test_the_printed_tables_pair_every_landmarker_with_dlib_then_with_the_method():
    result = {
        "method": "new", "dlib_seconds": [0.002, 0.004], "method_seconds": [0.001, 0.002],
        "versus": {"old": [0.004, 0.004]},
    }  # fmt: skip
    lines = result_tables(result)
    assert cells(lines[2])[:5] == ["new", "2", "3.00", "1.50", "2.00"]  # dlib / new: 2, 2
    assert cells(lines[3])[:5] == ["old", "2", "3.00", "4.00", "0.75"]  # dlib / old: 0.5, 1
    assert "× new" in lines[5]
    # new / old call by call: 0.25, 0.5 -> old runs at 0.375x new's faces/s
    assert cells(lines[7])[:5] == ["old", "2", "1.50", "4.00", "0.38"]
    assert len(lines) == 8


def test_without_versus_only_the_dlib_table_is_printed():
    result = {"method": "new", "dlib_seconds": [0.002], "method_seconds": [0.001], "versus": {}}
    assert len(result_tables(result)) == 3
