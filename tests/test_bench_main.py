"""python -m bench: the generated BENCHMARKS.md section and the machine line."""

import os

from bench.__main__ import BEGIN, END, replace_section
from bench.machine import describe_machine


def test_section_is_appended_then_replaced_in_place():
    document = "# Benchmarks\n\nhand-written run\n"
    first = replace_section(document, "table one")
    assert first == f"# Benchmarks\n\nhand-written run\n\n{BEGIN}\ntable one\n{END}\n"
    edited = first + "\n## Later section\n"
    second = replace_section(edited, "table two\n")
    assert second == edited.replace("table one", "table two")
    assert replace_section(second, "table two") == second


def test_machine_line_names_cores_and_python():
    line = describe_machine()
    assert line.startswith(f"{os.cpu_count()} CPUs (") and "Python 3." in line
