"""Command-line start-up without TensorFlow's C++ banners.

TensorFlow prints its oneDNN and CPU-feature notices to the process's stderr while it
loads, before its logging honours TF_CPP_MIN_LOG_LEVEL; the command lines import it with
stderr pointed at /dev/null for that moment, and set the level for what comes after.
Python errors are unaffected (they are raised, and printed once stderr is back).
"""

import os
import sys


def import_tensorflow_quietly() -> None:
    """Imports tensorflow (once) with file descriptor 2 silenced during the import."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, silent = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(silent, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(silent)
