"""One trainer per train_dir: <train_dir>/lock, held for the whole run.

The lock is an exclusive `flock` on the file, taken before the trainer writes anything;
the file names its holder (pid, host, start time) for the message a second trainer gets.
The kernel drops the lock when its process ends in any way (SIGKILL included), so a lock
whose process is gone is simply taken over. A run that ends normally removes the file.
`flock` is local to one machine (and NFS clients that map it onto NFS locks).
"""

import datetime
import fcntl
import json
import os
import socket
from pathlib import Path

from absl import logging

from face_alignment_tf.data.errors import DataError

LOCK_FILE = "lock"


def _holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}


class RunLock:
    """with RunLock(train_dir): ... -- refused (DataError) while another process holds it."""

    def __init__(self, train_dir: str | Path):
        self.path = Path(train_dir) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise DataError(self.path.parent, f"cannot write here: {error.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise DataError(
                    self.path.parent,
                    f"another trainer is using this train_dir (pid {holder.get('pid', '?')} on "
                    f"{holder.get('host', '?')}, started {holder.get('started', '?')}); "
                    "wait for it, stop it, or use another --train_dir",
                ) from None
            try:  # the holder may have removed the file between our open and flock
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        previous = _holder(fd)
        if previous:
            logging.warning(
                "took over %s from pid %s on %s (started %s): that process is gone",
                self.path, previous.get("pid"), previous.get("host"), previous.get("started"),
            )  # fmt: skip
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)  # while still holding it
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
