"""face_alignment_tf.progress: count, rate and ETA; a rewritten line on a terminal, plain
lines every tenth of the work otherwise."""

import io

from face_alignment_tf.progress import Progress, clock


def test_clock():
    assert (clock(12), clock(60), clock(3725)) == ("0:12", "1:00", "1:02:05")


def test_plain_lines_every_tenth_and_a_terminal_line_rewritten():
    stream = io.StringIO()
    progress = Progress(100, stream=stream, terminal=False, every_seconds=1e9)
    for _ in range(100):
        progress.update()
    progress.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [f"{n}/100" for n in range(10, 101, 10)]
    assert lines[-1].endswith("ETA 0:00") and "images" in lines[0] and "/s" in lines[0]
    terminal = io.StringIO()
    progress = Progress(3, unit="frames", stream=terminal, terminal=True)
    for _ in range(3):
        progress.update()
    progress.close()
    text = terminal.getvalue()
    assert text.count("\r") == 3 and "3/3 frames" in text and text.endswith("\n")
