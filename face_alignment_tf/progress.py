"""A progress report for long loops: count, rate and ETA, one line rewritten on a terminal,
plain lines (every tenth of the work, at most every 10 s) otherwise."""

import sys
import time
from typing import TextIO


def clock(seconds: float) -> str:
    """12 -> '0:12', 3725 -> '1:02:05'."""
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """`update()` after each item; `close()` at the end. `unit`: what is counted."""

    def __init__(self, total: int, unit: str = "images", stream: TextIO | None = None,
                 terminal: bool | None = None, every_seconds: float = 10.0):  # fmt: skip
        self.total, self.unit, self.stream = total, unit, stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.every_seconds, self.done = every_seconds, 0
        self.started = self.last = time.monotonic()
        self.next_count = max(1, total // 10)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        eta = clock((self.total - self.done) / rate) if rate > 0 else "?"
        return f"{self.done}/{self.total} {self.unit}, {rate:.1f}/s, ETA {eta}"

    def update(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.terminal:
            print(f"\r{self.line()}\033[K", end="", file=self.stream, flush=True)
        elif self.done >= self.next_count or now - self.last >= self.every_seconds:
            print(self.line(), file=self.stream, flush=True)
            self.last, self.next_count = now, self.done + max(1, self.total // 10)

    def close(self) -> None:
        if self.terminal and self.done:
            print(file=self.stream, flush=True)
