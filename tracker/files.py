"""Writing one file whole or not at all: CSV tables, ledger entries and charts all go through here.

``write_whole`` writes the bytes to a new temporary file in the same folder
(``.NAME.XXXX.tmp``, created exclusively, so a planted link is never followed),
flushes it to disk, then puts it in place: renamed over ``path``, or, with
``exclusive``, hard-linked to ``path``, which fails if ``path`` exists (a
ledger entry or a chart that must never be replaced). The folder is then
flushed too. A failure at any step (a full disk, Ctrl-C) removes the temporary
file: ``path`` is the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, content: bytes, *, exclusive: bool = False, mode: int | None = None) -> bool:
    """Write ``content`` to ``path`` atomically; False (nothing written) if ``exclusive`` and ``path`` exists.

    ``mode`` defaults to the replaced file's permissions, or 0o644 for a new file.
    Other ``OSError``s (permission, full disk) propagate after the clean-up.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o777
            except FileNotFoundError:
                mode = 0o644
        os.chmod(tmp, mode)
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    _sync_folder(path.parent)
    return True


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the new file (best effort: some file systems refuse)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
