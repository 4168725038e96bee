"""Atomic file writes: a reader sees either the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, creating parent folders as needed.

    The text goes to a temporary file in the same folder, is flushed and fsynced, then
    ``os.replace`` swaps it in. The folder is fsynced too where the platform allows, so the
    rename itself survives a crash. On any error the temporary file is removed.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Fsync a directory so a rename inside it is durable (a no-op where unsupported)."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:  # Windows cannot open directories
        return
    try:
        dir_fd = os.open(folder, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
