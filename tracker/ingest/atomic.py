"""Locked, atomic, interruptible file writes: how ``tracker add`` and ``tracker import`` touch a data folder.

``locked`` takes an exclusive ``fcntl.flock`` on ``.tracker.lock`` in the data
folder (concurrent writers queue; a waiting writer says so once and times out
with a clear error); ``atomic_write`` replaces a file by writing a temporary
file in the same folder, fsync, rename, fsync the folder, so a crash leaves the
old file or the new one, never half of either.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.errors import ConflictError, UsageError
from tracker.files import write_whole

LOCK_NAME = ".tracker.lock"


_TMP_GLOB = ".*.csv.*.tmp"


#: Seconds a writer waits for the lock before giving up ($TRACKER_LOCK_TIMEOUT overrides).
LOCK_TIMEOUT = 60.0


LOCK_POLL = 0.05


#: Called once with a message when a writer has to wait for the lock (the CLI prints it on stderr).
on_wait: Callable[[str], None] | None = None


def _lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("TRACKER_LOCK_TIMEOUT", LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT


@contextmanager
def locked(root: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the data folder ``root``.

    While another writer holds it, says so once (``on_wait``) and polls, so
    Ctrl-C ends the wait at once; after ``timeout`` seconds (default
    ``$TRACKER_LOCK_TIMEOUT`` or 60) it gives up with ``ConflictError``.
    """
    import time

    path = Path(root) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UsageError(
            f"{path}: cannot create the lock file ({exc.strerror}); is the data folder writable?"
        ) from None
    try:
        limit = _lock_timeout() if timeout is None else timeout
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - start >= limit:
                    raise ConflictError(
                        f"{path}: another tracker add or import held the lock for {limit:g} s; "
                        "nothing written. Try again when it is done (TRACKER_LOCK_TIMEOUT sets the wait)"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(
                        f"waiting for {path}: another tracker add or import is writing "
                        f"(up to {limit:g} s; Ctrl-C stops)"
                    )
                told = True
                time.sleep(LOCK_POLL)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` by ``content``, whole or not at all (``tracker.files.write_whole``)."""
    write_whole(path, content)


def remove_stale_temps(root: Path) -> None:
    """Temp files of writers killed mid-write (only writers holding the lock create them)."""
    for tmp in root.glob(_TMP_GLOB):
        try:
            tmp.unlink()
        except OSError:
            pass
